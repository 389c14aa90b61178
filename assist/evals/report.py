"""The HTML report an owner reads without code: one self-contained file, charts embedded as PNG."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure  # figures without pyplot: no global state, no display needed

from assist.evals.models import RunResult, SuiteResult, bounds_text

WORST_INTENTS = 25

_env = Environment(loader=PackageLoader("assist.evals", "templates"), autoescape=select_autoescape(["html"]))


def write_report(result: RunResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8")
    return path


def render_report(result: RunResult) -> str:
    suites = [_suite_view(s) for s in result.suites]
    return _env.get_template("report.html").render(result=result, suites=suites)


def _suite_view(suite: SuiteResult) -> dict[str, Any]:
    rows = []
    for name, spec in suite.thresholds.items():
        value = suite.metrics.get(name)
        before = (suite.baseline or {}).get(name)
        failed = [f.kind for f in suite.failures if f.metric == name]
        rows.append(
            {
                "name": name,
                "value": value,
                "threshold": bounds_text(spec),
                "baseline": before,
                "delta": None if value is None or before is None else value - before,
                "tolerance": spec.get("tolerance"),
                "goal": spec.get("goal"),
                "status": "fail" if failed else "pass",
                "why": ", ".join(failed),
            }
        )
    details = suite.details
    charts = {"metrics": _png(_metrics_chart(suite))} if suite.metrics else {}
    per_intent = details.get("per_intent") or []
    if per_intent:
        charts["intents"] = _png(_intents_chart(per_intent))
    if details.get("confusion"):
        charts["confusion"] = _png(_confusion_chart(details["confusion"]))
    return {
        "suite": suite,
        "rows": rows,
        "charts": charts,
        "per_intent": sorted(per_intent, key=lambda q: (q["f1"], q["label"])),
        "details": details,
    }


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _metrics_chart(suite: SuiteResult) -> Figure:
    """Each metric as a bar; the threshold as a red tick and the baseline as a grey dot."""
    names = list(suite.metrics)
    values = [suite.metrics[n] for n in names]
    fig = Figure(figsize=(7, 0.45 * len(names) + 0.8))
    ax = fig.subplots()
    y = np.arange(len(names))
    failed = {f.metric for f in suite.failures}
    ax.barh(y, values, color=["#c0392b" if n in failed else "#2e86c1" for n in names])
    for i, name in enumerate(names):
        spec = suite.thresholds.get(name, {})
        for key in ("min", "max"):
            bound = spec.get(key)
            if isinstance(bound, float | int):
                ax.plot([bound, bound], [i - 0.4, i + 0.4], color="#922b21", linewidth=2)
        before = (suite.baseline or {}).get(name)
        if before is not None:
            ax.plot(before, i, "o", color="#555555", markersize=5)
        ax.text(values[i], i, f" {values[i]:.3g}", va="center", fontsize=8)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(f"{suite.name}: value (bar), threshold (red line), baseline (grey dot)", fontsize=9)
    upper = max(
        [
            *values,
            *[
                float(v)
                for s in suite.thresholds.values()
                for v in (s.get("max"), s.get("min"))
                if isinstance(v, float | int)
            ],
            1.0,
        ]
    )
    ax.set_xlim(0, upper * 1.15)
    return fig


def _intents_chart(per_intent: list[dict[str, Any]]) -> Figure:
    worst = sorted((q for q in per_intent if q["support"]), key=lambda q: q["f1"])[:WORST_INTENTS]
    fig = Figure(figsize=(7, 0.28 * len(worst) + 1))
    ax = fig.subplots()
    y = np.arange(len(worst))
    ax.barh(y - 0.2, [q["precision"] for q in worst], height=0.4, label="precision", color="#2e86c1")
    ax.barh(y + 0.2, [q["recall"] for q in worst], height=0.4, label="recall", color="#e67e22")
    ax.set_yticks(y, [q["label"] for q in worst], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title(f"The {len(worst)} intents with the lowest F1", fontsize=9)
    return fig


def _confusion_chart(confusion: dict[str, Any]) -> Figure:
    """Rows are the expected intent, columns the predicted one; log colour so single mistakes show."""
    labels, matrix = confusion["labels"], np.array(confusion["matrix"], dtype=float)
    size = max(6.0, 0.12 * len(labels))
    fig = Figure(figsize=(size, size))
    ax = fig.subplots()
    shown = np.where(matrix > 0, matrix, np.nan)
    image = ax.imshow(shown, cmap="viridis", norm=LogNorm(vmin=1, vmax=max(2.0, float(np.nanmax(matrix)))))
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=5)
    ax.set_yticks(range(len(labels)), labels, fontsize=5)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    fig.colorbar(image, ax=ax, fraction=0.03, label="rows")
    return fig
