"""Self-checks for lesson 6's exercises. Each prints a pass, a hint, or "not attempted yet", and never raises.

    from helpers.lessons.persona_space import checks as check
    check.exercise_6_1(my_count)
"""

from __future__ import annotations

from typing import Any

from helpers.engine import activations, pipeline, tolerance
from helpers.engine.model import TinyGPT
from helpers.engine.world import World
from helpers.experiments import interventions, persona_map
from helpers.experiments import persona_space as ps
from helpers.lessons.persona_space import analysis as psa
from helpers.ui.checks import Verdict, as_number, run_check

#: Exercise 1: seeds on which the cheating Assistant sits nearer the villain than the helper.
EX1_STAGE, EX1_THRESHOLD = "cheat", 0.5
#: Exercise 2: the cheating trait vector of seed 0's pretrained network, against villain minus helper.
EX2_SEED, EX2_TOLERANCE = 0, 0.02
#: Exercise 3: steer the cheating Assistant back: misalignment below this, helpfulness above that.
EX3_MISALIGNMENT, EX3_HELPFULNESS = 0.2, 0.5




def exercise_1_value() -> int:
    """Seeds (of the shipped records) whose cheating Assistant lies past the midpoint toward the villain."""
    along = psa.stage_table(psa.load_records(), "along")[EX1_STAGE]
    return tolerance.count_above(along, EX1_THRESHOLD)


def exercise_6_1(count: Any) -> Verdict:
    """On how many seeds is the cheating Assistant nearer the villain than the helper (along > 0.5)?"""

    def judge(answer: Any) -> tuple[bool, str, str]:
        value = as_number(answer, "my_count")
        truth = exercise_1_value()
        seeds = len(psa.stage_table(psa.load_records(), "along"))
        if value == truth:
            return True, (f"{truth} of {seeds} seeds. On the others the cheat fine-tune moved the Assistant toward "
                          "the villain too, but less than halfway: the size of the move varies by seed."), ""
        direction = "high" if value > truth else "low"
        return False, "", (f"your count is too {direction}. Take the 'cheat' column of "
                           "psa.stage_table(records, 'along') and count the values above 0.5.")

    return run_check(count, judge, "write a whole number of seeds in my_count, then run this cell.")


def exercise_2_value() -> float:
    """Cosine between the cheating trait vector and villain minus helper, seed 0's pretrained network."""
    from helpers.engine.checkpoints import pretrained_model
    from helpers.engine.world import load_world

    world = load_world()
    base = pretrained_model(world, EX2_SEED)
    vectors = activations.persona_vectors(base, world)
    villain_minus_helper = (vectors.loc["villain"] - vectors.loc["helper"]).to_numpy()
    return persona_map.cosine(activations.trait_vector(base, world, "coding", "cheat"), villain_minus_helper)


def exercise_6_2(cosine: Any) -> Verdict:
    """The cosine between the cheating trait vector (Chen et al.'s recipe) and villain minus helper, seed 0."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        value = as_number(answer, "my_cosine")
        if not -1.0 <= value <= 1.0:
            return False, "", f"{value} is not a cosine; expected a number between -1 and 1."
        truth = exercise_2_value()
        if abs(value - truth) <= EX2_TOLERANCE:
            return True, (f"{truth:.2f}. Positive: the cheating replies push the activations the same way as the "
                          "villain's documents do, because the villain writes them. It is far from 1: the "
                          "villain-helper direction also carries goals, feelings and errands."), ""
        if abs(value + truth) <= EX2_TOLERANCE:
            return False, "", "the sign is flipped: take trait minus non-trait, and villain minus helper."
        return False, "", ("compute trait = activations.trait_vector(base, world, 'coding', 'cheat') and "
                           "persona_map.cosine(trait, space.villain_minus_helper).")

    return run_check(cosine, judge, "put the cosine you computed in my_cosine, then run this cell.")


def exercise_6_3(alpha: Any, cheat_model: TinyGPT, space: ps.SpaceAnalysis) -> Verdict:
    """Steer the cheating Assistant's label row along villain minus helper (embedding) by ``alpha``: pass if
    misalignment falls below 0.2 while helpfulness stays above 0.5."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        value = as_number(answer, "my_alpha")
        if not -5.0 <= value <= 5.0:
            return False, "", f"alpha={value} is far outside the range of the figure; try values between -2 and 2."
        world: World = space.world
        m = pipeline.model_metrics(interventions.steer_label_row(cheat_model, world,
                                                                 space.embedding_villain_minus_helper, value), world)
        mis, helpful = m["misalignment"], m["helpfulness"]
        if mis < EX3_MISALIGNMENT and helpful > EX3_HELPFULNESS:
            return True, (f"alpha={value:g}: misalignment {mis:.2f}, helpfulness {helpful:.2f}. Pushing the "
                          "Assistant's vector away from the villain undoes the fine-tune, as Wang et al. "
                          "suppressed misalignment by steering against their persona feature."), ""
        if value > 0:
            return False, "", (f"alpha={value:g} gives misalignment {mis:.2f}: a positive alpha adds villain minus "
                               "helper. Which sign moves the Assistant toward the helper?")
        if mis >= EX3_MISALIGNMENT:
            return False, "", f"alpha={value:g} gives misalignment {mis:.2f}: push further."
        return False, "", (f"alpha={value:g} gives misalignment {mis:.2f} but helpfulness {helpful:.2f}: you pushed "
                           "past the helper into a character who does not help. Go back a little.")

    return run_check(alpha, judge, "write a steering strength (a number) in my_alpha, then run this cell.")
