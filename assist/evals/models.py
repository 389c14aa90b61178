"""Shapes of the evaluation suites: declarations (data in evals/suites/), outcomes, baselines and a run."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Mode = Literal["full", "fast"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricSpec(_Strict):
    """A metric's threshold and how far it may fall back from the baseline before the gate fails."""

    min: float | None = Field(default=None, description="Fails when the value is below this.")
    max: float | None = Field(default=None, description="Fails when the value is above this.")
    goal: Literal["higher", "lower"] | None = Field(
        default=None, description="Which way is better; implied by min (higher) or max (lower) when omitted."
    )
    tolerance: float = Field(default=0.0, ge=0, description="Allowed worsening against the baseline, absolute.")
    description: str = ""

    @model_validator(mode="after")
    def _direction_known(self) -> MetricSpec:
        if self.goal is None:
            if self.min is not None and self.max is not None:
                raise ValueError("a metric with both min and max must say its goal (higher or lower)")
            if self.min is None and self.max is None:
                raise ValueError("a metric without a threshold must say its goal (higher or lower)")
        return self

    @property
    def higher_is_better(self) -> bool:
        return self.goal == "higher" if self.goal else self.min is not None


class SuiteSpec(_Strict):
    """One suite as declared in evals/suites/<name>.yaml; `adapter` names a module in assist/evals/suites/."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    adapter: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    data: dict[str, str] = Field(default_factory=dict, description="Named data files, relative to the checkout.")
    options: dict[str, Any] = Field(default_factory=dict, description="Adapter options for a full run.")
    fast: dict[str, Any] = Field(default_factory=dict, description="Options that override `options` under --fast.")
    metrics: dict[str, MetricSpec] = Field(min_length=1)

    def options_for(self, mode: Mode) -> dict[str, Any]:
        return {**self.options, **self.fast} if mode == "fast" else dict(self.options)


def bounds_text(thresholds: dict[str, float | str | None]) -> str:
    """`>= 0.9`, `<= 0`, or `none`, for a SuiteResult's thresholds entry."""
    parts = [
        f"{sign} {thresholds[key]:g}" for key, sign in (("min", ">="), ("max", "<=")) if thresholds.get(key) is not None
    ]
    return " and ".join(parts) or "none"


class Outcome(BaseModel):
    """What an adapter returns: the metric values and the detail the report shows."""

    metrics: dict[str, float]
    cases: int = Field(description="How many cases the suite evaluated.")
    # Adapter-specific detail for the report (per-intent quality, misses, failed journeys, leaks), JSON-able.
    details: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict, description="Versions of what this suite evaluated.")


class Failure(BaseModel):
    metric: str
    kind: Literal["threshold", "regression", "missing", "error"]
    message: str


class SuiteResult(BaseModel):
    name: str
    description: str
    metrics: dict[str, float]
    thresholds: dict[str, dict[str, float | str | None]]
    baseline: dict[str, float] | None
    passed: bool
    failures: list[Failure]
    cases: int
    seconds: float
    details: dict[str, Any] = Field(default_factory=dict)


class RunResult(BaseModel):
    suites: list[SuiteResult]
    passed: bool
    versions: dict[str, str]
    mode: Mode
    baseline: str
    started_at: datetime
    seconds: float

    def summary(self) -> dict[str, Any]:
        """The `--json` shape: the contract's keys, without the report's per-case detail."""
        return {
            "suites": [s.model_dump(mode="json", exclude={"details"}) for s in self.suites],
            "passed": self.passed,
            "versions": self.versions,
            "mode": self.mode,
            "baseline": self.baseline,
            "seconds": self.seconds,
        }


class Baseline(BaseModel):
    """evals/baselines/<name>.json: the metrics a run recorded, per mode (a fast run is compared with fast)."""

    name: str
    modes: dict[Mode, dict[str, dict[str, float]]] = Field(default_factory=dict)
    versions: dict[Mode, dict[str, str]] = Field(default_factory=dict)
    recorded_at: dict[Mode, datetime] = Field(default_factory=dict)
