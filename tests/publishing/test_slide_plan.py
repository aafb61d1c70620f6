"""Which slides a lesson gets (helpers.publishing.slide_plan): chosen by rule from the notebook, never a solution.
The decks themselves are tested in test_slides.py, which reuses :func:`made_up_lesson`."""

from __future__ import annotations

import re

import pytest
from course_samples import COLLAPSED_TEXT, HIDDEN_SHOWN, hidden_cells_lesson
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.publishing.notebooks import (
    NOTEBOOKS_DIR,
    PLOTLY_MIME,
    SOLUTION_TAG,
    find_lessons,
    for_readers,
    read_notebook,
)
from helpers.publishing.slide_plan import (
    FULL_SECTIONS,
    MAX_LIST_SLIDES,
    MAX_WORDS,
    FigureItem,
    Segment,
    fit_block,
    fit_sentences,
    list_pages,
    prose_words,
    segments,
    sentences,
    short_caption,
    slide_plan,
)


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
        new_markdown_cell("## 3. Exercises\n\n### Exercise 1 · Guess (5 min · ★☆☆)\nGuess."),
        new_markdown_cell("<details><summary>Solution</summary>SECRET ANSWER</details>",
                          metadata={"tags": [SOLUTION_TAG]}),
        new_markdown_cell("### Exercise 2 · Compute (10 min · ★★☆)\nCompute."),
        new_markdown_cell("## 4. Summary\n\n- first point\n- second point\n\n## Questions to discuss\n\n1. Why?\n\n"
                          "## References\n\n- A. Author (2026)."),
    ])


def test_slide_plan_follows_the_rule():
    plan = slide_plan(made_up_lesson())
    assert [s.kind for s in plan] == ["title", "section", "section", "section", "summary", "questions"]
    title = plan[0]
    assert title.heading == "97 · Made up" and title.markdown == "A one-line summary.\n\n**Time:** 5 min"
    assert "Intro · 2. Plots" not in title.markdown and "1. a;" not in title.markdown, "no map or objectives"
    assert plan[1].markdown.startswith("This paragraph explains") and plan[1].figure is None
    assert plan[2].figure["layout"]["title"]["text"] == "First figure"
    assert plan[2].caption == "Figure: First figure.", "the first sentence of the text alternative"
    assert plan[3].markdown.splitlines() == ["- Exercise 1 · Guess (5 min · ★☆☆)",
                                             "- Exercise 2 · Compute (10 min · ★★☆)"], "no emoji on a slide"
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


# -- a slide a back row can read: at most MAX_WORDS words of prose, whole sentences, no dangling colon --------------

def test_sentences_and_words():
    text = "Marks et al. (2026) say so. Bayes, i.e. exact, wins: see `x.y`. Then?\nYes! ok"
    assert sentences(text) == ["Marks et al. (2026) say so.", "Bayes, i.e. exact, wins: see `x.y`.", "Then?",
                               "Yes! ok"]
    assert prose_words("- Exercise 1 · Guess (5 min · ★☆☆)") == 5


def test_fit_sentences_keeps_whole_sentences_and_never_ends_on_a_colon():
    assert fit_sentences("One two three. Four five six. Seven eight nine.", 6) == "One two three. Four five six."
    assert fit_sentences("Short lead. The recipe's numbers:", 45) == "Short lead."
    assert fit_sentences("The recipe's numbers:", 45) == "The recipe's numbers…"
    cut = fit_sentences("A **very long** sentence, with a clause, that goes on and on and `never` stops.", 8)
    assert cut == "A **very long** sentence, with a clause…" and prose_words(cut) <= 8
    assert fit_sentences("Words **bold and more bold text** here.", 3) == "Words **bold and**…"
    assert fit_sentences("", 10) == "" and fit_sentences("Some words.", 0) == ""


def test_fit_block_shortens_every_point_of_a_list_and_leaves_none_out():
    block = "Lead in:\n- First point. More about it.\n- A point far too long " + "word " * 50 + ".\n- Last one."
    assert fit_block(block, 12) == "Lead in:\n- First point.\n- A point far too long word…\n- Last one."
    assert prose_words(fit_block(block, 12)) <= 12
    assert short_caption("Figure: A title: with colon. Long details follow here.") == "Figure: A title: with colon."
    assert prose_words(short_caption("Figure: " + "word " * 40)) <= 16


def test_a_long_list_keeps_every_point_over_as_few_slides_as_show_them_whole():
    points = [f"- Point {n} says " + " ".join(["much"] * 10) + f", then more. Detail {n}." for n in range(5)]
    pages = list_pages("\n".join(points), False, 45, 3)
    assert len(pages) == 2, "five 15-word points need two slides of 45 words, not three"
    assert [line.split()[2] for page in pages for line in page.splitlines()] == ["0", "1", "2", "3", "4"]
    assert all(prose_words(page) <= 45 and "Detail" not in page for page in pages), "first sentences"
    assert list_pages("\n".join(points), False, 45, 1)[0].count("\n") == 4, "one slide: every point, shortened"
    assert all(prose_words(p) <= 45 for p in list_pages("\n".join(points), False, 45, 1))
    tight = list_pages("\n".join(points * 3), False, 45, 2)
    assert len(tight) == 2 and sum(page.count("- Point") for page in tight) == 15, "more than fit: cut, not dropped"
    assert all(prose_words(page) <= 45 for page in tight)
    numbered = "\n".join(f"{n}. Question {n} asks " + "much " * 12 + "here?" for n in range(1, 10))
    assert all(prose_words(page) <= 45 for page in list_pages(numbered, True, 45, 2)), "a number is a word too"
    questions = "1. A long lead-in " + "word " * 38 + "here. Why?\n2. Short lead. How?"
    assert list_pages(questions, True, 45, 1) == ["1. Why?\n2. Short lead. How?"], "the longest lead-in goes first"
    assert list_pages(questions, True, 45, 2)[0].startswith("1. A long lead-in"), "two slides keep both lead-ins"
    assert list_pages("No list here.", False) == []


def test_summary_and_questions_keep_the_first_sentence_of_every_point_over_numbered_slides():
    lesson = made_up_lesson()
    lesson.cells[9].source = ("## 4. Summary\n\n- First point. Detail " + "detail " * 30 + ".\n- Second point.\n\n"
                              "## Questions to discuss\n\n1. Context first. Why so?\n2. " + "long " * 50 + "?")
    plan = slide_plan(lesson)
    assert plan[4].markdown == "- First point.\n- Second point." and plan[4].heading == "4. Summary"
    assert [s.heading for s in plan[5:]] == ["Questions to discuss (1/2)", "Questions to discuss (2/2)"]
    assert plan[5].markdown == "1. Context first. Why so?" and plan[6].markdown.startswith("2. long long")
    assert plan[5].kind == plan[6].kind == "questions" and plan[5].cells == plan[6].cells


@pytest.mark.parametrize("path", find_lessons(NOTEBOOKS_DIR), ids=lambda p: p.stem)
def test_no_slide_of_a_real_lesson_has_more_than_45_words_or_a_dangling_colon(path):
    plan = slide_plan(for_readers(read_notebook(path)))
    for slide in plan:
        words = prose_words(slide.markdown) + prose_words(slide.caption)
        assert 0 < words <= MAX_WORDS, f"{slide.heading}: {words} words"
        assert not slide.markdown.rstrip().endswith(":"), f"{slide.heading} ends on a colon"
        assert "⏱" not in slide.markdown


@pytest.mark.parametrize("path", find_lessons(NOTEBOOKS_DIR), ids=lambda p: p.stem)
def test_every_point_of_a_real_summary_and_its_questions_is_on_a_slide(path):
    nb = for_readers(read_notebook(path))
    plan = slide_plan(nb)
    bullet = re.compile(r"^\s*([-*+]|\d+\.)\s", re.MULTILINE)
    for segment in segments(nb):
        if isinstance(segment, Segment) and segment.level == 2 and FULL_SECTIONS.search(segment.heading):
            shown = [s for s in plan if re.sub(r" \(\d+/\d+\)$", "", s.heading) == segment.heading]
            assert 1 <= len(shown) <= MAX_LIST_SLIDES, segment.heading
            if len(shown) > 1:
                assert [s.heading for s in shown] == [f"{segment.heading} ({n}/{len(shown)})"
                                                      for n in range(1, len(shown) + 1)]
            points = len(bullet.findall(segment.body))
            assert sum(len(bullet.findall(s.markdown)) for s in shown) == points, f"{segment.heading}: a point lost"
