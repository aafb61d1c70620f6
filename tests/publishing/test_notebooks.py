"""Reading the lessons (helpers.publishing.notebooks): which notebooks are lessons, cells by tag, headings, outputs
and text alternatives. Every builder of the publishing layer reads the notebooks through these."""

from __future__ import annotations

import nbformat
import pytest
from course_samples import HIDDEN_SHOWN, hidden_cells_lesson, snapshot_lessons
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import PROJECT_ROOT
from helpers.publishing import notebooks as nbs


def figure(title="A figure"):
    return new_output("display_data", data={nbs.PLOTLY_MIME: {"data": [], "layout": {"title": {"text": title}}},
                                            "text/plain": "Figure()"})


def stdout(text):
    return new_output("stream", name="stdout", text=text)


# -- lessons -------------------------------------------------------------------------------------------------------

def test_find_lessons_takes_numbered_notebooks_in_order(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "instructor.ipynb", "1_short.ipynb", "03_c.md", ".01_hidden.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in nbs.find_lessons(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]
    with pytest.raises(ValueError, match="notebooks_dir=.*is not a folder"):
        nbs.find_lessons(tmp_path / "no-such-folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert nbs.find_lessons(empty) == []
    with pytest.raises(ValueError, match="holds no lesson notebooks"):
        nbs.find_lessons(empty, required=True)


def test_the_course_lessons_are_found_from_the_default_folder(tmp_path):
    lessons = nbs.find_lessons()
    assert lessons == nbs.find_lessons(PROJECT_ROOT / "notebooks")
    assert lessons and all(p.name[:2].isdigit() and p.name[2] == "_" for p in lessons)
    assert nbs.read_notebook(lessons[0]).nbformat == 4
    copies = nbs.find_lessons(snapshot_lessons(tmp_path / "copy"))
    assert [p.name for p in copies] == [p.name for p in lessons]


# -- cells by tag --------------------------------------------------------------------------------------------------

def tagged_notebook():
    return new_notebook(cells=[
        new_markdown_cell("# T"),
        new_code_cell("install()", metadata={"tags": [nbs.COLAB_TAG]}),
        new_markdown_cell("<details><summary>Solution</summary>42</details>", metadata={"tags": [nbs.SOLUTION_TAG]}),
        new_markdown_cell("More.", metadata={"tags": ["other", nbs.SOLUTION_TAG]}),
        new_code_cell("x = 1"),
    ])


def test_cells_are_selected_by_tag():
    nb = tagged_notebook()
    assert [c.source for c in nbs.cells_with_tag(nb, nbs.SOLUTION_TAG)] == [nb.cells[2].source, "More."]
    assert nbs.cells_with_tag(nb, "absent") == []
    assert nbs.has_tag(nb.cells[1], nbs.COLAB_TAG) and not nbs.has_tag(nb.cells[0], nbs.COLAB_TAG)
    assert nbs.has_tag({"cell_type": "markdown"}, nbs.SOLUTION_TAG) is False, "a cell without metadata has no tag"
    assert nbs.is_solution(nb.cells[3]) and not nbs.is_solution(nb.cells[4])


def test_without_tags_copies_and_leaves_the_notebook_alone():
    nb = tagged_notebook()
    before = nbformat.writes(nb)
    kept = nbs.without_tags(nb, nbs.SOLUTION_TAG, nbs.COLAB_TAG)
    assert [c.source for c in kept.cells] == ["# T", "x = 1"]
    assert [c.source for c in nbs.for_readers(nb).cells] == ["# T", nb.cells[2].source, "More.", "x = 1"]
    assert nbformat.writes(nb) == before


def test_a_solution_block_in_an_untagged_cell_is_found_and_refused():
    nb = tagged_notebook()
    assert nbs.untagged_solutions(nb) == []
    nbs.require_tagged_solutions(nb, "fine.ipynb")
    nb.cells.append(new_markdown_cell("Hint first.\n\n<details>\n<summary><b>Solution</b> (worked)</summary>x"
                                      "</details>"))
    nb.cells.append(new_markdown_cell("<details><summary>Hint</summary>not a solution</details>"))
    assert nbs.untagged_solutions(nb) == [5]
    with pytest.raises(ValueError, match=r"leaky.ipynb: cell\(s\) \[5\] hold a <summary>Solution block"):
        nbs.require_tagged_solutions(nb, "leaky.ipynb")


# -- markdown ------------------------------------------------------------------------------------------------------

def test_headings_outside_fenced_code():
    nb = new_notebook(cells=[new_markdown_cell("# Title #\n\n## 1. A\n\n```python\n# a comment\n## not either\n```"),
                             new_code_cell("# not markdown"),
                             new_markdown_cell("~~~\n# fenced\n~~~\n### Deep")])
    assert nbs.headings(nb) == [(0, 1, "Title"), (0, 2, "1. A"), (2, 3, "Deep")]
    lines = list(nbs.heading_lines("text\n## Two\n```\n## code\n```"))
    assert [line for line, m in lines if m] == ["## Two"] and len(lines) == 5


def test_paragraphs_and_plain_text():
    assert nbs.paragraphs("\n\nOne\nline.\n\n  \n\nTwo.  \n") == ["One\nline.", "Two."]
    assert nbs.plain_text("04 · *Cheating* [generalizes](https://x.org) `fast`_ ") == "04 · Cheating generalizes fast"


# -- outputs -------------------------------------------------------------------------------------------------------

def test_outputs_figures_and_counts():
    widget = new_output("display_data", data={nbs.WIDGET_MIME: {}, "text/plain": "VBox()"})
    image = new_output("display_data", data={"image/png": "iVBOR"})
    nb = new_notebook(cells=[new_markdown_cell("# T"),
                             new_code_cell("a", outputs=[stdout("x\n"), figure("One"), widget]),
                             new_code_cell("b", outputs=[image, figure()])])
    assert [(i, k) for i, k, _ in nbs.code_outputs(nb)] == [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1)]
    assert [(i, k) for i, k, _ in nbs.figures(nb)] == [(1, 1), (2, 0), (2, 1)]
    assert [(i, k, nbs.figure_title(f)) for i, k, f in nbs.plotly_figures(nb)] == [(1, 1, "One"), (2, 1, "A figure")]
    assert nbs.count_outputs(nb) == {"figures": 2, "widgets": 1}
    assert nbs.figure_title({"layout": {"title": "plain"}}) == "plain" and nbs.figure_title({"data": []}) is None
    assert nbs.output_text(stdout("hi")) == "hi"
    assert nbs.output_text(new_output("display_data", data={"text/markdown": "**md**", "text/plain": "p"})) == "**md**"


def test_text_alternatives_in_the_same_cell_or_the_next():
    nb = new_notebook(cells=[
        new_code_cell("a", outputs=[figure("A"), stdout("table\nFigure: A. One sentence.\n")]),
        new_code_cell("b", outputs=[figure("B")]),
        new_code_cell("c", outputs=[stdout("Figure: B. Printed by the next cell.\n"), figure("C")]),
        new_code_cell("d", outputs=[figure("D"), figure("E"), stdout("Figure: E.\n")]),
        new_markdown_cell("Figure: not printed, so not a text alternative"),
    ])
    assert nbs.text_alternatives(nb, 0, 0) == ["Figure: A. One sentence."]
    assert nbs.text_alternatives(nb, 1, 0) == ["Figure: B. Printed by the next cell."]
    assert nbs.text_alternatives(nb, 2, 1) == [], "the next cell is markdown"
    assert nbs.text_alternatives(nb, 3, 0) == [], "the text after a later figure describes that figure"
    assert nbs.text_alternatives(nb, 3, 1) == ["Figure: E."]


def test_hidden_input_by_tag_or_metadata_and_collapsed_outputs():
    lesson = hidden_cells_lesson()
    assert [nbs.hides_input(c) for c in lesson.cells] == [False, False, True, True, False, False]
    assert [nbs.hides_outputs(c) for c in lesson.cells] == [False, False, False, False, True, False]
    assert not nbs.hides_input(new_markdown_cell("x", metadata={"tags": [nbs.HIDE_INPUT_TAG]}))
    assert not nbs.hides_input({"cell_type": "code", "source": "x", "metadata": {"jupyter": "not a mapping"}})
    assert nbs.displayed_markdown(lesson.cells[2]) == HIDDEN_SHOWN[0]
    assert nbs.displayed_markdown(lesson.cells[4]) == "" and nbs.displayed_markdown(lesson.cells[0]) == ""
