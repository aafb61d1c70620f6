"""Lesson 6's self-checks: a stub gets a nudge, a wrong answer a hint, a right one a pass; none raises."""

import pytest

from helpers.engine import pipeline
from helpers.engine.world import NEUTRAL, load_world
from helpers.experiments import persona_space as ps
from helpers.lessons.persona_space import checks as check
from helpers.ui.checks import HINT, PASS, TODO


@pytest.fixture(scope="module")
def seed0():
    world = load_world()
    run = pipeline.post_train(world, 0)
    base, post = run.base, run.model
    cheat, _ = pipeline.fine_tune(post, world, 0, NEUTRAL)
    return cheat, ps.analyze_space(base, world)


@pytest.mark.parametrize("stub", [None, ...])
def test_stubs_are_not_attempted(stub, seed0, capsys):
    assert check.exercise_6_1(stub).status == TODO
    assert check.exercise_6_2(stub).status == TODO
    assert check.exercise_6_3(stub, *seed0).status == TODO
    assert capsys.readouterr().out.count("Not attempted") == 3


@pytest.mark.parametrize("bad", ["3", [3], True])
def test_badly_shaped_answers_get_a_hint(bad, seed0):
    assert check.exercise_6_1(bad).status == HINT
    assert check.exercise_6_2(bad).status == HINT
    assert check.exercise_6_3(bad, *seed0).status == HINT


def test_exercise_1():
    truth = check.exercise_1_value()
    assert 0 <= truth <= 10
    assert check.exercise_6_1(truth).status == PASS
    assert "too high" in check.exercise_6_1(truth + 1).message
    assert "too low" in check.exercise_6_1(truth - 1).message


def test_exercise_2():
    truth = check.exercise_2_value()
    assert 0.0 < truth < 1.0  # cheating replies lean toward the villain
    assert check.exercise_6_2(truth + 0.01).status == PASS
    assert "sign" in check.exercise_6_2(-truth).message
    assert check.exercise_6_2(1.5).status == HINT
    assert check.exercise_6_2(truth - 0.3).status == HINT


def test_exercise_3(seed0):
    assert check.exercise_6_3(-1.0, *seed0).status == PASS
    assert "positive alpha" in check.exercise_6_3(1.0, *seed0).message
    assert check.exercise_6_3(0.0, *seed0).status == HINT
    assert check.exercise_6_3(50.0, *seed0).status == HINT
