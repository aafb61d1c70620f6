"""Slide decks of the lessons: ``python -m helpers.publishing.slides`` (or ``make slides``) writes ``slides/``.

One deck per lesson notebook (``notebooks/[0-9][0-9]_*.ipynb``, found by
:func:`helpers.publishing.notebooks.find_lessons`), built from its committed cells and outputs (nothing is executed,
the notebooks are not changed), plus ``slides/index.html`` listing the decks. The slides are chosen by rule
(:func:`helpers.publishing.slide_plan.slide_plan`): a title slide, one slide per ``##`` section with its first
figure, the summary and the questions to discuss; never a solution (cells tagged ``solution`` are skipped).

Why not nbconvert's reveal.js slides: ``jupyter nbconvert --to slides`` loads reveal.js from a CDN
(``SlidesExporter.reveal_url_prefix`` defaults to unpkg.com), and no copy of reveal.js comes with the pinned packages
(nbconvert ships only the template and a CSS file; jupyterlab none). So each deck is one self-contained HTML file:
one ``<section>`` per slide, a few lines of inline JavaScript for keyboard navigation (→, Space, PageDown: next;
←, PageUp: previous; Home, End; the slide number is kept in the URL, ``#3``), and the plotly figures drawn by the
course site's local copy of plotly.min.js (``slides/assets/``), so a deck opens from disk with no network. Printing a
deck gives one slide per page.
"""

from __future__ import annotations

import html
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers import PROJECT_ROOT
from helpers.publishing.commands import builder_parser, run_build
from helpers.publishing.notebooks import (
    NOTEBOOKS_DIR,
    PLOTLY_MIME,
    find_lessons,
    for_readers,
    plain_text,
    read_notebook,
)
from helpers.publishing.rendering import (
    markdown_html,
    output_html,
    plotly_js_path,
    prepare_folder,
    script_json,
    write_offline_pages,
)
from helpers.publishing.slide_plan import Slide, slide_plan

SLIDES_DIR = PROJECT_ROOT / "slides"
#: The file that marks a folder as slides this module built (so a rebuild may replace it).
MARKER = ".course-slides"

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
    if (e.altKey || e.ctrlKey || e.metaKey || (e.target.closest && e.target.closest("input, select, textarea"))) \
{ return; }
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


def render_deck(slides: list[Slide], title: str, back_href: str = "index.html") -> tuple[str, int]:
    """One deck's HTML and its number of figures."""
    sections, figures = [], {}
    for n, slide in enumerate(slides, start=1):
        tag = "h1" if slide.kind == "title" else "h2"
        parts = [f"<{tag}>{html.escape(plain_text(slide.heading))}</{tag}>", markdown_html(slide.markdown)]
        if slide.figure is not None:
            div_id = f"figure-{n}"
            shown = output_html({PLOTLY_MIME: slide.figure}, div_id, fill_box=True)
            figures[div_id] = shown.figure
            caption = f"<figcaption>{html.escape(slide.caption)}</figcaption>" if slide.caption else ""
            parts.append(f'<figure>{shown.data["text/html"]}{caption}</figure>')
        sections.append(f'<section class="slide slide-{slide.kind}" id="slide-{n}" aria-label="Slide {n} of '
                        f'{len(slides)}"{" hidden" if n > 1 else ""}>\n' + "\n".join(p for p in parts if p)
                        + "\n</section>")
    plotly = '<script defer src="assets/plotly.min.js"></script>\n' if figures else ""
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="helpers.publishing.slides">\n'
            f'<title>{html.escape(title)} · slides</title>\n'
            f"<style>{STYLE}</style>\n{plotly}</head>\n<body>\n<main>\n" + "\n".join(sections) + "\n</main>\n"
            f'<footer class="deck-footer"><a href="{html.escape(back_href)}">All decks</a>'
            f'<button id="deck-previous" type="button" aria-label="Previous slide">&larr;</button>'
            f'<span id="deck-counter" aria-live="polite">1 / {len(slides)}</span>'
            f'<button id="deck-next" type="button" aria-label="Next slide">&rarr;</button>'
            f'<span class="help">keys: &rarr; / Space next, &larr; previous, Home, End</span></footer>\n'
            f'<script id="deck-figures" type="application/json">{script_json(figures)}</script>\n'
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

    Raises ValueError for a missing or lesson-less notebooks folder, an ``out_dir`` that holds something else, or a
    solution in a cell not tagged ``solution``; RuntimeError if a deck would load anything from the network.
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    paths = find_lessons(notebooks_dir, required=True)
    plans = {path: slide_plan(for_readers(read_notebook(path))) for path in paths}
    prepare_folder(out_dir, MARKER, "helpers.publishing.slides", "assets")
    shutil.copyfile(plotly_js_path(), out_dir / "assets" / "plotly.min.js")
    report, listed, pages = SlidesReport(out_dir), [], {}
    for path, slides in plans.items():
        title = plain_text(slides[0].heading if slides and slides[0].kind == "title" else path.stem.replace("_", " "))
        pages[f"{path.stem}.html"], count = render_deck(slides, title)
        report.decks[f"{path.stem}.html"] = {"slides": len(slides), "figures": count}
        listed.append((f"{path.stem}.html", title, len(slides)))
    pages["index.html"] = render_index(listed)
    write_offline_pages(out_dir, pages)
    if verbose:
        print(report.summary())
    return report


def main(argv: list[str] | None = None) -> int:
    args = builder_parser("helpers.publishing.slides", __doc__, SLIDES_DIR, "folder to write the decks into"
                          ).parse_args(argv)
    return run_build(lambda: build_slides(args.notebooks, args.out), lambda r: r.out_dir / "index.html")[0]


if __name__ == "__main__":
    sys.exit(main())
