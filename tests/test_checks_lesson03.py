"""Lesson 03 self-checks: stubs get a nudge, right answers pass, wrong ones get a hint, nothing raises."""

import pandas as pd
import pytest

from helpers.engine import bayes
from helpers.engine.pipeline import post_training_evidence
from helpers.lessons.assistant import checks as check
from helpers.lessons.assistant.analysis import post_training_table
from helpers.ui.checks import HINT, PASS, TODO

TRAJECTORY = pd.DataFrame({"step": [0, 5, 10, 15], "helpfulness": [0.4, 0.7, 0.92, 0.95]})


def test_stubs_are_not_attempted():
    assert check.exercise_3_1(None).status == TODO
    assert check.exercise_3_2(None).status == TODO
    assert check.exercise_3_3(None, TRAJECTORY).status == TODO


def test_malformed_answers_get_a_hint_not_an_error():
    for bad in ("abc", float("nan"), object(), 2.5):
        assert check.exercise_3_1(bad).status == HINT
        assert check.exercise_3_3(bad, TRAJECTORY).status == HINT
    assert check.exercise_3_2("abc").status == HINT


def test_exercise_3_1_counts_seeds_below_bayes():
    table = post_training_table()
    bayes_value = table[table.condition == "Bayes"].helper_likeness.mean()
    right = int((table[table.condition == "embedding"].helper_likeness < bayes_value).sum())
    assert check.seeds_below_bayes(table) == right
    assert check.exercise_3_1(right).status == PASS
    assert check.exercise_3_1(right + 1).status == HINT
    with pytest.raises(ValueError, match="condition="):
        check.seeds_below_bayes(table, "lora")


def test_exercise_3_2(world):
    right = bayes.posterior(world, post_training_evidence(world) * 2)[world.persona_index("helper")]
    assert check.helper_weight_after_repeats(2, world) == pytest.approx(right)
    assert check.helper_weight_after_repeats(2, world) > check.helper_weight_after_repeats(1, world)
    assert check.helper_weight_after_repeats(0, world) == pytest.approx(world.prior[world.persona_index("helper")])
    assert check.exercise_3_2(right).status == PASS
    assert check.exercise_3_2(check.helper_weight_after_repeats(1, world)).status == HINT
    with pytest.raises(ValueError, match="repeats="):
        check.helper_weight_after_repeats(-1, world)


def test_exercise_3_3():
    assert check.first_step_above(TRAJECTORY) == 10
    assert check.first_step_above(TRAJECTORY, level=0.99) is None
    assert check.exercise_3_3(10, TRAJECTORY).status == PASS
    assert check.exercise_3_3(15, TRAJECTORY).status == HINT
    with pytest.raises(ValueError, match="expected 'step'"):
        check.first_step_above(TRAJECTORY, metric="nonsense")
