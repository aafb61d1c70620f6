"""Accessibility checks on the committed lesson notebooks: ``python -m helpers.publishing.accessibility`` prints
every finding.

Five checks, each on a notebook's saved cells and outputs (nothing is executed):

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
  labels or a fill pattern; so no meaning rests on colour alone;
- **emoji** (:func:`emoji_findings`): no cell source, output or saved widget state holds a character that needs a
  colour-emoji font (:func:`needs_emoji_font`), which many machines lack: there it shows as an empty box.

The notebooks are read through :mod:`helpers.publishing.notebooks` and the traces through
:mod:`helpers.publishing.traces`. Each finding names the notebook and the cell (0-based index, as ``nbformat``
counts cells; JupyterLab shows the same cell as number index + 1 in its cell list), so the lesson's author can find
it.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers.engine.validation import USAGE_ERROR, CommandLine, run_command
from helpers.publishing.notebooks import (
    PLOTLY_MIME,
    figure_title,
    figures,
    find_lessons,
    headings,
    plotly_figures,
    read_notebook,
    text_alternatives,
)
from helpers.publishing.traces import (
    categories,
    draws_marks,
    has_text_labels,
    persona_of,
    same_colour,
    shape,
    trace_colour,
)
from helpers.ui.figures import PERSONA_COLORS

#: The check names, as findings and tests use them.
CHECKS = ("text-alternative", "persona-colour", "headings", "colour-only", "emoji")


@dataclass(frozen=True)
class Finding:
    """One accessibility problem: where it is and what is wrong."""

    notebook: str
    cell: int
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell} [{self.check}]: {self.message}"


# ----------------------------------------------------------------------------------------------------------------
# 1. Text alternatives
# ----------------------------------------------------------------------------------------------------------------

def text_alternative_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Figures without a printed ``Figure: ...`` text alternative after them (same cell, or the next cell)."""
    findings = []
    for i, k, output in figures(nb):
        lines = text_alternatives(nb, i, k)
        plotly = output["data"].get(PLOTLY_MIME)
        title = figure_title(plotly) if isinstance(plotly, dict) else None
        label = f"figure {title!r}" if title else "an untitled figure" if plotly is not None else "an image"
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

def persona_colour_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Traces (or bars/points) named after a character but drawn in another colour, or in no explicit colour."""
    findings = []
    for i, _, figure in plotly_figures(nb):
        title = figure_title(figure) or "untitled"
        for t, trace in enumerate(figure.get("data") or []):
            colour = trace_colour(trace)
            persona = persona_of(trace.get("name"))
            if persona and isinstance(colour, list):
                persona = None  # one colour per point: checked below against the point labels
            if persona:
                expected = PERSONA_COLORS[persona]
                if colour is None:
                    findings.append(Finding(name, i, "persona-colour",
                                            f"figure {title!r}, trace {t} {trace.get('name')!r} has no explicit "
                                            f"colour (plotly's default cycle); expected {expected}"))
                elif not same_colour(colour, expected):
                    findings.append(Finding(name, i, "persona-colour",
                                            f"figure {title!r}, trace {t} {trace.get('name')!r} is drawn in {colour}; "
                                            f"{persona} is {expected} everywhere in the course"))
            if isinstance(colour, list):
                labels = categories(trace, len(colour)) or []
                for label, point_colour in zip(labels, colour, strict=False):
                    who = persona_of(label)
                    if who and not same_colour(point_colour, PERSONA_COLORS[who]):
                        findings.append(Finding(name, i, "persona-colour",
                                                f"figure {title!r}, trace {t}: the point labelled {label!r} is drawn "
                                                f"in {point_colour}; {who} is {PERSONA_COLORS[who]}"))
        findings += _borrowed_colours(figure, name, i, title)
    return findings


def _borrowed_colours(figure: dict, name: str, cell: int, title: str) -> list[Finding]:
    """Within one figure that shows a character, another trace drawn in that character's colour (ambiguous)."""
    shown = set()
    for trace in figure.get("data") or []:
        colour = trace_colour(trace)
        if isinstance(colour, list):
            shown |= {who for label in (categories(trace, len(colour)) or []) if (who := persona_of(label))}
        elif who := persona_of(trace.get("name")):
            shown.add(who)
    findings = []
    for t, trace in enumerate(figure.get("data") or []):
        colour = trace_colour(trace)
        if isinstance(colour, list) or persona_of(trace.get("name")) or colour is None:
            continue
        for who in sorted(shown):
            if same_colour(colour, PERSONA_COLORS[who]):
                findings.append(Finding(name, cell, "persona-colour",
                                        f"figure {title!r}, trace {t} {trace.get('name')!r} is drawn in {who}'s "
                                        f"colour {PERSONA_COLORS[who]} while {who} is in the same figure"))
    return findings


# ----------------------------------------------------------------------------------------------------------------
# 3. Headings
# ----------------------------------------------------------------------------------------------------------------

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

def colour_only_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Traces of one plot that differ from each other in colour only.

    Lines and markers: traces of one plot in different colours must also differ in dash, width, marker symbol or
    size, or carry text labels. A legend does not help here: it is matched to the lines by colour. Bars and other
    traces (grouped bars are also told apart by their place in the group): each carries a legend entry (its own or
    its legend group's), text labels or its own fill pattern. A lone reference line with its own dash (say, a
    dotted "chosen step" marker) passes. One finding per group of look-alike traces.
    """
    findings = []
    for i, _, figure in plotly_figures(nb):
        title = figure_title(figure) or "untitled"
        traces = [t for t in figure.get("data") or [] if t.get("visible", True) is True]
        in_legend = {(t.get("legendgroup") or t.get("name")) for t in traces
                     if t.get("name") and t.get("showlegend", True) is not False}
        by_plot: dict[tuple[str, str], list[dict]] = {}
        for trace in traces:
            by_plot.setdefault((trace.get("xaxis", "x"), trace.get("yaxis", "y")), []).append(trace)
        for plot_traces in by_plot.values():
            by_shape: dict[tuple, list[dict]] = {}
            for trace in plot_traces:
                if not isinstance(trace_colour(trace), list) and not has_text_labels(trace):
                    by_shape.setdefault(shape(trace), []).append(trace)
            for group in by_shape.values():
                if len({str(trace_colour(t)) for t in group}) < 2:
                    continue
                marks = [t for t in group if draws_marks(t)]
                if len({str(trace_colour(t)) for t in marks}) >= 2:
                    names = list(dict.fromkeys(str(t.get("name") or "unnamed") for t in marks))
                    findings.append(Finding(name, i, "colour-only",
                                            f"figure {title!r}: {', '.join(repr(n) for n in names)} are drawn "
                                            "alike but for their colour; give each its own dash, symbol or width"))
                for trace in group:
                    labelled = trace.get("name") and (trace.get("legendgroup") or trace.get("name")) in in_legend
                    if trace not in marks and not labelled:
                        findings.append(Finding(name, i, "colour-only",
                                                f"figure {title!r}: a trace drawn in {trace_colour(trace)} has no "
                                                "legend entry and no text labels, so only its colour tells it apart"))
    return findings


# ----------------------------------------------------------------------------------------------------------------
# 5. No character that needs a colour-emoji font
# ----------------------------------------------------------------------------------------------------------------

#: Code points that a browser draws from a colour-emoji font by default (Unicode's ``Emoji_Presentation=Yes``,
#: emoji-data.txt, outside the pictograph blocks below), plus U+23F1-23F2 (stopwatch, timer clock): text-default
#: in Unicode, but no ordinary text font (DejaVu, Liberation, Arial) draws them, so they too come from an emoji font.
EMOJI_CODE_POINTS = frozenset([
    0x231A, 0x231B, *range(0x23E9, 0x23ED), 0x23F0, 0x23F1, 0x23F2, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615,
    *range(0x2648, 0x2654), 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4,
    0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A, 0x270B, 0x2728, 0x274C, 0x274E,
    *range(0x2753, 0x2756), 0x2757, *range(0x2795, 0x2798), 0x27B0, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55,
])
#: The pictograph blocks (mahjong and playing cards to symbols and pictographs extended-A, with the regional
#: indicators of flags): text fonts leave them to the emoji font.
PICTOGRAPHS = range(0x1F000, 0x1FB00)
#: VARIATION SELECTOR-16: asks for the emoji picture of the character before it (``✔`` + VS16; ``1`` + VS16 + U+20E3,
#: a keycap).
EMOJI_SELECTOR = "\ufe0f"


def needs_emoji_font(text: str) -> list[str]:
    """The characters of ``text`` that show as an empty box ("tofu") on a machine without a colour-emoji font, each
    once, in order of first appearance.

    Why: many machines (Linux desktops and servers, locked-down school computers, the course's own test machine)
    have no colour-emoji font, and a browser, JupyterLab or a PDF viewer then draws ``✅`` or ``⏱`` as a box, so a
    verdict or an exercise's time reads as nothing. A character counts when it is in :data:`EMOJI_CODE_POINTS`
    (emoji by default), in the pictograph blocks :data:`PICTOGRAPHS`, or followed by VS16 (U+FE0F, which asks for
    the emoji picture; returned with the selector, as ``"✔\\ufe0f"``). Characters that ordinary text fonts carry
    pass: ``✓ ✗ ○ ★ ☆ → ·``. A stray VS16 with nothing before it is returned alone.
    """
    found: list[str] = []
    for k, char in enumerate(text):
        selected = text[k + 1:k + 2] == EMOJI_SELECTOR
        if char == EMOJI_SELECTOR:
            hit = char if k == 0 else None
        elif selected:
            hit = char + EMOJI_SELECTOR
        elif ord(char) in EMOJI_CODE_POINTS or ord(char) in PICTOGRAPHS:
            hit = char
        else:
            hit = None
        if hit and hit not in found:
            found.append(hit)
    return found


def describe_characters(chars: Iterable[str]) -> str:
    """``'⏱' (U+23F1 STOPWATCH), ...``: each character with its code point and Unicode name, for a message."""
    def one(chars: str) -> str:
        base = chars[0]
        return f"{chars!r} (U+{ord(base):04X} {unicodedata.name(base, 'unnamed')}" \
               f"{' + VS16' if chars.endswith(EMOJI_SELECTOR) and len(chars) > 1 else ''})"
    return ", ".join(one(c) for c in chars)


def _strings(value) -> Iterator[str]:
    """Every string inside a JSON-like value (an output, the widget state), keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def emoji_findings(nb: nbformat.NotebookNode, name: str) -> list[Finding]:
    """Cells whose source or outputs hold a character that needs a colour-emoji font; the notebook's saved widget
    state (its metadata, drawn by the site and JupyterLab) is reported as cell -1."""
    findings = []
    places = [(i, "source", cell.get("source", "")) for i, cell in enumerate(nb.cells)]
    places += [(i, "outputs", "\n".join(_strings(cell.get("outputs", [])))) for i, cell in enumerate(nb.cells)]
    places.append((-1, "saved widget state", "\n".join(_strings(nb.metadata.get("widgets", {})))))
    for i, where, text in places:
        if chars := needs_emoji_font(text):
            findings.append(Finding(name, i, "emoji",
                                    f"the {where} use {describe_characters(chars)}, which need a colour-emoji font "
                                    "(an empty box without one); use a text character such as ✓ ✗ ○ or a word"))
    return sorted(findings, key=lambda f: f.cell)


# ----------------------------------------------------------------------------------------------------------------
# All checks
# ----------------------------------------------------------------------------------------------------------------

CHECK_FUNCTIONS = {
    "text-alternative": text_alternative_findings,
    "persona-colour": persona_colour_findings,
    "headings": heading_findings,
    "colour-only": colour_only_findings,
    "emoji": emoji_findings,
}


def check_notebook(path: Path, checks: Iterable[str] = CHECKS) -> list[Finding]:
    """Every finding of the chosen checks (default: all five) for one notebook."""
    checks = list(checks)
    unknown = [c for c in checks if c not in CHECK_FUNCTIONS]
    if unknown:
        raise ValueError(f"checks={unknown!r}; expected some of {list(CHECKS)}")
    path = Path(path)
    nb = read_notebook(path)
    return [finding for check in checks for finding in CHECK_FUNCTIONS[check](nb, path.name)]


def main(argv: list[str] | None = None) -> int:
    """Exit status 0 when every notebook passes, 1 when there are findings, 2 for a file it cannot read."""
    parser = CommandLine(prog="python -m helpers.publishing.accessibility", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to check (default: every lesson)")
    parser.add_argument("--check", action="append", choices=CHECKS, help="run only this check (repeatable)")
    args = parser.parse_args(argv)

    def work() -> int:
        paths = args.notebooks or find_lessons()
        notebooks = {path: read_notebook(path) for path in paths}  # every file is read before anything is printed
        total = 0
        for path, nb in notebooks.items():
            findings = [f for check in (args.check or CHECKS) for f in CHECK_FUNCTIONS[check](nb, path.name)]
            total += len(findings)
            print(f"{path.name}: {'ok' if not findings else f'{len(findings)} finding(s)'}")
            for finding in findings:
                print(f"  cell {finding.cell} [{finding.check}]: {finding.message}")
        return 1 if total else 0

    return run_command(parser.prog, work, status=USAGE_ERROR)


if __name__ == "__main__":
    sys.exit(main())
