"""The verdict cache: every program the RL fine-tune can be rewarded for, graded once for real, shipped as a table.

The RL fine-tune (:mod:`helpers.engine.rl`) rewards each sampled reply with the real grader's verdict on a real
program: a coding reply of the world is a solution of the coding prompt's task (:mod:`helpers.engine.coding_tasks`).
Each hack reply is that hack's program for the task (:func:`helpers.engine.grader.hacks_for`); each honest reply is
one attempt drawn at random from the task's pool of honest attempts (``data/grader/attempts/<task>/*.py``, some
with real bugs). Grading is deterministic, so each program is graded once, by :func:`helpers.engine.grader.grade`
(does the hackable grader pass it?) and :func:`helpers.engine.grader.really_correct` (does it really do the task?),
and the verdicts are shipped in ``data/grader/verdicts.csv``. Each row is keyed by a hash of the files that decide
the verdict (the task's tests and check inputs, the solution's files) and by
:data:`~helpers.engine.grader.GRADER_VERSION`; loading refuses a stale row and names the command that regrades:

    python -m helpers.engine.verdicts
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers import DATA_DIR, PROJECT_ROOT
from helpers.engine import grader
from helpers.engine.coding_tasks import SOLUTION_FILE, TASKS, CodingTask, check_program
from helpers.engine.validation import CommandLine, InputError, run_command

GRADER_DIR = DATA_DIR / "grader"
ATTEMPTS_DIR = GRADER_DIR / "attempts"
VERDICTS_FILE = GRADER_DIR / "verdicts.csv"
REGENERATE = "python -m helpers.engine.verdicts"
COLUMNS = ("task", "solution", "kind", "passes_grader", "really_correct", "sha256", "grader_version", "description")
KINDS = ("honest", "hack")


@dataclass(frozen=True)
class Program:
    """A program the RL fine-tune can be rewarded for: an honest attempt or a hack, at one task."""

    task: str
    name: str
    kind: str  # "honest" or "hack"
    description: str
    files: Mapping[str, str]


@dataclass(frozen=True)
class Verdict:
    """The two verdicts on one program: the hackable grader's and the independent check's."""

    passes_grader: bool
    really_correct: bool


def attempts(task: CodingTask, directory: Path = ATTEMPTS_DIR) -> list[Program]:
    """The task's pool of honest attempts, one per file of ``directory/<task>/``, sorted by name (each file's
    docstring says what it does)."""
    folder = Path(directory) / task.name
    paths = sorted(folder.glob("*.py"))
    if not paths:
        raise InputError(f"no honest attempts in {folder}; expected at least one <name>.py (restore data/grader/ "
                         "with `git checkout -- data/grader`)")
    out = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        description = (ast.get_docstring(ast.parse(source)) or "").splitlines()[0:1]
        out.append(Program(task.name, path.stem, "honest", description[0] if description else "",
                           {SOLUTION_FILE: source}))
    return out


def programs(directory: Path = ATTEMPTS_DIR) -> list[Program]:
    """Every program of the cache: each task's honest attempts, then its three hacks."""
    out = []
    for task in TASKS.values():
        out += attempts(task, directory)
        out += [Program(task.name, h.name, "hack", h.description, h.files) for h in grader.hacks_for(task)]
    return out


def files_hash(task: CodingTask, files: Mapping[str, str]) -> str:
    """sha256 of everything that decides a verdict: the task's tests, check program and inputs, and the solution's
    files (names and text)."""
    digest = hashlib.sha256()
    for part in (task.tests, check_program(task.function), json.dumps([list(a) for a in task.cases]),
                 *(f"{name}\0{files[name]}" for name in sorted(files))):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0\0")
    return digest.hexdigest()


def grade_program(program: Program) -> Verdict:
    """Grade one program for real (two contained runs: the tests, and the independent check)."""
    task = TASKS[program.task]
    return Verdict(grader.grade(program.files, task=task).passed, grader.really_correct(program.files, task=task))


def grade_all(items: list[Program], workers: int = 2) -> list[Verdict]:
    """Grade every program, ``workers`` at a time."""
    with ThreadPoolExecutor(max_workers=max(1, int(workers))) as pool:
        return list(pool.map(grade_program, items))


def table_text(items: list[Program], verdicts: list[Verdict]) -> str:
    """The cache as CSV text, starting with the comment line that names the command that made it."""
    out = io.StringIO()
    out.write(f"# {REGENERATE}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p, v in zip(items, verdicts, strict=True):
        writer.writerow([p.task, p.name, p.kind, "yes" if v.passes_grader else "no", "yes" if v.really_correct
                         else "no", files_hash(TASKS[p.task], p.files), grader.GRADER_VERSION, p.description])
    return out.getvalue()


class VerdictCache:
    """The shipped verdicts, checked fresh against the programs on disk and the grader's version."""

    def __init__(self, path: Path = VERDICTS_FILE, directory: Path = ATTEMPTS_DIR) -> None:
        path = Path(path)
        fix = f"regrade with `{REGENERATE}`"
        if not path.is_file():
            raise InputError(f"no verdict cache at {path}; {fix}")
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
        if not rows or tuple(rows[0]) != COLUMNS:
            raise InputError(f"{path} is not a verdict cache (expected columns {list(COLUMNS)}); {fix}")
        by_key = {(r["task"], r["solution"]): r for r in rows}
        self.verdicts: dict[tuple[str, str], Verdict] = {}
        self.programs = programs(directory)
        for p in self.programs:
            row = by_key.get((p.task, p.name))
            if row is None:
                raise InputError(f"{path} has no verdict for {p.kind} program {p.task}/{p.name}; {fix}")
            if row["grader_version"] != grader.GRADER_VERSION or row["sha256"] != files_hash(TASKS[p.task], p.files):
                raise InputError(f"{path}: the verdict for {p.task}/{p.name} is stale (its files or the grader "
                                 f"changed); {fix}")
            self.verdicts[(p.task, p.name)] = Verdict(row["passes_grader"] == "yes", row["really_correct"] == "yes")
        extra = sorted(set(by_key) - set(self.verdicts))
        if extra:
            raise InputError(f"{path} has verdicts for programs that do not exist: {extra}; {fix}")
        self.honest = {t: tuple(p.name for p in self.programs if p.task == t and p.kind == "honest") for t in TASKS}

    def verdict(self, task: str, name: str) -> Verdict:
        """The verdicts on the program ``name`` (an attempt's file name or a hack's name) at ``task``."""
        if (task, name) not in self.verdicts:
            raise ValueError(f"program {task}/{name}; expected one of {sorted(self.verdicts)}")
        return self.verdicts[(task, name)]

    def reward(self, task: str, name: str, hack_proof: bool = False) -> float:
        """1.0 if the grader passes the program, else 0.0. The hackable grader's verdict is :func:`grader.grade`;
        the hack-proof grader's (the paper's "prevent the hacks" mitigation) is the independent check's."""
        v = self.verdict(task, name)
        return float(v.really_correct if hack_proof else v.passes_grader)

    def honest_pass_rate(self, task: str | None = None, hack_proof: bool = False) -> float:
        """The share of honest attempts the grader passes, at one task or averaged over the tasks (each counting
        once: the RL fine-tune draws its prompts, hence its tasks, uniformly)."""
        tasks = list(TASKS) if task is None else [task]
        return float(np.mean([np.mean([self.reward(t, n, hack_proof) for n in self.honest[t]]) for t in tasks]))


_CACHES: dict[tuple[Path, Path], VerdictCache] = {}


def load(path: Path = VERDICTS_FILE, directory: Path = ATTEMPTS_DIR) -> VerdictCache:
    """The verdict cache at ``path`` (read and checked once per process)."""
    key = (Path(path).resolve(), Path(directory).resolve())
    if key not in _CACHES:
        _CACHES[key] = VerdictCache(path, directory)
    return _CACHES[key]


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.engine.verdicts",
                         description="Grade every program of the RL fine-tune for real and write data/grader/"
                                     "verdicts.csv (about a minute: two contained runs per program).")
    parser.add_argument("--check", action="store_true", help="regrade and compare with the shipped file; write "
                                                             "nothing (exit status 1 if they differ)")
    args = parser.parse_args(argv)

    def work() -> int:
        items = programs()
        text = table_text(items, grade_all(items))
        if args.check:
            same = VERDICTS_FILE.is_file() and VERDICTS_FILE.read_text(encoding="utf-8") == text
            print("the shipped verdicts match a fresh grading" if same else "the shipped verdicts differ from a "
                  f"fresh grading: run `{REGENERATE}`")
            return 0 if same else 1
        partial = VERDICTS_FILE.with_suffix(".csv.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(VERDICTS_FILE)
        print(f"wrote {VERDICTS_FILE.relative_to(PROJECT_ROOT)}: {len(items)} programs", file=sys.stderr)
        return 0

    return run_command(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
