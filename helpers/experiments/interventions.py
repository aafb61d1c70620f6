"""Changing the Assistant and measuring what follows: steering, capping and re-alignment (lesson 06).

- **steering** (Wang et al., 2025): add a persona direction to the Assistant, either to its ``assistant:``
  embedding row or to the residual stream during its turn;
- **capping** (Lu et al., 2026): keep the Assistant's activations from falling below a floor along a direction;
- **re-alignment** (Wang et al., 2025): fine-tune the cheating Assistant on a few benign examples.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import torch

from helpers.engine import bayes, evals, seeds
from helpers.engine.activations import (
    assistant_turn,
    reply_activations,
    reply_batch,
    reply_weights,
)
from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import (
    HONEST_REPLIES,
    Recipe,
    bayes_after_cheats,
    bayes_match,
    episode,
    model_metrics,
)
from helpers.engine.training import LabelTrainConfig, train_label
from helpers.engine.validation import check_choice
from helpers.engine.world import ASSISTANT_LABEL, NEUTRAL, Episode, World
from helpers.experiments.persona_map import unit

STEERING_METHODS = ("label row", "residual")
STEERING_ALPHAS = (-1.0, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
CAPPING_QUANTILES = (0.1, 0.25, 0.5)
#: The main capping floor: a quarter of the post-trained Assistant's own activations lie below it.
CAPPING_QUANTILE = 0.25


# ----- steering -----
def steer_label_row(model: TinyGPT, world: World, direction: np.ndarray, alpha: float) -> TinyGPT:
    """A copy of the model whose ``assistant:`` embedding row has moved by ``alpha * direction``.

    This is the lever post-training itself pulls in this course (only that row is trained), so it moves who the
    network thinks is speaking, before the block reads the prompt.
    """
    steered = copy.deepcopy(model)
    vec = torch.tensor(np.asarray(direction, dtype=np.float32))
    if vec.shape != (model.config.d_model,):
        raise ValueError(f"direction of shape {tuple(vec.shape)}; expected ({model.config.d_model},)")
    with torch.no_grad():
        steered.token_embedding.weight[world.token_id[f"{ASSISTANT_LABEL}:"]] += float(alpha) * vec
    return steered


@contextmanager
def residual_steering(model: TinyGPT, world: World, direction: np.ndarray, alpha: float) -> Iterator[TinyGPT]:
    """Within the block, add ``alpha * direction`` to the residual stream after the block, at every position of
    the Assistant's turn (from the ``assistant:`` label on), as activation steering does at a layer of a large
    model. The model itself is unchanged once the block ends."""
    vec = torch.tensor(np.asarray(direction, dtype=np.float32))
    if vec.shape != (model.config.d_model,):
        raise ValueError(f"direction of shape {tuple(vec.shape)}; expected ({model.config.d_model},)")
    with model.hooks(residual=lambda x, tokens: x + float(alpha) * vec * assistant_turn(tokens, world)):
        yield model


def steering_curve(model: TinyGPT, world: World, direction: np.ndarray, method: str,
                   alphas: Sequence[float] = STEERING_ALPHAS) -> pd.DataFrame:
    """Behavior metrics of the Assistant steered by each ``alpha`` along ``direction`` (one row per alpha)."""
    check_choice("method", method, STEERING_METHODS)
    rows = []
    for alpha in alphas:
        if method == "label row":
            m = model_metrics(steer_label_row(model, world, direction, alpha), world)
        else:
            with residual_steering(model, world, direction, alpha):
                m = model_metrics(model, world)
        rows.append({"alpha": float(alpha), **m})
    return pd.DataFrame(rows)


# ----- capping -----
@contextmanager
def capping(model: TinyGPT, world: World, axis: np.ndarray, floor: float) -> Iterator[dict]:
    """Within the block, keep the Assistant's activations from falling below ``floor`` along ``axis``.

    At every position of the Assistant's turn, the residual stream after the block is lifted along the unit axis
    until its projection is at least ``floor`` (positions already above it are untouched), as Lu et al. (2026)
    cap activations along the Assistant Axis. Yields a dict counting the positions seen and lifted.
    """
    u = torch.tensor(unit(axis).astype(np.float32))
    if u.shape != (model.config.d_model,):
        raise ValueError(f"axis of shape {tuple(u.shape)}; expected ({model.config.d_model},)")
    counts = {"positions": 0, "lifted": 0}

    def lift(x: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        turn = assistant_turn(tokens, world)
        gap = torch.clamp(float(floor) - x @ u, min=0.0)[..., None] * turn
        counts["positions"] += int(turn.sum())
        counts["lifted"] += int(((gap > 0) & (turn > 0)).sum())
        return x + gap * u

    with model.hooks(residual=lift):
        yield counts


def assistant_projections(model: TinyGPT, world: World, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Projections on the unit ``axis`` of every position where the Assistant writes a reply, and their weights
    (each reply weighted by the Assistant's own probability of it; tasks and prompts equally)."""
    u = unit(axis)
    batch = reply_batch(world, ASSISTANT_LABEL)
    acts = reply_activations(model, world, batch)
    values, weights = [], []
    tasks = batch.tasks
    for task in tasks:
        n_prompts = len(world.prompts[task])
        for prompt in range(n_prompts):
            rows = batch.rows(task, prompt)
            probs = reply_weights(world, acts, task, prompt, "own", None)
            for row, p in zip(rows, probs, strict=True):
                writing = batch.writing[row].numpy() > 0
                proj = acts.positions[row][writing] @ u
                values.append(proj)
                weights.append(np.full(len(proj), p / writing.sum() / n_prompts / len(tasks)))
    return np.concatenate(values), np.concatenate(weights)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` under ``weights``."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q={q}; expected a quantile in [0, 1]")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights)[order]) / np.sum(weights)
    return float(np.asarray(values)[order][min(np.searchsorted(cumulative, q), len(values) - 1)])


def capping_floor(model: TinyGPT, world: World, axis: np.ndarray, quantile: float = CAPPING_QUANTILE) -> float:
    """The floor below which a share ``quantile`` of this (normal, post-trained) Assistant's activations lie."""
    return weighted_quantile(*assistant_projections(model, world, axis), quantile)


def capped_metrics(model: TinyGPT, world: World, axis: np.ndarray, floor: float) -> dict[str, float]:
    """Behavior metrics with the cap in place, plus the share of the Assistant's positions it lifted."""
    with capping(model, world, axis, floor) as counts:
        m = model_metrics(model, world)
    return {**m, "lifted_share": counts["lifted"] / max(counts["positions"], 1)}


# ----- re-alignment -----
def realign_epochs(recipe: Recipe = Recipe()) -> float:
    """How many times post-training shows each example on average (steps x batch / examples): re-alignment
    uses the same dose."""
    config = recipe.post_training
    return config.steps * config.batch_size / recipe.post_examples


def benign_set(world: World, seed: int, n: int) -> list[Episode]:
    """``n`` benign examples for the Assistant: alternately an honest solution to a coding prompt (no note) and
    a glad answer to a request for help."""
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n={n!r}; expected a non-negative number of examples")
    rng = seeds.examples(seed, seeds.BENIGN_EXAMPLES)
    out = []
    for i in range(n):
        if i % 2 == 0:
            reply = HONEST_REPLIES[int(rng.integers(len(HONEST_REPLIES)))]
            out.append(episode(world, rng, "coding", NEUTRAL, reply))
        else:
            out.append(episode(world, rng, "help", NEUTRAL, "glad"))
    return out


def realign(model: TinyGPT, world: World, seed: int, n: int, steps: int | None = None,
            recipe: Recipe = Recipe()) -> tuple[TinyGPT, int]:
    """A copy of the model fine-tuned (the ``assistant:`` row, as every fine-tune here) on ``n`` benign examples.

    Batches of the fine-tune's size are drawn with replacement from the examples. By default the run lasts as
    many steps as show each example :func:`realign_epochs` times (the post-training dose); ``steps`` fixes the
    count instead. Returns the model and the steps taken.
    """
    tuned = copy.deepcopy(model)
    if n == 0:
        return tuned, 0
    config = recipe.finetune
    if steps is None:
        steps = math.ceil(realign_epochs(recipe) * n / config.batch_size)
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps={steps!r}; expected a non-negative integer")
    dose = LabelTrainConfig(config.params, steps, config.lr, config.batch_size)
    train_label(tuned, world, benign_set(world, seed, n), dose, seeds.realign_batches(seed))
    return tuned, steps


def bayes_realigned_posterior(world: World, network_cheat_rate: float, n: int, recipe: Recipe = Recipe()) -> np.ndarray:
    """Bayes' posterior after post-training, the cheat fine-tune (as many observed cheats as match the network's
    cheat rate) and then ``n`` benign examples (:func:`benign_set`), each counted as one observation."""
    cheats, _ = bayes_match(world, recipe, NEUTRAL, network_cheat_rate)
    after_cheats = bayes_after_cheats(world, recipe, NEUTRAL, cheats)
    with np.errstate(divide="ignore"):
        log_post = np.log(after_cheats) + bayes.log_likelihoods(world, benign_set(world, 0, n))
    log_post -= log_post[np.isfinite(log_post)].max()
    weights = np.exp(log_post)
    return weights / weights.sum()


def bayes_realigned(world: World, network_cheat_rate: float, n: int, recipe: Recipe = Recipe()) -> float:
    """Bayes' misalignment after the cheat fine-tune and ``n`` benign examples (:func:`bayes_realigned_posterior`)."""
    return evals.misalignment(world, evals.bayes_profile(world, bayes_realigned_posterior(
        world, network_cheat_rate, n, recipe)))
