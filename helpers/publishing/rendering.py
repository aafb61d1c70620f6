"""Turning notebook content into offline HTML, in one place, for the site and the slides (and so the handouts).

- :func:`output_html`: what a page without a kernel shows for one code-cell output. **Every output of a notebook
  becomes HTML here and nowhere else** (the site's nbconvert preprocessor calls it for each output, the slides for
  each slide's figure); the HTML and Markdown an output carries pass through :func:`sanitize_html`;
- :func:`sanitize_html`: the allow-list sanitizer (``nh3``) for every piece of HTML the pages take from a notebook:
  outputs and Markdown (lesson outputs are built from the world tables, which anyone can edit). Scripts, event
  handlers, styles that load anything, forms, frames and ``javascript:`` links are removed;
- :func:`markdown_html` (sanitized), :func:`render_details_markdown` (the Markdown inside a folded ``<details>`` block),
  :func:`folded_solution`, :func:`close_details`, :func:`offline_badges`;
- :func:`script_json` (JSON safe inside ``<script>``), :func:`plotly_spec` (with :func:`used_template`),
  :func:`figure_div`;
- the build's files: :func:`prepare_folder` (an output folder, replaced only if a builder made it),
  :func:`plotly_js_path` (the plotly.js bundle copied next to the pages), and :func:`write_offline_pages`, which
  refuses a page that would load anything from the network (:func:`remote_references`).
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nh3

from helpers.publishing import plotly_bundle
from helpers.publishing.notebooks import PLOTLY_MIME, WIDGET_MIME, figure_title

#: Mimetypes dropped from outputs: code that would run in the page, or views that need a kernel.
DROPPED_MIMES = ("application/javascript", "application/vnd.jupyter.widget-state+json")
#: What a reader of a static page sees instead of an ipywidgets control.
WIDGET_NOTE = "interactive control: open this lesson in JupyterLab; the figure below is its static twin"
#: Plotly config of every figure (a figure's own config wins).
PLOTLY_CONFIG = {"responsive": True, "displaylogo": False}
#: How a folded solution's summary reads when its cell does not bring its own ``<details>`` block.
FOLDED_SUMMARY = "<summary>Solution</summary>"
#: What an output may carry onto a page: anything else (JSON, Mermaid, unknown types) is not shown.
SHOWN_MIMES = ("text/html", "text/markdown", "text/plain", "text/latex", "image/png", "image/jpeg", "image/svg+xml")

# ----- the sanitizer's allow-list: nh3's tags (no script, style, iframe, object, form, svg), these attributes -----
SAFE_TAGS = frozenset(nh3.ALLOWED_TAGS)
SAFE_ATTRIBUTES = {**{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
                   "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden", "style"},
                   "a": {"href", "hreflang"}, "table": {"border", "summary", "align"}, "details": {"open"}}
#: Link schemes a page keeps (relative links and #anchors too); ``data:`` only for a raster image's ``src``.
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
#: CSS properties a ``style`` attribute keeps (the ones pandas tables and the lessons use; none can load anything).
STYLE_PROPERTIES = frozenset({"text-align", "vertical-align", "white-space", "font-weight", "font-style", "color",
                              "background-color", "width", "min-width", "max-width", "height", "padding",
                              "padding-left", "padding-right", "border", "border-collapse", "margin"})
_RASTER = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")

_DETAILS = re.compile(r"(<details\b[^>]*>\s*<summary>.*?</summary>)(.*?)(</details>)", re.S | re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import\s+(?:url\()?["']?\s*(?:https?:)?//"""
                     r"""|url\(\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


# ----------------------------------------------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------------------------------------------

def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def plotly_spec(figure: Mapping, fill_box: bool = False) -> dict:
    """What ``Plotly.newPlot`` draws: the figure's data, layout, config (:data:`PLOTLY_CONFIG` under its own) and
    frames. With ``fill_box`` (a slide) the figure fills its box: the layout's fixed height and width go."""
    if not isinstance(figure, Mapping) or "data" not in figure:
        raise ValueError(f"figure must be a plotly figure dict with a 'data' key, got {type(figure).__name__}"
                         f"{' with keys ' + str(sorted(figure)) if isinstance(figure, Mapping) else ''}")
    layout = dict(figure.get("layout") or {})
    layout = {**layout, "template": used_template(layout["template"], figure.get("data", []))} if isinstance(
        layout.get("template"), Mapping) else layout
    if fill_box:
        layout.pop("height", None)
        layout.pop("width", None)
        layout["autosize"] = True
    spec = {"data": figure.get("data", []), "layout": layout,
            "config": {**PLOTLY_CONFIG, **(figure.get("config") or {})}}
    if figure.get("frames"):
        spec["frames"] = figure["frames"]
    return spec


def used_template(template: Mapping, data: list) -> dict:
    """A plotly template without the per-trace-type defaults of trace types ``data`` does not draw.

    plotly.py writes its whole template into every figure: defaults for two dozen trace types, about 4 KB of a
    figure's 7 KB of template, of which a page drawing bars and lines uses two. Defaults of a type no trace has
    change nothing drawn, so dropping them only makes the page lighter (about a sixth of a lesson page).
    """
    used = {trace.get("type", "scatter") for trace in data if isinstance(trace, Mapping)}
    trimmed = dict(template)
    if isinstance(template.get("data"), Mapping):
        trimmed["data"] = {kind: value for kind, value in template["data"].items() if kind in used}
    return trimmed


def figure_div(figure: Mapping, div_id: str, fill_box: bool = False) -> str:
    """The empty ``<div>`` a plotly figure is drawn into, labelled ``Figure: <its title>`` for screen readers.

    On a page it keeps the figure's height (its layout's, or plotly's default 450 px) before it is drawn, so the
    page does not jump; on a slide (``fill_box``) the stylesheet sizes it.
    """
    if not re.fullmatch(r"[A-Za-z][\w-]*", div_id):
        raise ValueError(f"div_id={div_id!r}; expected letters, digits, '-' or '_', starting with a letter")
    title = figure_title(figure)
    label = html.escape(re.sub(r"<[^>]+>", " ", f"Figure: {title}" if title else "Figure"), quote=True)
    if fill_box:
        return f'<div class="slide-figure" id="{div_id}" role="figure" aria-label="{label}"></div>'
    height = (figure.get("layout") or {}).get("height")
    height = height if isinstance(height, (int, float)) else 450
    return (f'<div class="plotly-figure" id="{div_id}" style="min-height: {int(height)}px" role="figure" '
            f'aria-label="{label}"></div>')


def widget_note_html() -> str:
    """What replaces an ipywidgets view on a static page."""
    return f'<p class="widget-note" role="note">{html.escape(WIDGET_NOTE)}</p>'


@dataclass(frozen=True)
class ShownOutput:
    """What a static page shows for one output: its mime bundle, what kind it is, and the plotly figure to draw."""

    data: dict           # the mime bundle to render (a figure or a widget view: just "text/html")
    kind: str            # "figure", "widget" or "other"
    figure: dict | None = None  # for a figure: the spec ``Plotly.newPlot`` draws into the <div> of ``data``


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: a ``data:`` URL only as a raster image's source."""
    if value.strip().lower().startswith("data:") and not (tag == "img" and name == "src"
                                                           and value.strip().lower().startswith(_RASTER)):
        return None
    return value


def sanitize_html(fragment: str) -> str:
    """``fragment`` with only allow-listed HTML: the tags of :data:`SAFE_TAGS` with the attributes of
    :data:`SAFE_ATTRIBUTES`, links with a scheme of :data:`URL_SCHEMES` (so no ``javascript:``), style attributes
    limited to :data:`STYLE_PROPERTIES`; ``<script>`` and ``<style>`` are removed with their content, comments too.
    The text is kept (escaped where needed)."""
    return nh3.clean(str(fragment), tags=set(SAFE_TAGS), attributes=SAFE_ATTRIBUTES, url_schemes=set(URL_SCHEMES),
                     filter_style_properties=set(STYLE_PROPERTIES), attribute_filter=_keep_attribute,
                     link_rel=None, strip_comments=True)


def _shown_data(data: Mapping) -> dict:
    """An output's mime bundle as a page may show it: HTML sanitized, Markdown rendered to sanitized HTML, an image
    only if it is plain base64 (an SVG becomes an ``<img>``, where it cannot run a script), other types dropped."""
    kept: dict = {}
    for mime, value in data.items():
        text = "".join(value) if isinstance(value, list) else value
        if mime not in SHOWN_MIMES or not isinstance(text, str):
            continue
        if mime == "text/html":
            kept[mime] = sanitize_html(text)
        elif mime == "text/markdown" and "text/html" not in data:
            kept["text/html"] = markdown_html(text)
        elif mime in ("image/png", "image/jpeg"):
            if _BASE64.fullmatch(text):
                kept[mime] = text
        elif mime == "image/svg+xml" and "text/html" not in data:
            encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
            kept["text/html"] = f'<img src="data:image/svg+xml;base64,{encoded}" alt="">'
        elif mime in ("text/plain", "text/latex"):
            kept[mime] = text  # the template escapes them
    return kept


def output_html(data: Mapping, div_id: str, fill_box: bool = False) -> ShownOutput | None:
    """What a page without a kernel shows for one code-cell output (its mime bundle ``data``), or None for an
    output it does not show at all. The single place where notebook outputs become HTML.

    - a plotly figure (the ``application/vnd.plotly.v1+json`` mimetype that plotly 6.1+ writes in a kernel, which
      nbconvert cannot draw) becomes an empty ``<div id=div_id>`` (:func:`figure_div`) and the spec to draw into it
      (:func:`plotly_spec`); each renderer draws it its own way (the site with an inline script, a deck when its
      slide is shown);
    - an ipywidgets view (which needs a kernel) becomes a short note (:func:`widget_note_html`);
    - JavaScript and saved widget state (:data:`DROPPED_MIMES`) are removed; an output left with nothing is None;
    - anything else of :data:`SHOWN_MIMES` is kept for the notebook template, which escapes plain text and embeds
      images: HTML (pandas tables) through :func:`sanitize_html`, Markdown rendered to sanitized HTML, SVG as an
      ``<img>``, an image only if it is plain base64.
    """
    if PLOTLY_MIME in data:
        figure = data[PLOTLY_MIME]
        spec = plotly_spec(figure, fill_box)
        return ShownOutput({"text/html": figure_div(figure, div_id, fill_box)}, "figure", spec)
    if WIDGET_MIME in data:
        return ShownOutput({"text/html": widget_note_html()}, "widget")
    kept = _shown_data({mime: value for mime, value in data.items() if mime not in DROPPED_MIMES})
    return ShownOutput(kept, "other") if kept else None


# ----------------------------------------------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------------------------------------------

def markdown_html(text: str, inline: bool = False) -> str:
    """Markdown as sanitized HTML (:func:`sanitize_html`), as nbconvert renders markdown cells; ``inline`` drops the
    ``<p>`` around one paragraph."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    if not text.strip():
        return ""
    rendered = sanitize_html(markdown2html_mistune(text)).strip()
    if inline and rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


def render_details_markdown(source: str) -> str:
    """Render the Markdown inside ``<details>`` blocks (exercise solutions) to HTML, as JupyterLab does.

    A Markdown renderer ends an HTML block at the first blank line, so a solution written in Markdown would
    spill out of its collapsed block. The inner Markdown is rendered here and the block is made blank-line free
    (newlines inside ``<pre>`` become ``&#10;``, which displays the same).
    """
    def swap(match: re.Match) -> str:
        inner = markdown_html(match.group(2).strip())
        inner = _PRE.sub(lambda m: m.group(0).replace("\n", "&#10;"), inner)
        block = f"{match.group(1)}\n{inner}\n{match.group(3)}"
        return re.sub(r"\n\s*\n", "\n", block)

    return _DETAILS.sub(swap, source)


def folded_solution(source: str) -> str:
    """A solution cell's markdown as a folded block: its own ``<details>`` block as it is, or else its text inside
    ``<details><summary>Solution</summary> ... </details>``."""
    if source.lstrip().lower().startswith("<details"):
        return source
    return f"<details>{FOLDED_SUMMARY}\n\n{source.strip()}\n\n</details>"


def close_details(page: str) -> str:
    """Remove the ``open`` attribute from every ``<details>`` tag: solutions stay collapsed."""
    attr = re.compile(r"""\s+open(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?(?=[\s/>])""", re.IGNORECASE)
    return re.sub(r"<details\b[^>]*>", lambda m: attr.sub("", m.group(0)), page, flags=re.IGNORECASE)


def offline_badges(markdown: str) -> str:
    """Linked badge images (``[![Open in Colab](https://...svg)](https://...)``) as plain text links: the badge
    image would be fetched from the network, the link is only followed when clicked."""
    return re.sub(r"\[!\[([^\]]*)\]\((?:https?:)?//[^)]*\)\]\(([^)]+)\)", r"[\1](\2)", markdown)


# ----------------------------------------------------------------------------------------------------------------
# The build's files
# ----------------------------------------------------------------------------------------------------------------

def remote_references(page: str) -> list[str]:
    """Places where a page would load something from the network (src/href to ``//host``, CSS url/@import).

    Plain links to papers (``<a href="https://...">``) are fine: they load nothing until the reader clicks. So
    anchors are ignored; anything else that points off the machine is returned as a short excerpt.
    """
    without_anchors = re.sub(r"<a\b[^>]*>", "<a>", page, flags=re.IGNORECASE)
    return [without_anchors[max(0, m.start() - 40):m.end() + 60] for m in _REMOTE.finditer(without_anchors)]


def write_offline_pages(out_dir: Path, pages: Mapping[str, str]) -> None:
    """Write each page (file name -> HTML) into ``out_dir``; RuntimeError, before writing any, if one of them would
    load anything from the network (the site, the slides and the handouts all open from disk, offline)."""
    for name, page in pages.items():
        remote = remote_references(page)
        if remote:
            raise RuntimeError(f"{name} would load from the network (every page must work offline): "
                               + "; ".join(repr(r) for r in remote[:3]))
    for name, page in pages.items():
        (Path(out_dir) / name).write_text(page, encoding="utf-8")


def prepare_folder(out_dir: Path, marker: str, builder: str, subfolder: str, argument: str = "out_dir") -> None:
    """Make ``out_dir`` an empty folder with ``subfolder`` in it and the ``marker`` file of the module that built it.

    Only a folder with the same marker (an earlier build) or an empty folder is replaced; anything else raises
    ValueError (naming the builder's ``argument``), so a mistyped ``--out`` never deletes someone's files.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ValueError(f"{argument}={str(out_dir)!r} is a file; expected a folder to build into")
        if any(out_dir.iterdir()) and not (out_dir / marker).exists():
            raise ValueError(f"{argument}={str(out_dir)!r} is not empty and was not built by {builder} "
                             f"(no {marker} file); expected an empty folder or an earlier build")
        shutil.rmtree(out_dir)
    (out_dir / subfolder).mkdir(parents=True)
    (out_dir / marker).write_text(f"built by `python -m {builder}`; rebuilt from scratch each time\n")


def plotly_js_path() -> Path:
    """The plotly.js bundle every page ships as ``assets/plotly.min.js`` (the site, the slides and so the handouts):
    the 1.5 MB cartesian bundle that ``npm ci`` installs at plotly's own plotly.js version, or, without it, plotly's
    full 4.8 MB bundle, with one line on stderr that says why (:func:`helpers.publishing.plotly_bundle.choose_bundle`).
    """
    path, note = plotly_bundle.choose_bundle()
    if note:
        print(f"note: {note}", file=sys.stderr)
    return path
