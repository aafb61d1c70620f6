"""Build the course's static HTML site: ``python -m helpers.publishing.site`` (or ``make html``) writes ``site/``.

The site is for readers without Python. It is built from the committed notebooks and their committed outputs
(nothing is executed), and it opens from disk (``file://``) with no network at all:

- one page per notebook in ``notebooks/`` (found automatically, in file-name order) and an index page with the
  course map (lessons that exist link to their page; lessons the README lists but that are not written yet are
  shown as "coming");
- nbconvert's ``basic`` template (body only: no require.js, no MathJax, no widget manager from a CDN) wrapped in
  our own page (``helpers/publishing/site_assets/page.html.j2``): navigation, readable typography, a print stylesheet;
- every plotly output (the ``application/vnd.plotly.v1+json`` mimetype that plotly 6.1+ writes inside a kernel,
  which nbconvert cannot draw) becomes a ``<div>`` plus a ``<script>`` calling ``Plotly.newPlot`` with the
  figure's JSON; the pages share one local copy of plotly's own bundled ``plotly.min.js`` in ``site/assets/``;
- an ipywidgets view (which needs a kernel) becomes a short note pointing to its plotly-native twin;
- ``<details>`` blocks (exercise solutions) stay collapsed: an ``open`` attribute is removed.

The build prints the size of every page and the site's total. :func:`measure_time_to_interactive` opens every
page in headless Chromium and times how long it takes until every figure has drawn.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor

from helpers import PROJECT_ROOT
from helpers.publishing import colab

#: Where the lessons live, where the site goes, and the README whose course map lists every planned lesson.
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SITE_DIR = PROJECT_ROOT / "site"
README = PROJECT_ROOT / "README.md"
#: Templates, stylesheet and page script of the site.
ASSETS_DIR = Path(__file__).resolve().parent / "site_assets"

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Mimetypes dropped from outputs: code that would run in the page, or views that need a kernel.
DROPPED_MIMES = ("application/javascript", "application/vnd.jupyter.widget-state+json")
#: What a reader of the static page sees instead of an ipywidgets control.
WIDGET_NOTE = "interactive control: open this lesson in JupyterLab; the figure below is its static twin"
#: Plotly config of every figure on the site (a figure's own config wins).
PLOTLY_CONFIG = {"responsive": True, "displaylogo": False}
#: The file that marks a folder as a site this module built (so a rebuild may replace it).
MARKER = ".course-site"
#: Size the whole site should stay under.
SIZE_BUDGET_BYTES = 15 * 1024 * 1024
#: Chromium: Debian's package, never a downloaded browser. Flags that keep it quiet and offline.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DEFAULT_TITLE = "Why AI assistants act like people"

_LESSON_NUMBER = re.compile(r"^(\d+)")
_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import\s+(?:url\()?["']?\s*(?:https?:)?//"""
                     r"""|url\(\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def plotly_js_path() -> Path:
    """plotly's own bundled ``plotly.min.js`` (the one that matches the installed plotly package)."""
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js not found at {path}; reinstall plotly (`make install`)")
    return path


# ----------------------------------------------------------------------------------------------------------------
# Converting outputs
# ----------------------------------------------------------------------------------------------------------------

def _script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def plotly_figure_html(figure: dict, div_id: str) -> str:
    """The HTML for one plotly figure: a ``<div>`` and a ``<script>`` that calls ``Plotly.newPlot`` on it.

    ``figure`` is the JSON of the plotly mimetype (``data``, ``layout``, optional ``frames`` and ``config``).
    The script hands a function calling ``Plotly.newPlot`` to ``sitePlot`` (``site_assets/site.js``), which draws
    the figures on the first screen as soon as plotly has loaded and the others right after, one per task. The
    ``<div>`` has the figure's height (its layout's, or plotly's default 450 px) before it is drawn, so the page
    does not jump, and plotly's responsive mode fills it.
    """
    if not isinstance(figure, dict) or "data" not in figure:
        raise ValueError(f"figure must be a plotly figure dict with a 'data' key, got {type(figure).__name__}"
                         f"{' with keys ' + str(sorted(figure)) if isinstance(figure, dict) else ''}")
    if not re.fullmatch(r"[A-Za-z][\w-]*", div_id):
        raise ValueError(f"div_id={div_id!r}; expected letters, digits, '-' or '_', starting with a letter")
    spec = {"data": figure.get("data", []), "layout": figure.get("layout", {}),
            "config": {**PLOTLY_CONFIG, **figure.get("config", {})}}
    if figure.get("frames"):
        spec["frames"] = figure["frames"]
    height = spec["layout"].get("height") if isinstance(spec["layout"].get("height"), (int, float)) else 450
    title = spec["layout"].get("title")
    title = title.get("text") if isinstance(title, dict) else title
    label = html.escape(re.sub(r"<[^>]+>", " ", f"Figure: {title}" if title else "Figure"), quote=True)
    return (f'<div class="plotly-figure" id="{div_id}" style="min-height: {int(height)}px" role="figure" '
            f'aria-label="{label}"></div>\n'
            f'<script>sitePlot("{div_id}", function () {{ return Plotly.newPlot("{div_id}", '
            f'{_script_json(spec)}); }});</script>')


def widget_note_html() -> str:
    """What replaces an ipywidgets view on the static page."""
    return f'<p class="widget-note" role="note">{html.escape(WIDGET_NOTE)}</p>'


class StaticOutputs(Preprocessor):
    """nbconvert preprocessor: plotly mimetype -> div + ``Plotly.newPlot``; widget view -> a note.

    Also removes the notebook's saved widget state (which would make nbconvert load the widget manager from a
    CDN) and any JavaScript output. Counts what it converted in ``resources["site"]``.
    """

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        resources.setdefault("site", {"figures": 0, "widgets": 0})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = render_details_markdown(cell.source)
            return cell, resources
        if cell.cell_type != "code":
            return cell, resources
        counts = resources["site"]
        kept = []
        for k, output in enumerate(cell.get("outputs", [])):
            data = output.get("data")
            if data is None:
                kept.append(output)
                continue
            if PLOTLY_MIME in data:
                div_id = f"fig-{index}-{k}"
                output["data"] = {"text/html": plotly_figure_html(data[PLOTLY_MIME], div_id)}
                counts["figures"] += 1
            elif WIDGET_MIME in data:
                output["data"] = {"text/html": widget_note_html()}
                counts["widgets"] += 1
            else:
                for mime in DROPPED_MIMES:
                    data.pop(mime, None)
                if not data:
                    continue
            kept.append(output)
        cell.outputs = kept
        return cell, resources


_DETAILS = re.compile(r"(<details\b[^>]*>\s*<summary>.*?</summary>)(.*?)(</details>)", re.S | re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)


def render_details_markdown(source: str) -> str:
    """Render the Markdown inside ``<details>`` blocks (exercise solutions) to HTML, as JupyterLab does.

    A Markdown renderer ends an HTML block at the first blank line, so a solution written in Markdown would
    spill out of its collapsed block. The inner Markdown is rendered here and the block is made blank-line free
    (newlines inside ``<pre>`` become ``&#10;``, which displays the same).
    """
    def swap(match: re.Match) -> str:
        inner = _markdown(match.group(2).strip()) if match.group(2).strip() else ""
        inner = _PRE.sub(lambda m: m.group(0).replace("\n", "&#10;"), inner)
        block = f"{match.group(1)}\n{inner}\n{match.group(3)}"
        return re.sub(r"\n\s*\n", "\n", block)

    return _DETAILS.sub(swap, source)


def count_outputs(nb: nbformat.NotebookNode) -> dict[str, int]:
    """How many plotly figures and ipywidgets views a notebook's committed outputs hold."""
    figures = widgets = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data") or {}
            figures += PLOTLY_MIME in data
            widgets += PLOTLY_MIME not in data and WIDGET_MIME in data
    return {"figures": figures, "widgets": widgets}


def close_details(page: str) -> str:
    """Remove the ``open`` attribute from every ``<details>`` tag: solutions stay collapsed."""
    attr = re.compile(r"""\s+open(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?(?=[\s/>])""", re.IGNORECASE)
    return re.sub(r"<details\b[^>]*>", lambda m: attr.sub("", m.group(0)), page, flags=re.IGNORECASE)


def offline_badges(markdown: str) -> str:
    """Linked badge images (``[![Open in Colab](https://...svg)](https://...)``) as plain text links: the badge
    image would be fetched from the network, the link is only followed when clicked."""
    return re.sub(r"\[!\[([^\]]*)\]\((?:https?:)?//[^)]*\)\]\(([^)]+)\)", r"[\1](\2)", markdown)


def remote_references(page: str) -> list[str]:
    """Places where a page would load something from the network (src/href to ``//host``, CSS url/@import).

    Plain links to papers (``<a href="https://...">``) are fine: they load nothing until the reader clicks. So
    anchors are ignored; anything else that points off the machine is returned as a short excerpt.
    """
    without_anchors = re.sub(r"<a\b[^>]*>", "<a>", page, flags=re.IGNORECASE)
    return [without_anchors[max(0, m.start() - 40):m.end() + 60] for m in _REMOTE.finditer(without_anchors)]


# ----------------------------------------------------------------------------------------------------------------
# Lessons and the course map
# ----------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lesson:
    """One notebook, as the site shows it."""

    source: Path
    number: str | None
    title: str
    summary: str
    meta: str
    figures: int
    widgets: int

    @property
    def href(self) -> str:
        return f"{self.source.stem}.html"

    @property
    def short_title(self) -> str:
        """The title without its leading lesson number ("04 · Cheating generalizes" -> "Cheating generalizes")."""
        return re.sub(r"^\d+\s*[·.:\-–—]?\s*", "", self.title) or self.title


@dataclass(frozen=True)
class PlannedLesson:
    """A lesson of the README's course map (it may not be written yet)."""

    number: str
    title: str
    description: str


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


def _plain(markdown: str) -> str:
    """Markdown inline text without its markup (for <title> and the like)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]", "", text).strip()


def lesson_info(nb: nbformat.NotebookNode, source: Path) -> Lesson:
    """Title, one-line summary and the time/needs line from a lesson's opening markdown cell."""
    match = _LESSON_NUMBER.match(source.stem)
    number = match.group(1) if match else None
    title, summary, meta = source.stem.replace("_", " "), "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
        if heading is None:
            continue
        title = _plain(lines[heading][2:])
        paragraphs = re.split(r"\n\s*\n", "\n".join(lines[heading + 1:]))
        for paragraph in (p.strip() for p in paragraphs):
            if not paragraph:
                continue
            if re.match(r"\**time", paragraph, re.IGNORECASE):
                meta = meta or paragraph
            elif not summary and not re.match(r"(#|\d+\.|[-*] |<)", paragraph):
                summary = " ".join(paragraph.split())
        break
    counts = count_outputs(nb)
    return Lesson(source, number, title, summary, meta, counts["figures"], counts["widgets"])


def planned_lessons(readme: Path = README) -> tuple[str, list[PlannedLesson]]:
    """The site title (the README's first heading) and the lessons of its "Course map" table."""
    if not readme.is_file():
        return DEFAULT_TITLE, []
    text = readme.read_text(encoding="utf-8")
    title_match = re.search(r"^# (.+)$", text, re.MULTILINE)
    title = _plain(title_match.group(1)).split(":")[0].strip() if title_match else DEFAULT_TITLE
    section = re.search(r"^## Course map\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    planned = []
    for line in (section.group(1).splitlines() if section else []):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and (m := re.match(r"(\d+)\s+(.*)", cells[0])):
            name = re.sub(r"\s*\(coming\)\s*$", "", m.group(2)).strip()
            planned.append(PlannedLesson(m.group(1), _plain(name), cells[1]))
    return title, planned


def find_notebooks(notebooks_dir: Path) -> list[Path]:
    """Every lesson notebook in a folder, in file-name order (checkpoints and hidden files excluded)."""
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir={str(notebooks_dir)!r} is not a folder; expected the folder that holds "
                         f"the lesson notebooks (default {NOTEBOOKS_DIR})")
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))


# ----------------------------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------------------------

def _jinja():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS_DIR), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _markdown(text: str, inline: bool = False) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(text).strip()
    if inline and rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "basic"
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(StaticOutputs(), enabled=True)
    return exporter


def _link_lessons(body: str, stems: set[str]) -> str:
    """Links to another lesson's notebook (``01_x.ipynb``, ``../notebooks/01_x.ipynb``) point to its page."""
    def swap(m: re.Match) -> str:
        stem = m.group(2).rsplit("/", 1)[-1]
        return f'href="{stem}.html{m.group(3) or ""}"' if stem in stems else m.group(0)

    return re.sub(r'href="((?:\.\./notebooks/|\./)?)([^"#:]+?)\.ipynb(#[^"]*)?"', swap, body)


def render_lesson(nb: nbformat.NotebookNode, lesson: Lesson, lessons: list[Lesson], site_title: str) -> str:
    """One lesson's full HTML page."""
    body, resources = _exporter().from_notebook_node(nb)
    if resources["site"]["figures"] != lesson.figures:  # the preprocessor and count_outputs disagree: a bug here
        raise RuntimeError(f"{lesson.source.name}: converted {resources['site']['figures']} plotly figures, "
                           f"expected {lesson.figures}")
    body = close_details(_link_lessons(body, {item.source.stem for item in lessons}))
    position = lessons.index(lesson)
    return _jinja().get_template("page.html.j2").render(
        site_title=site_title, page_title=lesson.title, lesson=lesson, lessons=lessons, body=_safe(body),
        previous=lessons[position - 1] if position > 0 else None,
        next=lessons[position + 1] if position + 1 < len(lessons) else None,
        has_figures=lesson.figures > 0)


def _safe(text: str):
    import markupsafe

    return markupsafe.Markup(text)


def render_index(lessons: list[Lesson], planned: list[PlannedLesson], site_title: str,
                 readme: Path = README) -> str:
    """The index page: the README's introduction and the course map (written lessons link to their page)."""
    by_number = {lesson.number: lesson for lesson in lessons if lesson.number is not None}
    entries = []
    for plan in planned:
        lesson = by_number.pop(plan.number, None)
        entries.append({"number": plan.number, "lesson": lesson,
                        "title": lesson.short_title if lesson else plan.title,
                        "summary": _safe(_markdown(lesson.summary if lesson and lesson.summary
                                                   else plan.description, inline=True)),
                        "meta": _safe(_markdown(lesson.meta, inline=True)) if lesson and lesson.meta else ""})
    listed = {id(e["lesson"]) for e in entries if e["lesson"]}
    for lesson in lessons:  # lessons the README does not list (yet), in file order
        if id(lesson) not in listed:
            entries.append({"number": lesson.number or "", "lesson": lesson, "title": lesson.short_title,
                            "summary": _safe(_markdown(lesson.summary, inline=True)),
                            "meta": _safe(_markdown(lesson.meta, inline=True)) if lesson.meta else ""})
    entries.sort(key=lambda e: (e["number"] == "", int(e["number"]) if e["number"] else 0))
    intro = ""
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        match = re.search(r"^# .+?$\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
        intro = close_details(_markdown(offline_badges(match.group(1)))) if match else ""
    return _jinja().get_template("index.html.j2").render(
        site_title=site_title, page_title=site_title, lessons=lessons, entries=entries, intro=_safe(intro),
        lesson=None, previous=None, next=lessons[0] if lessons else None, has_figures=False)


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="friendly").get_style_defs(".highlight")


def _prepare(site_dir: Path) -> None:
    """Make ``site_dir`` an empty folder; only a folder this module built (or an empty one) is replaced."""
    if site_dir.exists():
        if not site_dir.is_dir():
            raise ValueError(f"site_dir={str(site_dir)!r} is a file; expected a folder to build the site into")
        if any(site_dir.iterdir()) and not (site_dir / MARKER).exists():
            raise ValueError(f"site_dir={str(site_dir)!r} is not empty and was not built by helpers.publishing.site "
                             f"(no {MARKER} file); expected an empty folder or an earlier site")
        shutil.rmtree(site_dir)
    (site_dir / "assets").mkdir(parents=True)
    (site_dir / MARKER).write_text("built by `python -m helpers.publishing.site`; rebuilt from scratch each time\n")


def build_site(notebooks_dir: Path = NOTEBOOKS_DIR, site_dir: Path = SITE_DIR, readme: Path = README,
               verbose: bool = True) -> SiteReport:
    """Build the static site from the committed notebooks (their outputs as saved; nothing is executed).

    Writes ``index.html``, one ``<stem>.html`` per notebook and ``assets/`` (plotly.min.js once, the stylesheet,
    the page script) into ``site_dir``, which is replaced if it holds an earlier build. Raises ValueError for a
    missing notebooks folder or an unsafe ``site_dir``, and RuntimeError if a page would load anything from the
    network. Prints the size of every file and the total when ``verbose``.
    """
    notebooks_dir, site_dir, readme = Path(notebooks_dir), Path(site_dir), Path(readme)
    paths = find_notebooks(notebooks_dir)
    notebooks = [colab.without_colab_cell(nbformat.read(path, as_version=4)) for path in paths]
    lessons = [lesson_info(nb, path) for nb, path in zip(notebooks, paths)]
    site_title, planned = planned_lessons(readme)
    _prepare(site_dir)
    assets = site_dir / "assets"
    shutil.copyfile(plotly_js_path(), assets / "plotly.min.js")
    shutil.copyfile(ASSETS_DIR / "site.css", assets / "site.css")
    shutil.copyfile(ASSETS_DIR / "site.js", assets / "site.js")
    (assets / "pygments.css").write_text(_pygments_css(), encoding="utf-8")
    pages = {"index.html": render_index(lessons, planned, site_title, readme)}
    for nb, lesson in zip(notebooks, lessons):
        pages[lesson.href] = render_lesson(nb, lesson, lessons, site_title)
    for name, page in pages.items():
        remote = remote_references(page)
        if remote:
            raise RuntimeError(f"{name} would load from the network (the site must work offline): "
                               + "; ".join(repr(r) for r in remote[:3]))
        (site_dir / name).write_text(page, encoding="utf-8")
    report = SiteReport(site_dir, lessons, site_sizes(site_dir))
    if verbose:
        print(report.summary())
    return report


def site_sizes(site_dir: Path) -> dict[str, int]:
    """Size in bytes of every file of a site, by path relative to it."""
    site_dir = Path(site_dir)
    return {p.relative_to(site_dir).as_posix(): p.stat().st_size
            for p in sorted(site_dir.rglob("*")) if p.is_file() and p.name != MARKER}


# ----------------------------------------------------------------------------------------------------------------
# Time to interactive in headless Chromium
# ----------------------------------------------------------------------------------------------------------------

def launch_chromium(playwright):
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"needs Chromium at {CHROMIUM}: run `sudo apt install chromium chromium-driver`")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def offline_only(route) -> None:
    """A Playwright route handler: file:// and data: load, anything else is aborted."""
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def measure_page_timings(site_dir: Path = SITE_DIR, pages: Iterable[str] | None = None, timeout_s: float = 60.0,
                         browser=None) -> dict[str, dict[str, float]]:
    """Per page, seconds from navigation start until it is interactive and until its last figure has drawn.

    Opens every page (default: every ``*.html`` file of the site) in a fresh headless-Chromium context (nothing
    cached), offline, and reads the times ``site_assets/site.js`` records: ``interactive`` (page parsed,
    plotly.js loaded, every figure on or near the first screen drawn) and ``all_drawn`` (every figure drawn).
    Then it opens the page again in the same context: ``warm_interactive`` is what a reader who moves between
    pages of the site sees (Chromium keeps plotly.js compiled, which is most of the cost of a cold visit).
    Pass a Playwright ``browser`` to reuse one; otherwise Debian's Chromium is launched and closed here. Raises
    RuntimeError if a figure fails to draw.
    """
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise ValueError(f"site_dir={str(site_dir)!r} holds no built site (no index.html); run `make html` first")
    names = sorted(pages) if pages is not None else sorted(p.name for p in site_dir.glob("*.html"))
    missing = [name for name in names if not (site_dir / name).is_file()]
    if missing:
        raise ValueError(f"pages={missing!r} are not in {site_dir}; expected some of "
                         f"{sorted(p.name for p in site_dir.glob('*.html'))}")
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = launch_chromium(playwright)
            try:
                return measure_page_timings(site_dir, names, timeout_s, own)
            finally:
                own.close()
    results: dict[str, dict[str, float]] = {}
    for name in names:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.route("**/*", offline_only)
            cold = _open_and_time(page, site_dir / name, timeout_s)
            page.goto("about:blank")
            warm = _open_and_time(page, site_dir / name, timeout_s)
        finally:
            context.close()
        results[name] = {"interactive": cold[0], "all_drawn": cold[1], "warm_interactive": warm[0]}
    return results


def _open_and_time(page, path: Path, timeout_s: float) -> tuple[float, float]:
    """Open one page; seconds until interactive and until every figure has drawn (from ``site.js``)."""
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=timeout_s * 1000)
    ready, interactive, drawn = page.evaluate(
        "[document.documentElement.dataset.ready, Number(document.documentElement.dataset.interactiveMs),"
        " Number(document.documentElement.dataset.allDrawnMs)]")
    if ready != "true":
        raise RuntimeError(f"{path.name}: a figure failed to draw (ready={ready})")
    return interactive / 1000, drawn / 1000


def measure_time_to_interactive(site_dir: Path = SITE_DIR, pages: Iterable[str] | None = None,
                                timeout_s: float = 60.0, browser=None) -> dict[str, float]:
    """Seconds from navigation start until each page is interactive in headless Chromium (target <= 1 s).

    "Interactive" means the page is parsed, plotly.js has loaded and every figure on or near the first screen has
    drawn, so the reader can read and use what they see; the other figures draw right after, one per task (see
    :func:`measure_page_timings` for when the last one is done, and for a warm visit). This is the cold time:
    every page opens in a fresh browser context (nothing cached), offline. ``pages`` defaults to every
    ``*.html`` file of the site.
    """
    timings = measure_page_timings(site_dir, pages, timeout_s, browser)
    return {name: times["interactive"] for name, times in timings.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publishing.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="folder of lesson notebooks")
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="folder to build the site into")
    parser.add_argument("--measure", action="store_true",
                        help="also time each page to interactive in headless Chromium")
    args = parser.parse_args(argv)
    try:
        report = build_site(args.notebooks, args.out)
    except (ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"open {(report.site_dir / 'index.html').resolve().as_uri()}")
    if args.measure:
        for name, times in measure_page_timings(report.site_dir).items():
            print(f"{name:<45} interactive {times['interactive']:.2f} s (cold), "
                  f"{times['warm_interactive']:.2f} s (warm); all figures drawn {times['all_drawn']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
