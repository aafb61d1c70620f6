"""The benchmark's behavioural table reads the shipped results and judges every engine target."""

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
