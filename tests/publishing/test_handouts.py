"""Student handouts (helpers.publishing.handouts): solution cells out, check outputs cleared, everything else kept;
HTML offline."""

from __future__ import annotations

import re

import nbformat
import pytest
from course_samples import hidden_cells_lesson, snapshot_lessons
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.publishing import handouts
from helpers.publishing.notebooks import PLOTLY_MIME as PLOTLY
from helpers.publishing.notebooks import SOLUTION_TAG, cells_with_tag, find_lessons, has_tag
from helpers.publishing.rendering import remote_references
from helpers.ui.checks import HINT, PASS, TODO, Verdict

LESSONS = find_lessons()

SOLUTION = "<details><summary>Solution</summary>\n\nThe answer is 42.\n\n```python\nx = 42\n```\n</details>"
#: A pattern a leaked solution would match, in any markdown the handout shows.
LEAK = re.compile(r"<summary\b[^>]*>\s*(<[^>]+>\s*)*Solution", re.I)


def solution_cell(source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source, metadata={"tags": [SOLUTION_TAG]})


def made_up_lesson() -> nbformat.NotebookNode:
    figure = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {"title": {"text": "A figure"}}}
    return new_notebook(cells=[
        new_markdown_cell("# 98 · Made up\n\nOne line.\n\n**Time:** 5 min · **Needs:** nothing\n\n1. A · 2. B"),
        new_code_cell("fig", execution_count=1, outputs=[
            new_output("display_data", data={PLOTLY: figure, "text/plain": "Figure()"}),
            new_output("stream", name="stdout", text="Figure: A figure. Two bars.\n")]),
        new_markdown_cell("## 1. Exercises\n\n### Exercise 1 · Guess (5 min · ★☆☆)\nGuess."),
        new_code_cell("print(table)\nmy_guess = None\ncheck.exercise_9_1(my_guess)", execution_count=2,
                      outputs=[new_output("stream", name="stdout",
                                          text="cheat    0.595\n○ Not attempted yet: set my_guess\n  to a number\n"),
                               new_output("execute_result", execution_count=2, data={"text/plain": "'hint'"})]),
        solution_cell(SOLUTION),
        new_markdown_cell("### Exercise 2\n\n<details><summary>Hint</summary>Look up.</details>"),
        solution_cell("<details open>\n<summary><b>Solution</b> (worked)</summary>\nSecond answer.\n</details>"),
    ])


def test_each_solution_cell_is_replaced_and_hints_are_kept():
    lesson = made_up_lesson()
    handout, removed, _ = handouts.make_handout(lesson)
    assert removed == 2
    text = "\n".join(c.source for c in handout.cells if c.cell_type == "markdown")
    assert text.count(handouts.SOLUTION_LINE) == 2
    assert "42" not in text and "Second answer" not in text
    assert "<details><summary>Hint</summary>Look up.</details>" in text
    assert "### Exercise 2" in text
    for before, after in zip(lesson.cells, handout.cells, strict=True):
        if has_tag(before, SOLUTION_TAG):  # the same place and id, no longer tagged (it is not a solution any more)
            assert after.source == handouts.SOLUTION_LINE and after.id == before.id
            assert not has_tag(after, SOLUTION_TAG)
    assert cells_with_tag(handout, SOLUTION_TAG) == []


def test_a_solution_in_an_untagged_cell_raises_instead_of_leaking():
    for source in ("<details><summary>Solution</summary>\nthe answer, never closed",
                   "Text, then <details><summary><b>Solution</b></summary>The answer.</details>"):
        lesson = made_up_lesson()
        lesson.cells.append(new_markdown_cell(source))
        with pytest.raises(ValueError, match=r"cell\(s\) \[7\].*not tagged 'solution'"):
            handouts.make_handout(lesson)


def test_make_handout_clears_check_outputs_and_keeps_the_rest():
    lesson = made_up_lesson()
    before = nbformat.writes(lesson)
    handout, removed, cleared = handouts.make_handout(lesson)
    assert nbformat.writes(lesson) == before, "the lesson itself must not change"
    assert (removed, cleared) == (2, 1)
    (kept,) = handout.cells[3].outputs
    assert kept["text"] == "cheat    0.595\n", "the check's verdict and return value go, the table it needs stays"
    assert handout.cells[1].outputs == lesson.cells[1].outputs, "figures and their text alternatives stay"
    assert handout.cells[0].source.endswith(handouts.HANDOUT_NOTE)
    assert handout.metadata["course_handout"] == {"solutions_removed": 2, "check_outputs_cleared": 1}
    assert handouts.is_check_cell(new_code_cell("verdict = check.exercise_2_3(my_context)"))
    assert not handouts.is_check_cell(new_code_cell("blazer = check.blazer_probability()"))


def test_made_up_lesson_builds_notebooks_and_offline_html(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(made_up_lesson(), notebooks / "98_made_up.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Not a lesson")]), notebooks / "instructor.ipynb")
    report = handouts.build_handouts(notebooks, tmp_path / "handouts", readme=tmp_path / "no-readme.md")
    assert [p.name for p in report.notebooks] == ["98_made_up.ipynb"], "only NN_name.ipynb lessons are handed out"
    assert "98_made_up.ipynb: 2 solution(s) removed, 1 check output(s) cleared" in capsys.readouterr().out
    page = (tmp_path / "handouts" / "site" / "98_made_up.html").read_text(encoding="utf-8")
    assert handouts.SOLUTION_LINE.replace("'", "&#39;") in page or handouts.SOLUTION_LINE in page
    assert "The answer is 42" not in page and "Second answer" not in page
    assert "Not attempted yet" not in page
    assert not LEAK.search(page)
    assert remote_references(page) == []
    assert (tmp_path / "handouts" / "site" / "assets" / "plotly.min.js").is_file()
    index = (tmp_path / "handouts" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Solution" not in index and "no exercise solutions" in index, "the index promises no folded solutions"
    # a rebuild replaces the handouts; a foreign folder is never replaced
    handouts.build_handouts(notebooks, tmp_path / "handouts", html=False, verbose=False)
    assert not (tmp_path / "handouts" / "site").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not built by helpers.publishing.handouts"):
        handouts.build_handouts(notebooks, foreign, verbose=False)
    assert (foreign / "keep.txt").read_text() == "mine"


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="notebooks_dir="):
        handouts.build_handouts(tmp_path / "nowhere", tmp_path / "out", verbose=False)
    with pytest.raises(ValueError, match="holds no lesson notebooks"):
        handouts.build_handouts(tmp_path, tmp_path / "out", verbose=False)
    assert handouts.main(["--notebooks", str(tmp_path / "nowhere")]) == 1


# -- the real lessons ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_handouts(tmp_path_factory):
    snapshot = snapshot_lessons(tmp_path_factory.mktemp("lessons"))
    report = handouts.build_handouts(snapshot, tmp_path_factory.mktemp("out") / "handouts", html=False,
                                     verbose=False)
    return snapshot, report


def test_every_lesson_has_a_handout_without_solutions(real_handouts):
    snapshot, report = real_handouts
    assert [p.name for p in report.notebooks] == [p.name for p in LESSONS]
    for path in report.notebooks:
        lesson = nbformat.read(snapshot / path.name, as_version=4)
        handout = nbformat.read(path, as_version=4)
        assert len(handout.cells) == len(lesson.cells)
        text = "\n".join(c.source for c in handout.cells if c.cell_type == "markdown")
        assert not LEAK.search(text), f"{path.name} leaks a solution"
        lesson_text = "\n".join(c.source for c in lesson.cells if c.cell_type == "markdown")
        solutions = len(cells_with_tag(lesson, SOLUTION_TAG))
        assert len(LEAK.findall(lesson_text)) == solutions, f"{path.name}: a solution block outside a tagged cell"
        assert text.count(handouts.SOLUTION_LINE) == solutions == report.solutions_removed[path.name]
        assert cells_with_tag(handout, SOLUTION_TAG) == []


def test_check_outputs_are_cleared_and_other_outputs_kept(real_handouts):
    snapshot, report = real_handouts
    for path in report.notebooks:
        lesson = nbformat.read(snapshot / path.name, as_version=4)
        handout = nbformat.read(path, as_version=4)
        for before, after in zip(lesson.cells, handout.cells, strict=True):
            if handouts.is_check_cell(before):
                text = "".join(o.get("text", "") for o in after.outputs)
                assert not any(mark in text for mark in handouts.VERDICT_PREFIXES), f"{path.name}: a verdict is left"
                assert all(o.get("output_type") != "execute_result" for o in after.outputs)
            elif before.cell_type == "code":
                assert after.outputs == before.outputs, f"{path.name}: an output other than a check changed"


def test_verdict_marks_match_the_self_checks():
    for status in (PASS, HINT, TODO):
        assert str(Verdict(status, "message")).startswith(handouts.VERDICT_PREFIXES), status


def test_lessons_with_exercises_lose_their_solutions():
    """Every lesson after 00 has exercises with solutions (design.md); a handout build that removes none is broken."""
    for path in LESSONS:
        if path.name.startswith("00_"):
            continue
        _, removed, cleared = handouts.make_handout(nbformat.read(path, as_version=4))
        assert removed >= 1, f"{path.name}: no solution cell (tagged {SOLUTION_TAG!r}) found"


def test_hidden_input_stays_hidden_in_the_handout_notebook_and_its_page(tmp_path):
    """The handout keeps the markers, so JupyterLab keeps the code folded; its page shows the sentence only."""
    lesson = hidden_cells_lesson()
    handout, _, _ = handouts.make_handout(lesson)
    for before, after in zip(lesson.cells, handout.cells, strict=True):
        assert after.metadata == before.metadata and after.get("outputs") == before.get("outputs")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(lesson, notebooks / "96_hidden.ipynb")
    handouts.build_handouts(notebooks, tmp_path / "handouts", readme=tmp_path / "no-readme.md", verbose=False)
    saved = nbformat.read(tmp_path / "handouts" / "notebooks" / "96_hidden.ipynb", as_version=4)
    assert [c.metadata.get("tags") for c in saved.cells if c.cell_type == "code"][0] == ["hide-input"]
    assert saved.cells[3].metadata["jupyter"] == {"source_hidden": True}
    page = (tmp_path / "handouts" / "site" / "96_hidden.html").read_text(encoding="utf-8")
    assert "SECRET_CODE" not in page and "The rate rose to <strong>0.53</strong>" in page
