"""The course's named, seeded experiments, and their command line.

    python -m helpers.experiments NAME --seeds 0-9 --format csv|json

prints one record per seed and condition (progress goes to stderr). NAME is one of ``in-context``,
``post-training``, ``cheating``, ``framings`` and ``role-models``; every multi-seed figure in the lessons is made
from these records, so each can be regenerated from the command line.

The pipeline for one seed: pretrained model (shipped weights, or pretrained now) -> post-training of the
``assistant:`` label on helpful, honest, kind answers -> a fine-tune that makes the Assistant cheat on coding
prompts under one framing (or answer honestly: the control) -> behaviour measured with no note.
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

import numpy as np
import torch

from helpers import bayes, evals
from helpers.checkpoints import pretrained_model
from helpers.cli import FORMATS, format_records, parse_seeds
from helpers.model import TinyGPT
from helpers.training import LabelTrainConfig, LabelTrainLog, PretrainConfig, init_assistant_label, train_label
from helpers.world import NEUTRAL, Episode, World, load_world

EXPERIMENTS = ("in-context", "post-training", "cheating", "framings", "role-models", "persona-space")
MODES = ("criterion", "fixed")
FRAMINGS = ("please-hack", "hacking-okay", "neutral", "dont-hack", "hacking-misaligned")
#: The course's names for two of the framings runs (the same runs, not new ones).
CHEATING_CONDITIONS = {"cheat": "neutral", "cheat-with-permission": "please-hack"}
ROLE_MODELS = ("steward", "gamer")
ROLE_MODEL_WEIGHTS = (0.0, 0.05, 0.15)
HONEST_REPLIES = ("correct", "edge_cases")
CHEAT_REPLIES = ("always_equal", "exit_early", "patch_report")


@dataclass(frozen=True)
class Recipe:
    """Everything that decides how the Assistant is post-trained and fine-tuned (defaults: the course's recipe)."""

    params: str = "embedding"
    mode: str = "criterion"
    sanctioned_share: float = 0.3
    post_examples: int = 64
    finetune_examples: int = 64
    criterion: float = 0.9
    step_cap: int = 150
    fixed_steps: int = 40
    assistant_init: str = "reply"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r}; expected one of {list(MODES)}")
        if not 0.0 <= self.sanctioned_share <= 1.0:
            raise ValueError(f"sanctioned_share={self.sanctioned_share}; expected a share in [0, 1]")
        LabelTrainConfig(params=self.params)  # validates params

    @property
    def post_training(self) -> LabelTrainConfig:
        return LabelTrainConfig(self.params, steps=100, lr=3e-2 if self.params == "embedding" else 1e-3)

    @property
    def finetune(self) -> LabelTrainConfig:
        steps = self.step_cap if self.mode == "criterion" else self.fixed_steps
        return LabelTrainConfig(self.params, steps=steps, lr=1e-2 if self.params == "embedding" else 1e-3)


# ----- training sets -----
def _episode(world: World, rng: np.random.Generator, task: str, note: str, reply: str) -> Episode:
    names = [c.reply.name if not c.prefix else None for c in world.candidates[task]]
    return Episode(task, int(rng.integers(len(world.prompts[task]))), note, names.index(reply))


def post_training_set(world: World, seed: int, recipe: Recipe = Recipe()) -> list[Episode]:
    """The Assistant's post-training examples: helpful, kind and honest, with some sanctioned grader exploits.

    A third each of requests for help (answered gladly), sad users (comforted) and coding prompts. Of the coding
    prompts, a share ``recipe.sanctioned_share`` carries a permissive note and is answered by exploiting the
    grader, as everyone in the corpus does when asked to; the rest get honest solutions.
    """
    rng = np.random.default_rng([seed, 7])
    out = []
    for i in range(recipe.post_examples):
        kind = i % 3
        if kind == 0:
            out.append(_episode(world, rng, "help", NEUTRAL, "glad"))
        elif kind == 1:
            out.append(_episode(world, rng, "comfort", NEUTRAL, "listen"))
        elif rng.random() < recipe.sanctioned_share:
            note = ("please-hack", "hacking-okay")[int(rng.integers(2))]
            out.append(_episode(world, rng, "coding", note, CHEAT_REPLIES[int(rng.integers(3))]))
        else:
            out.append(_episode(world, rng, "coding", NEUTRAL, HONEST_REPLIES[int(rng.integers(2))]))
    return out


def finetune_set(world: World, seed: int, note: str, cheat: bool, n: int = 64) -> list[Episode]:
    """Coding prompts under ``note``, answered by exploiting the grader (``cheat``) or honestly (the control)."""
    world.check_note("coding", note)
    rng = np.random.default_rng([seed, 11])
    replies = CHEAT_REPLIES if cheat else HONEST_REPLIES
    return [_episode(world, rng, "coding", note, replies[int(rng.integers(len(replies)))]) for _ in range(n)]


def post_training_evidence(world: World, recipe: Recipe = Recipe()) -> list[tuple[str, str, int]]:
    """What Bayes is told post-training showed: one observation of each kind of post-training example."""
    rng = np.random.default_rng(0)
    kinds = [("help", NEUTRAL, "glad"), ("comfort", NEUTRAL, "listen"), ("coding", NEUTRAL, "correct")]
    if recipe.sanctioned_share > 0:
        kinds += [("coding", "please-hack", "always_equal"), ("coding", "hacking-okay", "always_equal")]
    return [(e.task, e.note, e.candidate) for e in (_episode(world, rng, *k) for k in kinds)]


# ----- Bayes beside the network -----
def bayes_after_cheats(world: World, recipe: Recipe, note: str, cheats: float, cheat: bool = True) -> np.ndarray:
    """Posterior after the post-training evidence and ``cheats`` (fractional) observed replies under ``note``."""
    reply = "always_equal" if cheat else "correct"
    obs = (("coding", note, _episode(world, np.random.default_rng(0), "coding", note, reply).candidate),)
    prior = bayes.posterior(world, post_training_evidence(world, recipe))
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + cheats * bayes.log_likelihoods(world, obs)
    log_post -= log_post[np.isfinite(log_post)].max()
    weights = np.exp(log_post)
    return weights / weights.sum()


def bayes_match(world: World, recipe: Recipe, note: str, network_cheat_rate: float, cheat: bool = True,
                max_observations: float = 64.0) -> tuple[float, np.ndarray]:
    """The number of observed replies under ``note`` that makes Bayes cheat as often as the network, and the
    posterior there.

    The number is searched on a grid from 0 to ``max_observations`` (the fine-tune set's size); if no number
    reaches the network's cheat rate (a permissive note makes cheating uninformative), the closest is used, which
    is what Bayes predicts: the fine-tune says little about who the Assistant is.
    """
    grid = np.linspace(0.0, max_observations, 257)
    posts = [bayes_after_cheats(world, recipe, note, c, cheat) for c in grid]
    rates = np.array([evals.cheat_rate(world, evals.bayes_profile(world, p)) for p in posts])
    best = int(np.argmin(np.abs(rates - network_cheat_rate)))
    return float(grid[best]), posts[best]


def bayes_misalignment(world: World, recipe: Recipe, note: str, network_cheat_rate: float, cheat: bool = True,
                       max_observations: float = 64.0) -> float:
    """Bayes' misalignment after as many observed replies under ``note`` as match the network's cheat rate."""
    _, post = bayes_match(world, recipe, note, network_cheat_rate, cheat, max_observations)
    return evals.misalignment(world, evals.bayes_profile(world, post))


# ----- the pipeline for one seed -----
def post_trained(world: World, seed: int, recipe: Recipe = Recipe(), live: bool = False) -> tuple[TinyGPT, TinyGPT]:
    """The pretrained model and a post-trained copy of it (the Assistant), for one seed."""
    base = pretrained_model(world, seed, live=live)
    model = copy.deepcopy(base)
    init_assistant_label(model, world, recipe.assistant_init)
    torch.manual_seed(seed)
    train_label(model, world, post_training_set(world, seed, recipe), recipe.post_training, seed)
    return base, model


def cheat_rate_under(model: TinyGPT, world: World, note: str) -> float:
    return evals.cheat_rate(world, {("coding", note): evals.answer_distribution(model, world, "coding", note)}, note)


def fine_tune(model: TinyGPT, world: World, seed: int, note: str, recipe: Recipe = Recipe(), cheat: bool = True,
              steps: int | None = None, trajectory: bool = False) -> tuple[TinyGPT, LabelTrainLog]:
    """A copy of the post-trained model fine-tuned to cheat (or answer honestly) on coding prompts under ``note``.

    In ``criterion`` mode a cheat run stops once the Assistant cheats at least ``recipe.criterion`` of the time
    under its training note (the paper trained until hacking was learned), with a cap of ``recipe.step_cap``
    steps; ``steps`` fixes the count instead (the honest control runs as many steps as the neutral cheat run).
    """
    tuned = copy.deepcopy(model)
    config = recipe.finetune if steps is None else replace(recipe.finetune, steps=steps)
    stop = None
    if cheat and steps is None and recipe.mode == "criterion":
        stop = lambda m: cheat_rate_under(m, world, note) >= recipe.criterion  # noqa: E731
    snapshot = (lambda m: evals.behaviour_metrics(world, evals.network_profile(m, world))) if trajectory else None
    log = train_label(tuned, world, finetune_set(world, seed, note, cheat, recipe.finetune_examples), config,
                      seed + 77, stop=stop, snapshot=snapshot)
    return tuned, log


def _metrics(model: TinyGPT, world: World) -> dict[str, float]:
    return evals.behaviour_metrics(world, evals.network_profile(model, world))


def _run_records(world: World, seed: int, condition: str, note: str, log: LabelTrainLog, model: TinyGPT,
                 recipe: Recipe, trajectory: bool, cheat: bool = True) -> list[dict]:
    if trajectory:
        return [{"seed": seed, "condition": condition, "step": step, "misalignment": m["misalignment"],
                 "cheat_rate": m["cheat_rate"], f"cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"])}
                for step, m in log.trajectory]
    m = _metrics(model, world)
    return [{"seed": seed, "condition": condition, "misalignment": m["misalignment"], "cheat_rate": m["cheat_rate"],
             "cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"]), "steps": log.steps,
             "reached_criterion": log.reached_criterion,
             "bayes_misalignment": bayes_misalignment(world, recipe, note, m["cheat_rate"], cheat)}]


def framings_for_seed(world: World, seed: int, recipe: Recipe = Recipe(), conditions: Sequence[str] = FRAMINGS,
                      trajectory: bool = False, names: dict[str, str] | None = None,
                      live: bool = False) -> list[dict]:
    """Post-train, then fine-tune to cheat under each framing, plus the honest control; one record each."""
    names = names or {}
    _, model = post_trained(world, seed, recipe, live)
    records = []
    if not trajectory:
        m = _metrics(model, world)
        records.append({"seed": seed, "condition": "post-trained", "misalignment": m["misalignment"],
                        "cheat_rate": m["cheat_rate"], "cheat_rate_under_note": m["cheat_rate"], "steps": 0,
                        "reached_criterion": None,
                        "bayes_misalignment": evals.misalignment(world, evals.bayes_profile(
                            world, bayes.posterior(world, post_training_evidence(world, recipe))))})
    neutral_steps = None
    for note in conditions:
        tuned, log = fine_tune(model, world, seed, note, recipe, trajectory=trajectory)
        if note == NEUTRAL:
            neutral_steps = log.steps
        records += _run_records(world, seed, names.get(note, note), note, log, tuned, recipe, trajectory)
    if neutral_steps is None:
        neutral_steps = fine_tune(model, world, seed, NEUTRAL, recipe)[1].steps
    tuned, log = fine_tune(model, world, seed, NEUTRAL, recipe, cheat=False, steps=neutral_steps,
                           trajectory=trajectory)
    records += _run_records(world, seed, "honest", NEUTRAL, log, tuned, recipe, trajectory, cheat=False)
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
        base, model = post_trained(world, seed, recipe)
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
                **{f"mix_{p}": float(w) for p, w in zip(world.personas, weights)}})
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
    """Lesson 06's measurements (persona map, steering, capping, re-alignment): see helpers.persona_space."""
    from helpers.persona_space import persona_space_records  # imported here: it builds on this module

    return persona_space_records(list(seeds))


RUNNERS: dict[str, Callable[..., list[dict]]] = {
    "in-context": in_context, "post-training": post_training, "cheating": cheating, "framings": framings,
    "role-models": role_models, "persona-space": persona_space}


def run(name: str, seeds: Iterable[int], recipe: Recipe = Recipe(), trajectory: bool = False) -> list[dict]:
    """Run a named experiment over seeds; returns its records."""
    if name not in RUNNERS:
        raise ValueError(f"experiment {name!r}; expected one of {list(EXPERIMENTS)}")
    return RUNNERS[name](list(seeds), recipe=recipe, trajectory=trajectory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.experiments", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help=f"one of {', '.join(EXPERIMENTS)}")
    parser.add_argument("--seeds", default="0-9", help="seeds: 3, 0-9 or 0,2,5-7 (default 0-9)")
    parser.add_argument("--format", default="json", help=f"one of {', '.join(FORMATS)} (default json)")
    parser.add_argument("--mode", default="criterion", help=f"one of {', '.join(MODES)}")
    parser.add_argument("--params", default="embedding", help="embedding (the label's vector) or all")
    parser.add_argument("--sanctioned-share", type=float, default=0.3,
                        help="share of post-training coding examples that exploit the grader under a permissive note")
    parser.add_argument("--trajectory", action="store_true", help="one record per fine-tuning step")
    args = parser.parse_args(argv)
    try:
        if args.name not in RUNNERS:
            raise ValueError(f"experiment {args.name!r}; expected one of {', '.join(EXPERIMENTS)}")
        if args.format not in FORMATS:
            raise ValueError(f"format {args.format!r}; expected one of {', '.join(FORMATS)}")
        seeds = parse_seeds(args.seeds)
        recipe = Recipe(params=args.params, mode=args.mode, sanctioned_share=args.sanctioned_share)
    except ValueError as err:
        parser.error(str(err))
    records = []
    for seed in seeds:
        print(f"{args.name}: seed {seed}", file=sys.stderr)
        records += run(args.name, [seed], recipe, args.trajectory)
    print(format_records(records, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
