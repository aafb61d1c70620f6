"""Self-checks for lesson 03 (Post-training refines the persona). Each prints a pass, a hint or "not attempted yet".

Expected answers are computed here from the shipped results and exact Bayes, never typed in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from helpers import bayes, tolerance
from helpers.assistant import post_training_table
from helpers.checks import Verdict, run_check
from helpers.experiments import post_training_evidence
from helpers.world import World, load_world

TOLERANCE = 0.005


@lru_cache(maxsize=1)
def _world() -> World:
    return load_world()


def seeds_below_bayes(table: pd.DataFrame | None = None, condition: str = "embedding") -> int:
    """How many seeds' network helper-likeness (in ``condition``) is below Bayes' after the same evidence."""
    table = post_training_table() if table is None else table
    bayes_value = float(table.loc[table["condition"] == "Bayes", "helper_likeness"].mean())
    network = table.loc[table["condition"] == condition, "helper_likeness"]
    if network.empty:
        raise ValueError(f"condition={condition!r}; expected one of {sorted(set(table['condition']))}")
    return tolerance.count_below(network, bayes_value)


def helper_weight_after_repeats(repeats: int, world: World | None = None) -> float:
    """Bayes' posterior weight on the helper after the post-training evidence is observed ``repeats`` times."""
    world = world or _world()
    if not isinstance(repeats, int) or repeats < 0:
        raise ValueError(f"repeats={repeats!r}; expected a non-negative integer")
    evidence = post_training_evidence(world) * repeats
    return float(bayes.posterior(world, evidence)[world.persona_index("helper")])


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
    """Bayes' helper weight when the post-training evidence is observed twice."""
    expected = helper_weight_after_repeats(2)

    def judge(value: Any) -> tuple[bool, str, str]:
        got = float(value)
        if not np.isfinite(got):
            raise ValueError(f"{value!r} is not a finite number")
        return (abs(got - expected) <= TOLERANCE,
                f"{got:.3f}: twice the evidence multiplies the likelihoods again, so the helper pulls further ahead.",
                f"{got:.3f} is not it. Build evidence = post_training_evidence(world) * 2 (a list repeated) and "
                "take bayes.posterior(world, evidence) at world.persona_index('helper').")

    return run_check(answer, judge, "set my_helper_weight to a number between 0 and 1")


def first_step_above(trajectory: pd.DataFrame, metric: str = "helpfulness", level: float = 0.9) -> int | None:
    """The first recorded step at which ``metric`` reaches ``level`` (None if it never does)."""
    if metric not in trajectory.columns or "step" not in trajectory.columns:
        raise ValueError(f"trajectory with columns {list(trajectory.columns)}; expected 'step' and {metric!r}")
    hits = trajectory.loc[trajectory[metric] >= level, "step"]
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
