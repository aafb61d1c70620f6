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
