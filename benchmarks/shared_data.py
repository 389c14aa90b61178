"""Where the public data sets are: `../shared/datasets` beside the checkout (CI, /work/main), else
/work/shared/datasets (a developer's worktree), or ASSIST_SHARED_DIR. Read in place, never copied."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from assist.config import PROJECT_ROOT
from assist.timeline.models import TimelineEvent


def dataset(name: str) -> Path:
    candidates = [Path(p) for p in (os.environ.get("ASSIST_SHARED_DIR"),) if p]
    candidates += [PROJECT_ROOT.parent / "shared", Path("/work/shared")]
    for root in candidates:
        if (root / "datasets" / name).is_dir():
            return root / "datasets" / name
    raise SystemExit(f"data set {name!r} not found under {', '.join(map(str, candidates))} (set ASSIST_SHARED_DIR)")


def conversation(
    turns: list[tuple[str, str]], *, channel: str, customer: dict[str, str], end: datetime, gap: timedelta
) -> list[TimelineEvent]:
    """(actor, text) turns as a timeline with no `data`, `gap` apart, ending before `end`; ids t0, t1, ..."""
    start = end - gap * (len(turns) + 1)
    return [
        TimelineEvent(
            event_id=f"t{i}",
            customer_id="c1",
            source_id=None,
            customer=customer,
            channel=channel,  # type: ignore[arg-type]
            actor=actor,  # type: ignore[arg-type]
            kind="message",
            occurred_at=start + gap * i,
            text=text,
            data={},
        )
        for i, (actor, text) in enumerate(turns)
    ]
