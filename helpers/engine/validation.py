"""The checks every public function makes of its arguments, written once: each raises a ValueError that names the
argument, what it got and what it expected."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pandas as pd


def check_choice(name: str, value: object, allowed: Collection) -> None:
    """Raise unless ``value`` is one of ``allowed``: ``name='x'; expected one of [...]``."""
    if value not in allowed:
        raise ValueError(f"{name}={value!r}; expected one of {list(allowed)}")


def check_columns(frame: pd.DataFrame, needed: Iterable[str], what: str) -> None:
    """Raise unless the table ``frame`` (called ``what`` in the message) has every column of ``needed``."""
    needed = list(needed)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; expected columns {needed}")
