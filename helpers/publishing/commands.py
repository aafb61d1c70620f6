"""What the builders' command lines share (``python -m helpers.publishing.site``, ``.slides``, ``.handouts``): the
``--notebooks`` and ``--out`` options, an error printed without a traceback, and the page to open."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from helpers.engine.validation import CommandLine
from helpers.publishing.notebooks import NOTEBOOKS_DIR

Report = TypeVar("Report")


def builder_parser(module: str, doc: str, out: Path, out_help: str) -> CommandLine:
    """A builder's argument parser: ``--notebooks`` (the lesson folder) and ``--out`` (default ``out``), described by
    the first paragraph of the module's docstring ``doc``."""
    parser = CommandLine(prog=f"python -m {module}", description=doc.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="folder of lesson notebooks")
    parser.add_argument("--out", type=Path, default=out, help=out_help)
    return parser


def run_build(build: Callable[[], Report], index: Callable[[Report], Path | None]) -> tuple[int, Report | None]:
    """Run a build: (exit status, its report). A ValueError or RuntimeError (bad input, a page that would go online)
    or an OSError (a file that cannot be read or written) is printed as one ``error:`` line and gives status 1;
    otherwise the page ``index(report)`` (if any) is printed as a ``file://`` address to open."""
    try:
        report = build()
    except (ValueError, RuntimeError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1, None
    page = index(report)
    if page is not None:
        print(f"open {Path(page).resolve().as_uri()}")
    return 0, report
