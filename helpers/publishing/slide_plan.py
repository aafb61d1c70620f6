"""Which slides a lesson gets, chosen by rule from its committed cells (:func:`slide_plan`):

1. **title**: the ``#`` title, the lead of the summary and the time line's first two parts (time, needs);
2. **one slide per ``##`` section**: its heading, its "What to see" line if it has one, else the first paragraph of
   its explanation (the first one of at least 20 words, so a one-line lead-in is skipped), and the first figure
   after the heading (before the next section), with the first sentence of that figure's printed text alternative
   as the caption. A figure with buttons (a widget's twin) is drawn in the state its "What to see" text describes
   (:func:`helpers.publishing.slide_states.slide_state`), captioned by that state's title. An "Exercises" section
   lists its exercises (titles, minutes, stars);
3. **summary** and **questions to discuss**: every point, by its first sentence (a question with its lead-in, up to
   its first question mark), over as many slides as keep every point whole ("Summary (1/2)", "Summary (2/2)"), at
   most :data:`MAX_LIST_SLIDES`, beyond which the longest points are cut (:func:`list_pages`); no point is left
   out. "References" is left out.

A slide is read from the back of a room, so its prose (everything but the heading, the caption included) is at most
:data:`MAX_WORDS` words: whole sentences are kept while they fit (:func:`fit_sentences`), a sentence that ends on a
colon (it announces something the slide does not show) is dropped, and a single sentence that is too long is cut at
a clause and ends with "…".

Solutions are never on a slide: cells tagged ``solution`` are skipped, and a solution block in an untagged cell is
refused (ValueError) rather than shown. Code is never on a slide either; the Markdown that a cell with hidden input
(:func:`helpers.publishing.notebooks.hides_input`) displays is read like a markdown cell, and a figure in a cell
whose outputs JupyterLab shows collapsed is used like any other (a slide has no live panel to repeat).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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
from helpers.publishing.slide_states import slide_state

#: Sections whose whole bullet list goes on the slide; sections left out; sections that list their exercises.
FULL_SECTIONS = re.compile(r"summary|questions", re.IGNORECASE)
SKIPPED_SECTIONS = re.compile(r"^\W*(\d+\.\s*)?references?\b", re.IGNORECASE)
EXERCISE_SECTIONS = re.compile(r"exercise", re.IGNORECASE)
#: The most words of prose (caption included, heading not) on one slide.
MAX_WORDS = 45
#: The most slides a summary or the questions to discuss are spread over (every point is kept, shortened to fit).
MAX_LIST_SLIDES = 3
#: The most words of a figure's caption (its text alternative's first sentence).
MAX_CAPTION_WORDS = 16
#: A paragraph that tells the reader what to look for in a figure.
WHAT_TO_SEE = re.compile(r"^\W*what to (see|look at|notice)\b", re.IGNORECASE)
#: Where one sentence ends and the next begins (not after "et al.", "e.g.", "i.e." or "vs.").
_SENTENCE_END = re.compile(r"(?<!\bal\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<=[.!?])\s+(?=[*_`\"(\[]?[A-Z0-9])")


@dataclass
class Slide:
    """One slide: a heading, some markdown, at most one plotly figure and its caption."""

    kind: str                     # "title", "section", "summary" or "questions"
    heading: str
    markdown: str = ""
    figure: dict | None = None    # the plotly figure's JSON as saved, or in the state its text describes
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


def prose_words(markdown: str) -> int:
    """How many words a reader sees in ``markdown``: tokens with a letter or digit (not "·", "★☆☆" or "-")."""
    return sum(1 for token in markdown.split() if re.search(r"\w", token))


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences (a line break inside it is a space)."""
    return [s.strip() for s in _SENTENCE_END.split(" ".join(paragraph.split())) if s.strip()]


def _balanced(text: str) -> str:
    """``text`` with an unclosed ``**`` or backtick closed (after a cut)."""
    if text.count("**") % 2:
        text += "**"
    if text.count("`") % 2:
        text += "`"
    return text


def _cut(sentence: str, budget: int) -> str:
    """One sentence cut to at most ``budget`` words, at its last clause break (``,`` ``;`` ``:``) if there is one
    in the second half, and ended with "…"."""
    words = sentence.split()
    kept, n = [], 0
    for word in words:
        n += 1 if re.search(r"\w", word) else 0
        if n > budget:
            break
        kept.append(word)
    breaks = [i for i, w in enumerate(kept) if w.endswith((",", ";", ":")) and i >= len(kept) // 2]
    if breaks:
        kept = kept[:breaks[-1] + 1]
    return _balanced(" ".join(kept).rstrip(",;:—-")) + "…"


def fit_sentences(paragraph: str, budget: int) -> str:
    """The paragraph's first sentences that fit in ``budget`` words; a last sentence ending on a colon is dropped
    (unless it is the only one, which then ends with "…" instead of the colon); a first sentence longer than the
    budget is cut (:func:`_cut`). Empty for an empty paragraph or a budget below 1."""
    found = sentences(paragraph)
    kept: list[str] = []
    for sentence in found:
        if prose_words(" ".join(kept + [sentence])) > budget:
            break
        kept.append(sentence)
    while len(kept) > 1 and kept[-1].endswith(":"):
        kept.pop()
    if not kept and found and budget > 0:
        return _cut(found[0], budget)
    if kept and kept[-1].endswith(":"):
        kept[-1] = kept[-1][:-1].rstrip() + "…"
    return " ".join(kept)


def _list_items(markdown: str) -> list[tuple[str, str]]:
    """The items of the Markdown lists in ``markdown``: (marker, text), continuation lines joined."""
    items: list[tuple[str, str]] = []
    for line in markdown.splitlines():
        m = re.match(r"^\s*([-*+]|\d+\.)\s+(.*)$", line)
        if m:
            items.append((m.group(1), m.group(2).strip()))
        elif items and line.strip():
            items[-1] = (items[-1][0], f"{items[-1][1]} {line.strip()}")
    return items


def _forms(text: str, questions: bool) -> list[str]:
    """The ways one list point can be shown, longest first: its first sentence; a question with its lead-in (up to
    its first question mark), then the question alone."""
    parts = sentences(text)
    if not parts:
        return [""]
    if not questions:
        return parts[:1]
    asked = next((i for i, part in enumerate(parts) if part.endswith("?")), 0)
    return list(dict.fromkeys([" ".join(parts[:asked + 1]), parts[asked]]))


def _words(points: list[tuple[str, str]]) -> int:
    return sum(prose_words(f"{marker} {text}") for marker, text in points)


def _fit_points(points: list[tuple[str, list[str]]], budget: int) -> list[tuple[str, str]]:
    """Every point, in at most ``budget`` words together: each in its longest form (:func:`_forms`); while too long,
    the longest point with a shorter form takes it; if still too long, the points above an even share are cut
    (:func:`_cut`) to the largest length that fits, so short points stay whole and no point is left out."""
    level = [0] * len(points)
    shown = [(marker, forms[0]) for marker, forms in points]
    while _words(shown) > budget:
        shorter = [i for i, (_, forms) in enumerate(points) if level[i] + 1 < len(forms)]
        if not shorter:
            break
        i = max(shorter, key=lambda i: prose_words(shown[i][1]))
        level[i] += 1
        shown[i] = (shown[i][0], points[i][1][level[i]])
    if _words(shown) <= budget:
        return shown
    lengths, markers = [prose_words(text) for _, text in shown], sum(prose_words(marker) for marker, _ in shown)
    cap = max((c for c in range(1, max(lengths) + 1) if markers + sum(min(n, c) for n in lengths) <= budget),
              default=1)
    return [(marker, text if prose_words(text) <= cap else _cut(text, cap)) for marker, text in shown]


def list_pages(markdown: str, questions: bool, budget: int = MAX_WORDS, max_pages: int = 1) -> list[str]:
    """A summary's or questions' list, every point kept, in order, over as few pages (slides) as cut nothing, at
    most ``max_pages``: each point is its first sentence (a question: with its lead-in, or alone if the lead-in does
    not fit), the pages split where the fewest words are cut (:func:`_fit_points`)."""
    points = [(marker, _forms(text, questions)) for marker, text in _list_items(markdown)]
    if not points:
        return []

    def splits(n: int, pages: int):
        if pages == 1:
            yield [n]
            return
        for first in range(1, n - pages + 2):
            yield from ([first] + rest for rest in splits(n - first, pages - 1))

    def cost(sizes: list[int]) -> tuple[int, int, int]:
        pages, at = [], 0
        for size in sizes:
            pages.append(points[at:at + size])
            at += size
        shown = [(forms[0], text) for page in pages
                 for (_, forms), (_, text) in zip(page, _fit_points(page, budget), strict=True)]
        lost = sum(prose_words(full) - prose_words(text) for full, text in shown)
        return lost, sum(full != text for full, text in shown), max(_words([(m, f[0]) for m, f in page])
                                                                     for page in pages)

    best = None
    for pages in range(1, min(max_pages, len(points)) + 1):
        best = min(splits(len(points), pages), key=cost)
        if cost(best)[0] == 0:
            break
    out, at = [], 0
    for size in best:
        out.append("\n".join(f"{marker} {text}" for marker, text in _fit_points(points[at:at + size], budget)))
        at += size
    return out


def _short_list(markdown: str, questions: bool, budget: int = MAX_WORDS) -> str:
    """A list on one slide, every point kept and shortened to fit ``budget`` words (:func:`list_pages`)."""
    pages = list_pages(markdown, questions, budget)
    return pages[0] if pages else ""


def fit_block(paragraph: str, budget: int) -> str:
    """A paragraph in at most ``budget`` words: prose by :func:`fit_sentences`; a list (and the line leading into
    it, if that fits) by :func:`_short_list`."""
    lines = paragraph.splitlines()
    first = next((i for i, line in enumerate(lines) if re.match(r"^\s*([-*+]|\d+\.)\s", line)), None)
    if first is None:
        return fit_sentences(paragraph, budget)
    lead = " ".join(line.strip() for line in lines[:first])
    lead = lead if lead and prose_words(lead) <= budget // 2 else ""
    shown = _short_list("\n".join(lines[first:]), False, budget - prose_words(lead))
    return "\n".join(part for part in (lead, shown) if part)


def short_caption(caption: str) -> str:
    """A figure's caption on a slide: the first sentence of its text alternative, at most
    :data:`MAX_CAPTION_WORDS` words."""
    first = sentences(caption)[0] if caption.strip() else ""
    return first if prose_words(first) <= MAX_CAPTION_WORDS else _cut(first, MAX_CAPTION_WORDS)


def _prose(markdown: str) -> list[str]:
    """Paragraphs of prose: not a sub-heading, not an HTML block, not a table."""
    return [p for p in paragraphs(markdown) if not p.startswith(("#", "<", "|"))]


def _first_paragraph(texts: list[str], min_words: int = 20) -> str:
    """The first paragraph of prose with at least ``min_words`` words (a one-line lead-in is skipped), else the
    first paragraph of prose."""
    found = [p for text in texts for p in _prose(text)]
    return next((p for p in found if len(p.split()) >= min_words), found[0] if found else "")


def _title_markdown(body: str) -> str:
    """The title slide's text: the time line's first two parts (time, needs) and as much of the summary before it
    as fits; not the objectives or the section map."""
    found = [p for p in paragraphs(body) if not p.startswith(("#", "<", "|"))]
    time_line = next((p for p in found if re.match(r"^\W*time\b", p, re.IGNORECASE)), "")
    time_line = " · ".join(part.strip() for part in time_line.split(" · ")[:2])
    lead = found[0] if found and found[0] is not time_line and not re.match(r"^\s*(\d+\.|[-*+])\s", found[0]) \
        else ""
    lead = fit_sentences(lead, MAX_WORDS - prose_words(time_line))
    return "\n\n".join(p for p in (lead, time_line) if p)


def _exercise_list(texts: list[str]) -> str:
    """Bullet list of the ``###`` exercise headings in a section's text."""
    return "\n".join(f"- {' '.join(m.group(2).replace('⏱', '').split()).replace('( ', '(')}"
                     for text in texts for _, m in heading_lines(text) if m and len(m.group(1)) >= 3)


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
        seen = next((p for text in section_texts for p in _prose(text) if WHAT_TO_SEE.match(p)), "")
        if section.figure is not None:  # a figure with buttons: the state its "What to see" text describes
            section.figure, state_caption = slide_state(section.figure, seen)
            section.caption = state_caption or section.caption
        section.caption = short_caption(section.caption)
        budget = MAX_WORDS - prose_words(section.caption)
        if section.kind == "section" and EXERCISE_SECTIONS.search(section.heading):
            section.markdown = _short_list(_exercise_list(section_texts), False, budget) or section.markdown
        elif section.kind == "section" and not section.markdown:
            section.markdown = fit_block(seen or _first_paragraph(section_texts), budget)
        else:
            pages = list_pages(section.markdown, section.kind == "questions", budget, MAX_LIST_SLIDES)
            if len(pages) > 1:  # a long list goes on over more slides: "Summary (1/2)", "Summary (2/2)"
                slides.extend(replace(section, heading=f"{section.heading} ({n}/{len(pages)})", markdown=page,
                                      cells=list(section.cells)) for n, page in enumerate(pages, start=1))
                return
            section.markdown = pages[0] if pages else fit_sentences(_first_paragraph([section.markdown], 0), budget)
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
