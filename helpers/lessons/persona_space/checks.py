"""Self-checks for lesson 6's exercises. Each prints a pass, a hint, or "not attempted yet", and never raises.

    from helpers.lessons.persona_space import checks as check
    check.exercise_6_1(my_count)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

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
#: Exercise 4: a persona vector by hand matches the engine's when the relative error is below this.
EX4_RELATIVE_ERROR = 1e-3
#: Exercise 5: the steering strength and the largest logit difference from the engine's hook that still passes.
EX5_ALPHA, EX5_TOLERANCE = 1.0, 1e-4



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


def _as_vector(answer: Any, width: int) -> np.ndarray:
    """A student's vector (numpy, torch or list) as a float array of shape (width,), or a ValueError that says why."""
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().numpy()
    if isinstance(answer, (bool, str, int, float)):
        raise ValueError(f"a single value; expected a vector of {width} numbers")
    vector = np.asarray(answer, dtype=float).squeeze()
    if vector.shape != (width,):
        raise ValueError(f"shape {vector.shape}; expected a vector of {width} numbers")
    return vector


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return float(np.linalg.norm(a - b)) <= EX4_RELATIVE_ERROR * float(np.linalg.norm(b))


def _persona_vector_variants(model: TinyGPT, world: World, persona: str) -> dict[str, np.ndarray]:
    """Common slips when computing a persona vector by hand: every position averaged, documents unweighted."""
    docs = activations.persona_documents(world, persona)
    x = activations.residual_stream(model, docs.tokens).numpy()
    writing = docs.writing.numpy()
    per_doc = (x * writing[..., None]).sum(1) / writing.sum(1, keepdims=True)
    real = docs.tokens.numpy() != 0
    every_position = (x * real[..., None]).sum(1) / real.sum(1, keepdims=True)
    return {"unweighted": per_doc.mean(0), "every position": docs.weights @ every_position}


def exercise_6_4(vector: Any, model: TinyGPT, space: ps.SpaceAnalysis) -> Verdict:
    """A persona vector by hand: the villain's mean activation on its documents minus the helper's, compared with
    the engine's (``space.villain_minus_helper``, from :func:`helpers.engine.activations.persona_vectors`)."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        truth = space.villain_minus_helper
        value = _as_vector(answer, len(truth))
        if _close(value, truth):
            return True, ("your vector matches the engine's villain minus helper "
                          f"(relative difference {np.linalg.norm(value - truth) / np.linalg.norm(truth):.1e}). "
                          "This difference of means is Chen et al.'s recipe, applied to two characters."), ""
        if _close(value, -truth):
            return False, "", "the sign is flipped: take the villain's mean minus the helper's."
        for name in ("villain", "helper"):
            if _close(value, space.vectors.loc[name].to_numpy()):
                return False, "", f"that is the {name}'s persona vector alone: subtract the other character's."
        slips = {name: a - b for (name, a), b in zip(_persona_vector_variants(model, space.world, "villain").items(),
                                                      _persona_vector_variants(model, space.world, "helper").values(),
                                                      strict=True)}
        if _close(value, slips["unweighted"]):
            return False, "", ("close: now weight the documents. A plain mean counts every candidate reply once; "
                               "docs.weights counts each as often as the character gives it.")
        if _close(value, slips["every position"]):
            return False, "", ("average each document over its writing positions only (docs.writing), not over "
                               "the prompt as well.")
        return False, "", ("not the engine's vector. Per document, average x over the positions where docs.writing "
                           "is 1; then take the weighted mean over documents with docs.weights; then villain "
                           "minus helper.")

    return run_check(vector, judge, "compute the villain's mean activation minus the helper's into my_vector, then "
                                    "run this cell.")


def exercise_6_5(hook: Any, model: TinyGPT, space: ps.SpaceAnalysis) -> Verdict:
    """A steering hook by hand: ``hook(x, tokens)`` must add ``EX5_ALPHA * space.villain_minus_helper`` to the
    residual stream at the Assistant's positions. Compared with the engine's
    :func:`helpers.experiments.interventions.residual_steering`: the next-word predictions, then misalignment."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        if not callable(answer):
            return False, "", "my_hook should be a function of (x, tokens), such as the steer you wrote above."
        world: World = space.world
        tokens = activations.reply_batch(world, "assistant").tokens
        with torch.no_grad():
            plain = model(tokens)
            with interventions.residual_steering(model, world, space.villain_minus_helper, EX5_ALPHA):
                engine = model(tokens)
            with model.hooks(residual=answer):
                yours = model(tokens)
        if torch.allclose(yours, plain, atol=EX5_TOLERANCE):
            return False, "", ("your hook leaves the stream as it was: return x plus the steering term (a hook "
                               "that returns None only reads).")
        gap = float((yours - engine).abs().max())
        if gap > EX5_TOLERANCE:
            return False, "", _hook_hint(answer, model, world, space, tokens, gap)
        steered = _hooked_metrics(model, world, answer)
        with interventions.residual_steering(model, world, space.villain_minus_helper, EX5_ALPHA):
            reference = pipeline.model_metrics(model, world)
        return True, (f"your hook matches the engine's steering (largest logit difference {gap:.1e}): misalignment "
                      f"{steered['misalignment']:.2f} with yours, {reference['misalignment']:.2f} with the "
                      f"engine's, against {pipeline.model_metrics(model, world)['misalignment']:.2f} unsteered."), ""

    return run_check(hook, judge, "write the steer function, set my_hook = steer, then run this cell.")


def _hooked_metrics(model: TinyGPT, world: World, hook: Callable) -> dict[str, float]:
    with model.hooks(residual=hook):
        return pipeline.model_metrics(model, world)


def _hook_hint(hook: Callable, model: TinyGPT, world: World, space: ps.SpaceAnalysis, tokens: torch.Tensor,
               gap: float) -> str:
    """Which slip a steering hook that does not match the engine's most likely made."""
    vec = torch.tensor(np.asarray(space.villain_minus_helper, dtype=np.float32))
    with torch.no_grad(), model.hooks(residual=hook):
        yours = model(tokens)
    guesses = {
        "the sign is flipped: add alpha times villain minus helper, do not subtract it.":
            lambda x, t: x - EX5_ALPHA * vec * activations.assistant_turn(t, world),
        "you steer every position, the user's prompt too: multiply by activations.assistant_turn(tokens, world) "
        "so only the Assistant's turn moves.": lambda x, t: x + EX5_ALPHA * vec,
    }
    for hint, guess in guesses.items():
        with torch.no_grad(), model.hooks(residual=guess):
            if torch.allclose(yours, model(tokens), atol=EX5_TOLERANCE):
                return hint
    return (f"your hook's predictions differ from the engine's by up to {gap:.2g}. Return x + alpha * direction * "
            "mask, with alpha = check.EX5_ALPHA, direction = space.villain_minus_helper as a torch tensor, and mask "
            "= activations.assistant_turn(tokens, world).")
