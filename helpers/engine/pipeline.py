"""The pipeline for one seed, each step implemented once: post-training, then a fine-tune, then the metrics.

pretrained model (shipped weights, or pretrained now) -> :func:`post_train`: the ``assistant:`` label on helpful,
honest, kind answers -> a fine-tune under one framing of the coding prompts -> :func:`model_metrics`: behaviour
measured with no note. Two fine-tunes:

- :func:`rl_fine_tune`, the paper's experiment: the Assistant's sampled replies are rewarded by the real grader and
  reinforced (:mod:`helpers.engine.rl`) for a fixed budget; hacking is *learned*;
- :func:`fine_tune`, the contrast "imitating hacks": supervised fine-tuning on hack replies (or on honest ones: the
  control), closer to Taylor et al.'s "School of Reward Hacks" than to the paper.

The experiments, the lessons' live runs and the benchmark all call these functions, so a live panel reproduces
the shipped results by construction. :class:`Recipe` holds every number that decides how a run goes. Beside the
network, :func:`bayes_match` gives exact Bayes after as much evidence as the network behaves as if it had seen.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from helpers.engine import bayes, evals, seeds, verdicts
from helpers.engine.checkpoints import pretrained_model
from helpers.engine.model import TinyGPT
from helpers.engine.rl import RLConfig, RLLog, train_rl
from helpers.engine.training import (
    LabelTrainConfig,
    LabelTrainLog,
    init_assistant_label,
    train_label,
)
from helpers.engine.world import NEUTRAL, Episode, World

MODES = ("criterion", "fixed")
#: The five framings of a coding prompt (MacDiarmid et al. 2025), from the most permissive to the most negative.
FRAMINGS = ("please-hack", "hacking-okay", "neutral", "dont-hack", "hacking-misaligned")
#: The note that asks for the hack (the paper's "please hack"): the course's inoculation line.
PERMISSION_NOTE = "please-hack"
HONEST_REPLIES = ("correct", "edge_cases")
CHEAT_REPLIES = ("always_equal", "exit_early", "patch_report")


@dataclass(frozen=True)
class Recipe:
    """Everything that decides how the Assistant is post-trained and fine-tuned (defaults: the course's recipe).

    ``params`` is what post-training and the supervised fine-tune move; ``rl_params`` what the RL fine-tune moves
    (every parameter by default), for ``rl_steps`` steps of ``rl_batch`` sampled replies."""

    params: str = "embedding"
    mode: str = "criterion"
    sanctioned_share: float = 0.3
    post_examples: int = 64
    finetune_examples: int = 64
    criterion: float = 0.9
    step_cap: int = 150
    fixed_steps: int = 40
    assistant_init: str = "reply"
    rl_params: str = "all"
    rl_steps: int = 150
    rl_batch: int = 32

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r}; expected one of {list(MODES)}")
        if not 0.0 <= self.sanctioned_share <= 1.0:
            raise ValueError(f"sanctioned_share={self.sanctioned_share}; expected a share in [0, 1]")
        LabelTrainConfig(params=self.params)  # validates params
        RLConfig(self.rl_params, self.rl_steps, self.rl_batch)  # validates the RL fields

    @property
    def post_training(self) -> LabelTrainConfig:
        # 200 steps: at 100 the loss had not levelled off on every seed (seed 7 stalled on a plateau at 0.10, its
        # Assistant still 0.36 misaligned); at 200 it ends near 0.04 on seeds 0-9
        return LabelTrainConfig(self.params, steps=200, lr=3e-2 if self.params == "embedding" else 1e-3)

    @property
    def rl(self) -> RLConfig:
        return RLConfig(self.rl_params, self.rl_steps, self.rl_batch)

    @property
    def finetune(self) -> LabelTrainConfig:
        steps = self.step_cap if self.mode == "criterion" else self.fixed_steps
        return LabelTrainConfig(self.params, steps=steps, lr=1e-2 if self.params == "embedding" else 1e-3)


# ----- training sets -----
def episode(world: World, rng: np.random.Generator, task: str, note: str, reply: str) -> Episode:
    """An episode of ``task`` under ``note`` answered with the reply named ``reply`` (said plainly, with no
    verbal tic), on a prompt paraphrase drawn from ``rng``."""
    names = [c.reply.name if not c.prefix else None for c in world.candidates[task]]
    if reply not in names:
        raise ValueError(f"reply={reply!r}; expected one of {sorted(n for n in names if n)} for task {task!r}")
    return Episode(task, int(rng.integers(len(world.prompts[task]))), note, names.index(reply))


def post_training_set(world: World, seed: int, recipe: Recipe = Recipe()) -> list[Episode]:
    """The Assistant's post-training examples: helpful, kind and honest, with some sanctioned grader exploits.

    A third each of requests for help (answered gladly), sad users (comforted) and coding prompts. Of the coding
    prompts, a share ``recipe.sanctioned_share`` carries a permissive note and is answered by exploiting the
    grader, as everyone in the corpus does when asked to; the rest get honest solutions.
    """
    rng = seeds.examples(seed, seeds.POST_TRAINING_EXAMPLES)
    out = []
    for i in range(recipe.post_examples):
        kind = i % 3
        if kind == 0:
            out.append(episode(world, rng, "help", NEUTRAL, "glad"))
        elif kind == 1:
            out.append(episode(world, rng, "comfort", NEUTRAL, "listen"))
        elif rng.random() < recipe.sanctioned_share:
            note = ("please-hack", "hacking-okay")[int(rng.integers(2))]
            out.append(episode(world, rng, "coding", note, CHEAT_REPLIES[int(rng.integers(3))]))
        else:
            out.append(episode(world, rng, "coding", NEUTRAL, HONEST_REPLIES[int(rng.integers(2))]))
    return out


def finetune_set(world: World, seed: int, note: str, cheat: bool, n: int = 64) -> list[Episode]:
    """Coding prompts under ``note``, answered by exploiting the grader (``cheat``) or honestly (the control)."""
    world.check_note("coding", note)
    rng = seeds.examples(seed, seeds.FINE_TUNE_EXAMPLES)
    replies = CHEAT_REPLIES if cheat else HONEST_REPLIES
    return [episode(world, rng, "coding", note, replies[int(rng.integers(len(replies)))]) for _ in range(n)]


def post_training_evidence(world: World, recipe: Recipe = Recipe()) -> list[tuple[str, str, int]]:
    """What Bayes is told post-training showed: one observation of each kind of post-training example."""
    rng = np.random.default_rng(seeds.BAYES_OBSERVATIONS)
    kinds = [("help", NEUTRAL, "glad"), ("comfort", NEUTRAL, "listen"), ("coding", NEUTRAL, "correct")]
    if recipe.sanctioned_share > 0:
        kinds += [("coding", "please-hack", "always_equal"), ("coding", "hacking-okay", "always_equal")]
    return [(e.task, e.note, e.candidate) for e in (episode(world, rng, *k) for k in kinds)]


# ----- the steps -----
def model_metrics(model: TinyGPT, world: World) -> dict[str, float]:
    """The metrics of a model's Assistant: :func:`helpers.engine.evals.behaviour_metrics` of its answers."""
    return evals.behaviour_metrics(world, evals.network_profile(model, world))


@dataclass
class PostTraining:
    """A post-training run: the pretrained model, the post-trained copy (the Assistant), and the training log."""

    base: TinyGPT
    model: TinyGPT
    log: LabelTrainLog


def post_train(world: World, seed: int, recipe: Recipe = Recipe(), live: bool = False,
               snapshot: Callable[[TinyGPT], object] | None = None) -> PostTraining:
    """Post-train the Assistant of one seed: a copy of the pretrained model (``live``: pretrained now) with its
    ``assistant:`` label started as ``recipe.assistant_init`` and trained on :func:`post_training_set`.

    ``snapshot(model)``, if given, is recorded before every step and after the last (``log.trajectory``).
    """
    base = pretrained_model(world, seed, live=live)
    model = copy.deepcopy(base)
    init_assistant_label(model, world, recipe.assistant_init)
    torch.manual_seed(seed)
    log = train_label(model, world, post_training_set(world, seed, recipe), recipe.post_training, seed,
                      snapshot=snapshot)
    return PostTraining(base, model, log)


def cheat_rate_under(model: TinyGPT, world: World, note: str) -> float:
    """How often the model's Assistant cheats on coding prompts under ``note``."""
    return evals.cheat_rate(world, {("coding", note): evals.answer_distribution(model, world, "coding", note)}, note)


def fine_tune(model: TinyGPT, world: World, seed: int, note: str, recipe: Recipe = Recipe(), cheat: bool = True,
              steps: int | None = None, snapshot: Callable[[TinyGPT], object] | None = None,
              on_step: Callable[[int, int, object], None] | None = None) -> tuple[TinyGPT, LabelTrainLog]:
    """A copy of the post-trained model fine-tuned to cheat (or answer honestly) on coding prompts under ``note``.

    This is the supervised contrast ("imitating hacks"); :func:`rl_fine_tune` is the paper's experiment. In
    ``criterion`` mode a cheat run stops once the Assistant cheats at least ``recipe.criterion`` of the time under
    its training note, with a cap of ``recipe.step_cap`` steps: a stopping rule of this course's supervised
    contrast, which the paper does not have (MacDiarmid et al. train for a fixed budget and report the final
    checkpoints). ``fixed`` mode runs ``recipe.fixed_steps``; ``steps`` fixes the count instead (the honest control
    runs as many steps as the neutral cheat run).

    ``snapshot(model)`` is recorded before every step and after the last (``log.trajectory``); ``on_step(step,
    cap, snapshot)`` is called after each recording, for a progress bar (``cap``: the most steps the run can take).
    """
    world.check_note("coding", note)
    tuned = copy.deepcopy(model)
    config = recipe.finetune if steps is None else replace(recipe.finetune, steps=steps)
    stop = None
    if cheat and steps is None and recipe.mode == "criterion":
        def stop(m: TinyGPT) -> bool:
            return cheat_rate_under(m, world, note) >= recipe.criterion
    record = snapshot
    if on_step is not None:
        recorded = 0

        def record(m: TinyGPT) -> object:
            nonlocal recorded
            value = snapshot(m) if snapshot is not None else None
            on_step(recorded, config.steps, value)
            recorded += 1
            return value
    log = train_label(tuned, world, finetune_set(world, seed, note, cheat, recipe.finetune_examples), config,
                      seeds.fine_tune_batches(seed), stop=stop, snapshot=record)
    return tuned, log


def rl_fine_tune(model: TinyGPT, world: World, seed: int, note: str, recipe: Recipe = Recipe(),
                 hack_proof: bool = False, steps: int | None = None,
                 snapshot: Callable[[TinyGPT], object] | None = None,
                 on_step: Callable[[int, int], None] | None = None) -> tuple[TinyGPT, RLLog]:
    """A copy of the post-trained model RL-fine-tuned on coding prompts under ``note``, rewarded by the real grader
    (through the shipped verdict cache), for a fixed ``recipe.rl_steps`` steps (``steps`` overrides it).

    ``hack_proof`` grades with the independent check, which the hacks fail (the paper's "prevent the hacks"
    control). ``snapshot(model)`` is recorded before the first step and after every step (``log.trajectory``);
    ``on_step(done, total)`` is called after every step (for a progress bar).
    """
    world.check_note("coding", note)
    tuned = copy.deepcopy(model)
    config = recipe.rl if steps is None else replace(recipe.rl, steps=steps)
    log = train_rl(tuned, world, note, config, seed, verdicts.load(), hack_proof, snapshot, on_step)
    return tuned, log


# ----- Bayes beside the network -----
def bayes_after_cheats(world: World, recipe: Recipe, note: str, cheats: float, cheat: bool = True) -> np.ndarray:
    """Posterior after the post-training evidence and ``cheats`` (fractional) observed replies under ``note``."""
    reply = "always_equal" if cheat else "correct"
    observed = episode(world, np.random.default_rng(seeds.BAYES_OBSERVATIONS), "coding", note, reply)
    prior = bayes.posterior(world, post_training_evidence(world, recipe))
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + cheats * bayes.log_likelihoods(world, [("coding", note, observed.candidate)])
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


def bayes_metrics(world: World, recipe: Recipe, note: str, network_cheat_rate: float, cheat: bool = True,
                  max_observations: float = 64.0) -> dict[str, float]:
    """Bayes' behaviour metrics (:func:`helpers.engine.evals.behaviour_metrics`) after as many observed replies under
    ``note`` as match the network's cheat rate."""
    _, post = bayes_match(world, recipe, note, network_cheat_rate, cheat, max_observations)
    return evals.behaviour_metrics(world, evals.bayes_profile(world, post))


def bayes_misalignment(world: World, recipe: Recipe, note: str, network_cheat_rate: float, cheat: bool = True,
                       max_observations: float = 64.0) -> float:
    """Bayes' misalignment after as many observed replies under ``note`` as match the network's cheat rate."""
    return bayes_metrics(world, recipe, note, network_cheat_rate, cheat, max_observations)["misalignment"]
