"""Build the course's static HTML site: ``python -m helpers.publishing.site`` (or ``make html``) writes ``site/``.

The site is for readers without Python. It is built from the committed notebooks and their committed outputs
(nothing is executed), and it opens from disk (``file://``) with no network at all:

- one page per lesson notebook in ``notebooks/`` (found by :func:`helpers.publishing.notebooks.find_lessons`, in
  file-name order) and an index page with the course map (lessons that exist link to their page; lessons the
  README lists but that are not written yet are shown as "coming"; :mod:`helpers.publishing.course_map`);
- nbconvert's ``basic`` template (body only: no require.js, no MathJax, no widget manager from a CDN) wrapped in
  our own page (``helpers/publishing/site_assets/page.html.j2``): navigation, readable typography, a print stylesheet;
- every output goes through :func:`helpers.publishing.rendering.output_html`, and every markdown cell through
  :func:`helpers.publishing.rendering.sanitize_html` (allow-listed HTML, no ``javascript:`` links): a plotly figure
  becomes a ``<div>`` plus a ``<script>`` calling ``Plotly.newPlot`` with the figure's JSON (the pages share one
  local copy of the site's plotly.js bundle in ``site/assets/plotly.min.js``,
  :func:`helpers.publishing.rendering.plotly_js_path`); an ipywidgets view (which needs a
  kernel) becomes a short note pointing to its plotly-native twin;
- exercise solutions (cells tagged ``solution``) stay folded: a ``<details>`` block whose Markdown is rendered
  inside it, and no ``open`` attribute anywhere;
- a cell with hidden input (:func:`helpers.publishing.notebooks.hides_input`: tagged ``hide-input`` or with
  ``metadata.jupyter.source_hidden``, such as a cell that only builds a sentence) shows its output and not its code;
  outputs collapsed in JupyterLab (``metadata.jupyter.outputs_hidden``) are shown like any other: a reader of the
  site has no kernel, so a static twin is all there is.

For finding one's way (:mod:`helpers.publishing.site_nav`, ``site_assets/site.js``): a sidebar listing every
lesson by number and title (the current one marked; behind a "Lessons" button on phones), "On this page" contents
from each page's h2/h3 headings, a search box whose index (``assets/search-index.js``, one entry per section) is a
script loaded on first use so it works from ``file://``, copy buttons on code, a download link to each lesson's
notebook (copied into ``notebooks/``), and a dark mode (the system's preference or the reader's choice, kept in
localStorage) that restyles the figures too; code colours are checked for contrast
(:mod:`helpers.publishing.site_theme`). The generator stays this small module on nbconvert rather than Sphinx
(myst-nb/jupyter-book): no extra dependency tree, and the offline, sanitized, figure-counting conversion stays ours.

The build prints the size of every page and the site's total. ``--measure`` opens every page in headless Chromium
and times how long it takes until every figure has drawn (:mod:`helpers.publishing.browser`).
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from helpers import PROJECT_ROOT
from helpers.publishing.browser import measure_page_timings
from helpers.publishing.commands import builder_parser, run_build
from helpers.publishing.course_map import README, Lesson, PlannedLesson, lesson_info, planned_lessons, readme_intro
from helpers.publishing.notebooks import (
    NOTEBOOKS_DIR,
    PLOTLY_MIME,
    find_lessons,
    for_readers,
    hides_input,
    is_solution,
    read_notebook,
)
from helpers.publishing.rendering import (
    close_details,
    folded_solution,
    markdown_html,
    offline_badges,
    output_html,
    plotly_js_path,
    prepare_folder,
    render_details_markdown,
    sanitize_html,
    script_json,
    write_offline_pages,
)
from helpers.publishing.site_nav import page_sections, search_entries, search_index_js, toc_entries
from helpers.publishing.site_theme import pygments_css

#: Where the site goes.
SITE_DIR = PROJECT_ROOT / "site"
#: Templates, stylesheet and page script of the site.
ASSETS_DIR = Path(__file__).resolve().parent / "site_assets"
#: The file that marks a folder as a site this module built (so a rebuild may replace it).
MARKER = ".course-site"
#: Size the whole site should stay under.
SIZE_BUDGET_BYTES = 15 * 1024 * 1024


# ----------------------------------------------------------------------------------------------------------------
# Converting cells
# ----------------------------------------------------------------------------------------------------------------

def plotly_figure_html(figure: dict, div_id: str) -> str:
    """The site's HTML for one plotly figure: the ``<div>`` of :func:`~helpers.publishing.rendering.output_html`
    and a ``<script>`` that calls ``Plotly.newPlot`` on it.

    ``figure`` is the JSON of the plotly mimetype (``data``, ``layout``, optional ``frames`` and ``config``).
    The script hands a function calling ``Plotly.newPlot`` to ``sitePlot`` (``site_assets/site.js``), which draws
    the figures on the first screen as soon as plotly has loaded and the others right after, one per task. The
    ``<div>`` has the figure's height (its layout's, or plotly's default 450 px) before it is drawn, so the page
    does not jump, and plotly's responsive mode fills it.
    """
    shown = output_html({PLOTLY_MIME: figure}, div_id)
    return _with_plot_script(shown.data["text/html"], div_id, shown.figure)


def _with_plot_script(div: str, div_id: str, spec: dict) -> str:
    return (f'{div}\n<script>sitePlot("{div_id}", function () {{ return Plotly.newPlot("{div_id}", '
            f'{script_json(spec)}); }});</script>')


class SanitizedHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter whose Markdown (every markdown cell) passes through
    :func:`~helpers.publishing.rendering.sanitize_html` on its way to the page, as outputs do in ``output_html``."""

    @jinja2.pass_context
    def markdown2html(self, context, source):
        return sanitize_html(super().markdown2html(context, source))


class StaticOutputs(Preprocessor):
    """nbconvert preprocessor: every output through :func:`~helpers.publishing.rendering.output_html` (plotly
    figure -> div + ``Plotly.newPlot``; widget view -> a note; JavaScript dropped), solutions folded, the code of
    a cell with hidden input left out (nbconvert's ``transient.remove_source``, which its templates honour).

    Also removes the notebook's saved widget state (which would make nbconvert load the widget manager from a
    CDN). Counts what it converted in ``resources["site"]``.
    """

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        resources.setdefault("site", {"figures": 0, "widgets": 0})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = render_details_markdown(folded_solution(cell.source) if is_solution(cell) else cell.source)
            return cell, resources
        if cell.cell_type != "code":
            return cell, resources
        if hides_input(cell):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
        counts = resources["site"]
        kept = []
        for k, output in enumerate(cell.get("outputs", [])):
            if output.get("data") is None:
                kept.append(output)
                continue
            div_id = f"fig-{index}-{k}"
            shown = output_html(output["data"], div_id)
            if shown is None:
                continue
            if shown.kind == "figure":
                output["data"] = {"text/html": _with_plot_script(shown.data["text/html"], div_id, shown.figure)}
                counts["figures"] += 1
            else:
                output["data"] = shown.data
                counts["widgets"] += shown.kind == "widget"
            kept.append(output)
        cell.outputs = kept
        return cell, resources


# ----------------------------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------------------------

@dataclass
class SiteReport:
    """What a build wrote: pages, figure counts, sizes."""

    site_dir: Path
    lessons: list[Lesson]
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())

    def summary(self) -> str:
        """The table the build prints: one line per file, then the total."""
        width = max([len(name) for name in self.sizes] + [10])
        figures = {lesson.href: lesson.figures for lesson in self.lessons}
        lines = [f"site: {len(self.lessons)} lesson page(s) and the index in {self.site_dir}"]
        for name, size in sorted(self.sizes.items()):
            extra = f"  {figures[name]} figure(s)" if name in figures else ""
            lines.append(f"  {name:<{width}}  {format_bytes(size):>9}{extra}")
        verdict = "within" if self.total_bytes <= SIZE_BUDGET_BYTES else "OVER"
        lines.append(f"total size: {format_bytes(self.total_bytes)} ({verdict} the "
                     f"{format_bytes(SIZE_BUDGET_BYTES)} budget)")
        return "\n".join(lines)


def format_bytes(size: int) -> str:
    """Human-readable size: 812 B, 14.2 kB, 4.6 MB (1 kB = 1024 B)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 ** 2:
        return f"{size / 1024:.1f} kB"
    return f"{size / 1024 ** 2:.1f} MB"


def _jinja():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS_DIR), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _exporter():
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "basic"
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    exporter = SanitizedHTMLExporter(config=config)
    exporter.register_preprocessor(StaticOutputs(), enabled=True)
    return exporter


def _safe(text: str):
    import markupsafe

    return markupsafe.Markup(text)


def _link_lessons(body: str, stems: set[str]) -> str:
    """Links to another lesson's notebook (``01_x.ipynb``, ``../notebooks/01_x.ipynb``) point to its page."""
    def swap(m: re.Match) -> str:
        stem = m.group(2).rsplit("/", 1)[-1]
        return f'href="{stem}.html{m.group(3) or ""}"' if stem in stems else m.group(0)

    return re.sub(r'href="((?:\.\./notebooks/|\./)?)([^"#:]+?)\.ipynb(#[^"]*)?"', swap, body)


def render_lesson(nb: nbformat.NotebookNode, lesson: Lesson, lessons: list[Lesson], site_title: str,
                  search: list[dict] | None = None) -> str:
    """One lesson's full HTML page; its sections' search-index entries are appended to ``search`` if given."""
    body, resources = _exporter().from_notebook_node(nb)
    if resources["site"]["figures"] != lesson.figures:  # the preprocessor and count_outputs disagree: a bug here
        raise RuntimeError(f"{lesson.source.name}: converted {resources['site']['figures']} plotly figures, "
                           f"expected {lesson.figures}")
    body = close_details(_link_lessons(body, {item.source.stem for item in lessons}))
    position = lessons.index(lesson)
    sections = page_sections(body)
    if search is not None:
        search.extend(search_entries(lesson.href, lesson.title, sections))
    return _jinja().get_template("page.html.j2").render(
        site_title=site_title, page_title=lesson.title, lesson=lesson, lessons=lessons, body=_safe(body),
        toc=toc_entries(sections),
        previous=lessons[position - 1] if position > 0 else None,
        next=lessons[position + 1] if position + 1 < len(lessons) else None,
        has_figures=lesson.figures > 0)


def _map_entry(number: str, lesson: Lesson | None, title: str, summary: str) -> dict:
    """One row of the index's course map."""
    return {"number": number, "lesson": lesson, "title": title,
            "summary": _safe(markdown_html(summary, inline=True)),
            "meta": _safe(markdown_html(lesson.meta, inline=True)) if lesson and lesson.meta else ""}


def render_index(lessons: list[Lesson], planned: list[PlannedLesson], site_title: str,
                 readme: Path = README, with_solutions: bool = True) -> str:
    """The index page: the README's introduction and the course map (written lessons link to their page); its
    reading guide says how to open a folded solution only ``with_solutions`` (handouts have none)."""
    by_number = {lesson.number: lesson for lesson in lessons if lesson.number is not None}
    entries = []
    for plan in planned:
        lesson = by_number.pop(plan.number, None)
        entries.append(_map_entry(plan.number, lesson, lesson.short_title if lesson else plan.title,
                                  lesson.summary if lesson and lesson.summary else plan.description))
    listed = {id(e["lesson"]) for e in entries if e["lesson"]}
    for lesson in lessons:  # lessons the README does not list (yet), in file order
        if id(lesson) not in listed:
            entries.append(_map_entry(lesson.number or "", lesson, lesson.short_title, lesson.summary))
    entries.sort(key=lambda e: (e["number"] == "", int(e["number"]) if e["number"] else 0))
    intro = close_details(markdown_html(offline_badges(readme_intro(readme))))
    template = _jinja().get_template("index.html.j2")
    context = dict(site_title=site_title, page_title=site_title, lessons=lessons, entries=entries,
                   intro=_safe(intro), lesson=None, previous=None, next=lessons[0] if lessons else None,
                   has_figures=False, with_solutions=with_solutions)
    page = template.render(**context, toc=[])
    main = page[page.index("<main"):page.index("</main>")]
    return template.render(**context, toc=[s for s in page_sections(main) if s.level == 2])


def build_site(notebooks_dir: Path = NOTEBOOKS_DIR, site_dir: Path = SITE_DIR, readme: Path = README,
               verbose: bool = True) -> SiteReport:
    """Build the static site from the committed notebooks (their outputs as saved; nothing is executed).

    Writes ``index.html``, one ``<stem>.html`` per lesson notebook and ``assets/`` (plotly.min.js once, the
    stylesheet, the page script) into ``site_dir``, which is replaced if it holds an earlier build. Raises
    ValueError for a missing notebooks folder or an unsafe ``site_dir``, and RuntimeError if a page would load
    anything from the network. Prints the size of every file and the total when ``verbose``.
    """
    notebooks_dir, site_dir, readme = Path(notebooks_dir), Path(site_dir), Path(readme)
    paths = find_lessons(notebooks_dir)
    notebooks = [for_readers(read_notebook(path)) for path in paths]
    lessons = [lesson_info(nb, path) for nb, path in zip(notebooks, paths, strict=True)]
    site_title, planned = planned_lessons(readme)
    prepare_folder(site_dir, MARKER, "helpers.publishing.site", "assets", argument="site_dir")
    assets = site_dir / "assets"
    shutil.copyfile(plotly_js_path(), assets / "plotly.min.js")
    shutil.copyfile(ASSETS_DIR / "site.css", assets / "site.css")
    shutil.copyfile(ASSETS_DIR / "site.js", assets / "site.js")
    (assets / "pygments.css").write_text(pygments_css(), encoding="utf-8")
    with_solutions = any(is_solution(cell) for nb in notebooks for cell in nb.cells)
    pages = {"index.html": render_index(lessons, planned, site_title, readme, with_solutions)}
    search: list[dict] = []
    for nb, lesson in zip(notebooks, lessons, strict=True):
        pages[lesson.href] = render_lesson(nb, lesson, lessons, site_title, search)
    write_offline_pages(site_dir, pages)
    (assets / "search-index.js").write_text(search_index_js(search), encoding="utf-8")
    (site_dir / "notebooks").mkdir()
    for path in paths:  # the notebook as committed, for readers who want to run it
        shutil.copyfile(path, site_dir / "notebooks" / path.name)
    report = SiteReport(site_dir, lessons, site_sizes(site_dir))
    if verbose:
        print(report.summary())
    return report


def site_sizes(site_dir: Path) -> dict[str, int]:
    """Size in bytes of every file of a site, by path relative to it."""
    site_dir = Path(site_dir)
    return {p.relative_to(site_dir).as_posix(): p.stat().st_size
            for p in sorted(site_dir.rglob("*")) if p.is_file() and p.name != MARKER}


def main(argv: list[str] | None = None) -> int:
    parser = builder_parser("helpers.publishing.site", __doc__, SITE_DIR, "folder to build the site into")
    parser.add_argument("--measure", action="store_true",
                        help="also time each page to interactive in headless Chromium")
    args = parser.parse_args(argv)
    status, report = run_build(lambda: build_site(args.notebooks, args.out), lambda r: r.site_dir / "index.html")
    if report is not None and args.measure:
        for name, times in measure_page_timings(report.site_dir).items():
            print(f"{name:<45} interactive {times['interactive']:.2f} s (cold), "
                  f"{times['warm_interactive']:.2f} s (warm); all figures drawn {times['all_drawn']:.2f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
