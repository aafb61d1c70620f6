"""Unit tests for helpers/experiments/cli.py: seed ranges and record output shared by the command lines."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from helpers.experiments.cli import FORMATS, format_records, parse_seeds

EXPECTED_FORMS = (r"expected seeds from 0 to 999: a seed \(3\), a range \(0-9\) or a comma-separated list of them "
                  r"\(0,2,5-7\)")


@pytest.mark.parametrize("text, seeds", [
    ("0-9", list(range(10))),
    ("3", [3]),
    ("0,2,5-7", [0, 2, 5, 6, 7]),
    (" 0 , 2 ,5 - 7 ", [0, 2, 5, 6, 7]),
    ("4-4", [4]),
    ("7,1-3,2", [1, 2, 3, 7]),  # sorted, duplicates removed
    ("007", [7]),
    ("999", [999]),
    ("0-999", list(range(1000))),
])
def test_parse_seeds_accepts_single_seeds_ranges_and_lists(text: str, seeds: list[int]) -> None:
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["a", "5-2", "-1", "", " ", "1,", ",1", "1,,2", "1-", "1-2-3", "0 9", "1.5", "0..9",
                                  "1000", "0-100000", "99999999999999999999", "1" * 5000])
def test_parse_seeds_rejects_bad_input_naming_the_expected_forms(text: str) -> None:
    with pytest.raises(ValueError, match=EXPECTED_FORMS) as info:
        parse_seeds(text)
    assert repr(text) in str(info.value) or f"{len(text)} characters" in str(info.value)  # says what it got


RECORDS = [
    {"seed": 0, "condition": "neutral", "cheat_rate": 0.123456789, "reached_criterion": True},
    {"seed": 1, "condition": "please-hack, with a comma", "cheat_rate": 1e-9, "steps": 40},
]


def test_format_records_json_round_trips() -> None:
    assert json.loads(format_records(RECORDS, "json")) == RECORDS


def test_format_records_accepts_any_iterable() -> None:
    assert format_records(iter(RECORDS), "json") == format_records(RECORDS, "json")
    assert format_records((r for r in RECORDS), "csv") == format_records(RECORDS, "csv")


def test_format_records_csv_round_trips_with_union_of_keys_in_first_seen_order() -> None:
    text = format_records(RECORDS, "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == ["seed", "condition", "cheat_rate", "reached_criterion", "steps"]
    rows = list(reader)
    assert len(rows) == len(RECORDS)
    for row, record in zip(rows, RECORDS, strict=True):
        for key in reader.fieldnames:
            value = record.get(key)
            if isinstance(value, float):
                assert float(row[key]) == pytest.approx(value, rel=1e-5)  # six significant digits
            else:
                assert row[key] == ("" if value is None else str(value))


def test_format_records_csv_writes_floats_with_six_significant_digits() -> None:
    assert format_records([{"x": 2 / 3}], "csv") == "x\n0.666667\n"


def test_format_records_of_no_records() -> None:
    assert json.loads(format_records([], "json")) == []
    assert list(csv.reader(io.StringIO(format_records([], "csv")))) in ([], [[]])


@pytest.mark.parametrize("fmt", ["xml", "JSON", "", None])
def test_format_records_rejects_unknown_format(fmt) -> None:
    with pytest.raises(ValueError, match=re.escape(f"format={fmt!r}; expected one of {list(FORMATS)!r}")):
        format_records(RECORDS, fmt)
