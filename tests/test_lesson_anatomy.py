"""Every lesson opens the same way (time, needs, run time, objectives, a list of sections), and the list of sections
is the notebook's real table of contents: a section promised in the opening has its heading, and no heading is
missing from the list. Every exercise solution is a markdown cell of its own, tagged ``solution`` (how the site,
the slides and the handouts find it), holding one folded ``<details>`` block (so it stays folded in JupyterLab)."""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers.publishing.notebooks import SOLUTION_SUMMARY, SOLUTION_TAG, cells_with_tag, find_lessons

LESSONS = find_lessons()


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


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_solution_is_a_tagged_cell_holding_one_folded_block(path):
    nb = nbformat.read(path, as_version=4)
    solutions = cells_with_tag(nb, SOLUTION_TAG)
    summaries = [c for c in nb.cells if c.cell_type == "markdown" for _ in SOLUTION_SUMMARY.finditer(c.source)]
    assert len(summaries) == len(solutions), f"{path.name}: a <summary>Solution outside a cell tagged 'solution'"
    for cell in solutions:
        text = cell.source.strip()
        assert cell.cell_type == "markdown", f"{path.name}: solution cell {cell.get('id')} is not markdown"
        assert text.startswith("<details>") and text.endswith("</details>") and text.count("<details") == 1, \
            f"{path.name}: solution cell {cell.get('id')} is not exactly one <details> block"
        assert "<details open" not in text, f"{path.name}: solution cell {cell.get('id')} is unfolded"
    if not path.name.startswith("00_"):
        assert solutions, f"{path.name}: no exercise solution (a markdown cell tagged 'solution')"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_rendered_section_list_is_a_paragraph_not_a_list_item(path):
    """A bare "1. ... · 2. ..." line after the objectives renders as more objectives; "**Sections:**" keeps it apart."""
    from helpers.publishing.rendering import markdown_html

    page = markdown_html(nbformat.read(path, as_version=4).cells[0].source)
    items = re.findall(r"<li>(.*?)</li>", page, flags=re.S)
    assert not any(" · " in item for item in items), f"{path.name}: the section list renders as a list item"
    assert "Sections:" in page
