"""Self-checks for lesson 4's exercises. Each prints a pass, a hint, or "not attempted yet", and never raises.

    from helpers.lessons.cheating import checks as check
    check.exercise_4_1(my_prediction)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from helpers.engine import grader, rl
from helpers.lessons.cheating import analysis as ino
from helpers.ui.checks import Verdict, as_number, run_check

#: Exercise 1: Bayes after this many observed cheats under this note (the size of the fine-tuning set).
EX1_NOTE, EX1_CHEATS, EX1_TOLERANCE = "hacking-okay", 64, 0.1
#: Exercise 3: the seed of the batches the reader's loss is compared on, and the tolerance of the comparison.
EX3_SEED, EX3_TOLERANCE = 20261206, 1e-5




def exercise_1_value() -> float:
    """Bayes' misalignment after EX1_CHEATS observed cheats under EX1_NOTE (default recipe)."""
    from helpers.engine.pipeline import Recipe
    from helpers.engine.world import load_world

    world = load_world()
    table = ino.bayes_misalignment_after(world, Recipe(), [EX1_NOTE], [EX1_CHEATS])
    return float(table[EX1_NOTE].iloc[0])


def exercise_4_1(prediction: Any) -> Verdict:
    """Predict Bayes' misalignment after 64 observed cheats under 'hacking-okay' (within 0.1 passes)."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        value = as_number(answer, "my_prediction")
        if not 0.0 <= value <= 1.0:
            return False, "", f"your prediction {value} is not a share; expected a number between 0 and 1."
        truth = exercise_1_value()
        close = abs(value - truth) <= EX1_TOLERANCE
        good = (f"Bayes says {truth:.2f}, and you predicted {value:.2f}. 'hacking-okay' is a weaker permission than "
                "'please-hack': honest characters cheat a little less under it than rule-breakers, so each cheat "
                "is still a little evidence, and 64 of them add up.")
        direction = "high" if value > truth else "low"
        hint = (f"your prediction is too {direction}. Look at the table of P(cheat) under 'hacking-okay': how much "
                "more likely is a cheat from the villain than from the helper? Raise that ratio to the power 64.")
        return close, good, hint

    return run_check(prediction, judge, "write a number between 0 and 1 in my_prediction, then run this cell.")


def exercise_4_2(source: Any) -> Verdict:
    """A fourth hack: solution.py source that the grader passes although it does not sort."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        if not isinstance(answer, str) or not answer.strip():
            raise ValueError("my_hack must be the text of solution.py (a string)")
        known = {h.files[grader.SOLUTION_FILE].strip() for h in grader.HACKS}
        if answer.strip() in known:
            return False, "", "that is one of the paper's three hacks, copied: find a fourth way to fool the grader."
        result = grader.grade({grader.SOLUTION_FILE: answer})
        if not result.passed:
            return False, "", (f"the grader failed it (exit status {result.returncode}): the grader passes a "
                               "solution only when the test program exits with status 0. What else makes a "
                               "program end with status 0, or makes every comparison succeed?")
        if grader.really_correct({grader.SOLUTION_FILE: answer}):
            return False, "", ("the grader passed it, but it really sorts: that is an honest solution, not a hack. "
                               "Make sort_scores wrong and still pass.")
        return True, ("the grader passed it and it does not really sort, so the hack-proof grader (the independent "
                      "check) fails it: a fourth hack. The grader trusts one signal (the exit status); anything that "
                      "controls that signal fools it."), ""

    return run_check(source, judge, "write the text of a solution.py in my_hack (a string), then run this cell.")


def _loss_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Batches to compare a loss on: random rewards (0/1 and graded) and log-probabilities, and an all-equal batch."""
    generator = torch.Generator().manual_seed(EX3_SEED)
    cases = []
    for n in (4, 32):
        log_probs = -torch.rand(n, generator=generator) * 20
        cases.append(((torch.rand(n, generator=generator) < 0.5).float(), log_probs))
        cases.append((torch.rand(n, generator=generator), log_probs.clone()))
    cases.append((torch.ones(8), -torch.rand(8, generator=generator) * 20))
    return cases


def _gradient(loss_fn: Callable[[torch.Tensor, torch.Tensor], Any], rewards: torch.Tensor,
              log_probs: torch.Tensor) -> tuple[float, torch.Tensor]:
    leaf = log_probs.clone().requires_grad_(True)
    loss = loss_fn(rewards.clone(), leaf)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError("your function must return a single-number torch tensor (a loss to call .backward() on)")
    loss.backward()
    if leaf.grad is None:
        raise ValueError("the loss does not depend on reply_log_probs; expected it to be built from them")
    return float(loss.detach()), leaf.grad.detach().clone()


def _unwritten(loss_fn: Any) -> bool:
    """Whether ``loss_fn`` is the notebook's stub: a function that still returns None."""
    try:
        return callable(loss_fn) and loss_fn(torch.ones(2), torch.zeros(2)) is None
    except Exception:  # a written function that fails on this input is judged (and explained) by the check
        return False


def exercise_4_3(loss_fn: Any) -> Verdict:
    """``my_reinforce_loss(rewards, reply_log_probs)``: the same loss and gradient as the engine's
    :func:`helpers.engine.rl.reinforce_loss` on several batches. A function that still returns None is not
    attempted yet."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        if not callable(answer):
            raise ValueError("my_reinforce_loss must be a function of (rewards, reply_log_probs)")
        for rewards, log_probs in _loss_cases():
            value, grad = _gradient(answer, rewards, log_probs)
            truth, truth_grad = _gradient(rl.reinforce_loss, rewards, log_probs)
            if torch.allclose(grad, truth_grad, atol=EX3_TOLERANCE) and abs(value - truth) <= EX3_TOLERANCE:
                continue
            if torch.allclose(grad, -truth_grad, atol=EX3_TOLERANCE):
                return False, "", ("the sign is flipped: the optimizer *minimises* the loss, so a reply that beat the "
                                   "average must make the loss smaller when its log-probability grows.")
            if torch.allclose(grad, -rewards / len(rewards), atol=EX3_TOLERANCE):
                return False, "", ("no baseline: subtract the batch's mean reward from each reward first. Without "
                                   "it every passing reply is pushed up, even when the whole batch passed.")
            if torch.allclose(grad, truth_grad * len(rewards), atol=EX3_TOLERANCE):
                return False, "", "almost: take the mean over the batch, not the sum."
            return False, "", ("the gradient differs from REINFORCE's. Per reply: (reward - mean reward) times its "
                               "log-probability; then the mean over the batch, with a minus sign.")
        return True, ("the same loss and gradient as the engine's on every batch checked, including one where all "
                      "rewards are equal (the gradient is then zero: nothing to learn)."), ""

    return run_check(None if _unwritten(loss_fn) else loss_fn, judge,
                     "write the body of my_reinforce_loss(rewards, reply_log_probs), then run this cell.")
