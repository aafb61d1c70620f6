"""Lesson 4's self-checks: a stub gets a nudge, a wrong answer a hint, a right one a pass; none raises."""

import pytest

from helpers.engine import grader, rl
from helpers.lessons.cheating import checks as check
from helpers.ui.checks import HINT, PASS, TODO


@pytest.mark.parametrize("exercise", [check.exercise_4_1, check.exercise_4_2, check.exercise_4_3])
@pytest.mark.parametrize("stub", [None, ...])
def test_stub_is_not_attempted(exercise, stub, capsys):
    assert exercise(stub).status == TODO
    assert "Not attempted" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", [check.exercise_4_1, check.exercise_4_3])
@pytest.mark.parametrize("bad", ["0.3", [0.3], True])
def test_badly_shaped_answers_get_a_hint(exercise, bad):
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


# ----- exercise 3: write my_reinforce_loss -----
def right(rewards, reply_log_probs):
    advantages = rewards - rewards.mean()
    return -(advantages * reply_log_probs).mean()


def sign_flipped(rewards, reply_log_probs):
    return ((rewards - rewards.mean()) * reply_log_probs).mean()


def no_baseline(rewards, reply_log_probs):
    return -(rewards * reply_log_probs).mean()


def summed(rewards, reply_log_probs):
    return -((rewards - rewards.mean()) * reply_log_probs).sum()


def a_float(rewards, reply_log_probs):
    return (-((rewards - rewards.mean()) * reply_log_probs).mean()).detach().item()


def test_exercise_3_passes_the_reinforce_loss_written_out():
    assert check.exercise_4_3(right).status == PASS
    assert check.exercise_4_3(rl.reinforce_loss).status == PASS


def test_exercise_3_is_not_fooled_by_the_right_value_with_no_gradient():
    def detached(rewards, reply_log_probs):
        return right(rewards, reply_log_probs.detach())

    def doubled(rewards, reply_log_probs):
        return 2 * right(rewards, reply_log_probs)

    assert check.exercise_4_3(detached).status == HINT
    assert check.exercise_4_3(doubled).status == HINT


MISTAKES = {  # a wrong answer, and words its hint must contain
    "sign flipped": (sign_flipped, "sign is flipped"),
    "no baseline": (no_baseline, "no baseline"),
    "sum instead of mean": (summed, "mean over the batch, not the sum"),
    "not callable": (0.5, "must be a function"),
    "returns a float": (a_float, "torch tensor"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_exercise_3_names_the_mistake(mistake):
    answer, words = MISTAKES[mistake]
    verdict = check.exercise_4_3(answer)
    assert verdict.status == HINT
    assert words in verdict.message


def test_exercise_3_hints_are_distinct():
    messages = [check.exercise_4_3(answer).message for answer, _ in MISTAKES.values()]
    assert len(set(messages)) == len(messages)


def test_exercise_3_compares_on_a_batch_where_every_reward_is_equal():
    """A loss that is right except when all rewards are equal (it then pushes every reply down) fails."""

    def wrong_when_flat(rewards, reply_log_probs):
        if bool((rewards == rewards[0]).all()):
            return -reply_log_probs.mean()
        return right(rewards, reply_log_probs)

    assert check.exercise_4_3(wrong_when_flat).status == HINT
