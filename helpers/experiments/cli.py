"""Small pieces shared by the command lines: seed ranges and record output."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from helpers.engine.seeds import MAX_SEED
from helpers.engine.validation import InputError

FORMATS = ("json", "csv")


def parse_seeds(text: str) -> list[int]:
    """``"0-9"``, ``"3"`` or ``"0,2,5-7"`` as a sorted list of distinct seeds, each from 0 to
    :data:`~helpers.engine.seeds.MAX_SEED` (so at most 1000 of them); InputError (a ValueError) otherwise."""
    expected = (f"expected seeds from 0 to {MAX_SEED}: a seed (3), a range (0-9) or a comma-separated list of them "
                "(0,2,5-7)")
    seeds: set[int] = set()
    text = str(text)
    if len(text) > 200:
        raise InputError(f"seeds of {len(text)} characters; {expected}")
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?", part)
        if not match:
            raise InputError(f"seeds={text!r}; {expected}")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else low
        if high < low or high > MAX_SEED:
            raise InputError(f"seeds={text!r}; {expected}")
        seeds.update(range(low, high + 1))
    return sorted(seeds)


def _plain(value: object) -> object:
    """numpy scalars as plain Python numbers, for JSON."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def format_records(records: Iterable[dict], fmt: str) -> str:
    """Records as JSON (one list) or CSV (a header from the union of keys, in first-seen order)."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r}; expected one of {list(FORMATS)}")
    records = list(records)
    if fmt == "json":
        return json.dumps(records, indent=1, default=_plain)
    columns: list[str] = []
    for record in records:
        columns += [k for k in record if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in record.items()})
    return out.getvalue()
