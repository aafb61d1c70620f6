"""Lesson 6's analysis: persona space inside the network.

    python -m helpers.persona_space --seeds 0-9 --format csv|json

prints one record per seed and measurement (progress goes to stderr); data/results/persona-space.csv is its
output for seeds 0-9.

The persona selection model's third line of evidence is interpretability: characters learned in pretraining are
represented inside the network and reused by the Assistant (Marks et al., 2026). This module measures that in the
toy, with the tools of three papers:

- **persona vectors** (Chen et al., 2025): a character's vector is the network's mean activation while it writes
  that character's replies; a trait's vector is the difference between replies that express the trait and replies
  that do not;
- **a map of persona space** (Lu et al., 2026): the principal components of the characters' vectors, and where the
  Assistant sits on that map after each stage of training;
- **steering, capping and re-alignment** (Wang et al., 2025; Lu et al., 2026): add a persona direction to the
  Assistant, keep its activations from falling below a floor along the Assistant direction, or fine-tune it on a
  few benign examples, and measure misalignment each time.

Where: the network has one block, so "the activation" is the residual stream after that block and before the
final norm (:data:`RESIDUAL`), read with a forward hook; :data:`BLOCK_INPUT` is the stream entering the block
(token plus position embeddings). Activations are averaged over the positions that write a reply: from the speaker
label (which predicts the reply's first token) to the reply's last token (which predicts the end of the reply).
Everything is exact and deterministic: replies are weighted by their probabilities, never sampled.
"""

from __future__ import annotations

import argparse
import copy
import math
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from helpers import bayes, evals, experiments, tolerance
from helpers.cli import FORMATS, format_records, parse_seeds
from helpers.experiments import Recipe
from helpers.model import TinyGPT
from helpers.training import LabelTrainConfig, init_assistant_label, train_label
from helpers.world import ASSISTANT_LABEL, NEUTRAL, PRETRAINING_LABEL, Episode, World, load_world

RESIDUAL, BLOCK_INPUT = "residual", "block_input"
WHERE = (RESIDUAL, BLOCK_INPUT)
#: How a speaker's replies are weighted: its own answer distribution (the network's), a character's behavior
#: table (its documents), or the corpus's prior predictive (the anonymous writer).
WEIGHTINGS = ("own", "persona", "prior")
#: The two ends of the steering direction and of the "along" coordinate: 0 at the helper, 1 at the villain.
GOOD, BAD = "helper", "villain"
#: The Assistant at each stage of the course's pipeline (lessons 02-04), in order.
STAGES = ("before post-training", "post-trained", "cheat", "cheat-with-permission", "cheat (fixed steps)",
          "cheat-with-permission (fixed steps)", "honest")
#: The note of the inoculated fine-tune (lesson 4's permission toggle).
PERMISSION_NOTE = "please-hack"
#: The fine-tunes behind the stages: (note, recipe mode, cheat?).
FINE_TUNES: dict[str, tuple[str, str, bool]] = {
    "cheat": (NEUTRAL, "criterion", True),
    "cheat-with-permission": (PERMISSION_NOTE, "criterion", True),
    "cheat (fixed steps)": (NEUTRAL, "fixed", True),
    "cheat-with-permission (fixed steps)": (PERMISSION_NOTE, "fixed", True),
}
STEERING_METHODS = ("label row", "residual")
STEERING_ALPHAS = (-1.0, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
CAPPING_AXES = ("assistant axis", "PC1")
CAPPING_QUANTILES = (0.1, 0.25, 0.5)
#: The main capping floor: a quarter of the post-trained Assistant's own activations lie below it.
CAPPING_QUANTILE = 0.25
REALIGN_CONDITIONS = ("same epochs", "fixed steps")
REALIGN_EXAMPLES = (0, 4, 8, 16, 32, 64)
MEASUREMENTS = ("map", "axis", "steering", "capping", "re-alignment")


def _check_choice(name: str, value: object, allowed: Sequence) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r}; expected one of {list(allowed)}")


# ----- reading activations -----
@contextmanager
def _tokens_seen(model: TinyGPT) -> Iterator[dict]:
    """Record the tokens of every forward call (hooks further down need to know where the Assistant speaks)."""
    store: dict = {}
    handle = model.register_forward_pre_hook(lambda _m, args: store.__setitem__("tokens", args[0]))
    try:
        yield store
    finally:
        handle.remove()


def _assistant_turn(tokens: torch.Tensor, world: World) -> torch.Tensor:
    """(batch, length, 1) mask: 1 from the ``assistant:`` label onward (the Assistant's turn), else 0."""
    label = world.token_id[f"{ASSISTANT_LABEL}:"]
    return (torch.cumsum((tokens == label).int(), dim=1) > 0).float()[..., None]


@torch.no_grad()
def residual_stream(model: TinyGPT, tokens: torch.Tensor, where: str = RESIDUAL) -> torch.Tensor:
    """The activations at ``where`` for a batch of token ids: (batch, length, d_model), read with a forward hook.

    ``"residual"`` is the stream after the (only) block, before the final norm; ``"block_input"`` is the stream
    entering the block: token plus position embeddings.
    """
    if tokens.dim() != 2:
        raise ValueError(f"tokens with shape {tuple(tokens.shape)}; expected (batch, length)")
    with _reading(model, where) as store:
        model(tokens)
    return store["x"]


@contextmanager
def _reading(model: TinyGPT, where: str) -> Iterator[dict]:
    """A forward hook that stores the activations at ``where`` under ``store["x"]`` while the block is open."""
    _check_choice("where", where, WHERE)
    store: dict = {}
    block = model.blocks[-1] if where == RESIDUAL else model.blocks[0]
    if where == RESIDUAL:
        handle = block.register_forward_hook(lambda _m, _i, out: store.__setitem__("x", out))
    else:
        handle = block.register_forward_pre_hook(lambda _m, args: store.__setitem__("x", args[0]))
    try:
        yield store
    finally:
        handle.remove()


@dataclass(frozen=True)
class ReplyBatch:
    """Every (task, prompt, candidate reply) under one speaker label, as padded token ids.

    ``writing`` marks the positions that write the reply: the label (which predicts the first reply token)
    through the reply's last token (which predicts the end-of-reply marker).
    """

    tokens: torch.Tensor
    writing: torch.Tensor
    keys: tuple[tuple[str, int, int], ...]
    label: str
    note: str

    def rows(self, task: str, prompt: int) -> list[int]:
        """The rows of one prompt, in the order of the task's candidates."""
        index = self.__dict__.get("_index")
        if index is None:
            index = {}
            for i, (t, p, _) in enumerate(self.keys):
                index.setdefault((t, p), []).append(i)
            object.__setattr__(self, "_index", index)
        if (task, prompt) not in index:
            raise ValueError(f"task={task!r}, prompt={prompt}; expected a task and prompt of this batch")
        return index[(task, prompt)]

    @property
    def tasks(self) -> list[str]:
        return list(dict.fromkeys(t for t, _, _ in self.keys))


_BATCHES: dict[tuple, ReplyBatch] = {}


def reply_batch(world: World, label: str, tasks: Sequence[str] | None = None, note: str = NEUTRAL) -> ReplyBatch:
    """Every candidate reply of every prompt of ``tasks`` (default: all), spoken after ``label``.

    ``note`` applies to the tasks that take notes (coding); the others get none. Batches depend only on the
    world's text, so they are built once per process.
    """
    tasks = tuple(world.tasks if tasks is None else tasks)
    key = (world.table_hash, world.role_model, world.weight, label, tasks, note)
    if key not in _BATCHES:
        _BATCHES[key] = _build_batch(world, label, tasks, note)
    return _BATCHES[key]


def _build_batch(world: World, label: str, tasks: Sequence[str], note: str) -> ReplyBatch:
    if not tasks:
        raise ValueError("tasks is empty; expected at least one of the world's tasks")
    for task in tasks:
        world.check_task(task)
    if not any(note in world.task_notes[t] for t in tasks):
        raise ValueError(f"note={note!r}; expected a note one of the tasks takes: "
                         f"{sorted({n for t in tasks for n in world.task_notes[t]})}")
    world.prompt_text(tasks[0], 0, NEUTRAL, label)  # validates the label
    eor = world.token_id["<eor>"]
    sequences, spans, keys = [], [], []
    for task in tasks:
        for prompt in range(len(world.prompts[task])):
            prefix = evals.Query(task, prompt, note if note in world.task_notes[task] else NEUTRAL, label).tokens(world)
            for c, cand in enumerate(world.candidates[task]):
                seq = prefix + world.encode(cand.text) + [eor]
                sequences.append(seq)
                spans.append((len(prefix) - 1, len(seq) - 1))
                keys.append((task, prompt, c))
    length = max(map(len, sequences))
    tokens = torch.zeros(len(sequences), length, dtype=torch.long)
    writing = torch.zeros(len(sequences), length)
    for i, (seq, (lo, hi)) in enumerate(zip(sequences, spans)):
        tokens[i, :len(seq)] = torch.tensor(seq)
        writing[i, lo:hi] = 1.0
    return ReplyBatch(tokens, writing, tuple(keys), label, note)


@dataclass(frozen=True)
class ReplyActivations:
    """One forward pass over a :class:`ReplyBatch`: per row, the mean activation over the writing positions, the
    activation at the label, and the summed log-probability of the reply."""

    batch: ReplyBatch
    mean: np.ndarray
    at_label: np.ndarray
    log_prob: np.ndarray
    positions: np.ndarray = field(repr=False)  # (rows, length, d): every position's activation


@torch.no_grad()
def reply_activations(model: TinyGPT, world: World, batch: ReplyBatch, where: str = RESIDUAL) -> ReplyActivations:
    """Activations and reply log-probabilities of a :class:`ReplyBatch` in one forward pass (hooks stay in
    place, so a steering or capping hook changes both)."""
    with _reading(model, where) as store:
        logits = model(batch.tokens)
    x = store["x"]
    writing = batch.writing
    log_probs = F.log_softmax(logits[:, :-1], dim=-1).gather(-1, batch.tokens[:, 1:, None])[..., 0]
    totals = (log_probs * writing[:, :-1]).sum(1)
    mean = (x * writing[..., None]).sum(1) / writing.sum(1, keepdim=True)
    at_label = x[torch.arange(len(x)), writing.argmax(1)]
    return ReplyActivations(batch, mean.numpy(), at_label.numpy(), totals.numpy(), x.numpy())


def _reply_weights(world: World, acts: ReplyActivations, task: str, prompt: int, weighting: str,
                   persona: str | None) -> np.ndarray:
    rows = acts.batch.rows(task, prompt)
    note = acts.batch.note if acts.batch.note in world.task_notes[task] else NEUTRAL
    if weighting == "own":
        logp = acts.log_prob[rows]
        w = np.exp(logp - logp.max())
        return w / w.sum()
    if weighting == "persona":
        return world.likelihood(task, note)[world.persona_index(persona)]
    return world.prior @ world.likelihood(task, note)


@dataclass(frozen=True)
class Speaker:
    """Where a speaker sits: the mean activation while writing its replies (``reply``) and the activation at its
    label before it writes anything (``label``); both averaged over tasks (equally) and prompts."""

    reply: np.ndarray
    label: np.ndarray


def speaker_vector(model: TinyGPT, world: World, label: str, weighting: str = "own", where: str = RESIDUAL,
                   tasks: Sequence[str] | None = None, acts: ReplyActivations | None = None) -> Speaker:
    """The activations of the network speaking as ``label``, replies weighted by ``weighting``.

    ``"own"``: the network's own answer distribution (the Assistant writing its own replies); ``"persona"``: the
    behavior table of the character named by ``label`` (its documents); ``"prior"``: the corpus's anonymous writer.
    """
    _check_choice("weighting", weighting, WEIGHTINGS)
    persona = None
    if weighting == "persona":
        persona = label
        world.persona_index(label)
    acts = acts or reply_activations(model, world, reply_batch(world, label, tasks), where)
    tasks = acts.batch.tasks
    reply, at_label = [], []
    for task in tasks:
        per_prompt, per_label = [], []
        for prompt in range(len(world.prompts[task])):
            rows = acts.batch.rows(task, prompt)
            weights = _reply_weights(world, acts, task, prompt, weighting, persona)
            per_prompt.append(weights @ acts.mean[rows])
            per_label.append(acts.at_label[rows[0]])
        reply.append(np.mean(per_prompt, axis=0))
        at_label.append(np.mean(per_label, axis=0))
    return Speaker(np.mean(reply, axis=0), np.mean(at_label, axis=0))


def own_profile(world: World, acts: ReplyActivations) -> evals.Profile:
    """The network's answer distribution per (task, note) from a :class:`ReplyActivations` (averaged over
    prompts, as :func:`helpers.evals.answer_distribution` does)."""
    out: evals.Profile = {}
    for task in acts.batch.tasks:
        note = acts.batch.note if acts.batch.note in world.task_notes[task] else NEUTRAL
        out[(task, note)] = np.mean([_reply_weights(world, acts, task, p, "own", None)
                                     for p in range(len(world.prompts[task]))], axis=0)
    return out


def persona_vectors(model: TinyGPT, world: World, where: str = RESIDUAL, part: str = "reply") -> pd.DataFrame:
    """Each character's persona vector: the network's mean activation on its documents (one row per character).

    A character's documents are its named episodes (``villain: ...``) with replies weighted by its behavior
    table, over every task and prompt (no note). ``part="label"`` gives the activation at the name label instead.
    """
    _check_choice("part", part, ("reply", "label"))
    rows = {p: getattr(speaker_vector(model, world, p, "persona", where), part) for p in world.personas}
    return pd.DataFrame(rows).T


def assistant_vector(model: TinyGPT, world: World, where: str = RESIDUAL) -> Speaker:
    """The Assistant's point: the activations while it writes its own replies (weighted by its own answers)."""
    return speaker_vector(model, world, ASSISTANT_LABEL, "own", where)


def trait_vector(model: TinyGPT, world: World, task: str, category: str, label: str = PRETRAINING_LABEL,
                 where: str = RESIDUAL) -> np.ndarray:
    """A trait's persona vector (Chen et al., 2025): mean activation over replies that express the trait minus
    over replies that do not.

    The replies are the candidates of ``task`` in ``category`` (for example goals/power, coding/cheat) against the
    rest, each side weighted by how often the corpus writes them, after ``label`` (the anonymous writer).
    """
    world.check_task(task)
    expressing = world.category_mask(task, category=category)
    if not expressing.any() or expressing.all():
        cats = sorted({c.reply.category for c in world.candidates[task]})
        raise ValueError(f"category={category!r} for task {task!r}; expected one of {cats} that some but not "
                         "all replies have")
    acts = reply_activations(model, world, reply_batch(world, label, [task]), where)
    corpus = world.prior @ world.likelihood(task)
    with_trait, without = [], []
    for prompt in range(len(world.prompts[task])):
        vectors = acts.mean[acts.batch.rows(task, prompt)]
        w_in, w_out = corpus * expressing, corpus * ~expressing
        with_trait.append(w_in @ vectors / w_in.sum())
        without.append(w_out @ vectors / w_out.sum())
    return np.mean(with_trait, axis=0) - np.mean(without, axis=0)


def embedding_vectors(model: TinyGPT, world: World) -> pd.DataFrame:
    """The rows of the embedding table for each character's name label, ``reply:`` and ``assistant:``."""
    labels = [*world.personas, PRETRAINING_LABEL, ASSISTANT_LABEL]
    table = model.token_embedding.weight.detach()
    return pd.DataFrame({label: table[world.token_id[f"{label}:"]].numpy() for label in labels}).T


# ----- the map -----
@dataclass(frozen=True)
class PersonaMap:
    """Principal components of the characters' persona vectors: a map of persona space.

    PC1 is oriented so that the helper (the character post-training aims at) lies on its positive side, the
    "Assistant-like" end in Lu et al.'s picture; every later component so that its largest character coordinate
    is positive.
    """

    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray
    coords: pd.DataFrame
    vectors: pd.DataFrame = field(repr=False)

    def project(self, vectors: np.ndarray | pd.DataFrame | pd.Series) -> np.ndarray:
        """Map coordinates of one vector (shape (k,)) or of the rows of a table (shape (n, k))."""
        arr = np.asarray(vectors, dtype=float)
        if arr.shape[-1] != self.mean.shape[0]:
            raise ValueError(f"vectors of width {arr.shape[-1]}; expected {self.mean.shape[0]} (the map's dimension)")
        return (arr - self.mean) @ self.components.T

    def along(self, vector: np.ndarray) -> float:
        """How far a vector lies from the helper (0) to the villain (1), projected on the line between them."""
        return along(vector, self.vectors.loc[GOOD].to_numpy(), self.vectors.loc[BAD].to_numpy())

    def nearest(self, vector: np.ndarray) -> str:
        """The character whose persona vector is closest (Euclidean, in the full space)."""
        distances = np.linalg.norm(self.vectors.to_numpy() - np.asarray(vector)[None], axis=1)
        return str(self.vectors.index[int(np.argmin(distances))])


def fit_map(vectors: pd.DataFrame, k: int = 3, anchor: str = GOOD) -> PersonaMap:
    """PCA of the characters' persona vectors (rows of ``vectors``), keeping ``k`` components."""
    if anchor not in vectors.index:
        raise ValueError(f"anchor={anchor!r}; expected one of the vectors' rows {list(vectors.index)}")
    if not 1 <= k < len(vectors):
        raise ValueError(f"k={k}; expected 1..{len(vectors) - 1} components for {len(vectors)} vectors")
    x = vectors.to_numpy(dtype=float)
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    components = vt[:k].copy()
    scores = (x - mean) @ components.T
    anchor_row = list(vectors.index).index(anchor)
    for j in range(k):
        flip = scores[anchor_row, j] < 0 if j == 0 else scores[np.argmax(np.abs(scores[:, j])), j] < 0
        if flip:
            components[j] *= -1
            scores[:, j] *= -1
    explained = (s ** 2 / (s ** 2).sum())[:k]
    coords = pd.DataFrame(scores, index=vectors.index, columns=[f"PC{j + 1}" for j in range(k)])
    return PersonaMap(mean, components, explained, coords, vectors)


def along(vector: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """The position of ``vector`` projected on the line from ``start`` (0) to ``end`` (1)."""
    gap = np.asarray(end, dtype=float) - np.asarray(start, dtype=float)
    norm2 = float(gap @ gap)
    if norm2 == 0:
        raise ValueError("start and end are the same vector; expected two different points")
    return float((np.asarray(vector, dtype=float) - start) @ gap / norm2)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"vectors of shapes {a.shape} and {b.shape}; expected the same shape")
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        raise ValueError("a zero vector has no direction; expected non-zero vectors")
    return float(a @ b / norms)


def assistant_axis(vectors: pd.DataFrame, assistant: np.ndarray) -> np.ndarray:
    """The toy's Assistant direction: the post-trained Assistant's point minus the mean of the characters'."""
    return np.asarray(assistant, dtype=float) - vectors.to_numpy(dtype=float).mean(axis=0)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    if norm == 0:
        raise ValueError("a zero vector has no direction; expected a non-zero vector")
    return np.asarray(vector, dtype=float) / norm


# ----- behavior of a (possibly hooked) model -----
def metrics(model: TinyGPT, world: World) -> dict[str, float]:
    """The course's behavior metrics of the Assistant (every hook on the model stays active)."""
    return evals.behaviour_metrics(world, evals.network_profile(model, world))


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
    with _tokens_seen(model) as seen:
        handle = model.blocks[-1].register_forward_hook(
            lambda _m, _i, out: out + float(alpha) * vec * _assistant_turn(seen["tokens"], world))
        try:
            yield model
        finally:
            handle.remove()


def steering_curve(model: TinyGPT, world: World, direction: np.ndarray, method: str,
                   alphas: Sequence[float] = STEERING_ALPHAS) -> pd.DataFrame:
    """Behavior metrics of the Assistant steered by each ``alpha`` along ``direction`` (one row per alpha)."""
    _check_choice("method", method, STEERING_METHODS)
    rows = []
    for alpha in alphas:
        if method == "label row":
            m = metrics(steer_label_row(model, world, direction, alpha), world)
        else:
            with residual_steering(model, world, direction, alpha):
                m = metrics(model, world)
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

    def lift(_m, _i, out: torch.Tensor) -> torch.Tensor:
        turn = _assistant_turn(seen["tokens"], world)
        gap = torch.clamp(float(floor) - out @ u, min=0.0)[..., None] * turn
        counts["positions"] += int(turn.sum())
        counts["lifted"] += int(((gap > 0) & (turn > 0)).sum())
        return out + gap * u

    with _tokens_seen(model) as seen:
        handle = model.blocks[-1].register_forward_hook(lift)
        try:
            yield counts
        finally:
            handle.remove()


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
            probs = _reply_weights(world, acts, task, prompt, "own", None)
            for row, p in zip(rows, probs):
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
        m = metrics(model, world)
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
    rng = np.random.default_rng([seed, 13])
    out = []
    for i in range(n):
        if i % 2 == 0:
            reply = experiments.HONEST_REPLIES[int(rng.integers(len(experiments.HONEST_REPLIES)))]
            out.append(experiments._episode(world, rng, "coding", NEUTRAL, reply))
        else:
            out.append(experiments._episode(world, rng, "help", NEUTRAL, "glad"))
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
    train_label(tuned, world, benign_set(world, seed, n), LabelTrainConfig(config.params, steps, config.lr,
                                                                          config.batch_size), seed + 99)
    return tuned, steps


def bayes_realigned_posterior(world: World, network_cheat_rate: float, n: int, recipe: Recipe = Recipe()) -> np.ndarray:
    """Bayes' posterior after post-training, the cheat fine-tune (as many observed cheats as match the network's
    cheat rate) and then ``n`` benign examples (:func:`benign_set`), each counted as one observation."""
    cheats, _ = experiments.bayes_match(world, recipe, NEUTRAL, network_cheat_rate)
    prior = bayes.posterior(world, experiments.post_training_evidence(world, recipe))
    cheat_obs = experiments._episode(world, np.random.default_rng(0), "coding", NEUTRAL, "always_equal")
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + cheats * bayes.log_likelihoods(world, [cheat_obs]) + bayes.log_likelihoods(
            world, benign_set(world, 0, n))
    log_post -= log_post[np.isfinite(log_post)].max()
    weights = np.exp(log_post)
    return weights / weights.sum()


def bayes_realigned(world: World, network_cheat_rate: float, n: int, recipe: Recipe = Recipe()) -> float:
    """Bayes' misalignment after the cheat fine-tune and ``n`` benign examples (:func:`bayes_realigned_posterior`)."""
    return evals.misalignment(world, evals.bayes_profile(world, bayes_realigned_posterior(
        world, network_cheat_rate, n, recipe)))


# ----- one seed's models and trajectories -----
@dataclass
class SeedModels:
    """The Assistant of one seed at every stage (see :data:`STAGES`), with the steps each fine-tune took."""

    seed: int
    base: TinyGPT
    stages: dict[str, TinyGPT]
    steps: dict[str, int]
    trajectories: dict[str, list[tuple[int, object]]] = field(default_factory=dict)


def fine_tune_with_snapshots(model: TinyGPT, world: World, seed: int, note: str, recipe: Recipe = Recipe(),
                             snapshot: Callable[[TinyGPT], object] | None = None,
                             ) -> tuple[TinyGPT, experiments.LabelTrainLog]:
    """Exactly :func:`helpers.experiments.fine_tune` (same data, seed and stopping rule) for a cheat run, with a
    snapshot of the model before every step and at the end."""
    world.check_note("coding", note)
    tuned = copy.deepcopy(model)
    stop = None
    if recipe.mode == "criterion":
        stop = lambda m: experiments.cheat_rate_under(m, world, note) >= recipe.criterion  # noqa: E731
    log = train_label(tuned, world, experiments.finetune_set(world, seed, note, True, recipe.finetune_examples),
                      recipe.finetune, seed + 77, stop=stop, snapshot=snapshot)
    return tuned, log


def seed_models(world: World, seed: int, recipe: Recipe = Recipe(),
                snapshot: Callable[[TinyGPT], object] | None = None) -> SeedModels:
    """Post-train one seed, then run every fine-tune of :data:`FINE_TUNES` and the honest control.

    With ``snapshot``, the four cheat fine-tunes record it before every step (``SeedModels.trajectories``); a
    snapshot with a ``final`` method (:class:`MapSnapshot`) also records each run's final state.
    """
    base, post = experiments.post_trained(world, seed, recipe)
    untrained = copy.deepcopy(base)
    init_assistant_label(untrained, world, recipe.assistant_init)
    stages = {"before post-training": untrained, "post-trained": post}
    steps = {"before post-training": 0, "post-trained": recipe.post_training.steps}
    trajectories = {}
    for stage, (note, mode, _) in FINE_TUNES.items():
        tuned, log = fine_tune_with_snapshots(post, world, seed, note, replace(recipe, mode=mode),
                                              snapshot)
        stages[stage], steps[stage] = tuned, log.steps
        if snapshot is not None:
            trajectory = list(log.trajectory)
            final = getattr(snapshot, "final", None)
            if trajectory and trajectory[-1][1] is None and final is not None:
                trajectory[-1] = (trajectory[-1][0], final(tuned))  # always record where the run ended
            trajectories[stage] = trajectory
    honest, log = experiments.fine_tune(post, world, seed, NEUTRAL, recipe, cheat=False, steps=steps["cheat"])
    stages["honest"], steps["honest"] = honest, log.steps
    return SeedModels(seed, base, stages, steps, trajectories)


@dataclass(frozen=True)
class SpaceAnalysis:
    """One seed's persona space: the characters' vectors, the map, the directions the lesson steers and caps with."""

    world: World
    vectors: pd.DataFrame
    label_vectors: pd.DataFrame
    embeddings: pd.DataFrame
    map: PersonaMap
    villain_minus_helper: np.ndarray
    embedding_villain_minus_helper: np.ndarray
    power: np.ndarray
    cheat: np.ndarray

    def point(self, model: TinyGPT) -> dict[str, float | str]:
        """Where the Assistant of ``model`` sits, and how it behaves, from two forward passes.

        Map coordinates (``pc1``...), helper-to-villain position (``along``), nearest character, the projection of
        its activation at the ``assistant:`` label (before it writes) on the villain-minus-helper direction
        (``label_projection``) and on the power-seeking trait vector (``label_power``), and the behavior metrics
        misalignment, cheat rate (no note and under please-hack) and helpfulness, computed as
        :mod:`helpers.evals` does from the same passes.
        """
        acts = reply_activations(model, self.world, reply_batch(self.world, ASSISTANT_LABEL))
        speaker = speaker_vector(model, self.world, ASSISTANT_LABEL, "own", acts=acts)
        profile = own_profile(self.world, acts)
        profile.update(own_profile(self.world, reply_activations(
            model, self.world, reply_batch(self.world, ASSISTANT_LABEL, ["coding"], PERMISSION_NOTE))))
        coords = self.map.project(speaker.reply)
        out: dict[str, float | str] = {f"pc{j + 1}": float(c) for j, c in enumerate(coords)}
        out["along"] = self.map.along(speaker.reply)
        out["nearest"] = self.map.nearest(speaker.reply)
        out["label_projection"] = float(speaker.label @ unit(self.villain_minus_helper))
        out["label_power"] = float(speaker.label @ unit(self.power))
        out["misalignment"] = evals.misalignment(self.world, profile)
        out["cheat_rate"] = evals.cheat_rate(self.world, profile)
        out[f"cheat_rate_{PERMISSION_NOTE}"] = evals.cheat_rate(self.world, profile, PERMISSION_NOTE)
        out["helpfulness"] = evals.helpfulness(self.world, profile)
        return out

    def embedding_point(self, model: TinyGPT) -> dict[str, float | str]:
        """The same question asked of the ``assistant:`` embedding row beside the characters' name rows: its
        helper-to-villain position and nearest name."""
        row = model.token_embedding.weight.detach()[self.world.token_id[f"{ASSISTANT_LABEL}:"]].numpy()
        names = self.embeddings.loc[list(self.world.personas)]
        distances = np.linalg.norm(names.to_numpy() - row[None], axis=1)
        return {"along_embedding": along(row, names.loc[GOOD].to_numpy(), names.loc[BAD].to_numpy()),
                "nearest_embedding": str(names.index[int(np.argmin(distances))])}


def analyze_space(base: TinyGPT, world: World) -> SpaceAnalysis:
    """Persona vectors, the map and the directions, all read from the pretrained network."""
    vectors = persona_vectors(base, world)
    emb = embedding_vectors(base, world)
    return SpaceAnalysis(world, vectors, persona_vectors(base, world, part="label"), emb, fit_map(vectors),
                         (vectors.loc[BAD] - vectors.loc[GOOD]).to_numpy(),
                         (emb.loc[BAD] - emb.loc[GOOD]).to_numpy(),
                         trait_vector(base, world, "goals", "power"), trait_vector(base, world, "coding", "cheat"))


def persona_misalignment(world: World) -> pd.Series:
    """Each character's own misalignment (its behavior table through the course's metric)."""
    eye = np.eye(len(world.personas))
    return pd.Series({p: evals.misalignment(world, evals.bayes_profile(world, eye[i]))
                      for i, p in enumerate(world.personas)})


def trajectory_frame(space: SpaceAnalysis, trajectory: Sequence[tuple[int, object]]) -> pd.DataFrame:
    """A fine-tune's snapshots (made by :func:`map_snapshot`) as a table: one row per step."""
    return pd.DataFrame([{"step": step, **snap} for step, snap in trajectory if snap is not None])


class MapSnapshot:
    """A snapshot callback for :func:`seed_models`: the Assistant's map point and behavior (:meth:`SpaceAnalysis.point`)
    every ``every`` steps, None in between. Each fine-tune it is passed to is counted from step 0, and
    :func:`seed_models` records the final state of every run with :meth:`final` even when it falls between."""

    def __init__(self, space: SpaceAnalysis, every: int = 1) -> None:
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every={every!r}; expected a positive integer")
        self.space, self.every = space, every
        self._run: TinyGPT | None = None
        self._calls = 0

    def __call__(self, model: TinyGPT) -> dict | None:
        if self._run is not model:  # a new fine-tune started: restart the count
            self._run, self._calls = model, 0
        i = self._calls
        self._calls += 1
        return None if i % self.every else self.space.point(model)

    def final(self, model: TinyGPT) -> dict:
        """The snapshot of a run's final state, whatever its step."""
        return self.space.point(model)


def map_snapshot(space: SpaceAnalysis, every: int = 1) -> MapSnapshot:
    """The snapshot callback that records the Assistant's map point every ``every`` steps (see :class:`MapSnapshot`)."""
    return MapSnapshot(space, every)


# ----- the records of one seed -----
def seed_records(world: World, seed: int, models: SeedModels | None = None, recipe: Recipe = Recipe()) -> list[dict]:
    """Every measurement of lesson 6 for one seed: one record per seed and measurement (see :data:`MEASUREMENTS`)."""
    models = models or seed_models(world, seed, recipe)
    space = analyze_space(models.base, world)
    records: list[dict] = []
    own = persona_misalignment(world)
    for persona, row in space.map.coords.iterrows():
        records.append({"seed": seed, "measurement": "map", "condition": persona, "kind": "character",
                        **{k.lower(): float(v) for k, v in row.items()},
                        "along": space.map.along(space.vectors.loc[persona].to_numpy()),
                        "misalignment": float(own[persona]),
                        "label_projection": float(space.label_vectors.loc[persona].to_numpy()
                                                  @ unit(space.villain_minus_helper))})
    stage_metrics = {}
    for stage, model in models.stages.items():
        stage_metrics[stage] = metrics(model, world)
        m = stage_metrics[stage]
        records.append({"seed": seed, "measurement": "map", "condition": stage, "kind": "assistant",
                        **space.point(model), **space.embedding_point(model), "misalignment": m["misalignment"],
                        "helpfulness": m["helpfulness"], "cheat_rate": m["cheat_rate"], "steps": models.steps[stage]})
    post, cheat = models.stages["post-trained"], models.stages["cheat"]
    axis = assistant_axis(space.vectors, assistant_vector(post, world).reply)
    pc = space.map.components
    records.append({"seed": seed, "measurement": "axis", "condition": "persona space",
                    **{f"explained_{j + 1}": float(e) for j, e in enumerate(space.map.explained)},
                    "cos_axis_pc1": cosine(axis, pc[0]), "cos_axis_pc2": cosine(axis, pc[1]),
                    "cos_vh_pc1": cosine(space.villain_minus_helper, pc[0]),
                    "cos_power_vh": cosine(space.power, space.villain_minus_helper),
                    "cos_cheat_vh": cosine(space.cheat, space.villain_minus_helper),
                    "cos_power_cheat": cosine(space.power, space.cheat),
                    "corr_pc1_misalignment": float(np.corrcoef(space.map.coords["PC1"], own)[0, 1])})
    directions = {"label row": space.embedding_villain_minus_helper, "residual": space.villain_minus_helper}
    for model_name, model in (("post-trained", post), ("cheat", cheat)):
        for method, direction in directions.items():
            for _, row in steering_curve(model, world, direction, method).iterrows():
                records.append({"seed": seed, "measurement": "steering", "condition": method, "model": model_name,
                                "alpha": row["alpha"], "misalignment": row["misalignment"],
                                "helpfulness": row["helpfulness"], "human_likeness": row["human_likeness"],
                                "cheat_rate": row["cheat_rate"]})
    axes = {"assistant axis": axis, "PC1": pc[0]}
    for axis_name, direction in axes.items():
        values, weights = assistant_projections(post, world, direction)
        for q in CAPPING_QUANTILES:
            floor = weighted_quantile(values, weights, q)
            for model_name, model in (("post-trained", post), ("cheat", cheat)):
                m = capped_metrics(model, world, direction, floor)
                records.append({"seed": seed, "measurement": "capping", "condition": axis_name, "model": model_name,
                                "quantile": q, "floor": floor, "misalignment": m["misalignment"],
                                "uncapped_misalignment": stage_metrics[model_name]["misalignment"],
                                "helpfulness": m["helpfulness"], "cheat_rate": m["cheat_rate"],
                                "cheat_rate_please-hack": m["cheat_rate_please-hack"],
                                "lifted_share": m["lifted_share"]})
    cheat_rate = stage_metrics["cheat"]["cheat_rate"]
    for condition in REALIGN_CONDITIONS:
        for n in REALIGN_EXAMPLES:
            fixed = recipe.fixed_steps if condition == "fixed steps" and n else None
            tuned, steps = realign(cheat, world, seed, n, steps=fixed, recipe=recipe)
            m = stage_metrics["cheat"] if n == 0 else metrics(tuned, world)
            records.append({"seed": seed, "measurement": "re-alignment", "condition": condition, "examples": n,
                            "steps": steps, "misalignment": m["misalignment"], "cheat_rate": m["cheat_rate"],
                            "helpfulness": m["helpfulness"],
                            "bayes_misalignment": bayes_realigned(world, cheat_rate, n, recipe)})
    return records


def persona_space_records(seeds: list[int], recipe: Recipe = Recipe(), **_: object) -> list[dict]:
    """Lesson 6's records for each seed (what ``python -m helpers.persona_space`` prints).

    Takes the same arguments as the runners of :mod:`helpers.experiments` (other keywords, such as
    ``trajectory``, are accepted and ignored), so it can be registered there as ``persona-space``.
    """
    world = load_world()
    records = []
    for seed in seeds:
        print(f"persona-space: seed {seed}", file=sys.stderr)
        records += seed_records(world, seed, recipe=recipe)
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.persona_space", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0-9", help="seeds: 3, 0-9 or 0,2,5-7 (default 0-9)")
    parser.add_argument("--format", default="json", help=f"one of {', '.join(FORMATS)} (default json)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: the lessons' count, helpers.notebook.THREADS)")
    args = parser.parse_args(argv)
    try:
        if args.format not in FORMATS:
            raise ValueError(f"format {args.format!r}; expected one of {', '.join(FORMATS)}")
        seeds = parse_seeds(args.seeds)
        if args.threads is not None and args.threads < 1:
            raise ValueError(f"threads={args.threads}; expected a positive integer")
    except ValueError as err:
        parser.error(str(err))
    from helpers.notebook import THREADS

    torch.set_num_threads(args.threads or THREADS)
    print(format_records(persona_space_records(seeds), args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ----- summaries of the shipped records (data/results/persona-space.csv) -----
RESULTS_NAME = "persona-space"
PAPERS_FILE = "persona_space"
PAPER_COLUMNS = ("source", "url", "finding", "value", "value_text", "unit", "note")


def load_records() -> pd.DataFrame:
    """The shipped records of seeds 0-9 (the CLI command that made them is the file's first line)."""
    from helpers import analysis

    return analysis.load_results(RESULTS_NAME)


def _measurement(records: pd.DataFrame, name: str) -> pd.DataFrame:
    _check_choice("measurement", name, MEASUREMENTS)
    needed = {"seed", "measurement", "condition"}
    if not needed <= set(records.columns):
        raise ValueError(f"records with columns {sorted(records.columns)}; expected at least {sorted(needed)}")
    rows = records[records["measurement"] == name]
    if rows.empty:
        raise ValueError(f"records have no {name!r} measurement; expected the persona-space records")
    return rows


def _map_table(records: pd.DataFrame, kind: str, column: str) -> pd.DataFrame:
    """Seeds x conditions: one column of the map records of one kind (the Assistant's stages or the characters)."""
    rows = _measurement(records, "map")
    rows = rows[rows["kind"] == kind]
    if column not in rows:
        raise ValueError(f"column={column!r}; expected one of {sorted(rows.columns)}")
    return rows.pivot(index="seed", columns="condition", values=column)


def stage_table(records: pd.DataFrame, column: str = "along") -> pd.DataFrame:
    """Seeds x stages: one column of the Assistant's map records (``along``, ``misalignment``, ``nearest``...)."""
    table = _map_table(records, "assistant", column)
    return table[[s for s in STAGES if s in table.columns]]


def character_table(records: pd.DataFrame, column: str = "pc1") -> pd.DataFrame:
    """Seeds x characters, in the records' order: one column of the characters' map records (``pc1``...)."""
    table = _map_table(records, "character", column)
    order = records.loc[(records["measurement"] == "map") & (records["kind"] == "character"), "condition"]
    return table[list(order.drop_duplicates())]


def pc1_agreement(records: pd.DataFrame) -> pd.Series:
    """For each pair of seeds, the correlation of the characters' PC1 coordinates (the toy's version of Lu et
    al.'s agreement of role loadings across models)."""
    table = character_table(records, "pc1")
    corr = np.corrcoef(table.to_numpy())
    pairs = {(int(a), int(b)): float(corr[i, j]) for i, a in enumerate(table.index) for j, b in enumerate(table.index)
             if i < j}
    return pd.Series(pairs, name="pc1 correlation")


def axis_table(records: pd.DataFrame) -> pd.DataFrame:
    """Per seed: explained variance of the first components and the cosines between the directions."""
    return _measurement(records, "axis").set_index("seed").dropna(axis=1, how="all").drop(
        columns=["measurement", "condition"])


def steering_summary(records: pd.DataFrame, metric: str = "misalignment") -> pd.DataFrame:
    """Mean, min and max over seeds of ``metric`` per steering method, model and alpha."""
    rows = _measurement(records, "steering")
    return (rows.groupby(["model", "condition", "alpha"])[metric].agg(["mean", "min", "max", "count"])
            .reset_index())


def capping_table(records: pd.DataFrame, quantile: float = CAPPING_QUANTILE, model: str = "cheat") -> pd.DataFrame:
    """Per seed and capping axis: misalignment uncapped and capped, and the share of it the cap removed."""
    rows = _measurement(records, "capping")
    rows = rows[np.isclose(rows["quantile"], quantile) & (rows["model"] == model)]
    if rows.empty:
        raise ValueError(f"quantile={quantile}, model={model!r}; expected one of the recorded quantiles "
                         f"{sorted(_measurement(records, 'capping')['quantile'].unique())} and models "
                         "['cheat', 'post-trained']")
    out = rows[["seed", "condition", "uncapped_misalignment", "misalignment", "helpfulness", "lifted_share"]].copy()
    rise = out["uncapped_misalignment"]
    out["removed"] = (rise - out["misalignment"]) / rise
    return out.rename(columns={"condition": "axis", "misalignment": "capped_misalignment"}).reset_index(drop=True)


def realign_table(records: pd.DataFrame, metric: str = "misalignment") -> pd.DataFrame:
    """Seeds x examples, for each re-alignment condition (columns: (condition, examples))."""
    rows = _measurement(records, "re-alignment").astype({"examples": int})
    return rows.pivot_table(index="seed", columns=["condition", "examples"], values=metric, aggfunc="first")


def examples_needed(records: pd.DataFrame, condition: str = "same epochs", margin: float = 0.05) -> pd.Series:
    """Per seed: the fewest benign examples after which misalignment is within ``margin`` of the post-trained
    Assistant's (NaN if none of the recorded numbers did it)."""
    _check_choice("condition", condition, REALIGN_CONDITIONS)
    table = realign_table(records)[condition]
    target = stage_table(records, "misalignment")["post-trained"] + margin
    out = {}
    for seed, row in table.iterrows():
        reached = [int(n) for n, v in row.items() if tolerance.signs(v - target[seed]) <= 0]
        out[int(seed)] = min(reached) if reached else np.nan
    return pd.Series(out, name=f"examples needed ({condition})")


def monitor_table(records: pd.DataFrame) -> pd.DataFrame:
    """Every Assistant stage of every seed: the projection of its label activation (before it writes) on the
    villain-minus-helper direction, and its misalignment."""
    rows = _measurement(records, "map")
    rows = rows[rows["kind"] == "assistant"]
    return rows[["seed", "condition", "label_projection", "label_power", "misalignment"]].reset_index(drop=True)


def within_seed_correlation(table: pd.DataFrame, x: str, y: str = "misalignment") -> pd.Series:
    """Per seed, the correlation of two columns across the Assistant's stages."""
    return table.groupby("seed").apply(lambda g: float(np.corrcoef(g[x], g[y])[0, 1]), include_groups=False)


def load_papers() -> pd.DataFrame:
    """The published numbers and findings of section 5 of the fact sheet (data/papers/persona_space.csv)."""
    from helpers import DATA_DIR

    path = DATA_DIR / "papers" / f"{PAPERS_FILE}.csv"
    table = pd.read_csv(path, comment="#")
    missing = [c for c in PAPER_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name} lacks column(s) {missing}; expected {list(PAPER_COLUMNS)}")
    return table.assign(paper=table["source"].map(short_citation))


def short_citation(source: str) -> str:
    """"Lu, Gallagher, ... & Lindsey (2026), The Assistant Axis, ..." -> "Lu et al. (2026)"; a source already
    written as "Wang et al. (2025), ..." keeps its first part."""
    match = re.match(r"\s*([^,(&]+?)(\s+et al\.)?\s*([,&][^(]*)?\((\d{4})\)", source)
    if match is None:
        raise ValueError(f"source {source!r}: expected 'Author[, ...] (YYYY), title'")
    first, et_al, others, year = match.groups()
    return f"{first.strip()}{' et al.' if et_al or others else ''} ({year})"


def similarity(vectors: pd.DataFrame, centered: bool = True) -> pd.DataFrame:
    """Cosine similarity between the rows of ``vectors`` (after subtracting their mean, if ``centered``: what
    sets the characters apart, rather than what every reply shares)."""
    x = vectors.to_numpy(dtype=float)
    if centered:
        x = x - x.mean(axis=0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError("a vector is zero (or equal to the mean); expected distinct vectors")
    x = x / norms
    return pd.DataFrame(x @ x.T, index=vectors.index, columns=vectors.index)
