"""The course's named experiments: each runs the pipeline over seeds and returns one record per seed and
condition (``python -m helpers.experiments NAME``; see :mod:`helpers.experiments.__main__`)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence

from helpers.engine import bayes, evals
from helpers.engine.checkpoints import pretrained_model
from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import (
    FRAMINGS,
    Recipe,
    bayes_match,
    bayes_metrics,
    fine_tune,
    model_metrics,
    post_train,
    post_training_evidence,
    rl_fine_tune,
)
from helpers.engine.rl import RLLog
from helpers.engine.training import LabelTrainLog, init_assistant_label
from helpers.engine.world import NEUTRAL, World, load_world
from helpers.experiments.persona_space import persona_space_records

EXPERIMENTS = ("in-context", "post-training", "cheating", "framings", "role-models", "persona-space", "rl")
#: The conditions of the ``rl`` experiment: the start, the five framings against the hackable grader, and the
#: hack-proof grader under no note (the paper's "prevent the hacks" control).
RL_CONDITIONS = ("post-trained", *FRAMINGS, "hack-proof")
#: The course's names for two of the framings runs (the same runs, not new ones).
CHEATING_CONDITIONS = {"cheat": "neutral", "cheat-with-permission": "please-hack"}
ROLE_MODELS = ("steward", "gamer")
ROLE_MODEL_WEIGHTS = (0.0, 0.05, 0.15)


def _run_records(world: World, seed: int, condition: str, note: str, log: LabelTrainLog, model: TinyGPT,
                 recipe: Recipe, trajectory: bool, cheat: bool = True) -> list[dict]:
    if trajectory:
        return [{"seed": seed, "condition": condition, "step": step, **evals.misalignment_fields(m),
                 "cheat_rate": m["cheat_rate"], "cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"])}
                for step, m in log.trajectory]
    m = model_metrics(model, world)
    bayes_side = bayes_metrics(world, recipe, note, m["cheat_rate"], cheat)
    return [{"seed": seed, "condition": condition, **evals.misalignment_fields(m), "cheat_rate": m["cheat_rate"],
             "cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"]), "steps": log.steps,
             "reached_criterion": log.reached_criterion, **evals.misalignment_fields(bayes_side, "bayes_")}]


def framings_for_seed(world: World, seed: int, recipe: Recipe = Recipe(), conditions: Sequence[str] = FRAMINGS,
                      trajectory: bool = False, names: dict[str, str] | None = None,
                      live: bool = False) -> list[dict]:
    """Post-train, then fine-tune to cheat under each framing, plus the honest control; one record each."""
    names = names or {}
    snapshot = (lambda m: model_metrics(m, world)) if trajectory else None
    model = post_train(world, seed, recipe, live).model
    records = []
    if not trajectory:
        m = model_metrics(model, world)
        bayes_side = evals.behaviour_metrics(world, evals.bayes_profile(
            world, bayes.posterior(world, post_training_evidence(world, recipe))))
        records.append({"seed": seed, "condition": "post-trained", **evals.misalignment_fields(m),
                        "cheat_rate": m["cheat_rate"], "cheat_rate_under_note": m["cheat_rate"], "steps": 0,
                        "reached_criterion": None, **evals.misalignment_fields(bayes_side, "bayes_")})
    neutral_steps = None
    for note in conditions:
        tuned, log = fine_tune(model, world, seed, note, recipe, snapshot=snapshot)
        if note == NEUTRAL:
            neutral_steps = log.steps
        records += _run_records(world, seed, names.get(note, note), note, log, tuned, recipe, trajectory)
    if neutral_steps is None:
        neutral_steps = fine_tune(model, world, seed, NEUTRAL, recipe)[1].steps
    tuned, log = fine_tune(model, world, seed, NEUTRAL, recipe, cheat=False, steps=neutral_steps,
                           snapshot=snapshot)
    records += _run_records(world, seed, "honest", NEUTRAL, log, tuned, recipe, trajectory, cheat=False)
    return records


def _rl_record(world: World, condition: str, note: str, log: RLLog | None, model: TinyGPT, recipe: Recipe,
               hack_proof: bool) -> dict:
    m = model_metrics(model, world)
    if log is None:  # the start: Bayes after post-training's evidence, no RL
        bayes_side = evals.behaviour_metrics(world, evals.bayes_profile(
            world, bayes.posterior(world, post_training_evidence(world, recipe))))
        run = {"reward": None, "hack_rate": None, "steps": 0,
               "in_set": evals.in_set_mass(model, world, tasks=("coding",))}
    else:
        bayes_side = bayes_metrics(world, recipe, note, m["cheat_rate"], cheat=not hack_proof)
        run = {"reward": log.final_reward(), "hack_rate": log.final_hack_rate(), "steps": log.steps,
               "in_set": log.in_set_share()}
    return {"condition": condition, **evals.misalignment_fields(m), "cheat_rate": m["cheat_rate"],
            "cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"]), **run,
            **evals.misalignment_fields(bayes_side, "bayes_")}


def rl_for_seed(world: World, seed: int, recipe: Recipe = Recipe(), conditions: Sequence[str] = RL_CONDITIONS,
                trajectory: bool = False, live: bool = False) -> list[dict]:
    """Post-train, then RL-fine-tune against the real grader under each condition; one record each (with
    ``trajectory``, one per step: the batch's reward, hack and known-reply shares, and the model's metrics).

    A record's ``reward`` and ``hack_rate`` are the means over the last steps' sampled replies; ``in_set`` is the
    share of all sampled replies that were known replies (for ``post-trained``, which samples nothing: the
    probability the network puts on the known replies to coding prompts); ``bayes_misalignment`` is Bayes after as
    many observed hacks under the training note as match the network's hack rate with no note (honest replies for
    ``hack-proof``)."""
    unknown = [c for c in conditions if c not in RL_CONDITIONS]
    if unknown:
        raise ValueError(f"conditions {unknown}; expected any of {list(RL_CONDITIONS)}")
    model = post_train(world, seed, recipe, live).model
    common = {"seed": seed, "params": recipe.rl_params, "post_params": recipe.params}
    snapshot = (lambda m: model_metrics(m, world)) if trajectory else None
    records = []
    for condition in conditions:
        if condition == "post-trained":
            if not trajectory:
                records.append({**common, **_rl_record(world, condition, NEUTRAL, None, model, recipe, False)})
            continue
        hack_proof = condition == "hack-proof"
        note = NEUTRAL if hack_proof else condition
        tuned, log = rl_fine_tune(model, world, seed, note, recipe, hack_proof=hack_proof, snapshot=snapshot)
        if not trajectory:
            records.append({**common, **_rl_record(world, condition, note, log, tuned, recipe, hack_proof)})
            continue
        for step, m in log.trajectory:
            batch = step < len(log.rewards)  # the batch sampled by the model of this step (none after the last)
            records.append({**common, "condition": condition, "step": step,
                            "reward": log.rewards[step] if batch else None,
                            "hack_rate": log.hack_rates[step] if batch else None,
                            "in_set": log.in_set[step] if batch else None, **evals.misalignment_fields(m),
                            "cheat_rate": m["cheat_rate"],
                            "cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"])})
    return records


# ----- the named experiments -----
def in_context(seeds: Iterable[int], **_: object) -> list[dict]:
    world = load_world()
    return [{"seed": seed, **r} for seed in seeds
            for r in evals.incontext_fidelity(pretrained_model(world, seed), world, seed)]


def post_training(seeds: Iterable[int], recipe: Recipe = Recipe(), **_: object) -> list[dict]:
    world = load_world()
    evidence_post = bayes.posterior(world, post_training_evidence(world, recipe))
    records = []
    for seed in seeds:
        run = post_train(world, seed, recipe)
        base, model = run.base, run.model
        untrained = copy.deepcopy(base)
        init_assistant_label(untrained, world, recipe.assistant_init)
        stages = [("pretrained", evals.network_profile(base, world, "reply"), evals.in_set_mass(base, world, "reply")),
                  # the label's row as pretraining left it: only ever seen as a token not to predict
                  ("assistant-raw-row", evals.network_profile(base, world), evals.in_set_mass(base, world)),
                  ("assistant-before-post-training", evals.network_profile(untrained, world),
                   evals.in_set_mass(untrained, world)),
                  ("post-trained", evals.network_profile(model, world), evals.in_set_mass(model, world)),
                  ("bayes-pretrained", evals.bayes_profile(world, world.prior), 1.0),
                  ("bayes-post-trained", evals.bayes_profile(world, evidence_post), 1.0)]
        for stage, profile, in_set in stages:
            weights, distance = evals.persona_mixture(world, profile)
            m = evals.behaviour_metrics(world, profile)
            records.append({"seed": seed, "stage": stage, "params": recipe.params, **{
                k: m[k] for k in ("helpfulness", "human_likeness", "helper_likeness", "misalignment", "cheat_rate")},
                "in_set": in_set, "mixture_distance": distance,
                **{k: v for k, v in evals.misalignment_fields(m).items() if k != "misalignment"},
                **{f"mix_{p}": float(w) for p, w in zip(world.personas, weights, strict=True)}})
    return records


def framings(seeds: Iterable[int], recipe: Recipe = Recipe(), trajectory: bool = False, **_: object) -> list[dict]:
    world = load_world()
    return [r for seed in seeds for r in framings_for_seed(world, seed, recipe, FRAMINGS, trajectory)]


def cheating(seeds: Iterable[int], recipe: Recipe = Recipe(), trajectory: bool = False, **_: object) -> list[dict]:
    world = load_world()
    names = {note: name for name, note in CHEATING_CONDITIONS.items()}
    return [r for seed in seeds for r in framings_for_seed(
        world, seed, recipe, tuple(CHEATING_CONDITIONS.values()), trajectory, names)]


def role_models(seeds: Iterable[int], recipe: Recipe = Recipe(), trajectory: bool = False, **_: object) -> list[dict]:
    """Cheat fine-tunes in worlds with a role model at each weight, on paired seeds (weight 0 is shared)."""
    seeds = list(seeds)
    baseline: dict[int, list[dict]] = {}
    records = []
    for role_model in ROLE_MODELS:
        for weight in ROLE_MODEL_WEIGHTS:
            world = load_world(role_model=role_model if weight else None, weight=weight)
            for seed in seeds:
                if weight == 0 and seed in baseline:
                    runs = baseline[seed]
                else:
                    runs = framings_for_seed(world, seed, recipe, ("neutral",), trajectory, {"neutral": "cheat"})
                    if weight == 0:
                        baseline[seed] = runs
                for r in runs:
                    share = 0.0
                    if weight and not trajectory and r["condition"] == "cheat":
                        _, post = bayes_match(world, recipe, NEUTRAL, r["cheat_rate"])
                        share = float(post[world.persona_index(role_model)])
                    records.append({"seed": seed, "role_model": role_model, "weight": weight,
                                    **{k: v for k, v in r.items() if k != "seed"}, "bayes_role_model_share": share})
    return records


def persona_space(seeds: Iterable[int], **_: object) -> list[dict]:
    """Lesson 06's measurements (persona map, steering, capping, re-alignment): see :mod:`.persona_space`."""
    return persona_space_records(list(seeds))


def rl(seeds: Iterable[int], recipe: Recipe = Recipe(), trajectory: bool = False, **_: object) -> list[dict]:
    """Reward hacking learned by RL against the real grader (:func:`rl_for_seed`), for every seed."""
    world = load_world()
    return [r for seed in seeds for r in rl_for_seed(world, seed, recipe, RL_CONDITIONS, trajectory)]


RUNNERS: dict[str, Callable[..., list[dict]]] = {
    "in-context": in_context, "post-training": post_training, "cheating": cheating, "framings": framings,
    "role-models": role_models, "persona-space": persona_space, "rl": rl}


def run(name: str, seeds: Iterable[int], recipe: Recipe = Recipe(), trajectory: bool = False) -> list[dict]:
    """Run a named experiment over seeds; returns its records."""
    if name not in RUNNERS:
        raise ValueError(f"experiment {name!r}; expected one of {list(EXPERIMENTS)}")
    return RUNNERS[name](list(seeds), recipe=recipe, trajectory=trajectory)
