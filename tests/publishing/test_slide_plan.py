"""Which slides a lesson gets (helpers.publishing.slide_plan): chosen by rule from the notebook, never a solution.
The decks themselves are tested in test_slides.py, which reuses :func:`made_up_lesson`."""

from __future__ import annotations

import pytest
from course_samples import COLLAPSED_TEXT, HIDDEN_SHOWN, hidden_cells_lesson
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.publishing.notebooks import PLOTLY_MIME, SOLUTION_TAG
from helpers.publishing.slide_plan import FigureItem, Segment, segments, slide_plan


def fig(title):
    return new_output("display_data", data={PLOTLY_MIME: {"data": [{"type": "bar", "y": [1]}],
                                                          "layout": {"title": {"text": title}, "height": 500}},
                                            "text/plain": "Figure()"})


def made_up_lesson():
    return new_notebook(cells=[
        new_markdown_cell("# 97 · Made up\n\nA one-line summary.\n\n**Time:** 5 min\n\nBy the end you can:\n1. a;\n"
                          "2. b.\n\n1. Intro · 2. Plots · 3. Exercises"),
        new_code_cell("import x"),
        new_markdown_cell("## 1. Intro\n\nShort.\n\nThis paragraph explains the section at some length, with more "
                          "than twenty words, so that the slide shows it instead of the short lead-in above."),
        new_markdown_cell("## 2. Plots\n\nTwo figures follow; the first one is on the slide and it is long "
                          "enough to count as the paragraph of this section, twenty words at least here."),
        new_code_cell("f", outputs=[fig("First figure"),
                                    new_output("stream", name="stdout", text="Figure: First figure. Text.\n")]),
        new_code_cell("g", outputs=[fig("Second figure")]),
        new_markdown_cell("## 3. Exercises\n\n### Exercise 1 · Guess   (⏱ 5 min · ★☆☆)\nGuess."),
        new_markdown_cell("<details><summary>Solution</summary>SECRET ANSWER</details>",
                          metadata={"tags": [SOLUTION_TAG]}),
        new_markdown_cell("### Exercise 2 · Compute   (⏱ 10 min · ★★☆)\nCompute."),
        new_markdown_cell("## 4. Summary\n\n- first point\n- second point\n\n## Questions to discuss\n\n1. Why?\n\n"
                          "## References\n\n- A. Author (2026)."),
    ])


def test_slide_plan_follows_the_rule():
    plan = slide_plan(made_up_lesson())
    assert [s.kind for s in plan] == ["title", "section", "section", "section", "summary", "questions"]
    title = plan[0]
    assert title.heading == "97 · Made up" and "A one-line summary." in title.markdown and "1. a;" in title.markdown
    assert "Intro · 2. Plots" not in title.markdown, "the section map is not on the title slide"
    assert plan[1].markdown.startswith("This paragraph explains") and plan[1].figure is None
    assert plan[2].figure["layout"]["title"]["text"] == "First figure"
    assert plan[2].caption == "Figure: First figure. Text."
    assert plan[3].markdown.splitlines() == ["- Exercise 1 · Guess   (⏱ 5 min · ★☆☆)",
                                             "- Exercise 2 · Compute   (⏱ 10 min · ★★☆)"]
    assert plan[4].markdown == "- first point\n- second point" and plan[5].markdown == "1. Why?"
    assert all("SECRET" not in s.markdown and "References" not in s.heading for s in plan)
    assert plan[3].cells == [6, 8], "the exercise slide's cells: its heading and the next exercise, not the solution"


def test_the_stream_skips_solution_cells_and_keeps_figures_in_order():
    stream = segments(made_up_lesson())
    assert all("SECRET" not in item.body for item in stream if isinstance(item, Segment))
    assert [item.cell for item in stream if isinstance(item, FigureItem)] == [4, 5]
    assert [item.caption for item in stream if isinstance(item, FigureItem)] == ["Figure: First figure. Text.", ""]


def test_a_solution_in_an_untagged_cell_is_refused_not_shown():
    lesson = made_up_lesson()
    lesson.cells[7].metadata = {}
    with pytest.raises(ValueError, match=r"cell\(s\) \[7\].*not tagged 'solution'"):
        slide_plan(lesson)
    inline = made_up_lesson()
    inline.cells[9].source += "\n\n<details><summary><b>Solution</b></summary>SECRET</details>"
    with pytest.raises(ValueError, match="not tagged"):
        slide_plan(inline)


def test_headings_in_fenced_code_do_not_start_slides():
    nb = new_notebook(cells=[new_markdown_cell("# 96 · Fences\n\nSummary.\n\n```python\n## not a section\n```"),
                             new_markdown_cell("## 1. Real\n\n" + "Words " * 25)])
    assert [s.heading for s in slide_plan(nb)] == ["96 · Fences", "1. Real"]


def test_hidden_input_cells_give_their_sentence_and_collapsed_outputs_their_figure():
    """A sentence-building cell (hidden input, by tag or by metadata) counts as prose and its code is never on a
    slide; a figure whose outputs JupyterLab collapses is used like any other."""
    plan = slide_plan(hidden_cells_lesson())
    assert [s.kind for s in plan] == ["title", "section", "summary"]
    assert plan[1].markdown == HIDDEN_SHOWN[0], "the first long paragraph is the hidden cell's sentence"
    assert plan[1].figure["layout"]["title"]["text"] == "Collapsed twin" and plan[1].caption == COLLAPSED_TEXT
    bodies = [item.body for item in segments(hidden_cells_lesson()) if isinstance(item, Segment)]
    assert HIDDEN_SHOWN[1] in bodies, "the metadata marker alone is enough"
    assert not any("SECRET_CODE" in t or "display(" in t for t in bodies + [s.markdown for s in plan])
