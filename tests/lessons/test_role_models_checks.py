"""Lesson 5's self-checks: a stub gets a nudge, a wrong answer a hint, a right one a pass; none raises."""

import pytest
from role_model_records import make_records

from helpers.lessons.role_models import checks as check
from helpers.ui.checks import HINT, PASS, TODO


@pytest.fixture(scope="module")
def records():
    records = make_records(seeds=range(4))
    gamer = (records.role_model == "gamer") & (records.weight == 0.15) & (records.condition == "post-trained")
    records.loc[gamer, "misalignment"] += 0.03   # a starting difference for exercise 2 to find
    return records


@pytest.mark.parametrize("exercise", [check.exercise_5_1, check.exercise_5_2, check.exercise_5_3])
@pytest.mark.parametrize("stub", [None, ...])
def test_stub_is_not_attempted(exercise, stub, capsys):
    assert exercise(stub).status == TODO
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["0.3", [0.3], True])
def test_badly_shaped_numbers_get_a_hint(bad, records):
    assert check.exercise_5_1(bad).status == HINT
    assert check.exercise_5_2(bad, records).status == HINT


def test_exercise_1():
    truth = check.exercise_1_value()
    assert 0.5 < truth < 0.9  # the post-training evidence beats a 1% prior; the cheats cancel
    assert check.exercise_5_1(truth + 0.05).status == PASS
    assert check.exercise_5_1(1.5).status == HINT
    assert "too low" in check.exercise_5_1(0.01).message
    assert "too high" in check.exercise_5_1(1.0).message


def test_exercise_2(records):
    truth = check.exercise_2_value(records)
    assert truth == pytest.approx(0.03)
    assert check.exercise_5_2(truth, records).status == PASS
    assert "sign" in check.exercise_5_2(-truth, records).message
    assert check.exercise_5_2(0.0, records).status == HINT


def test_exercise_3():
    assert check.exercise_3_value() == ["engineer"]
    assert check.exercise_5_3("engineer").status == PASS
    assert check.exercise_5_3(" Engineer ").status == PASS
    assert check.exercise_5_3("helper").status == HINT
    assert "itself" in check.exercise_5_3("steward").message
    assert "not a character" in check.exercise_5_3("hero").message
    assert check.exercise_5_3(3).status == HINT
