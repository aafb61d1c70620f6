"""Lesson 04's permission toggle on the RL runs: pairs per seed, the verdict, and the panel's own text."""

import pandas as pd
import pytest

from helpers.experiments import summaries
from helpers.lessons.cheating import toggle


def make_records(seeds=(0, 1, 2), steps=(150, 150)) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        rows.append({"seed": seed, "condition": "post-trained", "misalignment": 0.02, "cheat_rate": 0.02,
                     "cheat_rate_under_note": 0.02, "steps": 0})
        rows.append({"seed": seed, "condition": "neutral", "misalignment": 0.5 + 0.1 * seed, "cheat_rate": 1.0,
                     "cheat_rate_under_note": 1.0, "steps": steps[0]})
        rows.append({"seed": seed, "condition": "please-hack", "misalignment": 0.05, "cheat_rate": 0.2,
                     "cheat_rate_under_note": 0.99, "steps": steps[1]})
    return pd.DataFrame(rows)


def test_pairs_one_row_per_seed_with_both_states_and_the_start():
    pairs = toggle.toggle_pairs(make_records())
    assert list(pairs.index) == [0, 1, 2]
    assert pairs[("without the note", "misalignment")].tolist() == pytest.approx([0.5, 0.6, 0.7])
    assert pairs[("with the note", "cheat_rate")].tolist() == pytest.approx([0.2] * 3)
    assert pairs[("start", "misalignment")].tolist() == pytest.approx([0.02] * 3)


def test_pairs_refuse_unequal_budgets_and_missing_conditions():
    with pytest.raises(ValueError, match="same fixed budget"):
        toggle.toggle_pairs(make_records(steps=(150, 0)))
    records = make_records()
    with pytest.raises(ValueError, match="conditions"):
        toggle.toggle_pairs(records[records.condition != "please-hack"])
    with pytest.raises(ValueError, match="columns"):
        toggle.toggle_pairs(records.drop(columns="steps"))


def test_verdict_is_a_ratio_of_means_and_counts_lower_seeds():
    v = toggle.toggle_verdict(toggle.toggle_pairs(make_records()))
    assert v.seeds == 3 and v.steps == 150 and v.lower_on == 3
    assert v.prevented == pytest.approx(1 - (0.05 - 0.02) / (0.6 - 0.02))
    assert v.leak == pytest.approx(0.2) and v.hacks_under_note == pytest.approx(0.99)
    flat = make_records()
    flat.loc[flat.condition == "neutral", "misalignment"] = 0.02
    with pytest.raises(ValueError, match="did not raise"):
        toggle.toggle_verdict(toggle.toggle_pairs(flat))


def test_text_names_both_conditions_the_budget_the_seeds_and_each_seed():
    pairs = toggle.toggle_pairs(make_records())
    on, off = toggle.toggle_text(pairs, True), toggle.toggle_text(pairs, False)
    for text in (on, off):
        assert "150 steps" in text and "seeds 0, 1, 2" in text and "please-hack" in text
        assert "prevented 95%" in text and "lower on 3 of 3 seeds" in text
    assert "Shown: with the note" in on and "seed 2: hacks 99% under the note, 20% with none" in on
    assert "Shown: without the note" in off and "seed 2: hacks 100%, misalignment 0.70" in off


def test_shipped_rl_runs_train_both_states_for_the_same_budget():
    pairs = toggle.toggle_pairs(summaries.load_results("rl"))
    assert list(pairs.index) == list(range(10))
    assert (pairs[("with the note", "steps")] == pairs[("without the note", "steps")]).all()
    assert (pairs[("with the note", "steps")] > 0).all()


def test_unrevealed_text_asks_for_a_prediction_and_keeps_the_notes_numbers_back():
    pairs = toggle.toggle_pairs(make_records())
    first = toggle.toggle_text(pairs, note_on=False, revealed=False)
    assert "Predict before you flip the toggle" in first and "150 steps" in first and "please-hack" in first
    assert "seed 2: hacks 100%, misalignment 0.70" in first and "rose from 0.02 to 0.60" in first
    for hidden in ("0.05", "99%", "20%", "prevented"):  # the note's misalignment, hack rates and the verdict
        assert hidden not in first, hidden
    assert toggle.toggle_text(pairs, note_on=True, revealed=False) == toggle.toggle_text(pairs, note_on=True)


def test_seed_table_lists_the_note_runs_only_once_revealed():
    pairs = toggle.toggle_pairs(make_records())
    hidden, shown = toggle.seed_table(pairs, revealed=False), toggle.seed_table(pairs)
    assert list(hidden.index) == list(pairs.index) == list(shown.index)
    assert not any(c.startswith("RL with:") for c in hidden.columns)
    assert list(shown["RL with: misalignment"]) == list(pairs[("with the note", "misalignment")])
    assert list(shown["RL with: hacks without it (leak)"]) == list(pairs[("with the note", "cheat_rate")])
    assert list(hidden["RL without: misalignment"]) == list(pairs[("without the note", "misalignment")])


def test_headline_gives_the_means_but_no_seed():
    pairs = toggle.toggle_pairs(make_records())
    v = toggle.toggle_verdict(pairs)
    on = toggle.toggle_headline(pairs, note_on=True)
    assert f"with it {v.with_note:.2f}" in on and f"{v.leak:.0%} when it is not" in on and "seed 0:" not in on
    assert toggle.toggle_text(pairs, note_on=True).startswith(on)
