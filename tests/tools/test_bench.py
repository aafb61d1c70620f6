"""The benchmark's behavioural table reads the shipped results and judges every engine target."""

import json

import nbformat
import pytest

from helpers.tools import bench


def test_behaviour_rows_cover_every_target():
    rows = bench.behaviour()
    names = " ".join(r[0] for r in rows)
    for word in ("in-context TV", "misalignment after post-training", "helper-likeness", "emergent misalignment",
                 "prevents", "rise(please-hack)", "rise(dont-hack)", "held-out loss", "RL: emergent misalignment",
                 "RL: share prevented by please-hack", "RL: rise(hack-proof)", "RL: lowest final reward"):
        assert word in names
    for name, _target, value, ok in rows:
        assert isinstance(ok, bool) and value == value, name  # a verdict and a number (not NaN) for each


def test_role_model_table_is_a_report():
    assert "role" in bench.role_model_table()


def test_rl_table_reports_every_shipped_rl_run():
    table = bench.rl_table()
    assert "every parameter (rl)" in table and "assistant: row only (rl-embedding)" in table
    assert "hack-proof" in table


def test_rl_timing_rows_time_one_run_in_each_state_of_the_toggle():
    rows = bench.rl_timings(repeats=1, whole=False)
    assert [r[0] for r in rows] == [f"RL fine-tune, 150 steps (seed 0, {note}), median s"
                                    for note in ("neutral", "please-hack")]
    assert all(r[2] > 0 for r in rows) and "rl" in bench.RL_COMMAND


def lesson(opening: str, code: str = "x = 1 + 1") -> dict:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    return new_notebook(cells=[new_markdown_cell(opening), new_code_cell(code)],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def test_stated_seconds_reads_the_lessons_opening():
    opening = "# 03\n\n**Time:** 45 min · **Needs:** lesson 02 · **Runs in:** about 30 s on a laptop CPU\n"
    assert bench.stated_seconds(lesson(opening)) == 30
    with pytest.raises(ValueError, match="Runs in"):
        bench.stated_seconds(lesson("# no time stated"))


def test_every_shipped_lesson_states_its_run_time():
    from helpers.publishing.notebooks import NOTEBOOKS_DIR

    paths = sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
    assert paths and all(bench.stated_seconds(json.loads(p.read_text())) > 0 for p in paths)


@pytest.mark.parametrize(("stated", "measured", "ok"), [(10, 10, True), (13, 10, True), (7, 10, True),
                                                         (14, 10, False), (6, 10, False), (30, 15, False)])
def test_a_stated_time_must_be_within_30_percent_of_the_measured_one(stated, measured, ok):
    assert bench.stated_time_ok(stated, measured) is ok


def test_a_run_time_of_zero_is_refused():
    with pytest.raises(ValueError, match="measured=0"):
        bench.stated_time_ok(5, 0)


def test_lesson_run_times_runs_each_lesson_headless_without_changing_it(tmp_path):
    path = tmp_path / "07_demo.ipynb"
    nbformat.write(nbformat.from_dict(lesson("**Runs in:** about 400 s", "import time; time.sleep(1)")), path)
    before = path.read_text()
    [(name, target, measured, ok)] = bench.lesson_run_times([path])
    assert "07_demo" in name and "400 s" in name and target == "400 ±30%"
    assert 1 <= measured < 60 and ok is False
    assert path.read_text() == before
