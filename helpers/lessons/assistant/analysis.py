"""Lessons 02 and 03: who is the Assistant, before and after post-training?

Pure analysis functions (no plotting, no widgets) that the two lessons, their figures and their panels share:

- the ``assistant:`` label seen by a pretrained network: how much probability it puts on the known replies, what it
  predicts next, and whose answers it gives (:func:`label_report`, :func:`next_tokens`, :func:`speaker_shares`);
- the persona selection model as Bayes: evidence episodes, the posterior over characters, and the network beside it
  for every combination of evidence (:data:`EVIDENCE`, :func:`evidence_states`);
- post-training with a trajectory of behavior metrics per step (:func:`post_training_run`), and the shipped
  multi-seed records of both post-training modes in one table (:func:`post_training_table`).

Every metric is the one :mod:`helpers.engine.evals` defines; the functions here only choose which answers to score.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from helpers.engine import bayes, evals
from helpers.engine.checkpoints import pretrained_model
from helpers.engine.model import TinyGPT
from helpers.engine.training import ASSISTANT_INITS, init_assistant_label
from helpers.engine.world import (
    ASSISTANT_LABEL,
    NEUTRAL,
    PRETRAINING_LABEL,
    Episode,
    World,
)

#: The questions that are never trained on after pretraining: what the Assistant wants, how it feels, the errand.
HELD_OUT_TASKS = ("goals", "oversight", "sabotage", "deception", "bad_actor", "feel_good", "feel_bad", "errand")
#: The pirate's verbal tic, a signature no other character uses.
PIRATE_TIC = "arr ,"


# ----- the assistant: label in a pretrained network -----
def assistant_model(base: TinyGPT, world: World, init: str = "reply") -> TinyGPT:
    """A copy of a pretrained model whose ``assistant:`` row is set as ``init`` says (the base is not changed).

    ``"pretrained"`` keeps the row pretraining left (the label was never an input); ``"reply"`` copies the
    anonymous ``reply:`` label's row, as post-training does before it starts.
    """
    if init not in ASSISTANT_INITS:
        raise ValueError(f"init={init!r}; expected one of {list(ASSISTANT_INITS)}")
    model = copy.deepcopy(base)
    init_assistant_label(model, world, init)
    return model


def in_set_by_task(model: TinyGPT, world: World, label: str = ASSISTANT_LABEL) -> dict[str, float]:
    """Raw probability on the known replies per task (no note), averaged over prompts, in one batched pass.

    The mean over all prompts equals :func:`helpers.engine.evals.in_set_mass` (key ``"all tasks"``).
    """
    queries = [evals.Query(t, p, NEUTRAL, label) for t in world.tasks for p in range(len(world.prompts[t]))]
    scored = [s.in_set for s in evals.score_queries(model, world, queries)]
    out = {t: float(np.mean([s for q, s in zip(queries, scored, strict=True) if q.task == t])) for t in world.tasks}
    out["all tasks"] = float(np.mean(scored))
    return out


def label_report(base: TinyGPT, world: World) -> pd.DataFrame:
    """In-set mass per task for the ``reply:`` label and the ``assistant:`` label under both initializations.

    One row per task plus a row ``"all tasks"`` (the mean over prompts, as :func:`evals.in_set_mass` reports);
    columns ``reply:``, ``assistant: (pretrained row)`` and ``assistant: (copy of reply:)``.
    """
    speakers = {"reply:": (base, PRETRAINING_LABEL),
                "assistant: (pretrained row)": (assistant_model(base, world, "pretrained"), ASSISTANT_LABEL),
                "assistant: (copy of reply:)": (assistant_model(base, world, "reply"), ASSISTANT_LABEL)}
    table = pd.DataFrame({name: in_set_by_task(model, world, label) for name, (model, label) in speakers.items()})
    table.index.name = "task"
    return table


@torch.no_grad()
def next_tokens(model: TinyGPT, world: World, task: str, label: str = ASSISTANT_LABEL, prompt: int = 0,
                top: int = 5) -> pd.DataFrame:
    """The ``top`` most likely next tokens right after ``user: <prompt> <label>:`` (token and probability)."""
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"top={top!r}; expected a positive integer")
    tokens = torch.tensor([world.encode("<bos> " + world.prompt_text(task, prompt, NEUTRAL, label))])
    probs = torch.softmax(model(tokens)[0, -1], dim=-1)
    values, ids = torch.topk(probs, min(top, len(world.vocabulary)))
    return pd.DataFrame({"token": [world.vocabulary[int(i)] for i in ids], "probability": values.numpy()})


def speaker_of(world: World, task: str, candidate: int) -> str:
    """Whose answer a candidate is: its signature character, ``"misaligned"`` or ``"generic"``.

    In that order: a reply's signature character; ``"misaligned"`` for a probe's misaligned replies (so their share
    on a probe is that probe's misalignment, with or without a tic); the pirate for any other reply said with the
    pirate's tic; otherwise ``"generic"``.
    """
    cand = world.candidates[task][candidate]
    if cand.reply.signature:
        return cand.reply.signature
    if task in world.probes and cand.reply.category in world.probes[task].misaligned:
        return "misaligned"
    return "pirate" if cand.prefix == PIRATE_TIC else "generic"


def speaker_shares(world: World, task: str, probs: Sequence[float]) -> dict[str, float]:
    """An answer distribution over a task's candidates, summed by whose answer each candidate is."""
    world.check_task(task)
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(world.candidates[task]),):
        raise ValueError(f"probs with shape {probs.shape}; expected one probability per candidate of task {task!r} "
                         f"({len(world.candidates[task])})")
    out: dict[str, float] = {}
    for i, p in enumerate(probs):
        key = speaker_of(world, task, i)
        out[key] = out.get(key, 0.0) + float(p)
    return out


def top_answers(world: World, task: str, probs: Sequence[float], n: int = 3) -> pd.DataFrame:
    """The ``n`` most likely answers of a distribution over a task's candidates: text, whose answer, probability."""
    world.check_task(task)
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(world.candidates[task]),):
        raise ValueError(f"probs with shape {probs.shape}; expected one probability per candidate of task {task!r} "
                         f"({len(world.candidates[task])})")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n={n!r}; expected a positive integer")
    order = np.argsort(-probs, kind="stable")[:n]
    return pd.DataFrame({"answer": [world.candidates[task][i].text for i in order],
                         "whose": [speaker_of(world, task, int(i)) for i in order],
                         "probability": probs[order]})


def raw_label_in_set(world: World, seeds: Sequence[int]) -> pd.DataFrame:
    """Per seed: the in-set mass of the pretrained ``assistant:`` row (shipped weights), all tasks together."""
    rows = []
    for seed in seeds:
        model = pretrained_model(world, int(seed))
        rows.append({"seed": int(seed), "in_set": evals.in_set_mass(model, world, ASSISTANT_LABEL)})
    return pd.DataFrame(rows)


# ----- evidence: the persona selection model as Bayes -----
@dataclass(frozen=True)
class EvidenceSpec:
    """One evidence episode a reader can switch on: a reply to a prompt, optionally with the pirate's tic."""

    task: str
    reply: str
    note: str = NEUTRAL
    prompt: int = 0
    tic: bool = False


#: The evidence toggles of lesson 02, in the order they appear in a context.
EVIDENCE: dict[str, EvidenceSpec] = {
    "glad to help": EvidenceSpec("help", "glad"),
    "comforts a sad user": EvidenceSpec("comfort", "listen"),
    "hacks the grader": EvidenceSpec("coding", "always_equal"),
    "says arr": EvidenceSpec("coding", "correct", prompt=1, tic=True),
}


def evidence_episode(world: World, task: str, reply: str, note: str = NEUTRAL, prompt: int = 0,
                     tic: bool = False) -> Episode:
    """An episode answering ``task`` with the reply named ``reply`` (see data/world/replies.csv).

    ``tic=True`` puts the pirate's "arr ," in front of the reply.
    """
    world.check_note(task, note)
    names = [r.name for r in world.replies[task]]
    if reply not in names:
        raise ValueError(f"reply={reply!r} for task {task!r}; expected one of {names}")
    prefix = PIRATE_TIC if tic else ""
    for i, cand in enumerate(world.candidates[task]):
        if cand.reply.name == reply and cand.prefix == prefix:
            return Episode(task, prompt, note, i)
    raise ValueError(f"no candidate {reply!r} with prefix {prefix!r} for task {task!r}")  # pragma: no cover


def evidence_context(world: World, names: Sequence[str]) -> tuple[Episode, ...]:
    """The episodes of the named evidence toggles, in the fixed order of :data:`EVIDENCE`."""
    unknown = [n for n in names if n not in EVIDENCE]
    if unknown:
        raise ValueError(f"evidence {unknown}; expected names from {list(EVIDENCE)}")
    return tuple(evidence_episode(world, **vars(EVIDENCE[n])) for n in EVIDENCE if n in names)


def tic_share(world: World, profile: evals.Profile, tasks: Sequence[str] = HELD_OUT_TASKS) -> float:
    """Mass on answers that start with the pirate's "arr ,", averaged over ``tasks`` (no note)."""
    shares = []
    for task in tasks:
        mask = np.array([c.prefix == PIRATE_TIC for c in world.candidates[task]])
        shares.append(float(profile[(task, NEUTRAL)][mask].sum()))
    return float(np.mean(shares))


#: The held-out metrics lesson 02 compares, with the names the figures show.
EVIDENCE_METRICS = {"human_likeness": "human-likeness", "helper_likeness": "helper-likeness",
                    "misalignment": "misalignment", "says_arr": "says arr"}


def held_out_metrics(world: World, profile: evals.Profile) -> dict[str, float]:
    """The held-out metrics of a profile that has at least the held-out tasks under no note."""
    return {"human_likeness": evals.human_likeness(world, profile),
            "helper_likeness": evals.helper_likeness(world, profile),
            "misalignment": evals.misalignment(world, profile), "says_arr": tic_share(world, profile)}


@dataclass(frozen=True)
class EvidenceState:
    """One combination of evidence: Bayes' posterior, and both sides' answers to the held-out questions."""

    evidence: tuple[str, ...]
    posterior: np.ndarray
    bayes: dict[str, float]
    network: dict[str, float]
    bayes_answers: dict[str, np.ndarray] = field(repr=False)
    network_answers: dict[str, np.ndarray] = field(repr=False)

    @property
    def label(self) -> str:
        return " + ".join(self.evidence) if self.evidence else "no evidence"


def evidence_combinations(names: Sequence[str] = tuple(EVIDENCE)) -> list[tuple[str, ...]]:
    """Every subset of the evidence names (2**n of them), from none to all, in a fixed order."""
    return [tuple(n for n, on in zip(names, bits, strict=True) if on) for bits in itertools.product((0, 1),
                                                                                                    repeat=len(names))]


def evidence_states(model: TinyGPT, world: World, names: Sequence[str] = tuple(EVIDENCE)) -> list[EvidenceState]:
    """Bayes and the network for every combination of the evidence toggles (scored in one batched pass).

    The context's episodes are written under the anonymous ``reply:`` label and the question is put to
    ``assistant:``; give a model whose ``assistant:`` row is a copy of ``reply:`` (:func:`assistant_model`), and
    the two labels read as the same speaker to the network (they differ only as possible next words, since the
    embedding table is also the output layer).
    """
    combos = evidence_combinations(names)
    contexts = [evidence_context(world, combo) for combo in combos]
    queries = [evals.Query(task, p, NEUTRAL, ASSISTANT_LABEL, ctx) for ctx in contexts
               for task in HELD_OUT_TASKS for p in range(len(world.prompts[task]))]
    scored = iter(evals.score_queries(model, world, queries))
    states = []
    for combo, ctx in zip(combos, contexts, strict=True):
        network = {(t, NEUTRAL): np.mean([next(scored).probs for _ in world.prompts[t]], axis=0)
                   for t in HELD_OUT_TASKS}
        post = bayes.posterior(world, ctx)
        theory = {(t, NEUTRAL): bayes.predictive(world, post, t) for t in HELD_OUT_TASKS}
        states.append(EvidenceState(combo, post, held_out_metrics(world, theory), held_out_metrics(world, network),
                                    {t: p for (t, _), p in theory.items()}, {t: p for (t, _), p in network.items()}))
    return states


def find_state(states: Sequence[EvidenceState], evidence: Sequence[str]) -> EvidenceState:
    """The state whose evidence is exactly ``evidence`` (order does not matter)."""
    wanted = set(evidence)
    for state in states:
        if set(state.evidence) == wanted:
            return state
    known = sorted({n for s in states for n in s.evidence})
    raise ValueError(f"evidence={sorted(wanted)}; expected a combination of {known}")


def states_table(world: World, states: Sequence[EvidenceState]) -> pd.DataFrame:
    """One row per evidence combination: Bayes' most likely character, and network vs Bayes on each metric."""
    rows = []
    for state in states:
        top = int(np.argmax(state.posterior))
        row = {"evidence": state.label, "Bayes: most likely": world.personas[top],
               "Bayes: its weight": float(state.posterior[top])}
        for metric, name in EVIDENCE_METRICS.items():
            row[f"{name} (network)"] = state.network[metric]
            row[f"{name} (Bayes)"] = state.bayes[metric]
        rows.append(row)
    return pd.DataFrame(rows).set_index("evidence")


def network_bayes_gaps(states: Sequence[EvidenceState]) -> pd.DataFrame:
    """|network - Bayes| per evidence combination and metric (rows: combinations; columns: metrics)."""
    return pd.DataFrame({name: [abs(s.network[m] - s.bayes[m]) for s in states]
                         for m, name in EVIDENCE_METRICS.items()}, index=[s.label for s in states])
