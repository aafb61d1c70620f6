"""Slide decks of the lessons: ``python -m helpers.publishing.slides`` (or ``make slides``) writes ``slides/``.

One deck per lesson notebook (``notebooks/[0-9][0-9]_*.ipynb``, found automatically), built from its committed cells
and outputs (nothing is executed, the notebooks are not changed), plus ``slides/index.html`` listing the decks.
The slides are chosen by rule (:func:`slide_plan`):

1. **title**: the ``#`` title, the one-line summary, the time line and the learning objectives (not the section map);
2. **one slide per ``##`` section**: its heading, the first paragraph of its explanation (the first one of at least
   20 words, so a one-line lead-in is skipped), and the first figure after
   the heading (before the next section), with the first line of that figure's printed text alternative as the
   caption. An "Exercises" section lists its exercises (titles, minutes, stars): never a solution;
3. **summary** and **questions to discuss**: their bullet lists in full. "References" is left out.

Why not nbconvert's reveal.js slides: ``jupyter nbconvert --to slides`` loads reveal.js from a CDN
(``SlidesExporter.reveal_url_prefix`` defaults to unpkg.com), and no copy of reveal.js comes with the pinned packages
(nbconvert ships only the template and a CSS file; jupyterlab none). So each deck is one self-contained HTML file:
one ``<section>`` per slide, a few lines of inline JavaScript for keyboard navigation (→, Space, PageDown: next;
←, PageUp: previous; Home, End; the slide number is kept in the URL, ``#3``), and the plotly figures drawn by the
course site's local copy of plotly.min.js (``slides/assets/``), so a deck opens from disk with no network. Printing a
deck gives one slide per page.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers import PROJECT_ROOT
from helpers.publishing import colab, site
from helpers.publishing.handouts import (
    LESSON_GLOB,
    find_lessons,
    prepare_folder,
    strip_solutions,
)

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SLIDES_DIR = PROJECT_ROOT / "slides"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: The file that marks a folder as slides this module built (so a rebuild may replace it).
MARKER = ".course-slides"
#: Sections whose whole bullet list goes on the slide; sections left out; sections that list their exercises.
FULL_SECTIONS = re.compile(r"summary|questions", re.IGNORECASE)
SKIPPED_SECTIONS = re.compile(r"^\W*(\d+\.\s*)?references?\b", re.IGNORECASE)
EXERCISE_SECTIONS = re.compile(r"exercise", re.IGNORECASE)

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


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
class _Segment:
    """A piece of a markdown cell: a heading (level 1 or 2) and the text under it, or text with no heading."""

    cell: int
    level: int | None
    heading: str
    body: str


def _segments(nb: nbformat.NotebookNode) -> list[tuple[str, object]]:
    """The notebook as a stream: ("text", _Segment) for markdown split at ``#``/``##`` headings, ("figure", ...)."""
    stream: list[tuple[str, object]] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            current = _Segment(i, None, "", "")
            lines: list[str] = []
            fenced = False
            for line in cell.source.splitlines():
                if _FENCE.match(line):
                    fenced = not fenced
                m = None if fenced else _HEADING.match(line)
                if m and len(m.group(1)) <= 2:
                    current.body = "\n".join(lines).strip()
                    if current.level is not None or current.body:
                        stream.append(("text", current))
                    current, lines = _Segment(i, len(m.group(1)), m.group(2).strip(), ""), []
                else:
                    lines.append(line)
            current.body = "\n".join(lines).strip()
            if current.level is not None or current.body:
                stream.append(("text", current))
        elif cell.cell_type == "code":
            outputs = cell.get("outputs", [])
            for k, output in enumerate(outputs):
                figure = (output.get("data") or {}).get(PLOTLY_MIME)
                if isinstance(figure, dict):
                    stream.append(("figure", (i, figure, _caption(nb, i, k))))
    return stream


def _caption(nb: nbformat.NotebookNode, cell: int, index: int) -> str:
    """The first ``Figure: ...`` line printed after a figure (same cell, or the next cell), or ""."""
    candidates = list(nb.cells[cell].get("outputs", [])[index + 1:])
    if cell + 1 < len(nb.cells) and nb.cells[cell + 1].cell_type == "code":
        candidates += list(nb.cells[cell + 1].get("outputs", []))
    for output in candidates:
        data = output.get("data") or {}
        if PLOTLY_MIME in data:
            break
        text = output.get("text", "") if output.get("output_type") == "stream" else str(data.get("text/plain", ""))
        for line in text.splitlines():
            if line.startswith("Figure:"):
                return line.strip()
    return ""


def _paragraphs(markdown: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]


def _prose(markdown: str) -> list[str]:
    """Paragraphs of prose: not a sub-heading, not an HTML block, not a table."""
    return [p for p in _paragraphs(markdown) if not p.startswith(("#", "<", "|"))]


def _first_paragraph(texts: list[str], min_words: int = 20) -> str:
    """The first paragraph of prose with at least ``min_words`` words (a one-line lead-in is skipped), else the
    first paragraph of prose."""
    paragraphs = [p for text in texts for p in _prose(text)]
    return next((p for p in paragraphs if len(p.split()) >= min_words), paragraphs[0] if paragraphs else "")


def _title_markdown(body: str) -> str:
    """The title slide's text: summary, time line and objectives, without the section map."""
    kept = [p for p in _paragraphs(body) if not re.match(r"^\W*(sections?\W*)?1\.\s.*·", p, re.IGNORECASE)]
    return "\n\n".join(kept)


def _exercise_list(texts: list[str]) -> str:
    """Bullet list of the ``###`` exercise headings in a section's text."""
    items = []
    for text in texts:
        for line in text.splitlines():
            m = _HEADING.match(line)
            if m and len(m.group(1)) >= 3:
                items.append(f"- {m.group(2).strip()}")
    return "\n".join(items)


def slide_plan(nb: nbformat.NotebookNode) -> list[Slide]:
    """The slides of one lesson, chosen by rule (see the module's docstring)."""
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
        section.markdown = strip_solutions(section.markdown)[0]
        slides.append(section)

    for kind, item in _segments(nb):
        if kind == "text":
            segment: _Segment = item  # type: ignore[assignment]
            if segment.level == 1 and not slides and section is None:
                slides.append(Slide("title", segment.heading, strip_solutions(_title_markdown(segment.body))[0],
                                    cells=[segment.cell]))
            elif segment.level in (1, 2):
                finish()
                section, section_texts = None, []
                if SKIPPED_SECTIONS.search(segment.heading):
                    continue
                full = FULL_SECTIONS.search(segment.heading)
                kind_name = ("summary" if re.search("summary", segment.heading, re.IGNORECASE) else "questions") \
                    if full else "section"
                section = Slide(kind_name, segment.heading, segment.body if full else "", cells=[segment.cell])
                section_texts = [segment.body]
            elif section is not None:
                section_texts.append(segment.body)
                if segment.cell not in section.cells:
                    section.cells.append(segment.cell)
        elif section is not None and section.figure is None and section.kind == "section":
            cell, figure, caption = item  # type: ignore[misc]
            section.figure, section.caption = figure, caption
            section.cells.append(cell)
    finish()
    return slides


# ----------------------------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------------------------

STYLE = """
:root { --text: #1f2328; --muted: #57606a; --accent: #332288; --rule: #d0d7de; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: #fff; color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.slide { min-height: 100vh; padding: 4vh 6vw 9vh; display: flex; flex-direction: column; gap: 1.5vh;
  font-size: clamp(16px, 2.3vh, 30px); line-height: 1.4; }
.slide[hidden] { display: none; }
.slide h1 { font-size: 2.6em; margin: 0.6em 0 0.2em; color: var(--accent); }
.slide h2 { font-size: 1.7em; margin: 0; border-bottom: 2px solid var(--rule); padding-bottom: 0.2em; }
.slide p, .slide li { max-width: 60em; }
.slide p { margin: 0.2em 0; }
.slide ul, .slide ol { margin: 0.2em 0; }
.slide code { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em;
  background: #f6f8fa; padding: 0.05em 0.3em; border-radius: 4px; }
.slide table { border-collapse: collapse; font-size: 0.8em; }
.slide th, .slide td { border: 1px solid var(--rule); padding: 0.2em 0.5em; }
.slide-figure { width: 100%; height: 58vh; min-height: 260px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 0.75em; }
.deck-footer { position: fixed; left: 0; right: 0; bottom: 0; display: flex; align-items: center; gap: 1em;
  padding: 0.6vh 2vw; background: rgba(255,255,255,0.92); border-top: 1px solid var(--rule);
  font-size: 14px; color: var(--muted); }
.deck-footer button { font: inherit; padding: 0.2em 0.9em; border: 1px solid var(--rule); border-radius: 6px;
  background: #fff; cursor: pointer; }
.deck-footer button:focus-visible { outline: 3px solid var(--accent); }
.deck-footer .help { margin-left: auto; }
.decks { max-width: 50rem; margin: 3rem auto; padding: 0 1.5rem; font-size: 1.1rem; line-height: 1.6; }
@media print {
  .deck-footer { display: none; }
  .slide, .slide[hidden] { display: flex; min-height: auto; height: auto; page-break-after: always;
    break-after: page; padding: 0; font-size: 13pt; }
  .slide-figure { height: 11cm; }
}
"""

SCRIPT = """
(function () {
  var root = document.documentElement;
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var figures = JSON.parse(document.getElementById("deck-figures").textContent);
  var drawn = {};
  var current = 0;
  function draw(div) {
    if (!window.Plotly || !figures[div.id]) { return Promise.resolve(); }
    if (drawn[div.id]) { Plotly.Plots.resize(div); return drawn[div.id]; }
    var f = figures[div.id];
    drawn[div.id] = Plotly.newPlot(div, f.data, f.layout, f.config);
    return drawn[div.id];
  }
  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, i) { s.hidden = i !== current; });
    document.getElementById("deck-counter").textContent = (current + 1) + " / " + slides.length;
    if (location.hash !== "#" + (current + 1)) { history.replaceState(null, "", "#" + (current + 1)); }
    root.dataset.slide = String(current + 1);
    root.dataset.ready = "false";
    var divs = Array.prototype.slice.call(slides[current].querySelectorAll(".slide-figure"));
    Promise.all(divs.map(draw)).then(function () { root.dataset.ready = "true"; },
      function (error) { console.error("a figure failed to draw:", error); root.dataset.ready = "error"; });
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.target.closest && e.target.closest("input, select, textarea"))) { return; }
    var next = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 }[e.key];
    if (next) { show(current + next); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(slides.length - 1); e.preventDefault(); }
  });
  document.getElementById("deck-previous").addEventListener("click", function () { show(current - 1); });
  document.getElementById("deck-next").addEventListener("click", function () { show(current + 1); });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".slide-figure"), function (div) { draw(div); });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var start = parseInt(location.hash.slice(1), 10);
    show(isNaN(start) ? 0 : start - 1);
  });
})();
"""


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text).strip() if text.strip() else ""


def _script_json(value: object) -> str:
    """JSON safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _slide_figure(figure: dict) -> dict:
    """The figure as a slide draws it: fills its box (no fixed height), plotly config without the logo."""
    layout = dict(figure.get("layout") or {})
    layout.pop("height", None)
    layout.pop("width", None)
    layout["autosize"] = True
    spec = {"data": figure.get("data", []), "layout": layout,
            "config": {**site.PLOTLY_CONFIG, **(figure.get("config") or {})}}
    if figure.get("frames"):
        spec["frames"] = figure["frames"]
    return spec


def render_deck(slides: list[Slide], title: str, back_href: str = "index.html") -> tuple[str, int]:
    """One deck's HTML and its number of figures."""
    sections, figures = [], {}
    for n, slide in enumerate(slides, start=1):
        tag = "h1" if slide.kind == "title" else "h2"
        parts = [f"<{tag}>{html.escape(re.sub(r'[*_`]', '', slide.heading))}</{tag}>", _markdown(slide.markdown)]
        if slide.figure is not None:
            div_id = f"figure-{n}"
            figures[div_id] = _slide_figure(slide.figure)
            raw = (slide.figure.get("layout") or {}).get("title")
            raw = raw.get("text") if isinstance(raw, dict) else raw
            label = html.escape(re.sub(r"<[^>]+>", " ", f"Figure: {raw}" if raw else "Figure"), quote=True)
            caption = f"<figcaption>{html.escape(slide.caption)}</figcaption>" if slide.caption else ""
            parts.append(f'<figure><div class="slide-figure" id="{div_id}" role="figure" aria-label="{label}"></div>'
                         f"{caption}</figure>")
        sections.append(f'<section class="slide slide-{slide.kind}" id="slide-{n}" aria-label="Slide {n} of '
                        f'{len(slides)}"{" hidden" if n > 1 else ""}>\n' + "\n".join(p for p in parts if p)
                        + "\n</section>")
    plotly = '<script defer src="assets/plotly.min.js"></script>\n' if figures else ""
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="helpers.publishing.slides">\n<title>{html.escape(title)} · slides</title>\n'
            f"<style>{STYLE}</style>\n{plotly}</head>\n<body>\n<main>\n" + "\n".join(sections) + "\n</main>\n"
            f'<footer class="deck-footer"><a href="{html.escape(back_href)}">All decks</a>'
            f'<button id="deck-previous" type="button" aria-label="Previous slide">&larr;</button>'
            f'<span id="deck-counter" aria-live="polite">1 / {len(slides)}</span>'
            f'<button id="deck-next" type="button" aria-label="Next slide">&rarr;</button>'
            f'<span class="help">keys: &rarr; / Space next, &larr; previous, Home, End</span></footer>\n'
            f'<script id="deck-figures" type="application/json">{_script_json(figures)}</script>\n'
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
    return page, len(figures)


def render_index(decks: list[tuple[str, str, int]]) -> str:
    """The list of decks: (file name, title, number of slides)."""
    items = "\n".join(f'<li><a href="{html.escape(name)}">{html.escape(title)}</a> ({count} slides)</li>'
                      for name, title, count in decks)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Slides</title>\n'
            f"<style>{STYLE}</style>\n</head>\n<body>\n<main class=\"decks\">\n<h1>Slides</h1>\n"
            f"<p>One deck per lesson, made from the lesson notebook's title, section headings, first figures and "
            f"summary. Open a deck and use the arrow keys. Solutions are never on the slides.</p>\n<ol>\n{items}\n"
            f"</ol>\n</main>\n</body>\n</html>\n")


@dataclass
class SlidesReport:
    """What a build wrote: one entry per deck."""

    out_dir: Path
    decks: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"slides: {len(self.decks)} deck(s) in {self.out_dir}"]
        lines += [f"  {name}: {d['slides']} slides, {d['figures']} figure(s)" for name, d in self.decks.items()]
        return "\n".join(lines)


def build_slides(notebooks_dir: Path = NOTEBOOKS_DIR, out_dir: Path = SLIDES_DIR, verbose: bool = True) -> SlidesReport:
    """Write one deck per lesson notebook, the deck index and plotly.min.js into ``out_dir``.

    Raises ValueError for a missing or lesson-less notebooks folder or an ``out_dir`` that holds something else, and
    RuntimeError if a deck would load anything from the network.
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    paths = find_lessons(notebooks_dir)
    if not paths:
        raise ValueError(f"notebooks_dir={str(notebooks_dir)!r} holds no lesson notebooks ({LESSON_GLOB})")
    prepare_folder(out_dir, MARKER, "helpers.publishing.slides", "assets")
    shutil.copyfile(site.plotly_js_path(), out_dir / "assets" / "plotly.min.js")
    report, listed = SlidesReport(out_dir), []
    for path in paths:
        slides = slide_plan(colab.without_colab_cell(nbformat.read(path, as_version=4)))
        title = slides[0].heading if slides and slides[0].kind == "title" else path.stem.replace("_", " ")
        page, count = render_deck(slides, re.sub(r"[*_`]", "", title))
        remote = site.remote_references(page)
        if remote:
            raise RuntimeError(f"{path.stem}.html would load from the network: {remote[:2]}")
        (out_dir / f"{path.stem}.html").write_text(page, encoding="utf-8")
        report.decks[f"{path.stem}.html"] = {"slides": len(slides), "figures": count}
        listed.append((f"{path.stem}.html", re.sub(r"[*_`]", "", title), len(slides)))
    (out_dir / "index.html").write_text(render_index(listed), encoding="utf-8")
    if verbose:
        print(report.summary())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publishing.slides", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="folder of lesson notebooks")
    parser.add_argument("--out", type=Path, default=SLIDES_DIR, help="folder to write the decks into")
    args = parser.parse_args(argv)
    try:
        report = build_slides(args.notebooks, args.out)
    except (ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"open {(report.out_dir / 'index.html').resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
