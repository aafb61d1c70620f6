"""The course as the site lists it (helpers.publishing.course_map): each lesson's title, summary and time line, and
the README's course map. The index page built from them is tested in test_site.py."""

from __future__ import annotations

from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.publishing import course_map
from helpers.publishing.notebooks import PLOTLY_MIME, find_lessons, read_notebook

README = ("# A course: the subtitle\n\nIntro **text**.\n\n## Course map\n\n| Lesson | What |\n| --- | --- |\n"
          "| 01 [First](notebooks/01_first.ipynb) | Done. |\n| 02 Second (coming) | Not written yet. |\n\n"
          "## Other\n\nMore.\n")


def test_lesson_info_reads_the_opening_cell():
    nb = new_notebook(cells=[
        new_code_cell("import x", outputs=[new_output("display_data", data={PLOTLY_MIME: {"data": []}})]),
        new_markdown_cell("Before the title."),
        new_markdown_cell("# 04 · *Cheating* generalizes\n\n**Time:** 30 min · **Needs:** 01\n\nOne line\nof summary."
                          "\n\n1. Sections · 2. More\n\n- a list"),
    ])
    lesson = course_map.lesson_info(nb, Path("04_cheating.ipynb"))
    assert (lesson.number, lesson.title) == ("04", "04 · Cheating generalizes")
    assert lesson.short_title == "Cheating generalizes"
    assert lesson.summary == "One line of summary." and lesson.meta == "**Time:** 30 min · **Needs:** 01"
    assert (lesson.figures, lesson.widgets, lesson.href) == (1, 0, "04_cheating.html")
    untitled = course_map.lesson_info(new_notebook(cells=[new_markdown_cell("No title")]), Path("notes_x.ipynb"))
    assert (untitled.number, untitled.title, untitled.summary) == (None, "notes x", "")


def test_planned_lessons_and_intro_from_the_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    title, planned = course_map.planned_lessons(readme)
    assert title == "A course"
    assert [(p.number, p.title, p.description) for p in planned] == [("01", "First", "Done."),
                                                                     ("02", "Second", "Not written yet.")]
    assert course_map.readme_intro(readme).strip() == "Intro **text**."
    missing = tmp_path / "no-readme.md"
    assert course_map.planned_lessons(missing) == (course_map.DEFAULT_TITLE, [])
    assert course_map.readme_intro(missing) == ""


def test_every_real_lesson_has_a_title_and_a_summary():
    for path in find_lessons():
        lesson = course_map.lesson_info(read_notebook(path), path)
        assert lesson.number == path.name[:2] and lesson.title and lesson.summary, path.name
