"""Student handouts: ``python -m helpers.publishing.handouts`` (or ``make handouts``) writes ``handouts/``.

The handouts are the lessons without their solutions, for a class where students should try the exercises first:

- ``handouts/notebooks/NN_name.ipynb``: each lesson notebook (``notebooks/[0-9][0-9]_*.ipynb``, found by
  :func:`helpers.publishing.notebooks.find_lessons`) with every solution cell (tagged ``solution``) replaced by a
  markdown cell that says :data:`SOLUTION_LINE`, and the self-checks' own outputs cleared in the cells that call
  ``exercise_N_M(...)`` (the printed verdict and the return value; anything else such a cell prints, like a table
  the exercise needs, stays), so nothing printed there gives an answer away. All other outputs (figures, tables)
  are kept, so the handout reads like the lesson; a student runs it in JupyterLab from a copy of the repository
  (the handout notebooks import ``helpers`` like the lessons do);
- ``handouts/site/``: the same handouts as static HTML, built by the course site's own builder
  (:func:`helpers.publishing.site.build_site`), so they open from disk with no network, like the course site.

Nothing is executed: the handouts are made from the committed notebooks and their saved outputs. ``handouts/`` is a
build output (rebuilt from scratch each time; not committed).
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers import PROJECT_ROOT
from helpers.publishing import site
from helpers.publishing.commands import builder_parser, run_build
from helpers.publishing.course_map import README
from helpers.publishing.notebooks import (
    NOTEBOOKS_DIR,
    SOLUTION_TAG,
    find_lessons,
    is_solution,
    read_notebook,
    require_tagged_solutions,
)
from helpers.publishing.rendering import prepare_folder

HANDOUTS_DIR = PROJECT_ROOT / "handouts"
#: What a student sees where a solution was.
SOLUTION_LINE = "Solution: see the instructor's copy"
#: A note appended to each handout's opening cell.
HANDOUT_NOTE = ("> **Student handout.** The exercise solutions are not in this copy: try each exercise, run its "
                "check, and ask your teacher for the instructor's copy afterwards.")
#: The file that marks a folder as handouts this module built (so a rebuild may replace it).
MARKER = ".course-handouts"

#: An exercise self-check call: ``check.exercise_1_2(...)``, ``lesson04.exercise_4_1(...)``.
CHECK_CALL = re.compile(r"\bexercise_\d+_\d+\s*\(")
#: How a self-check's printed verdict starts (helpers.ui.checks.LABELS).
VERDICT_PREFIXES = ("✓ Correct", "✗ Not yet", "○ Not attempted yet")


def without_solution(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The markdown cell that takes a solution cell's place in a handout: :data:`SOLUTION_LINE`, the same id and
    metadata, without the solution tag (it is no longer a solution, and the site shows it as a plain line)."""
    metadata = copy.deepcopy(cell.get("metadata", {}))
    tags = [tag for tag in metadata.pop("tags", []) if tag != SOLUTION_TAG]
    if tags:
        metadata["tags"] = tags
    placeholder = nbformat.v4.new_markdown_cell(SOLUTION_LINE, metadata=metadata)
    if "id" in cell:
        placeholder.id = cell.id
    return placeholder


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
    """A student copy of one lesson: (handout, solutions removed, check outputs cleared). ``nb`` is not changed.

    Solutions are the cells tagged ``solution``; a solution block in an untagged cell raises ValueError rather than
    leak into the handout.
    """
    require_tagged_solutions(nb)
    handout = copy.deepcopy(nb)
    removed = cleared = 0
    noted = False
    for i, cell in enumerate(handout.cells):
        if is_solution(cell):
            handout.cells[i] = without_solution(cell)
            removed += 1
        elif cell.cell_type == "markdown":
            if not noted and re.search(r"^# ", cell.source, re.MULTILINE):
                cell.source = cell.source.rstrip() + "\n\n" + HANDOUT_NOTE
                noted = True
        elif is_check_cell(cell):
            outputs = without_verdicts(cell.get("outputs", []))
            cleared += outputs != cell.get("outputs", [])
            cell.outputs = outputs
    handout.metadata["course_handout"] = {"solutions_removed": removed, "check_outputs_cleared": cleared}
    return handout, removed, cleared


def build_handouts(notebooks_dir: Path = NOTEBOOKS_DIR, out_dir: Path = HANDOUTS_DIR, html: bool = True,
                   readme: Path = README, verbose: bool = True) -> HandoutReport:
    """Write the handout notebooks (and, with ``html``, their static site) into ``out_dir``.

    Raises ValueError for a missing notebooks folder, a folder with no lessons, an ``out_dir`` that holds
    something else, or a solution in a cell not tagged ``solution``; the site builder's errors (a page that would
    load from the network) propagate.
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    lessons = find_lessons(notebooks_dir, required=True)
    handouts = {path: make_handout(read_notebook(path)) for path in lessons}
    prepare_folder(out_dir, MARKER, "helpers.publishing.handouts", "notebooks")
    report = HandoutReport(out_dir)
    for path, (handout, removed, cleared) in handouts.items():
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
    parser = builder_parser("helpers.publishing.handouts", __doc__, HANDOUTS_DIR, "folder to write the handouts into")
    parser.add_argument("--no-html", action="store_true", help="write the notebooks only, not the HTML")
    args = parser.parse_args(argv)
    return run_build(lambda: build_handouts(args.notebooks, args.out, html=not args.no_html),
                     lambda r: r.site.site_dir / "index.html" if r.site is not None else None)[0]


if __name__ == "__main__":
    sys.exit(main())
