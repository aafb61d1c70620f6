"""Reading the network's activations while it speaks as a character: the raw material of persona vectors.

Where: the network has one block, so "the activation" is the residual stream after that block and before the
final norm (hook point ``residual``); ``block_input`` is the stream entering the block (token plus position
embeddings). Activations are averaged over the positions that write a reply: from the speaker label (which
predicts the reply's first token) to the reply's last token (which predicts the end of the reply). Everything is
exact and deterministic: replies are weighted by their probabilities, never sampled.

A character's persona vector is the mean activation while it writes its replies (Chen et al., 2025); a trait's
vector is the difference between replies that express the trait and replies that do not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from helpers.engine import evals
from helpers.engine.model import HOOK_POINTS, TinyGPT
from helpers.engine.text import pad_batch
from helpers.engine.validation import check_choice
from helpers.engine.world import ASSISTANT_LABEL, NEUTRAL, PRETRAINING_LABEL, World

BLOCK_INPUT, RESIDUAL = HOOK_POINTS
#: How a speaker's replies are weighted: its own answer distribution (the network's), a character's behavior
#: table (its documents), or the corpus's prior predictive (the anonymous writer).
WEIGHTINGS = ("own", "persona", "prior")


def assistant_turn(tokens: torch.Tensor, world: World) -> torch.Tensor:
    """(batch, length, 1) mask: 1 from the ``assistant:`` label onward (the Assistant's turn), else 0."""
    label = world.token_id[f"{ASSISTANT_LABEL}:"]
    return (torch.cumsum((tokens == label).int(), dim=1) > 0).float()[..., None]


@contextmanager
def reading(model: TinyGPT, where: str = RESIDUAL) -> Iterator[dict]:
    """Within the block, every forward pass stores the activations at the hook point ``where`` under
    ``store["x"]`` (the store is what the block yields)."""
    check_choice("where", where, HOOK_POINTS)
    store: dict = {}
    with model.hooks(**{where: lambda x, _tokens: store.__setitem__("x", x)}):
        yield store


@torch.no_grad()
def residual_stream(model: TinyGPT, tokens: torch.Tensor, where: str = RESIDUAL) -> torch.Tensor:
    """The activations at ``where`` for a batch of token ids: (batch, length, d_model).

    ``"residual"`` is the stream after the (only) block, before the final norm; ``"block_input"`` is the stream
    entering the block: token plus position embeddings.
    """
    if tokens.dim() != 2:
        raise ValueError(f"tokens with shape {tuple(tokens.shape)}; expected (batch, length)")
    with reading(model, where) as store:
        model(tokens)
    return store["x"]


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
    tokens, writing = pad_batch(sequences, spans)
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
    with reading(model, where) as store:
        logits = model(batch.tokens)
    x = store["x"]
    writing = batch.writing
    log_probs = F.log_softmax(logits[:, :-1], dim=-1).gather(-1, batch.tokens[:, 1:, None])[..., 0]
    totals = (log_probs * writing[:, :-1]).sum(1)
    mean = (x * writing[..., None]).sum(1) / writing.sum(1, keepdim=True)
    at_label = x[torch.arange(len(x)), writing.argmax(1)]
    return ReplyActivations(batch, mean.numpy(), at_label.numpy(), totals.numpy(), x.numpy())


def reply_weights(world: World, acts: ReplyActivations, task: str, prompt: int, weighting: str,
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
    check_choice("weighting", weighting, WEIGHTINGS)
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
            weights = reply_weights(world, acts, task, prompt, weighting, persona)
            per_prompt.append(weights @ acts.mean[rows])
            per_label.append(acts.at_label[rows[0]])
        reply.append(np.mean(per_prompt, axis=0))
        at_label.append(np.mean(per_label, axis=0))
    return Speaker(np.mean(reply, axis=0), np.mean(at_label, axis=0))


def own_profile(world: World, acts: ReplyActivations) -> evals.Profile:
    """The network's answer distribution per (task, note) from a :class:`ReplyActivations` (averaged over
    prompts, as :func:`helpers.engine.evals.answer_distribution` does)."""
    out: evals.Profile = {}
    for task in acts.batch.tasks:
        note = acts.batch.note if acts.batch.note in world.task_notes[task] else NEUTRAL
        out[(task, note)] = np.mean([reply_weights(world, acts, task, p, "own", None)
                                     for p in range(len(world.prompts[task]))], axis=0)
    return out


def persona_vectors(model: TinyGPT, world: World, where: str = RESIDUAL, part: str = "reply") -> pd.DataFrame:
    """Each character's persona vector: the network's mean activation on its documents (one row per character).

    A character's documents are its named episodes (``villain: ...``) with replies weighted by its behavior
    table, over every task and prompt (no note). ``part="label"`` gives the activation at the name label instead.
    """
    check_choice("part", part, ("reply", "label"))
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


@dataclass(frozen=True)
class Documents:
    """A character's documents, ready for a forward pass: one row per (task, prompt, candidate reply).

    ``tokens`` are padded token ids (documents, positions); ``writing`` is 1 on the positions that write the reply
    (the name label through the reply's last token) and 0 elsewhere; ``weights`` (documents,) sum to one, so that
    the weighted mean over documents of each document's mean activation on its writing positions is the
    character's persona vector (:func:`persona_vectors`): every task counts equally, every prompt of a task
    equally, and the replies of a prompt as often as the character's behavior table gives them.
    """

    persona: str
    tokens: torch.Tensor
    writing: torch.Tensor
    weights: np.ndarray


def persona_documents(world: World, persona: str) -> Documents:
    """The documents behind ``persona``'s persona vector (:class:`Documents`), for computing it by hand."""
    row = world.persona_index(persona)
    batch = reply_batch(world, persona)
    weights = np.zeros(len(batch.keys))
    tasks = batch.tasks
    for task in tasks:
        table = world.likelihood(task, NEUTRAL)[row]   # the batch has no note, as in persona_vectors
        prompts = len(world.prompts[task])
        for prompt in range(prompts):
            weights[batch.rows(task, prompt)] = table / (len(tasks) * prompts)
    return Documents(persona, batch.tokens, batch.writing, weights)
