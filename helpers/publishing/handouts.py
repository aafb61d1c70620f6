"""Student handouts: ``python -m helpers.publishing.handouts`` (or ``make handouts``) writes ``handouts/``.

The handouts are the lessons without their solutions, for a class where students should try the exercises first:

- ``handouts/notebooks/NN_name.ipynb``: each lesson notebook (``notebooks/[0-9][0-9]_*.ipynb``, found automatically)
  with every ``<details><summary>Solution...</summary> ... </details>`` block replaced by the line
  :data:`SOLUTION_LINE`, and the self-checks' own outputs cleared in the cells that call ``exercise_N_M(...)`` (the
  printed verdict and the return value; anything else such a cell prints, like a table the exercise needs, stays),
  so nothing printed there gives an answer away. All other outputs (figures, tables) are kept, so the
  handout reads like the lesson; a student runs it in JupyterLab from a copy of the repository (the handout
  notebooks import ``helpers`` like the lessons do);
- ``handouts/site/``: the same handouts as static HTML, built by the course site's own builder
  (:func:`helpers.publishing.site.build_site`), so they open from disk with no network, like the course site.

Nothing is executed: the handouts are made from the committed notebooks and their saved outputs. ``handouts/`` is a
build output (rebuilt from scratch each time; not committed).
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers import PROJECT_ROOT
from helpers.publishing import site

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
HANDOUTS_DIR = PROJECT_ROOT / "handouts"
#: Lesson notebooks only (the instructor guide and scratch notebooks are not handed out).
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
#: What a student sees where a solution was.
SOLUTION_LINE = "Solution: see the instructor's copy"
#: A note appended to each handout's opening cell.
HANDOUT_NOTE = ("> **Student handout.** The exercise solutions are not in this copy: try each exercise, run its "
                "check, and ask your teacher for the instructor's copy afterwards.")
#: The file that marks a folder as handouts this module built (so a rebuild may replace it).
MARKER = ".course-handouts"

#: A collapsed solution block: ``<details>`` whose ``<summary>`` starts with "Solution", up to its ``</details>``.
SOLUTION_BLOCK = re.compile(
    r"<details\b[^>]*>\s*<summary\b[^>]*>\s*(?:<[^>]+>\s*)*Solution\b.*?</summary>.*?</details>",
    re.IGNORECASE | re.DOTALL)
#: An exercise self-check call: ``check.exercise_1_2(...)``, ``lesson04.exercise_4_1(...)``.
CHECK_CALL = re.compile(r"\bexercise_\d+_\d+\s*\(")
#: How a self-check's printed verdict starts (helpers.ui.checks: "✅ Correct", "💡 Not yet", "⏳ Not attempted yet").
VERDICT_PREFIXES = ("✅", "💡", "⏳")


def strip_solutions(markdown: str) -> tuple[str, int]:
    """The markdown with every solution block replaced by :data:`SOLUTION_LINE`, and how many were replaced.

    Other ``<details>`` blocks (hints, background) are kept. An unclosed solution block raises ValueError rather
    than leak the solution.
    """
    text, count = SOLUTION_BLOCK.subn(SOLUTION_LINE, markdown)
    leftover = re.search(r"<summary\b[^>]*>\s*(?:<[^>]+>\s*)*Solution\b", text, re.IGNORECASE)
    if leftover:
        raise ValueError(f"markdown has a solution <summary> without a closing </details> near "
                         f"{text[leftover.start():leftover.start() + 60]!r}; expected <details><summary>Solution"
                         "</summary> ... </details>")
    return text, count


def is_check_cell(cell: nbformat.NotebookNode) -> bool:
    """A code cell that calls an exercise self-check (``exercise_N_M(...)``)."""
    return cell.cell_type == "code" and bool(CHECK_CALL.search(cell.source))


def without_verdicts(outputs: list) -> list:
    """A check cell's outputs without the check's own output: its printed verdict (from the first line that starts
    with a verdict mark to the end of that printout) and its return value. Other printed text, such as a table the
    exercise needs, is kept."""
    kept = []
    for output in outputs:
        if output.get("output_type") == "execute_result":
            continue  # the check's return value (a cell that ends with the check call)
        if output.get("output_type") == "stream":
            lines = output.get("text", "").splitlines(keepends=True)
            cut = next((k for k, line in enumerate(lines) if line.lstrip().startswith(VERDICT_PREFIXES)), None)
            if cut is not None:
                output = copy.deepcopy(output)
                output["text"] = "".join(lines[:cut])
            if not output.get("text", "").strip():
                continue  # nothing left but blank lines
        kept.append(output)
    return kept


@dataclass
class HandoutReport:
    """What a handout build wrote."""

    out_dir: Path
    notebooks: list[Path] = field(default_factory=list)
    solutions_removed: dict[str, int] = field(default_factory=dict)
    checks_cleared: dict[str, int] = field(default_factory=dict)
    site: site.SiteReport | None = None

    def summary(self) -> str:
        lines = [f"handouts: {len(self.notebooks)} lesson(s) in {self.out_dir}"]
        for path in self.notebooks:
            lines.append(f"  {path.name}: {self.solutions_removed[path.name]} solution(s) removed, "
                         f"{self.checks_cleared[path.name]} check output(s) cleared")
        if self.site is not None:
            lines.append(f"  HTML: {(self.site.site_dir / 'index.html')} ({site.format_bytes(self.site.total_bytes)})")
        return "\n".join(lines)


def make_handout(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int, int]:
    """A student copy of one lesson: (handout, solutions removed, check outputs cleared). ``nb`` is not changed."""
    handout = copy.deepcopy(nb)
    removed = cleared = 0
    noted = False
    for cell in handout.cells:
        if cell.cell_type == "markdown":
            cell.source, count = strip_solutions(cell.source)
            removed += count
            if not noted and re.search(r"^# ", cell.source, re.MULTILINE):
                cell.source = cell.source.rstrip() + "\n\n" + HANDOUT_NOTE
                noted = True
        elif is_check_cell(cell):
            outputs = without_verdicts(cell.get("outputs", []))
            cleared += outputs != cell.get("outputs", [])
            cell.outputs = outputs
    handout.metadata["course_handout"] = {"solutions_removed": removed, "check_outputs_cleared": cleared}
    return handout, removed, cleared


def find_lessons(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Every lesson notebook (``NN_name.ipynb``) of a folder, in file-name order."""
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir={str(notebooks_dir)!r} is not a folder; expected the lesson folder "
                         f"(default {NOTEBOOKS_DIR})")
    return sorted(notebooks_dir.glob(LESSON_GLOB))


def prepare_folder(out_dir: Path, marker: str, builder: str, subfolder: str) -> None:
    """Make ``out_dir`` an empty folder with ``subfolder`` in it and the ``marker`` file of the module that built it.

    Only a folder with the same marker (an earlier build) or an empty folder is replaced; anything else raises
    ValueError, so a mistyped ``--out`` never deletes someone's files. Shared by the handouts and the slides.
    """
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ValueError(f"out_dir={str(out_dir)!r} is a file; expected a folder to build into")
        if any(out_dir.iterdir()) and not (out_dir / marker).exists():
            raise ValueError(f"out_dir={str(out_dir)!r} is not empty and was not built by {builder} "
                             f"(no {marker} file); expected an empty folder or an earlier build")
        shutil.rmtree(out_dir)
    (out_dir / subfolder).mkdir(parents=True)
    (out_dir / marker).write_text(f"built by `python -m {builder}`; rebuilt from scratch each time\n")


def build_handouts(notebooks_dir: Path = NOTEBOOKS_DIR, out_dir: Path = HANDOUTS_DIR, html: bool = True,
                   readme: Path = site.README, verbose: bool = True) -> HandoutReport:
    """Write the handout notebooks (and, with ``html``, their static site) into ``out_dir``.

    Raises ValueError for a missing notebooks folder, a folder with no lessons, or an ``out_dir`` that holds
    something else; the site builder's errors (a page that would load from the network) propagate.
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    lessons = find_lessons(notebooks_dir)
    if not lessons:
        raise ValueError(f"notebooks_dir={str(notebooks_dir)!r} holds no lesson notebooks ({LESSON_GLOB})")
    prepare_folder(out_dir, MARKER, "helpers.publishing.handouts", "notebooks")
    report = HandoutReport(out_dir)
    for path in lessons:
        handout, removed, cleared = make_handout(nbformat.read(path, as_version=4))
        target = out_dir / "notebooks" / path.name
        nbformat.write(handout, target)
        report.notebooks.append(target)
        report.solutions_removed[path.name] = removed
        report.checks_cleared[path.name] = cleared
    if html:
        report.site = site.build_site(out_dir / "notebooks", out_dir / "site", readme=readme, verbose=False)
    if verbose:
        print(report.summary())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.publishing.handouts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="folder of lesson notebooks")
    parser.add_argument("--out", type=Path, default=HANDOUTS_DIR, help="folder to write the handouts into")
    parser.add_argument("--no-html", action="store_true", help="write the notebooks only, not the HTML")
    args = parser.parse_args(argv)
    try:
        report = build_handouts(args.notebooks, args.out, html=not args.no_html)
    except (ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if report.site is not None:
        print(f"open {(report.site.site_dir / 'index.html').resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
