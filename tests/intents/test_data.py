"""A bad training CSV is refused with the line that is wrong, and the active model stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist.config import Settings
from assist.errors import InputError
from assist.intents import registry
from assist.intents.data import read_labelled_csv
from assist.intents.service import train_from_csv


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


BAD_CSVS = {
    "missing_column": (b"text,category\nhello,card_arrival\n", ("csv", "line 1"), "missing column label"),
    "empty_label": (b"text,label\nwhere is my card,card_arrival\nhi there,\n", ("csv", "line 3", "label"), "empty"),
    "empty_text": (b"text,label\nwhere is my card,card_arrival\n ,age_limit\n", ("csv", "line 3", "text"), "empty"),
    "one_class": (b"text,label\nwhere is my card,card_arrival\nis it coming,card_arrival\n", ("csv", "label"), "two"),
    "only_oos_besides_one": (
        b"text,label\nwhere is my card,card_arrival\nweather?,out_of_scope\n",
        ("csv", "label"),
        "two intents",
    ),
    "not_utf8": (b"text,label\nwhere is my card,card_arrival\ncaf\xe9 card,age_limit\n", ("csv", "line 3"), "UTF-8"),
    "no_rows": (b"text,label\n", ("csv",), "no rows"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSVS))
def test_bad_csv_names_the_line_and_keeps_the_active_model(case: str, settings: Settings, tiny_csv: Path) -> None:
    content, loc, message = BAD_CSVS[case]
    before = train_from_csv(settings=settings, csv_path=tiny_csv).model_id
    bad = _write(settings.data_dir.parent / "bad.csv", content)

    with pytest.raises(InputError) as caught:
        train_from_csv(settings=settings, csv_path=bad)

    assert caught.value.loc == loc
    assert message in caught.value.message
    assert registry.active_id(settings.models_dir) == before


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_labelled_csv(tmp_path / "nope.csv", for_training=True)


def test_quoted_commas_newlines_and_bom_are_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ok.csv",
        '\ufefftext,label\n"my card, the new one, has not arrived",card_arrival\n"two\nlines",age_limit\n'.encode(),
    )
    data = read_labelled_csv(path, for_training=True)
    assert data.texts == ["my card, the new one, has not arrived", "two\nlines"]
    assert data.intents == ["age_limit", "card_arrival"]


def test_evaluation_csv_may_hold_a_single_label(tmp_path: Path) -> None:
    path = _write(tmp_path / "oos.csv", b"text,label\nweather?,out_of_scope\n")
    assert read_labelled_csv(path, for_training=False).labels == ["out_of_scope"]
