"""Lessons 02 and 03 self-checks: stubs get a nudge, right answers pass, wrong ones get a hint, nothing raises."""

import pandas as pd
import pytest
import torch

from helpers.engine import bayes, evals
from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import checks as check
from helpers.lessons.assistant import one_row
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


def _keep_row(grad, row):
    out = torch.zeros_like(grad)
    out[row] = grad[row]
    return out


def test_exercise_3_2_passes_a_right_one_row_update(capsys):
    assert check.exercise_3_2(_keep_row).status == PASS
    assert check.exercise_3_2(one_row.keep_only_row).status == PASS
    assert "Correct" in capsys.readouterr().out


def _inverted(grad, row):
    keep = torch.ones_like(grad)
    keep[row] = 0.0
    return grad * keep


@pytest.mark.parametrize(("wrong", "says"), [
    (lambda g, r: g, "mask is missing"),                                  # forgets the mask: every row moves
    (lambda g, r: g * 1.0, "mask is missing"),                            # updates every row
    (_inverted, "wrong way round"),                                       # keeps every row but the assistant's
    (lambda g, r: -_keep_row(g, r), "wrong way"),                         # wrong sign
    (lambda g, r: _keep_row(g, r + 1), "did not move"),                   # the wrong row
    (lambda g, r: torch.zeros_like(g), "did not move"),                   # nothing moves
    (lambda g, r: 2 * _keep_row(g, r), "not grad[row] as it is"),         # scaled: Adam hides it, the probe not
])
def test_exercise_3_2_wrong_updates_fail(wrong, says, capsys):
    verdict = check.exercise_3_2(wrong)
    out = capsys.readouterr().out
    assert verdict.status == HINT
    assert says in out


def test_exercise_3_2_stub_and_broken_answers_never_raise():
    def stub(grad, row):
        return None

    def broken(grad, row):
        raise RuntimeError("oops")

    assert check.exercise_3_2(stub).status == TODO
    assert check.exercise_3_2(lambda g, r: ...).status == TODO
    assert check.exercise_3_2(broken).status == HINT
    assert check.exercise_3_2(lambda g, r: "abc").status == HINT
    assert check.exercise_3_2(0.5).status == HINT


def test_exercise_3_3():
    assert check.first_step_above(TRAJECTORY) == 10
    assert check.first_step_above(TRAJECTORY, level=0.99) is None
    assert check.exercise_3_3(10, TRAJECTORY).status == PASS
    assert check.exercise_3_3(15, TRAJECTORY).status == HINT
    with pytest.raises(ValueError, match="expected 'step'"):
        check.first_step_above(TRAJECTORY, metric="nonsense")
