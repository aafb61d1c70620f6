"""Which slides a lesson gets, chosen by rule from its committed cells (:func:`slide_plan`):

1. **title**: the ``#`` title, the one-line summary, the time line and the learning objectives (not the section map);
2. **one slide per ``##`` section**: its heading, the first paragraph of its explanation (the first one of at least
   20 words, so a one-line lead-in is skipped), and the first figure after the heading (before the next section),
   with the first line of that figure's printed text alternative as the caption. An "Exercises" section lists its
   exercises (titles, minutes, stars);
3. **summary** and **questions to discuss**: their bullet lists in full. "References" is left out.

Solutions are never on a slide: cells tagged ``solution`` are skipped, and a solution block in an untagged cell is
refused (ValueError) rather than shown. Code is never on a slide either; the Markdown that a cell with hidden input
(:func:`helpers.publishing.notebooks.hides_input`) displays is read like a markdown cell, and a figure in a cell
whose outputs JupyterLab shows collapsed is used like any other (a slide has no live panel to repeat).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nbformat

from helpers.publishing.notebooks import (
    displayed_markdown,
    heading_lines,
    hides_input,
    is_solution,
    paragraphs,
    plotly_figures,
    require_tagged_solutions,
    text_alternatives,
)

#: Sections whose whole bullet list goes on the slide; sections left out; sections that list their exercises.
FULL_SECTIONS = re.compile(r"summary|questions", re.IGNORECASE)
SKIPPED_SECTIONS = re.compile(r"^\W*(\d+\.\s*)?references?\b", re.IGNORECASE)
EXERCISE_SECTIONS = re.compile(r"exercise", re.IGNORECASE)


@dataclass
class Slide:
    """One slide: a heading, some markdown, at most one plotly figure and its caption."""

    kind: str                     # "title", "section", "summary" or "questions"
    heading: str
    markdown: str = ""
    figure: dict | None = None    # the plotly figure's JSON, as saved in the notebook
    caption: str = ""             # the first line of the figure's printed text alternative
    cells: list[int] = field(default_factory=list)  # the notebook cells of this slide's section


@dataclass
class Segment:
    """A piece of a markdown cell: a heading (level 1 or 2) and the text under it, or text with no heading."""

    cell: int
    level: int | None
    heading: str
    body: str


@dataclass
class FigureItem:
    """A plotly figure in the stream of a notebook, with the first line of its text alternative."""

    cell: int
    figure: dict
    caption: str


def segments(nb: nbformat.NotebookNode) -> list[Segment | FigureItem]:
    """The notebook as a stream: its markdown split at ``#``/``##`` headings, and its plotly figures, in order.
    Solution cells are left out; the Markdown a cell with hidden input displays counts as markdown (its code never
    reaches a slide)."""
    figures: dict[int, list[FigureItem]] = {}
    for i, k, figure in plotly_figures(nb):
        captions = text_alternatives(nb, i, k)
        figures.setdefault(i, []).append(FigureItem(i, figure, captions[0].strip() if captions else ""))
    stream: list[Segment | FigureItem] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            stream += figures.get(i, [])
        if cell.cell_type == "markdown" and not is_solution(cell):
            text = cell.source
        elif hides_input(cell):
            text = displayed_markdown(cell)  # a sentence-building cell: its sentence is prose, its code never shown
        else:
            continue
        current, lines = Segment(i, None, "", ""), []
        for line, m in heading_lines(text):
            if m and len(m.group(1)) <= 2:
                current.body = "\n".join(lines).strip()
                if current.level is not None or current.body:
                    stream.append(current)
                current, lines = Segment(i, len(m.group(1)), m.group(2).strip(), ""), []
            else:
                lines.append(line)
        current.body = "\n".join(lines).strip()
        if current.level is not None or current.body:
            stream.append(current)
    return stream


def _prose(markdown: str) -> list[str]:
    """Paragraphs of prose: not a sub-heading, not an HTML block, not a table."""
    return [p for p in paragraphs(markdown) if not p.startswith(("#", "<", "|"))]


def _first_paragraph(texts: list[str], min_words: int = 20) -> str:
    """The first paragraph of prose with at least ``min_words`` words (a one-line lead-in is skipped), else the
    first paragraph of prose."""
    found = [p for text in texts for p in _prose(text)]
    return next((p for p in found if len(p.split()) >= min_words), found[0] if found else "")


def _title_markdown(body: str) -> str:
    """The title slide's text: summary, time line and objectives, without the section map."""
    kept = [p for p in paragraphs(body) if not re.match(r"^\W*(sections?\W*)?1\.\s.*·", p, re.IGNORECASE)]
    return "\n\n".join(kept)


def _exercise_list(texts: list[str]) -> str:
    """Bullet list of the ``###`` exercise headings in a section's text."""
    return "\n".join(f"- {m.group(2).strip()}" for text in texts for _, m in heading_lines(text)
                     if m and len(m.group(1)) >= 3)


def slide_plan(nb: nbformat.NotebookNode) -> list[Slide]:
    """The slides of one lesson, chosen by rule (see the module's docstring).

    Raises ValueError if a solution block sits in a cell that is not tagged ``solution``.
    """
    require_tagged_solutions(nb)
    slides: list[Slide] = []
    section: Slide | None = None
    section_texts: list[str] = []

    def finish() -> None:
        if section is None:
            return
        if section.kind == "section" and EXERCISE_SECTIONS.search(section.heading):
            section.markdown = _exercise_list(section_texts) or section.markdown
        elif section.kind == "section" and not section.markdown:
            section.markdown = _first_paragraph(section_texts)
        slides.append(section)

    for item in segments(nb):
        if isinstance(item, FigureItem):
            if section is not None and section.figure is None and section.kind == "section":
                section.figure, section.caption = item.figure, item.caption
                section.cells.append(item.cell)
        elif item.level == 1 and not slides and section is None:
            slides.append(Slide("title", item.heading, _title_markdown(item.body), cells=[item.cell]))
        elif item.level in (1, 2):
            finish()
            section, section_texts = None, []
            if SKIPPED_SECTIONS.search(item.heading):
                continue
            full = FULL_SECTIONS.search(item.heading)
            kind = ("summary" if re.search("summary", item.heading, re.IGNORECASE) else "questions") \
                if full else "section"
            section = Slide(kind, item.heading, item.body if full else "", cells=[item.cell])
            section_texts = [item.body]
        elif section is not None:
            section_texts.append(item.body)
            if item.cell not in section.cells:
                section.cells.append(item.cell)
    finish()
    return slides
