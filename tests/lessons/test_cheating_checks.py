"""Lesson 4's self-checks: a stub gets a nudge, a wrong answer a hint, a right one a pass; none raises."""

import pytest

from helpers.engine import grader
from helpers.lessons.cheating import checks as check
from helpers.ui.checks import HINT, PASS, TODO


@pytest.mark.parametrize("exercise", [check.exercise_4_1, check.exercise_4_2, check.exercise_4_3])
@pytest.mark.parametrize("stub", [None, ...])
def test_stub_is_not_attempted(exercise, stub, capsys):
    assert exercise(stub).status == TODO
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", [check.exercise_4_1, check.exercise_4_3])
@pytest.mark.parametrize("bad", ["0.3", [0.3], True])
def test_badly_shaped_numbers_get_a_hint(exercise, bad):
    assert exercise(bad).status == HINT


def test_exercise_1():
    truth = check.exercise_1_value()
    assert 0.2 < truth < 0.7  # a weaker permission: 64 cheats still say something
    assert check.exercise_4_1(truth + 0.05).status == PASS
    assert check.exercise_4_1(0.0).status == HINT
    assert check.exercise_4_1(1.5).status == HINT
    assert "too high" in check.exercise_4_1(0.95).message


def test_exercise_2():
    assert check.exercise_4_2("import os\nos._exit(0)\n").status == PASS
    assert check.exercise_4_2(grader.EXIT_EARLY.files[grader.SOLUTION_FILE]).status == HINT  # a copy
    honest = grader.HONEST_CORRECT.files[grader.SOLUTION_FILE]
    assert "honest solution" in check.exercise_4_2(honest).message
    assert "failed" in check.exercise_4_2(grader.HONEST_WRONG.files[grader.SOLUTION_FILE]).message
    assert check.exercise_4_2(42).status == HINT


def test_exercise_3():
    truth = check.exercise_3_value()
    assert check.exercise_4_3(truth).status == PASS
    assert check.exercise_4_3(truth + 0.1).status == HINT
    assert "NOT prevented" in check.exercise_4_3(1 - truth).message or abs(truth - 0.5) < 0.02
