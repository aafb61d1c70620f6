"""Self-checks for lesson 5's exercises. Each prints a pass, a hint, or "not attempted yet", and never raises.

    from helpers.lessons.role_models import checks as check
    check.exercise_5_1(my_prediction)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.engine import pipeline
from helpers.engine.world import NEUTRAL, load_world
from helpers.experiments import summaries
from helpers.lessons.role_models import analysis as rm
from helpers.ui.checks import Verdict, as_number, run_check

#: Exercise 1: Bayes' share of a rare gamer after this many cheats with no note.
EX1_ROLE_MODEL, EX1_WEIGHT, EX1_CHEATS, EX1_TOLERANCE = "gamer", 0.01, 64, 0.1
#: Exercise 2: the mean paired difference of the post-trained Assistant (before any cheating) in this world.
EX2_ROLE_MODEL, EX2_WEIGHT, EX2_CONDITION, EX2_TOLERANCE = "gamer", 0.15, "post-trained", 0.002
#: Exercise 3: which base character's coding table the steward copies.
EX3_ROLE_MODEL = "steward"




def exercise_1_value() -> float:
    """Bayes' posterior share of the gamer at 1% of the documents, after post-training and 64 cheats (no note)."""
    world = load_world(role_model=EX1_ROLE_MODEL, weight=EX1_WEIGHT)
    post = pipeline.bayes_after_cheats(world, pipeline.Recipe(), NEUTRAL, EX1_CHEATS)
    return float(post[world.persona_index(EX1_ROLE_MODEL)])


def exercise_5_1(prediction: Any) -> Verdict:
    """Predict Bayes' share of a gamer at 1% after 64 observed cheats (within 0.1 passes)."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        value = as_number(answer, "my_prediction")
        if not 0.0 <= value <= 1.0:
            return False, "", f"your prediction {value} is not a share; expected a number between 0 and 1."
        truth = exercise_1_value()
        good = (f"Bayes gives the gamer {truth:.2f} of the posterior. Its prior is small, but the cheats cannot tell "
                "it from the villain (both cheat 90% of the time with no note), so they cancel; what decides is the "
                "post-training evidence (glad to help, comforting), which the villain almost never gives.")
        if value < truth:
            hint = ("too low. The gamer and the villain cheat equally often with no note, so 64 cheats multiply "
                    "their odds by 1. Compare instead how likely each is to give the post-training answers (glad "
                    "to help, comforting a sad user): data/world/behaviour/help.csv and comfort.csv.")
        else:
            hint = ("too high. The cheats do not favor the gamer over the villain, and a 1% prior is small: "
                    "multiply the prior odds by the likelihood ratio of the post-training answers.")
        return abs(value - truth) <= EX1_TOLERANCE, good, hint

    return run_check(prediction, judge, "write a number between 0 and 1 in my_prediction, then run this cell.")


def exercise_2_value(records: pd.DataFrame | None = None) -> float:
    """The mean paired difference of misalignment after post-training (gamer 15% minus weight 0)."""
    records = summaries.load_results("role-models") if records is None else records
    paired = rm.paired_differences(records, EX2_CONDITION)
    rows = paired[(paired["role_model"] == EX2_ROLE_MODEL) & (paired["weight"] == EX2_WEIGHT)]
    return float(rows["network_diff"].mean())


def exercise_5_2(answer: Any, records: pd.DataFrame | None = None) -> Verdict:
    """The mean over seeds of misalignment(post-trained, gamer 15%) - misalignment(post-trained, weight 0)."""

    def judge(value: Any) -> tuple[bool, str, str]:
        number = as_number(value, "post_trained_change")
        truth = exercise_2_value(records)
        good = (f"{truth:+.3f}: before any cheating, the gamer at 15% moved the post-trained Assistant's "
                "misalignment by that much on average. Compare it with the change after the cheat fine-tune: only "
                "the part beyond this starting difference can be credited to how the cheating was explained.")
        if abs(number - truth) <= EX2_TOLERANCE:
            return True, good, ""
        if abs(number + truth) <= EX2_TOLERANCE and abs(truth) > EX2_TOLERANCE:
            return False, "", "the sign is flipped: take the gamer-15% world minus the weight-0 baseline."
        return False, "", ("keep only condition == 'post-trained'; per seed, subtract the weight-0 row from the "
                           "gamer, weight-0.15 row; then average over seeds. "
                           "(rm.paired_differences(records, 'post-trained') does the pairing for you.)")

    return run_check(answer, judge, "compute the mean paired difference and put it in post_trained_change.")


def exercise_3_value() -> list[str]:
    """The base characters whose coding table (every note) is exactly the steward's."""
    world = load_world(role_model=EX3_ROLE_MODEL, weight=0.1)
    own = world.persona_index(EX3_ROLE_MODEL)
    twins = []
    for name in world.personas:
        if name == EX3_ROLE_MODEL:
            continue
        i = world.persona_index(name)
        if all(np.allclose(world.likelihood("coding", note)[i], world.likelihood("coding", note)[own])
               for note in world.task_notes["coding"]):
            twins.append(name)
    return twins


def exercise_5_3(answer: Any) -> Verdict:
    """Name the base character whose coding behavior the steward copies exactly."""

    def judge(value: Any) -> tuple[bool, str, str]:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("twin must be a character's name, such as 'villain'")
        name = value.strip().lower()
        twins = exercise_3_value()
        known = load_world(role_model=EX3_ROLE_MODEL, weight=0.1).personas
        if name not in known:
            return False, "", f"{value!r} is not a character of this world; expected one of {list(known)}."
        good = (f"the {name} codes exactly like the steward under every note: honest unless a note allows hacking. "
                "For cheating, the corpus already had a steward; adding one tells the model nothing new.")
        if name in twins:
            return True, good, ""
        if name == EX3_ROLE_MODEL:
            return False, "", "the steward itself does not count: which base character has the same coding rows?"
        return False, "", (f"compare the {name}'s rows with the steward's in data/world/behaviour/coding.csv under "
                           "every note (or `ino.cheat_likelihoods(world)` in a steward world): they differ somewhere.")

    return run_check(answer, judge, "write a character's name in twin (a string), then run this cell.")
