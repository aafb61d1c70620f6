"""Slide decks of the lessons: ``python -m helpers.publishing.slides`` (or ``make slides``) writes ``slides/``.

One deck per lesson notebook (``notebooks/[0-9][0-9]_*.ipynb``, found by
:func:`helpers.publishing.notebooks.find_lessons`), built from its committed cells and outputs (nothing is executed,
the notebooks are not changed), plus ``slides/index.html`` listing the decks. The slides are chosen by rule
(:func:`helpers.publishing.slide_plan.slide_plan`): a title slide, one slide per ``##`` section with its first
figure, the summary and the questions to discuss; never a solution (cells tagged ``solution`` are skipped).

Why not nbconvert's reveal.js slides: ``jupyter nbconvert --to slides`` loads reveal.js from a CDN
(``SlidesExporter.reveal_url_prefix`` defaults to unpkg.com), and no copy of reveal.js comes with the pinned packages
(nbconvert ships only the template and a CSS file; jupyterlab none). So each deck is one self-contained HTML file:
one ``<section>`` per slide, the style and a few lines of JavaScript from ``slide_assets/`` inlined (keyboard
navigation: →, Space, PageDown: next; ←, PageUp: previous; Home, End; the slide number is kept in the URL, ``#3``),
and the plotly figures drawn by the course site's local copy of plotly.js (``slides/assets/``), so a deck opens from
disk with no network. Printing a deck gives one slide per page.

Made for the back of a room (checked in a real browser by :func:`measure_deck` at 1280x720 and 1920x1080): prose at
least 22 px at 1280x720 and in proportion on a bigger screen, at most 45 words a slide (the plan's rule), every slide
one screen tall with the figure taking the room the text leaves, nothing under the footer. A slide's figure is the
notebook's figure re-laid out for the slide (:func:`slide_figure`, the notebook is not changed): text at least 20 px
at 1280x720 (scaled up with the screen), fewer ticks, no toolbar, no buttons or sliders (a widget's twin is drawn in
the state its text describes, :mod:`helpers.publishing.slide_states`), point labels spread apart
(:mod:`helpers.publishing.slide_labels`), a long legend below the plot, its title said once, above it, by the
caption.
"""

from __future__ import annotations

import html
import re
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
from helpers.publishing.slide_labels import CHAR_WIDTH, spread_labels
from helpers.publishing.slide_plan import Slide, slide_plan

SLIDES_DIR = PROJECT_ROOT / "slides"
#: The file that marks a folder as slides this module built (so a rebuild may replace it).
MARKER = ".course-slides"

#: The decks' stylesheet and keyboard script, inlined into each deck (so a deck is one file).
ASSETS = Path(__file__).with_name("slide_assets")
#: Figure text on a slide, in px: everything (ticks, legends, buttons, subplot titles) and the figure's title.
FIGURE_FONT = 20
#: At most this many ticks on a numeric axis of a slide figure (the labels are bigger than in the notebook).
SLIDE_TICKS = 6
#: Room in px right of the plot of a figure whose points carry text labels (drawn past the axes, not clipped).
LABEL_ROOM = 120
#: A legend with more entries than this goes below the plot on a slide (beside it, it would need to scroll).
MAX_SIDE_LEGEND = 7


def asset(name: str) -> str:
    """The text of one of the decks' assets (``slides.css``, ``slides.js``)."""
    return (ASSETS / name).read_text(encoding="utf-8")


def _at_least(font: object, size: int) -> dict:
    """A plotly font dict whose size is at least ``size``."""
    font = dict(font) if isinstance(font, dict) else {}
    current = font.get("size")
    font["size"] = max(current, size) if isinstance(current, (int, float)) else size
    return font


def _titled(title: object, size: int) -> dict:
    """A plotly title (a string or a dict) as a dict whose font is at least ``size``."""
    title = {"text": title} if isinstance(title, str) else dict(title) if isinstance(title, dict) else {}
    return {**title, "font": _at_least(title.get("font"), size)}


def _categorical_axes(data: list) -> set[str]:
    """The axes (``xaxis``, ``yaxis2``, ...) that show categories: some trace on them has text values."""
    found = set()
    for trace in data:
        for letter in "xy":
            values = trace.get(letter)
            if isinstance(values, list) and values and isinstance(values[0], str):
                ref = trace.get(f"{letter}axis") or letter
                found.add(f"{letter}axis{ref[1:]}")
    return found


def legend_entries(data: list) -> int:
    """How many entries a figure's legend shows: visible traces with a name, not hidden from the legend, one per
    legend group."""
    shown = [t for t in data if t.get("visible", True) is True and t.get("showlegend", True) and t.get("name")]
    return len({t.get("legendgroup") or id(t) for t in shown})


def slide_layout(layout: dict, data: list | None = None) -> dict:
    """A figure's layout for a slide: every text at least :data:`FIGURE_FONT` px, no title (the slide's caption
    above the figure says it, and wraps), at most :data:`SLIDE_TICKS` ticks on a numeric axis (never fewer
    categories), the axes pushing the margins as they need, a long legend below the plot, and bar text too small
    to read hidden rather than shrunk.
    A panel's buttons and sliders are left out: at slide size they would take the room of the plot, and the slide
    shows the state its text and caption describe (:mod:`helpers.publishing.slide_states`; the notebook has the live
    panel).
    The notebook's figure is not changed (this is a copy)."""
    layout = {k: v for k, v in layout.items() if k not in ("updatemenus", "sliders")}
    categorical = _categorical_axes(data or [])
    layout["font"] = _at_least(layout.get("font"), FIGURE_FONT)
    layout["title"] = {"text": ""}  # the slide shows it above the figure, as the caption, in the slide's own type
    margin = dict(layout.get("margin") or {})
    layout["margin"] = {**margin, "t": 50 if layout.get("annotations") else 20, "b": min(margin.get("b", 60), 60)}
    if any(t.get("type", "scatter") == "scatter" and "text" in (t.get("mode") or "") for t in data or []):
        layout["margin"]["r"] = max(margin.get("r", 0), LABEL_ROOM)  # a labelled point's text may reach past the axis
    for key in [k for k in layout if re.fullmatch(r"[xy]axis\d*", k)]:
        axis = dict(layout[key] or {})
        axis["tickfont"] = _at_least(axis.get("tickfont"), FIGURE_FONT)
        if axis.get("title"):
            axis["title"] = _titled(axis["title"], FIGURE_FONT)
            text = axis["title"].get("text") or ""
            if key.startswith("y") and len(text) > 24 and " (" in text and "<br>" not in text:
                axis["title"]["text"] = text.replace(" (", "<br>(", 1)  # a long vertical title on two lines
        if key not in categorical and axis.get("type") != "category" and axis.get("tickmode") != "array" \
                and "tickvals" not in axis:
            axis["nticks"] = min(axis.get("nticks") or SLIDE_TICKS, SLIDE_TICKS)
        axis["automargin"] = True
        layout[key] = axis
    legend = dict(layout.get("legend") or {})
    legend["font"] = _at_least(legend.get("font"), FIGURE_FONT)
    if legend_entries(data or []) > MAX_SIDE_LEGEND:  # a long legend at slide size would scroll: it goes below
        legend.update(orientation="h", x=0, xanchor="left", xref="container", y=0, yanchor="bottom",
                      yref="container")
    if legend.get("title"):
        legend["title"] = _titled(legend["title"], FIGURE_FONT)
    layout["legend"] = legend
    layout["annotations"] = [{**a, "font": _at_least(a.get("font"), FIGURE_FONT)} for a in layout.get("annotations")
                             or []]
    layout["hoverlabel"] = {**(layout.get("hoverlabel") or {}),
                            "font": _at_least((layout.get("hoverlabel") or {}).get("font"), FIGURE_FONT)}
    layout["uniformtext"] = {"minsize": FIGURE_FONT, "mode": "hide"}
    return layout


def slide_figure(spec: dict) -> dict:
    """What a slide draws for one figure's spec (:func:`helpers.publishing.rendering.plotly_spec`): its layout made
    for a slide (:func:`slide_layout`), text on its traces at least :data:`FIGURE_FONT` px, point labels spread so
    that neighbours do not collide (:func:`helpers.publishing.slide_labels.spread_labels`), and no toolbar (it
    would cover the title; a slide is shown, not explored)."""
    data = [{**trace, "textfont": _at_least(trace.get("textfont"), FIGURE_FONT),
             **({"cliponaxis": False} if "text" in (trace.get("mode") or "") else {})}
            if trace.get("text") is not None or trace.get("texttemplate") else trace for trace in spec["data"]]
    layout = slide_layout(spec["layout"], spec["data"])
    return {**spec, "data": spread_labels(data, layout, FIGURE_FONT, _side_room(layout, data)), "layout": layout,
            "config": {**spec.get("config", {}), "displayModeBar": False}}


def _side_room(layout: dict, data: list) -> float:
    """About how wide, in px, what stands right of a slide figure's plot is: a legend beside it (its longest
    name), else the right margin."""
    entries = legend_entries(data)
    if layout.get("showlegend", True) is not False and entries and layout["legend"].get("orientation") != "h":
        longest = max(len(str(t.get("name") or "")) for t in data if t.get("visible", True) is True)
        return longest * CHAR_WIDTH * FIGURE_FONT + 60
    return float(layout.get("margin", {}).get("r", 80))


def render_deck(slides: list[Slide], title: str, back_href: str = "index.html") -> tuple[str, int]:
    """One deck's HTML and its number of figures."""
    sections, figures = [], {}
    for n, slide in enumerate(slides, start=1):
        tag = "h1" if slide.kind == "title" else "h2"
        parts = [f"<{tag}>{html.escape(plain_text(slide.heading))}</{tag}>", markdown_html(slide.markdown)]
        if slide.figure is not None:
            div_id = f"figure-{n}"
            shown = output_html({PLOTLY_MIME: slide.figure}, div_id, fill_box=True)
            figures[div_id] = slide_figure(shown.figure)
            caption = f"<figcaption>{html.escape(slide.caption)}</figcaption>" if slide.caption else ""
            parts.append(f'<figure>{caption}{shown.data["text/html"]}</figure>')
        kind = f"slide-{slide.kind}" + (" text-only" if slide.figure is None else "")
        sections.append(f'<section class="slide {kind}" id="slide-{n}" aria-label="Slide {n} of '
                        f'{len(slides)}"{" hidden" if n > 1 else ""}>\n' + "\n".join(p for p in parts if p)
                        + "\n</section>")
    plotly = '<script defer src="assets/plotly.min.js"></script>\n' if figures else ""
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="helpers.publishing.slides">\n'
            f'<title>{html.escape(title)} · slides</title>\n'
            f"<style>{asset('slides.css')}</style>\n{plotly}</head>\n<body>\n<main>\n" + "\n".join(sections)
            + "\n</main>\n"
            f'<footer class="deck-footer"><a href="{html.escape(back_href)}">All decks</a>'
            f'<button id="deck-previous" type="button" aria-label="Previous slide">&larr;</button>'
            f'<span id="deck-counter" aria-live="polite">1 / {len(slides)}</span>'
            f'<button id="deck-next" type="button" aria-label="Next slide">&rarr;</button>'
            f'<span class="help">keys: &rarr; / Space next, &larr; previous, Home, End</span></footer>\n'
            f'<script id="deck-figures" type="application/json">{script_json(figures)}</script>\n'
            f"<script>{asset('slides.js')}</script>\n</body>\n</html>\n")
    return page, len(figures)


def render_index(decks: list[tuple[str, str, int]]) -> str:
    """The list of decks: (file name, title, number of slides)."""
    items = "\n".join(f'<li><a href="{html.escape(name)}">{html.escape(title)}</a> ({count} slides)</li>'
                      for name, title, count in decks)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Slides</title>\n'
            f"<style>{asset('slides.css')}</style>\n</head>\n<body>\n<main class=\"decks\">\n<h1>Slides</h1>\n"
            f"<p>One deck per lesson, made from the lesson notebook's title, section headings, first figures and "
            f"summary. Open a deck and use the arrow keys. Solutions are never on the slides.</p>\n<ol>\n{items}\n"
            f"</ol>\n</main>\n</body>\n</html>\n")


def measure_deck(page, timeout_s: float = 20.0) -> list[dict]:
    """What a back row sees on each slide of the deck open in the Playwright ``page``, slide by slide (→ key):
    ``body_min`` and ``figure_min`` (smallest text size in px, prose and figure), ``words`` (of prose, heading not
    counted), ``outside`` (text or figures under the footer or off the screen), ``labels`` and ``label_overlaps``
    (point labels of scatters, and the pairs of them that overlap) and ``scrolls_sideways``. Raises
    RuntimeError if a slide's figure fails to draw."""
    script, found = asset("measure.js"), []
    page.keyboard.press("Home")
    count = page.locator(".slide").count()
    for n in range(1, count + 1):
        page.wait_for_function(f"document.documentElement.dataset.slide === '{n}' && "
                               "document.documentElement.dataset.ready !== 'false'", timeout=timeout_s * 1000)
        if page.evaluate("document.documentElement.dataset.ready") != "true":
            raise RuntimeError(f"slide {n}: a figure failed to draw")
        found.append(page.evaluate(script))
        page.keyboard.press("ArrowRight")
    return found


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
