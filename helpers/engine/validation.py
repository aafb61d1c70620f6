"""The checks every public function makes of its arguments, written once: each raises a ValueError that names the
argument, what it got and what it expected.

Also what every command line shares: :class:`InputError` (a problem with what a person gave, an argument, a file or
a table, that they can fix), :class:`CommandLine` (an argument parser whose errors are one line) and
:func:`run_command` (expected errors as one line and a non-zero exit status, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Collection, Iterable
from typing import NoReturn

import pandas as pd

#: Exit status of a command line given a bad argument (argparse's), and of one that met a bad file or table.
USAGE_ERROR = 2
INPUT_ERROR = 1


class InputError(ValueError):
    """A problem with what a person gave (an argument, a file, a table) that they can fix: the message names the
    problem and what to do. A command line prints it as one line, without a traceback."""


class CommandLine(argparse.ArgumentParser):
    """An ``argparse`` parser whose errors are one line, ``prog: error: <message> (see prog --help)``, with exit
    status :data:`USAGE_ERROR`."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def run_command(prog: str, work: Callable[[], int], status: int = INPUT_ERROR) -> int:
    """Run a command line's work and return its exit status. An expected error (an :class:`InputError`, a file
    that cannot be read or written) becomes one line ``prog: error: ...`` on stderr and exit status ``status``;
    Ctrl-C becomes ``prog: interrupted`` and status 130. Anything else is a bug and keeps its traceback."""
    try:
        return work()
    except (InputError, OSError) as err:
        message = str(err).replace("\n", " ") or type(err).__name__
        print(f"{prog}: error: {message}", file=sys.stderr)
        return status
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


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
