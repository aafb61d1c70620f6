"""Accessibility checks on the committed lesson notebooks: ``python -m helpers.publishing.accessibility`` prints every finding.

Four checks, each on a notebook's saved cells and outputs (nothing is executed):

- **text alternative** (:func:`text_alternative_findings`): every figure output (a plotly figure, or an image) is
  followed, in the same cell or the next one, by a printed ``Figure: <its title>. ...`` line, as
  :func:`helpers.ui.figures.text_alternative` writes it, before the next figure;
- **persona colours** (:func:`persona_colour_findings`): every trace named after a character, and every bar or point
  labelled with a character's name, is drawn in that character's colour from :data:`helpers.ui.figures.PERSONA_COLORS`
  (the same colour-blind-safe colour in every lesson), and no other trace of the same figure borrows that colour;
- **headings** (:func:`heading_findings`): one ``#`` title, first; no skipped levels (a ``###`` must follow a ``##``
  or another ``###``, never a ``#``);
- **colour alone** (:func:`colour_only_findings`): lines and markers of one plot that differ in colour also differ
  in dash, width, symbol or size (or carry text labels); bars that differ only in colour carry a legend name, text
  labels or a fill pattern; so no meaning rests on colour alone.

For printing, :func:`pdf_text` reads the text of each page of a PDF that Chromium printed (tests/test_accessibility.py
prints a lesson page of the site and checks that the navigation is not on paper).

Each finding names the notebook and the cell (0-based index, as ``nbformat`` counts cells; JupyterLab shows the
same cell as number index + 1 in its cell list), so the lesson's author can find it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from helpers import PROJECT_ROOT
from helpers.publishing.handouts import find_lessons
from helpers.ui.figures import PERSONA_COLORS

PLOTLY_MIME = "application/vnd.plotly.v1+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")
#: The check names, as findings and tests use them.
CHECKS = ("text-alternative", "persona-colour", "headings", "colour-only")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Finding:
    """One accessibility problem: where it is and what is wrong."""

    notebook: str
    cell: int
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell} [{self.check}]: {self.message}"


def lesson_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Every lesson notebook (``NN_name.ipynb``) in a folder, in file-name order (as the handouts find them)."""
    return find_lessons(notebooks_dir)


# ----------------------------------------------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------------------------------------------

def _output_text(output: dict) -> str:
    """The text a reader sees for one output (stream text, or a result's plain text or markdown)."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data") or {}
    return str(data.get("text/markdown") or data.get("text/plain") or "")


def _is_figure(output: dict) -> bool:
    data = output.get("data") or {}
    return PLOTLY_MIME in data or any(mime in data for mime in IMAGE_MIMES)


def figure_title(output: dict) -> str | None:
    """The title of a plotly figure output (None for an image or an untitled figure)."""
    figure = (output.get("data") or {}).get(PLOTLY_MIME)
    if not isinstance(figure, dict):
        return None
    title = (figure.get("layout") or {}).get("title")
    title = title.get("text") if isinstance(title, dict) else title
    return str(title) if title else None


def figures(nb: nbformat.NotebookNode) -> Iterator[tuple[int, int, dict]]:
    """(cell index, output index, output) of every figure output, in order."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for k, output in enumerate(cell.get("outputs", [])):
            if _is_figure(output):
                yield i, k, output


def plotly_figures(nb: nbformat.NotebookNode) -> Iterator[tuple[int, dict]]:
    """(cell index, figure JSON) of every plotly output."""
    for i, _, output in figures(nb):
        figure = output["data"].get(PLOTLY_MIME)
        if isinstance(figure, dict):
            yield i, figure


# ----------------------------------------------------------------------------------------------------------------
# 1. Text alternatives
# ----------------------------------------------------------------------------------------------------------------

def _alternatives(outputs: Iterable[dict]) -> list[str]:
    """The ``Figure: ...`` lines among outputs, up to the first figure."""
    found = []
    for output in outputs:
        if _is_figure(output):
            break
        found += [line for line in _output_text(output).splitlines() if line.startswith("Figure:")]
    return found


def text_alternative_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Figures without a printed ``Figure: ...`` text alternative after them (same cell, or the next cell)."""
    findings = []
    for i, k, output in figures(nb):
        outputs = nb.cells[i].get("outputs", [])
        lines = _alternatives(outputs[k + 1:])
        later_figure = any(_is_figure(o) for o in outputs[k + 1:])
        if not lines and not later_figure and i + 1 < len(nb.cells) and nb.cells[i + 1].cell_type == "code":
            lines = _alternatives(nb.cells[i + 1].get("outputs", []))
        title = figure_title(output)
        label = f"figure {title!r}" if title else "an untitled figure" if PLOTLY_MIME in output["data"] else "an image"
        if not lines:
            findings.append(Finding(name, i, "text-alternative",
                                    f"{label} (output {k}) has no printed 'Figure: ...' text alternative in the same "
                                    "cell or the next one (print(plots.text_alternative(fig, ...)))"))
        elif title and not any(line.startswith(f"Figure: {title}") for line in lines):
            findings.append(Finding(name, i, "text-alternative",
                                    f"{label} (output {k}) is followed by a text alternative for another title: "
                                    f"{lines[0][:80]!r}"))
    return findings


# ----------------------------------------------------------------------------------------------------------------
# 2. Persona colours
# ----------------------------------------------------------------------------------------------------------------

def parse_colour(colour: Any) -> tuple[tuple[int, int, int], float] | None:
    """``#RRGGBB``, ``#RGB``, ``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` -> ((r, g, b), alpha); None otherwise."""
    if not isinstance(colour, str):
        return None
    text = colour.strip().lower()
    if m := re.fullmatch(r"#([0-9a-f]{6})", text):
        value = m.group(1)
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)), 1.0
    if m := re.fullmatch(r"#([0-9a-f]{3})", text):
        return tuple(int(c * 2, 16) for c in m.group(1)), 1.0  # type: ignore[return-value]
    if m := re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", text):
        r, g, b = (int(round(float(m.group(n)))) for n in (1, 2, 3))
        return (r, g, b), float(m.group(4)) if m.group(4) is not None else 1.0
    return None


def persona_of(label: Any) -> str | None:
    """The character a trace name or category label is named after: ``"helper"`` or ``"helper (network)"``."""
    if not isinstance(label, str):
        return None
    text = re.sub(r"<[^>]+>", "", label).strip().lower()
    for persona in PERSONA_COLORS:
        if text == persona or text.startswith(persona + " (") or text.startswith(persona + " ·"):
            return persona
    return None


def _trace_colour(trace: dict) -> Any:
    """The colour that identifies a trace: its marker fill, or its line (or its marker's outline if unfilled)."""
    marker = trace.get("marker") or {}
    fill = marker.get("color")
    if isinstance(fill, str) and (parsed := parse_colour(fill)) is not None and parsed[1] == 0:
        return (marker.get("line") or {}).get("color")
    if fill is not None:
        return fill
    return (trace.get("line") or {}).get("color", (trace.get("fillcolor")))


def _same_colour(a: Any, b: str) -> bool:
    pa, pb = parse_colour(a), parse_colour(b)
    if pa is None or pb is None:
        return isinstance(a, str) and a.strip().lower() == b.strip().lower()
    return pa[0] == pb[0]


def _categories(trace: dict, n: int) -> list | None:
    """The category labels of a trace's points (x, or y for horizontal bars), if they are strings."""
    for axis in (("y", "x") if trace.get("orientation") == "h" else ("x", "y")):
        values = trace.get(axis)
        if isinstance(values, list) and len(values) == n and all(isinstance(v, str) for v in values):
            return values
    return None


def persona_colour_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Traces (or bars/points) named after a character but drawn in another colour, or in no explicit colour."""
    findings = []
    for i, figure in plotly_figures(nb):
        title = figure_title({"data": {PLOTLY_MIME: figure}}) or "untitled"
        for t, trace in enumerate(figure.get("data") or []):
            colour = _trace_colour(trace)
            persona = persona_of(trace.get("name"))
            if persona and isinstance(colour, list):
                persona = None  # one colour per point: checked below against the point labels
            if persona:
                expected = PERSONA_COLORS[persona]
                if colour is None:
                    findings.append(Finding(name, i, "persona-colour",
                                            f"figure {title!r}, trace {t} {trace.get('name')!r} has no explicit "
                                            f"colour (plotly's default cycle); expected {expected}"))
                elif not _same_colour(colour, expected):
                    findings.append(Finding(name, i, "persona-colour",
                                            f"figure {title!r}, trace {t} {trace.get('name')!r} is drawn in {colour}; "
                                            f"{persona} is {expected} everywhere in the course"))
            if isinstance(colour, list):
                labels = _categories(trace, len(colour)) or []
                for label, point_colour in zip(labels, colour):
                    who = persona_of(label)
                    if who and not _same_colour(point_colour, PERSONA_COLORS[who]):
                        findings.append(Finding(name, i, "persona-colour",
                                                f"figure {title!r}, trace {t}: the point labelled {label!r} is drawn "
                                                f"in {point_colour}; {who} is {PERSONA_COLORS[who]}"))
        findings += _borrowed_colours(figure, name, i, title)
    return findings


def _borrowed_colours(figure: dict, name: str, cell: int, title: str) -> list[Finding]:
    """Within one figure that shows a character, another trace drawn in that character's colour (ambiguous)."""
    shown = set()
    for trace in figure.get("data") or []:
        colour = _trace_colour(trace)
        if isinstance(colour, list):
            shown |= {who for label in (_categories(trace, len(colour)) or []) if (who := persona_of(label))}
        elif who := persona_of(trace.get("name")):
            shown.add(who)
    findings = []
    for t, trace in enumerate(figure.get("data") or []):
        colour = _trace_colour(trace)
        if isinstance(colour, list) or persona_of(trace.get("name")) or colour is None:
            continue
        for who in sorted(shown):
            if _same_colour(colour, PERSONA_COLORS[who]):
                findings.append(Finding(name, cell, "persona-colour",
                                        f"figure {title!r}, trace {t} {trace.get('name')!r} is drawn in {who}'s "
                                        f"colour {PERSONA_COLORS[who]} while {who} is in the same figure"))
    return findings


# ----------------------------------------------------------------------------------------------------------------
# 3. Headings
# ----------------------------------------------------------------------------------------------------------------

def headings(nb: nbformat.NotebookNode) -> list[tuple[int, int, str]]:
    """(cell index, level, text) of every markdown heading (``#`` lines outside fenced code), in order."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced and (m := _HEADING.match(line)):
                found.append((i, len(m.group(1)), m.group(2)))
    return found


def heading_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """A missing or second ``#`` title, a heading before the title, or a skipped level."""
    found = headings(nb)
    if not found:
        return [Finding(name, 0, "headings", "the notebook has no markdown heading; expected a '# NN · Title' first")]
    findings = []
    first_cell, first_level, first_text = found[0]
    if first_level != 1:
        findings.append(Finding(name, first_cell, "headings",
                                f"the first heading {first_text!r} is level {first_level}; expected the '#' title"))
    previous = first_level
    for cell, level, text in found[1:]:
        if level == 1:
            findings.append(Finding(name, cell, "headings", f"a second '#' title {text!r}; use '##' for sections"))
        elif level > previous + 1:
            findings.append(Finding(name, cell, "headings",
                                    f"heading {text!r} is level {level} right after a level-{previous} heading "
                                    f"(skips level {previous + 1})"))
        previous = level
    return findings


# ----------------------------------------------------------------------------------------------------------------
# 4. No meaning carried by colour alone
# ----------------------------------------------------------------------------------------------------------------

def _has_text_labels(trace: dict) -> bool:
    if trace.get("texttemplate") or trace.get("text") is not None and trace.get("type", "scatter") != "scatter":
        return True
    return "text" in str(trace.get("mode", "")) and trace.get("text") is not None


def _drawn(trace: dict) -> tuple[bool, bool]:
    """Whether a scatter trace draws markers and lines (plotly's default mode draws both for short traces)."""
    mode = trace.get("mode")
    if mode is None:
        return True, True
    return "markers" in mode, "lines" in mode


def _is_scatter(trace: dict) -> bool:
    return trace.get("type", "scatter") in ("scatter", "scattergl")


def _shape(trace: dict) -> tuple:
    """What tells a trace apart besides colour: its kind and what it draws, the line's dash and width, the markers'
    symbol and size (for bars: the fill pattern)."""
    line, marker = trace.get("line") or {}, trace.get("marker") or {}
    if not _is_scatter(trace):
        return trace.get("type"), trace.get("mode"), line.get("dash"), marker.get("symbol"), \
            (marker.get("pattern") or {}).get("shape")
    markers, lines = _drawn(trace)
    return ("scatter", markers, lines, line.get("dash") if lines else None, line.get("width") if lines else None,
            marker.get("symbol") if markers else None, marker.get("size") if markers else None)


def _draws_marks(trace: dict) -> bool:
    """A scatter trace that draws lines or markers (a fill-only band, mode "none", draws neither)."""
    return _is_scatter(trace) and any(_drawn(trace))


def colour_only_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Traces of one plot that differ from each other in colour only.

    Lines and markers: traces of one plot in different colours must also differ in dash, width, marker symbol or
    size, or carry text labels. A legend does not help here: it is matched to the lines by colour. Bars and other
    traces (grouped bars are also told apart by their place in the group): each carries a legend entry (its own or
    its legend group's), text labels or its own fill pattern. A lone reference line with its own dash (say, a
    dotted "chosen step" marker) passes. One finding per group of look-alike traces.
    """
    findings = []
    for i, figure in plotly_figures(nb):
        title = figure_title({"data": {PLOTLY_MIME: figure}}) or "untitled"
        traces = [t for t in figure.get("data") or [] if t.get("visible", True) is True]
        in_legend = {(t.get("legendgroup") or t.get("name")) for t in traces
                     if t.get("name") and t.get("showlegend", True) is not False}
        by_plot: dict[tuple[str, str], list[dict]] = {}
        for trace in traces:
            by_plot.setdefault((trace.get("xaxis", "x"), trace.get("yaxis", "y")), []).append(trace)
        for plot_traces in by_plot.values():
            by_shape: dict[tuple, list[dict]] = {}
            for trace in plot_traces:
                if not isinstance(_trace_colour(trace), list) and not _has_text_labels(trace):
                    by_shape.setdefault(_shape(trace), []).append(trace)
            for group in by_shape.values():
                if len({str(_trace_colour(t)) for t in group}) < 2:
                    continue
                marks = [t for t in group if _draws_marks(t)]
                if len({str(_trace_colour(t)) for t in marks}) >= 2:
                    names = list(dict.fromkeys(str(t.get("name") or "unnamed") for t in marks))
                    findings.append(Finding(name, i, "colour-only",
                                            f"figure {title!r}: {', '.join(repr(n) for n in names)} are drawn "
                                            "alike but for their colour; give each its own dash, symbol or width"))
                for trace in group:
                    labelled = trace.get("name") and (trace.get("legendgroup") or trace.get("name")) in in_legend
                    if trace not in marks and not labelled:
                        findings.append(Finding(name, i, "colour-only",
                                                f"figure {title!r}: a trace drawn in {_trace_colour(trace)} has no "
                                                "legend entry and no text labels, so only its colour tells it apart"))
    return findings


# ----------------------------------------------------------------------------------------------------------------
# Printing: the text of a PDF (enough to check what Chromium's print-to-PDF put on the page)
# ----------------------------------------------------------------------------------------------------------------

_PDF_OBJECT = re.compile(rb"(\d+)\s+0\s+obj\s*(.*?)\s*endobj", re.DOTALL)


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary, decompressed stream or None), for an uncompressed-xref PDF like Chromium's."""
    import zlib

    objects = {}
    for m in _PDF_OBJECT.finditer(data):
        body, stream = m.group(2), None
        start = re.search(rb"stream\r?\n", body)
        if start and body.rstrip().endswith(b"endstream"):
            head, raw = body[:start.start()], body[start.end():body.rstrip().rfind(b"endstream")]
            if b"/FlateDecode" in head:
                raw = zlib.decompressobj().decompress(raw)
            body, stream = head, raw
        objects[int(m.group(1))] = (body, stream)
    return objects


def _to_unicode(stream: bytes) -> dict[int, str]:
    """A font's ToUnicode CMap: glyph code -> text."""
    def text(hex_: str) -> str:
        return bytes.fromhex(hex_).decode("utf-16-be", "replace")

    mapping: dict[int, str] = {}
    cmap = stream.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo_, hi_ = int(lo, 16), int(hi, 16)
            if dst.startswith("["):
                for k, item in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dst)):
                    mapping[lo_ + k] = text(item)
            else:
                first = text(dst[1:-1])
                for k in range(hi_ - lo_ + 1):
                    mapping[lo_ + k] = first[:-1] + chr(ord(first[-1]) + k)
    return mapping


def pdf_text(path: Path) -> list[str]:
    """The text of every page of a PDF written by Chromium (Skia): fonts with ToUnicode maps, 2-byte glyph codes.

    Good enough to check what a printout shows (no third-party PDF library is pinned). Text objects are joined
    without separators, so compare after removing whitespace (:func:`squash`).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path={str(path)!r} is not a file; expected a PDF")
    objects = _pdf_objects(path.read_bytes())

    def ref(body: bytes, key: bytes) -> int | None:
        m = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
        return int(m.group(1)) if m else None

    fonts = {num: _to_unicode(objects[r][1] or b"") for num, (body, _) in objects.items()
             if re.search(rb"/Type\s*/Font\b", body) and (r := ref(body, b"ToUnicode")) in objects}
    pages = []
    for body, _ in objects.values():
        if not re.search(rb"/Type\s*/Page(?![A-Za-z])", body):
            continue
        resources = objects[r][0] if (r := ref(body, b"Resources")) is not None else body
        names: dict[str, int] = {}
        if m := re.search(rb"/Font\s*(<<.*?>>|\d+\s+0\s+R)", resources, re.DOTALL):
            table = m.group(1) if m.group(1).startswith(b"<<") else objects[int(m.group(1).split()[0])][0]
            names = {n.decode(): int(o) for n, o in re.findall(rb"/([\w.+-]+)\s+(\d+)\s+0\s+R", table)}
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+0\s+R)", body)
        parts: list[str] = []
        for number in ([int(x) for x in re.findall(rb"(\d+)\s+0\s+R", contents.group(1))] if contents else []):
            cmap: dict[int, str] = {}
            stream = objects.get(number, (b"", b""))[1] or b""
            for tok in re.finditer(rb"/([\w.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", stream, re.DOTALL):
                if tok.group(1):
                    cmap = fonts.get(names.get(tok.group(1).decode(), -1), {})
                    continue
                shown = re.findall(rb"<([0-9A-Fa-f]*)>", tok.group(2)) if tok.group(2) is not None else [tok.group(3)]
                for code in (c.decode() for c in shown):
                    parts.append("".join(cmap.get(int(code[k:k + 4], 16), "\ufffd") for k in range(0, len(code) - 3, 4)))
        pages.append("".join(parts))
    return pages


def squash(text: str) -> str:
    """Text without whitespace, ligatures unfolded (NFKC: "ﬂ" -> "fl"), for comparing printed text with page text."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# ----------------------------------------------------------------------------------------------------------------
# All checks
# ----------------------------------------------------------------------------------------------------------------

CHECK_FUNCTIONS = {
    "text-alternative": text_alternative_findings,
    "persona-colour": persona_colour_findings,
    "headings": heading_findings,
    "colour-only": colour_only_findings,
}


def check_notebook(path: Path, checks: Iterable[str] = CHECKS) -> list[Finding]:
    """Every finding of the chosen checks (default: all four) for one notebook."""
    checks = list(checks)
    unknown = [c for c in checks if c not in CHECK_FUNCTIONS]
    if unknown:
        raise ValueError(f"checks={unknown!r}; expected some of {list(CHECKS)}")
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    return [finding for check in checks for finding in CHECK_FUNCTIONS[check](nb, path.name)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publishing.accessibility", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to check (default: every lesson)")
    parser.add_argument("--check", action="append", choices=CHECKS, help="run only this check (repeatable)")
    args = parser.parse_args(argv)
    paths = args.notebooks or lesson_notebooks()
    total = 0
    for path in paths:
        findings = check_notebook(path, args.check or CHECKS)
        total += len(findings)
        print(f"{path.name}: {'ok' if not findings else f'{len(findings)} finding(s)'}")
        for finding in findings:
            print(f"  cell {finding.cell} [{finding.check}]: {finding.message}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
