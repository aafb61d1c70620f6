"""The shipped results in data/results/: which command makes each file, and ``make results`` to remake them.

Each CSV starts with a comment line giving the exact command that made it; this registry is the single list of
those commands (a test checks that every file's first line matches it). Nothing is ever run from a data file.

    python -m helpers.experiments.results            # remake every file (several minutes)
    python -m helpers.experiments.results framings   # remake one
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import DATA_DIR, PROJECT_ROOT
from helpers.engine.validation import CommandLine, run_command

RESULTS_DIR = DATA_DIR / "results"
_SEEDS = "0-9"

#: File stem -> the command (module and arguments) that prints its records as CSV.
COMMANDS: dict[str, list[str]] = {
    "in-context": ["helpers.experiments", "in-context", "--seeds", _SEEDS, "--format", "csv"],
    "post-training": ["helpers.experiments", "post-training", "--seeds", _SEEDS, "--format", "csv"],
    "post-training-all": ["helpers.experiments", "post-training", "--params", "all", "--seeds", _SEEDS, "--format",
                          "csv"],
    "cheating": ["helpers.experiments", "cheating", "--seeds", _SEEDS, "--format", "csv"],
    "cheating-trajectory": ["helpers.experiments", "cheating", "--seeds", _SEEDS, "--trajectory", "--format", "csv"],
    "cheating-no-sanctioned": ["helpers.experiments", "cheating", "--seeds", _SEEDS, "--sanctioned-share", "0",
                               "--format", "csv"],
    "cheating-sanctioned-0.15": ["helpers.experiments", "cheating", "--seeds", _SEEDS, "--sanctioned-share", "0.15",
                                 "--format", "csv"],
    "cheating-sanctioned-0.5": ["helpers.experiments", "cheating", "--seeds", _SEEDS, "--sanctioned-share", "0.5",
                                "--format", "csv"],
    "cheating-fixed-no-sanctioned": ["helpers.experiments", "cheating", "--seeds", _SEEDS, "--mode", "fixed",
                                     "--sanctioned-share", "0", "--format", "csv"],
    "framings": ["helpers.experiments", "framings", "--seeds", _SEEDS, "--format", "csv"],
    "framings-fixed": ["helpers.experiments", "framings", "--seeds", _SEEDS, "--mode", "fixed", "--format", "csv"],
    "framings-all-params": ["helpers.experiments", "framings", "--seeds", _SEEDS, "--params", "all", "--format", "csv"],
    "role-models": ["helpers.experiments", "role-models", "--seeds", _SEEDS, "--format", "csv"],
    "persona-space": ["helpers.experiments", "persona-space", "--seeds", _SEEDS, "--format", "csv", "--threads", "1"],
    "rl": ["helpers.experiments", "rl", "--seeds", _SEEDS, "--format", "csv", "--threads", "1"],
    "rl-embedding": ["helpers.experiments", "rl", "--seeds", _SEEDS, "--params", "embedding", "--format", "csv",
                     "--threads", "1"],
    "rl-trajectory": ["helpers.experiments", "rl", "--seeds", _SEEDS, "--trajectory", "--format", "csv", "--threads",
                      "1"],
    "rl-post-all": ["helpers.experiments", "rl", "--seeds", _SEEDS, "--post-params", "all", "--format", "csv",
                    "--threads", "1"],
    "pretraining-curve": ["helpers.experiments.curves", "--seed", "0"],
}
#: Commands that write their results file themselves instead of printing records.
WRITES_ITS_FILE = {"pretraining-curve"}


def header(name: str) -> str:
    """The comment line a results file starts with."""
    return "# python -m " + " ".join(COMMANDS[name])


def remake(name: str) -> Path:
    """Run the command for one results file and write its output, with its header, atomically."""
    if name not in COMMANDS:
        raise ValueError(f"results file {name!r}; expected one of {sorted(COMMANDS)}")
    done = subprocess.run([sys.executable, "-m", *COMMANDS[name]], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if done.returncode != 0:  # its own error is its last line; the file is left as it was
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise RuntimeError(f"`{header(name)[2:]}` failed with status {done.returncode}: {last}")
    out = done.stdout
    path = RESULTS_DIR / f"{name}.csv"
    if name in WRITES_ITS_FILE:
        return path
    partial = path.with_suffix(".csv.partial")
    body = out if out.startswith("#") else f"{header(name)}\n{out}"
    partial.write_text(body.rstrip("\n") + "\n")  # one newline at the end, however the command printed it
    partial.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.experiments.results",
                         description="Remake the shipped results in data/results/.")
    parser.add_argument("names", nargs="*", help=f"files to remake (default: all): {', '.join(COMMANDS)}")
    args = parser.parse_args(argv)
    names = args.names or list(COMMANDS)
    unknown = [n for n in names if n not in COMMANDS]
    if unknown:
        parser.error(f"unknown results {unknown}; expected any of {', '.join(COMMANDS)}")

    def work() -> int:
        for name in names:
            print(f"remaking data/results/{name}.csv", file=sys.stderr)
            try:
                remake(name)
            except RuntimeError as err:
                print(f"{parser.prog}: error: {err}", file=sys.stderr)
                return 1
        return 0

    return run_command(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
