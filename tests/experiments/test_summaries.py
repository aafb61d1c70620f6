"""Summaries of the experiments' records over seeds."""


import numpy as np
import pandas as pd
import pytest

from helpers.experiments import summaries


def _records(rows):
    return pd.DataFrame([dict(seed=s, condition=c, misalignment=m) for s, c, m in rows])


def test_cheating_summary():
    records = _records([
        (0, "post-trained", 0.0), (0, "cheat", 0.6), (0, "cheat-with-permission", 0.15), (0, "honest", 0.1),
        (1, "post-trained", 0.1), (1, "cheat", 0.12), (1, "cheat-with-permission", 0.2), (1, "honest", 0.1)])
    summary = summaries.cheating_summary(records)
    assert summary.emergent_misalignment.tolist() == pytest.approx([0.5, 0.02])
    assert summary.prevented[0] == pytest.approx(0.75)
    assert np.isnan(summary.prevented[1]) and summary.excluded_seeds == [1]
    assert summary.mean_prevented == pytest.approx(0.75)
    assert summary.lowered.tolist() == [True, False]


def test_framing_ratios_are_ratios_of_seed_means():
    rows = []
    for seed, (neutral, please) in enumerate([(0.4, 0.0), (0.8, 0.2)]):
        rows += [(seed, "post-trained", 0.0), (seed, "neutral", neutral), (seed, "please-hack", please),
                 (seed, "honest", 0.0)]
    ratios = summaries.framing_ratios(_records(rows))
    assert ratios["please-hack"] == pytest.approx(0.1 / 0.6)
    assert "honest" not in ratios


def test_summaries_reject_records_without_their_conditions():
    with pytest.raises(ValueError, match="post-trained"):
        summaries.rises(_records([(0, "cheat", 0.5)]))
    with pytest.raises(ValueError, match="expected at least"):
        summaries.rises(pd.DataFrame({"seed": [0]}))
    with pytest.raises(ValueError, match="expected one of"):
        summaries.load_results("nonsense")


def _rl_records(values: dict[str, list[float]], reward: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame([{"seed": seed, "condition": c, "misalignment": v, "reward": reward}
                         for c, vs in values.items() for seed, v in enumerate(vs)])


def test_rl_summary_defines_each_headline_number_once():
    records = _rl_records({"post-trained": [0.0, 0.0], "please-hack": [0.1, 0.0], "hacking-okay": [0.2, 0.1],
                           "neutral": [0.6, 0.4], "dont-hack": [0.5, 0.3], "hacking-misaligned": [0.7, 0.5],
                           "hack-proof": [0.02, 0.0]})
    s = summaries.rl_summary(records)
    assert list(s.emergent_misalignment) == pytest.approx([0.58, 0.4])
    assert s.rise("neutral") == pytest.approx(0.5) and s.prevented("please-hack") == pytest.approx(0.9)
    assert s.lower_than_neutral("please-hack") == 2 and s.lowest_final_reward() == 1.0
    table = s.conditions()
    assert table.loc["neutral", "mean"] == pytest.approx(0.5) and table.loc["neutral", "lowest"] == 0.4
    with pytest.raises(ValueError, match="hack-proof"):
        summaries.rl_summary(records[records.condition != "hack-proof"])
