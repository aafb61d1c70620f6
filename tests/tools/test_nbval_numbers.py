"""The notebook tests compare committed numbers within a tolerance: a last-digit change passes, a drift fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.tools import nbval_numbers as nn


@pytest.mark.parametrize("committed, new", [
    ("misalignment 0.412", "misalignment 0.413"),      # last digit: a rounding flip
    ("misalignment 0.412", "misalignment 0.411"),
    ("cheats 21% of the time", "cheats 22% of the time"),
    ("change -0.000", "change 0.000"),                  # the sign of a rounded zero
    ("p = 4.5e-07", "p = 4.6e-07"),
    ("loss 0.339234", "loss 0.339241"),                 # six places: drift within ABS
    ("took 12 s", "took 0.8 s"),                        # timings are masked
    ("at 0x7f3a10", "at 0x55aa00"),                     # addresses too
])
def test_a_last_digit_difference_passes(committed, new):
    assert nn.skeleton(committed) == nn.skeleton(new)
    assert nn.number_differences(committed, new) == []


@pytest.mark.parametrize("committed, new", [
    ("misalignment 0.412", "misalignment 0.415"),
    ("cheats 21% of the time", "cheats 24% of the time"),
    ("lower on 9 of 10 seeds", "lower on 8 of 10 seeds"),   # an integer must be equal
    ("this one's drop ranks 1", "this one's drop ranks 2"),
    ("loss 0.339234", "loss 0.339434"),
    ("p = 4.5e-03", "p = 4.9e-03"),
])
def test_a_drift_beyond_the_tolerance_fails(committed, new):
    problems = nn.number_differences(committed, new)
    assert len(problems) == 1
    assert "committed" in problems[0] and "now" in problems[0]


def test_words_and_identifiers_stay_in_the_skeleton():
    assert nn.skeleton("PC1 explains 42% at seed 3") == "PC1 explains NUMBER at seed NUMBER"
    assert nn.skeleton("reproduces: True") != nn.skeleton("reproduces: False")
    assert nn.skeleton("seeds 0-9") == "seeds NUMBER-NUMBER"
    assert nn.skeleton("torch 2.13.0+cpu") == "torch 2.13.0+cpu"      # a version is text, compared exactly
    assert nn.skeleton("torch 2.13.0") != nn.skeleton("torch 2.14.0")


def test_units_follow_the_places_shown():
    assert [n.unit for n in nn.numbers("7 0.41 0.4100 21% 2.5% 4.5e-07")] == pytest.approx(
        [0.0, 0.01, 0.0001, 0.01, 0.001, 1e-8])
    assert [n.value for n in nn.numbers("-0.25 +3 21%")] == pytest.approx([-0.25, 3.0, 0.21])


def test_outputs_are_compared_per_kind_of_output():
    committed = [{"output_type": "stream", "stdout": "rate 0.50\n"},
                 {"output_type": "display_data", "data": {"text/plain": "x 1", "text/html": "<b>0.1</b>"}}]
    assert nn.output_differences(committed, committed, nn.SKIP_COMPARE) == []
    drifted = [{"output_type": "stream", "stdout": "rate 0.60\n"},
               {"output_type": "display_data", "data": {"text/plain": "x 1", "text/html": "<b>0.9</b>"}}]
    problems = nn.output_differences(committed, drifted, nn.SKIP_COMPARE)
    assert len(problems) == 1 and problems[0].startswith("stdout:")   # html is skipped, as nbval skips it


def _notebook(path: Path, committed_output: str, printed: str) -> Path:
    cell = nbformat.v4.new_code_cell(f"print({printed!r})", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=committed_output + "\n")]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("printed, passes", [("misalignment 0.413", True), ("misalignment 0.420", False)])
def test_the_notebook_tests_use_the_tolerance(tmp_path, printed, passes):
    """The plugin as pytest runs it: a committed 0.412 re-run as 0.413 passes, as 0.420 fails."""
    notebook = _notebook(tmp_path / "lesson.ipynb", "misalignment 0.412", printed)
    (tmp_path / "none.ini").touch()   # no project configuration: only the plugin under test
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                          "-c", str(tmp_path / "none.ini"), "-p", "helpers.tools.nbval_numbers",
                          "--nbval", "--nbval-current-env", str(notebook)],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert (run.returncode == 0) == passes, run.stdout[-2000:]
    if not passes:
        assert "committed 0.412, now 0.420" in run.stdout
