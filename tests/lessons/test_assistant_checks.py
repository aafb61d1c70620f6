"""Lessons 02 and 03 self-checks: stubs get a nudge, right answers pass, wrong ones get a hint, nothing raises."""

import pandas as pd
import pytest

from helpers.engine import bayes, evals
from helpers.engine.pipeline import post_training_evidence
from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import checks as check
from helpers.lessons.assistant.post_training import post_training_table
from helpers.ui.checks import HINT, PASS, TODO


@pytest.mark.parametrize("exercise", [check.exercise_2_1, check.exercise_2_2, check.exercise_2_3])
def test_stub_is_not_attempted(exercise, capsys):
    assert exercise(None).status == TODO
    assert exercise(...).status == TODO
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", [check.exercise_2_1, check.exercise_2_2, check.exercise_2_3])
def test_malformed_answers_get_a_hint_not_an_error(exercise):
    for bad in ("abc", float("nan"), object(), [1, 2]):
        assert exercise(bad).status == HINT


def test_exercise_2_1(world):
    candidate = assistant.evidence_episode(world, "errand", "helper").candidate
    right = bayes.predictive(world, world.prior, "errand")[candidate]
    assert check.blazer_probability(world) == pytest.approx(right)
    assert check.exercise_2_1(right).status == PASS
    assert check.exercise_2_1(right + 0.05).status == HINT


def test_exercise_2_2(world):
    right = evals.human_likeness(world, evals.bayes_profile(world, world.prior))
    assert check.exercise_2_2(right).status == PASS
    assert check.exercise_2_2(1.0).status == HINT


def test_exercise_2_3(world):
    listen = assistant.evidence_episode(world, "comfort", "listen")
    assert check.exercise_2_3([listen, listen]).status == PASS
    assert check.exercise_2_3([assistant.evidence_episode(world, "help", "glad")]).status == HINT
    assert check.exercise_2_3([listen] * 4).status == HINT   # too many episodes
    assert check.exercise_2_3([assistant.evidence_episode(world, "errand", "helper")] * 2).status == HINT  # held out
    assert check.exercise_2_3([]).status == HINT


# ----- lesson 03 -----
TRAJECTORY = pd.DataFrame({"step": [0, 5, 10, 15], "helpfulness": [0.4, 0.7, 0.92, 0.95]})


def test_lesson_03_stubs_are_not_attempted():
    assert check.exercise_3_1(None).status == TODO
    assert check.exercise_3_2(None).status == TODO
    assert check.exercise_3_3(None, TRAJECTORY).status == TODO


def test_lesson_03_malformed_answers_get_a_hint_not_an_error():
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
