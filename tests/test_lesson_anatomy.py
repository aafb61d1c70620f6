"""Every lesson opens the same way (time, needs, run time, objectives, a list of sections), and the list of sections
is the notebook's real table of contents: a section promised in the opening has its heading, and no heading is
missing from the list."""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers import PROJECT_ROOT

LESSONS = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def section_list(opening: str) -> list[str]:
    """The numbers of the opening's "1. ... · 2. ..." list of sections."""
    for paragraph in re.split(r"\n\s*\n", opening):
        flat = " ".join(paragraph.split()).removeprefix("**Sections:** ")
        if flat.startswith("1. ") and " · " in flat:
            return re.findall(r"(?:^|· )(\d+)\. ", flat)
    raise AssertionError("the opening cell has no '1. ... · 2. ...' list of sections")


def numbered_headings(nb: nbformat.NotebookNode) -> list[str]:
    return [m.group(1) for cell in nb.cells if cell.cell_type == "markdown"
            for m in re.finditer(r"^## (\d+)\. ", cell.source, flags=re.MULTILINE)]


def test_section_list_reads_numbers():
    assert section_list("# T\n\n**Sections:** 1. A · 2. B ·\n3. C, and D") == ["1", "2", "3"]
    with pytest.raises(AssertionError, match="no"):
        section_list("# T\n\nNo list here.")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_opening_lists_exactly_the_sections_the_lesson_has(path):
    nb = nbformat.read(path, as_version=4)
    opening = nb.cells[0].source
    for field in ("**Time:**", "**Needs:**", "**Runs in:**", "By the end you can"):
        assert field in opening, f"{path.name}: the opening lacks {field}"
    headings = numbered_headings(nb)
    assert headings == [str(n) for n in range(1, len(headings) + 1)], f"{path.name}: headings {headings}"
    assert section_list(opening) == headings, f"{path.name}: opening lists {section_list(opening)}, has {headings}"
