"""Where the public data sets are: `../shared/datasets` beside the checkout (CI, /work/main), else
/work/shared/datasets (a developer's worktree), or ASSIST_SHARED_DIR. Read in place, never copied."""

from __future__ import annotations

import os
from pathlib import Path

from assist.config import PROJECT_ROOT


def dataset(name: str) -> Path:
    candidates = [Path(p) for p in (os.environ.get("ASSIST_SHARED_DIR"),) if p]
    candidates += [PROJECT_ROOT.parent / "shared", Path("/work/shared")]
    for root in candidates:
        if (root / "datasets" / name).is_dir():
            return root / "datasets" / name
    raise SystemExit(f"data set {name!r} not found under {', '.join(map(str, candidates))} (set ASSIST_SHARED_DIR)")
