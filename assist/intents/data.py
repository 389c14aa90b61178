"""Labelled CSVs (`text,label`), read strictly: a bad row is named, never skipped silently."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from assist.errors import InputError
from assist.intents.models import OUT_OF_SCOPE

REQUIRED_COLUMNS = ("text", "label")
MAX_TEXT_CHARS = 2_000


@dataclass(frozen=True)
class LabelledData:
    texts: list[str]
    labels: list[str]

    @property
    def intents(self) -> list[str]:
        return sorted({label for label in self.labels if label != OUT_OF_SCOPE})

    def digest(self) -> str:
        """Content hash of the rows, independent of where the file lives."""
        h = hashlib.sha256()
        for text, label in zip(self.texts, self.labels, strict=True):
            h.update(f"{text}\x1f{label}\x1e".encode())
        return h.hexdigest()


def read_labelled_csv(path: Path, *, for_training: bool) -> LabelledData:
    """Rows are numbered as lines of the file (the header is line 1), as an editor shows them."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(("csv",), f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(("csv", f"line {line}"), f"bytes that are not UTF-8 at byte {exc.start}") from exc

    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputError(
            ("csv", "line 1"), f"missing column {', '.join(missing)}; the header must name text,label (found {header})"
        )
    reader.fieldnames = header

    texts: list[str] = []
    labels: list[str] = []
    for row in reader:
        line = reader.line_num
        text = (row.get("text") or "").strip()
        label = (row.get("label") or "").strip()
        if not text:
            raise InputError(("csv", f"line {line}", "text"), "empty text")
        if not label:
            raise InputError(("csv", f"line {line}", "label"), "empty label")
        if len(text) > MAX_TEXT_CHARS:
            raise InputError(("csv", f"line {line}", "text"), f"longer than {MAX_TEXT_CHARS} characters")
        texts.append(text)
        labels.append(label)

    if not texts:
        raise InputError(("csv",), "no rows after the header")
    data = LabelledData(texts=texts, labels=labels)
    if for_training and len(data.intents) < 2:
        found = data.intents[0] if data.intents else "none"
        raise InputError(
            ("csv", "label"), f"training needs at least two intents besides {OUT_OF_SCOPE} (found {found!r} only)"
        )
    return data
