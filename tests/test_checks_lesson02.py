"""Lesson 02 self-checks: stubs get a nudge, right answers pass, wrong ones get a hint, nothing raises."""

import pytest

from helpers.engine import bayes, evals
from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import checks as check
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
