"""Every command line turns expected errors into one line that names the problem and what to do, and a non-zero exit
status, and writes nothing: a bad argument, a missing or tampered file, a bad table. (Each module's own tests check
its messages in detail; this file checks the promise across all of them, as a user at a terminal sees it.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import DATA_DIR, PROJECT_ROOT
from helpers.engine import checkpoints, verdicts
from helpers.engine.validation import InputError
from helpers.experiments import __main__ as experiments
from helpers.experiments import catalog, curves, results, weights
from helpers.publishing import accessibility, handouts, publish, site, slides
from helpers.tools import bench

HUGE = "99999999999999999999"


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def exit_status(main, argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as done:
        return done.code


ARGUMENTS = {  # command line, arguments, what its one line must say
    "experiments: a huge seed": (experiments.main, ["framings", "--seeds", HUGE], "expected seeds from 0 to 999"),
    "experiments: a huge range": (experiments.main, ["in-context", "--seeds", "0-100000"],
                                  "expected seeds from 0 to 999"),
    "persona-space: a huge seed": (experiments.main, ["persona-space", "--seeds", HUGE], "from 0 to 999"),
    "experiments: a huge thread count": (experiments.main, ["framings", "--threads", HUGE], "from 1 to 256"),
    "experiments: a share that is not a share": (experiments.main, ["framings", "--sanctioned-share", "nan"],
                                                  "sanctioned_share=nan; expected a share in [0, 1]"),
    "experiments: an unknown option": (experiments.main, ["framings", "--sedes", "1"], "unrecognized arguments"),
    "rl: --mode": (experiments.main, ["rl", "--mode", "fixed"], "--mode applies to the supervised fine-tune"),
    "rl: no steps": (experiments.main, ["rl", "--steps", "0"], "steps=0; expected a whole number of RL steps"),
    "rl: a huge step count": (experiments.main, ["rl", "--steps", HUGE], "expected a whole number of RL steps"),
    "framings: --steps": (experiments.main, ["framings", "--steps", "5"], "--steps applies to the rl experiment"),
    "verdicts: an unknown option": (verdicts.main, ["--regrade"], "unrecognized arguments"),
    "weights: a huge seed": (weights.main, ["--seeds", HUGE], "expected seeds from 0 to 999"),
    "curves: a huge seed": (curves.main, ["--seed", HUGE], f"--seed={HUGE}; expected a whole number from 0 to 999"),
    "curves: a negative seed": (curves.main, ["--seed", "-1"], "expected a whole number from 0 to 999"),
    "curves: a seed that is not a number": (curves.main, ["--seed", "one"], "invalid int value: 'one'"),
    "results: an unknown file": (results.main, ["nonsense"], "unknown results ['nonsense']"),
    "bench: no repeats": (bench.main, ["--repeats", "0"], "--repeats=0; expected a whole number of runs from 1 to"),
    "bench: a million repeats": (bench.main, ["--repeats", "1000000"], "from 1 to 100"),
    "publish: a path for a name": (publish.main, ["https://github.com/../.."], "is not a GitHub account name"),
    "publish: a huge name": (publish.main, ["https://github.com/o/" + "r" * 100_000], "(100021 characters)"),
}


@pytest.mark.parametrize("case", list(ARGUMENTS))
def test_a_bad_argument_is_one_line_and_a_non_zero_exit(case, capsys):
    main, argv, fragment = ARGUMENTS[case]
    status = exit_status(main, argv)
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    line = one_line(err)
    assert fragment in line and line.startswith("python -m helpers."), line


def test_a_bad_input_file_is_one_line_and_a_non_zero_exit(tmp_path, capsys):
    missing, not_json, not_a_notebook = tmp_path / "missing.ipynb", tmp_path / "broken.ipynb", tmp_path / "list.ipynb"
    not_json.write_text("{ this is not json")
    not_a_notebook.write_text("[]")
    for path, fragment in [(missing, "no such notebook"), (not_json, "not a readable Jupyter notebook"),
                           (not_a_notebook, "not a readable Jupyter notebook")]:
        assert accessibility.main([str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and fragment in one_line(err) and str(path) in err
    for main in (site.main, slides.main, handouts.main):
        out_dir = tmp_path / f"out-{main.__module__}"
        assert main(["--notebooks", str(tmp_path / "nowhere"), "--out", str(out_dir)]) == 1
        assert "is not a folder" in one_line(capsys.readouterr().err) and not out_dir.exists()


@pytest.fixture
def tampered_weights(tmp_path):
    """A copy of seed 0's shipped weights and manifest with one byte of the weights flipped."""
    entry = checkpoints.read_manifest()["models"]["pretrained-seed0"]
    models = tmp_path / "models"
    models.mkdir()
    blob = bytearray((checkpoints.MODELS_DIR / entry["file"]).read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (models / entry["file"]).write_bytes(bytes(blob))
    (models / checkpoints.MANIFEST).write_text(json.dumps({"models": {"pretrained-seed0": entry}}))
    return models


def test_tampered_or_missing_weights_are_one_line_naming_the_file_and_the_retrain_command(tampered_weights, capsys,
                                                                                         monkeypatch):
    def runner(seeds, **_):
        from helpers.engine.world import load_world

        checkpoints.pretrained_model(load_world(), seeds[0], directory=tampered_weights)
        return []

    monkeypatch.setitem(catalog.RUNNERS, "in-context", runner)
    monkeypatch.setattr(checkpoints, "_loaded", {})  # weights verified earlier in this process are not read again
    assert experiments.main(["in-context", "--seeds", "0"]) == 1
    line = one_line(capsys.readouterr().err.replace("in-context: seed 0\n", ""))
    assert "pretrained-seed0.safetensors: sha256" in line and "python -m helpers.experiments.weights --seeds 0" in line
    (tampered_weights / "pretrained-seed0.safetensors").unlink()
    assert experiments.main(["in-context", "--seeds", "0"]) == 1
    line = one_line(capsys.readouterr().err.replace("in-context: seed 0\n", ""))
    assert "cannot be read (No such file or directory)" in line and "--seeds 0`" in line


def test_a_bad_world_table_is_one_line_naming_file_and_row(capsys, monkeypatch):
    def runner(seeds, **_):
        raise InputError("world/personas.csv, row 3: byte 0xff is not UTF-8; expected the table saved as UTF-8 text")

    monkeypatch.setitem(catalog.RUNNERS, "framings", runner)
    assert experiments.main(["framings", "--seeds", "0"]) == 1
    assert one_line(capsys.readouterr().err.replace("framings: seed 0\n", "")).startswith(
        "python -m helpers.experiments: error: world/personas.csv, row 3: ")


@pytest.mark.parametrize("argv, fragment", [
    (["helpers.experiments", "persona-space", "--seeds", HUGE], "expected seeds from 0 to 999"),
    (["helpers.experiments.curves", "--seed", HUGE], "expected a whole number from 0 to 999"),
    (["helpers.publishing.accessibility", str(DATA_DIR / "world" / "personas.csv")], "not a readable Jupyter"),
])
def test_at_a_terminal_there_is_no_traceback(argv, fragment):
    """The same, end to end: a fresh interpreter, as a user types it."""
    before = sorted(os.listdir(DATA_DIR / "results")), (DATA_DIR / "models" / "manifest.json").stat().st_mtime_ns
    done = subprocess.run([sys.executable, "-m", *argv], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=120)
    assert done.returncode != 0 and done.stdout == ""
    assert fragment in one_line(done.stderr)
    assert (sorted(os.listdir(DATA_DIR / "results")), (DATA_DIR / "models" / "manifest.json").stat().st_mtime_ns) == (
        before)


def test_a_stale_verdict_cache_is_one_line_naming_the_regrade_command(tmp_path, capsys, monkeypatch):
    stale = tmp_path / "verdicts.csv"
    stale.write_text(verdicts.VERDICTS_FILE.read_text().replace(",3,", ",0,", 1))  # another grader version

    def runner(seeds, **_):
        verdicts.VerdictCache(stale)
        return []

    monkeypatch.setitem(catalog.RUNNERS, "rl", runner)
    assert experiments.main(["rl", "--seeds", "0"]) == 1
    line = one_line(capsys.readouterr().err.replace("rl: seed 0\n", ""))
    assert "is stale" in line and "python -m helpers.engine.verdicts" in line
