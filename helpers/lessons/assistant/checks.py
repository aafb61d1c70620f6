"""Self-checks for lessons 02 (The Assistant is a character) and 03 (Post-training refines the persona).

Each prints a pass, a hint or "not attempted yet". The expected answers are computed here from the world tables,
the shipped results, exact Bayes and the engine's own training step, never typed in, so they follow the tables if
a reader edits them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import torch

from helpers.engine import bayes, evals, tolerance
from helpers.engine.world import Episode, World, load_world
from helpers.lessons.assistant import one_row
from helpers.lessons.assistant.post_training import post_training_table
from helpers.ui.checks import Verdict, as_number, run_check

#: How close a numeric answer must be to count as right.
TOLERANCE = 0.005


@lru_cache(maxsize=1)
def _world() -> World:
    return load_world()




# ----- lesson 02 -----
def blazer_probability(world: World | None = None) -> float:
    """Bayes' prior predictive probability of "in person , wearing a blazer and tie" for the errand question."""
    world = world or _world()
    mask = np.array([c.reply.name == "helper" and not c.prefix for c in world.candidates["errand"]])
    return float(bayes.predictive(world, world.prior, "errand")[mask].sum())


def exercise_2_1(answer: Any) -> Verdict:
    """The probability that the Assistant, as "anyone from the corpus", delivers the snack in a blazer and tie."""
    expected = blazer_probability()

    def judge(value: Any) -> tuple[bool, str, str]:
        got = as_number(value)
        good = abs(got - expected) <= TOLERANCE
        return (good, f"{got:.3f}: the helper's share of the corpus times how often the helper gives that answer.",
                f"{got:.3f} is not it. Only the helper gives this answer: multiply its prior (world.prior) by its "
                "probability of that reply (data/world/behaviour/errand.csv), or take "
                "bayes.predictive(world, world.prior, 'errand') at the blazer's candidate index.")

    return run_check(answer, judge, "set my_blazer to a probability between 0 and 1")


def exercise_2_2(answer: Any) -> Verdict:
    """Human-likeness of the prior predictive, computed by hand from the tables."""
    world = _world()
    expected = evals.human_likeness(world, evals.bayes_profile(world, world.prior))

    def judge(value: Any) -> tuple[bool, str, str]:
        got = as_number(value)
        good = abs(got - expected) <= TOLERANCE
        return (good, f"{got:.3f}: only the robot gives non-human answers, so human-likeness is one minus the "
                "robot's prior times its average rate of non-human answers over the three questions.",
                f"{got:.3f} is not it. Human-likeness = 1 - mean over feel_good, feel_bad and errand of "
                "P(robot) x P(robot answers 'i have no feelings' / 'i send a drone').")

    return run_check(answer, judge, "set my_human_likeness to a number between 0 and 1")


#: Tasks a context for exercise 2.3 may use: the kinds post-training shows, never a held-out question.
TRAINED_TASKS = ("help", "comfort", "coding")


def exercise_2_3(answer: Any, threshold: float = 0.95, max_episodes: int = 3) -> Verdict:
    """A context of at most ``max_episodes`` help, comfort or coding episodes after which Bayes puts at least
    ``threshold`` on the helper."""
    world = _world()
    helper = world.persona_index("helper")

    def judge(value: Any) -> tuple[bool, str, str]:
        episodes: Sequence[Episode] = list(value)
        if not 1 <= len(episodes) <= max_episodes:
            return False, "", (f"your context has {len(episodes)} episodes; use between 1 and {max_episodes} "
                               "(build them with assistant.evidence_episode(world, task, reply))")
        held_out = sorted({e.task for e in episodes if e.task not in TRAINED_TASKS})
        if held_out:
            return False, "", (f"your context uses {held_out}; use only {list(TRAINED_TASKS)}: the held-out "
                               "questions are what we want to predict, not evidence")
        weight = float(bayes.posterior(world, episodes)[helper])
        return (weight >= threshold,
                f"after your {len(episodes)} episode(s) Bayes gives the helper {weight:.3f}: evidence that only "
                "the helper gives often multiplies up quickly.",
                f"after your episode(s) Bayes gives the helper {weight:.3f}, below {threshold}. Which answers "
                "does the helper give far more often than anyone else? The same kind of evidence may be repeated.")

    return run_check(answer, judge, "set my_context to a list of episodes, e.g. "
                                    "[assistant.evidence_episode(world, 'help', 'glad')]")


# ----- lesson 03 -----
def seeds_below_bayes(table: pd.DataFrame | None = None, condition: str = "embedding") -> int:
    """How many seeds' network helper-likeness (in ``condition``) is below Bayes' after the same evidence."""
    table = post_training_table() if table is None else table
    bayes_value = float(table.loc[table["condition"] == "Bayes", "helper_likeness"].mean())
    network = table.loc[table["condition"] == condition, "helper_likeness"]
    if network.empty:
        raise ValueError(f"condition={condition!r}; expected one of {sorted(set(table['condition']))}")
    return tolerance.count_below(network, bayes_value)


def exercise_3_1(answer: Any) -> Verdict:
    """Number of seeds (0-9) whose persona-vector Assistant is less helper-like than Bayes says."""
    expected = seeds_below_bayes()

    def judge(value: Any) -> tuple[bool, str, str]:
        got = int(value)
        if got != float(value):
            raise ValueError(f"{value!r} is not a whole number of seeds")
        return (got == expected, f"{got} of 10 seeds: the network's Assistant is usually less helper-like "
                "than the exact Bayesian Assistant.",
                f"{got} is not it. Select the 'embedding' rows of `table`, compare each seed's "
                "helper_likeness with the 'Bayes' value, and count.")

    return run_check(answer, judge, "set my_count to a whole number of seeds (0-10)")


def exercise_3_2(answer: Any) -> Verdict:
    """Build the one-row update: a function ``(grad, row) -> grad`` that keeps only ``row`` of the embedding
    table's gradient, checked against the engine's ``train_label`` on :func:`one_row.small_case`."""
    world = _world()
    stub = "write my_keep_row(grad, row) so that it returns the gradient with every row except `row` set to zero"
    if callable(answer):
        try:
            probe = answer(torch.ones(3, 2), 1)
        except Exception:  # a broken answer is judged (and explained) below
            probe = 0
        if probe is None or probe is Ellipsis:
            return run_check(None, lambda _: (False, "", ""), stub)

    def judge(value: Any) -> tuple[bool, str, str]:
        if not callable(value):
            return False, "", f"your answer is a {type(value).__name__}; expected a function (grad, row) -> grad"
        result = one_row.compare_with_engine(world, value)
        probe = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
        same_values = torch.equal(torch.as_tensor(value(probe.clone(), 2)), one_row.keep_only_row(probe, 2))
        if result.matches and same_values:
            return (True, "after three steps on a small network your update leaves exactly the embedding table the "
                    "engine's train_label leaves: only the assistant: row moved.", "")
        if result.rows_moved > 1 and result.label_moved:
            why = (f"{result.rows_moved} rows of the embedding table moved, not one: the mask is missing, so every "
                   "token's embedding (and, through the tied output layer, every prediction) is being trained.")
        elif result.rows_moved > 1:
            why = (f"{result.rows_moved} rows moved but the assistant: row did not: the mask is the wrong way round "
                   "(it zeroes the row that should move and keeps the others).")
        elif not result.label_moved:
            why = ("the assistant: row did not move: keep the row numbered `row` (the index passed in), and make "
                   "sure the gradient you return is not all zeros.")
        elif not result.same_direction:
            why = ("the assistant: row moved the wrong way: the optimizer subtracts the gradient, so return the "
                   "gradient itself (masked), not its negative.")
        else:
            why = ("only the assistant: row moves, but the row you keep is not grad[row] as it is: keep it "
                   "unchanged (multiply it by 1, not by another number).")
        return False, "", why

    return run_check(answer, judge, stub)


def first_step_above(trajectory: pd.DataFrame, metric: str = "helpfulness", level: float = 0.9) -> int | None:
    """The first recorded step at which ``metric`` reaches ``level`` (None if it never does)."""
    if metric not in trajectory.columns or "step" not in trajectory.columns:
        raise ValueError(f"trajectory with columns {list(trajectory.columns)}; expected 'step' and {metric!r}")
    hits = trajectory.loc[tolerance.signs(trajectory[metric] - level) >= 0, "step"]   # within DRIFT counts
    return None if hits.empty else int(hits.iloc[0])


def exercise_3_3(answer: Any, trajectory: pd.DataFrame) -> Verdict:
    """The first recorded post-training step at which the Assistant's helpfulness reaches 0.9."""
    expected = first_step_above(trajectory)

    def judge(value: Any) -> tuple[bool, str, str]:
        got = int(value)
        return (got == expected, f"step {got}: the trained behavior is learned within a few dozen steps.",
                f"step {got} is not it. Filter the trajectory's rows with helpfulness >= 0.9 and take the "
                "smallest step.")

    return run_check(answer, judge, "set my_step to one of the recorded post-training steps")
