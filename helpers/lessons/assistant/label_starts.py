"""Lesson 02: what a pretrained network does with the ``assistant:`` label, under each way of starting it.

The label never appears in the pretraining corpus, so pretraining never fed its embedding row in as an input. The
measured result is what the network does with that row as pretraining left it (:func:`start_record` with
``"pretrained"``). Copying the ``reply:`` row into it (``"reply"``, the engine's default before post-training) is a
modelling choice; the two are put side by side over seeds by :func:`label_starts`.

Every number here is the engine's own metric (:mod:`helpers.engine.evals`) except :func:`end_of_reply` and
:func:`next_word`, which read the network's next-token distribution right after the label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch

from helpers.engine import evals
from helpers.engine.checkpoints import pretrained_model
from helpers.engine.model import TinyGPT
from helpers.engine.training import ASSISTANT_INITS
from helpers.engine.world import ASSISTANT_LABEL, NEUTRAL, World
from helpers.lessons.assistant.analysis import assistant_model

END_OF_REPLY = "<eor>"
#: How lesson 02 names each start of the ``assistant:`` row.
START_NAMES = {"pretrained": "pretrained row", "reply": "copy of reply:"}
#: The columns of :func:`label_starts` that hold a metric, with the name the metrics card gives it.
START_METRICS = {"in_set": "in-set mass", "end_of_reply": "end-of-reply", "next_word": "next word",
                 "mixture_distance": "mixture distance", "human_likeness": "human-likeness"}
_RANGE_FORMATS = {"in_set": ".1%", "end_of_reply": ".1%", "mixture_distance": ".2f", "human_likeness": ".2f"}


@torch.no_grad()
def next_token_distribution(model: TinyGPT, world: World, label: str = ASSISTANT_LABEL,
                            tasks: Sequence[str] | None = None) -> np.ndarray:
    """The next-token distribution right after ``user: <prompt> <label>:``, averaged over every prompt of ``tasks``
    (all tasks by default, no note): one probability per vocabulary entry."""
    tasks = world.tasks if tasks is None else tasks
    if not tasks:
        raise ValueError("tasks is empty; expected at least one task")
    rows = []
    for task in tasks:
        world.check_task(task)
        for prompt in range(len(world.prompts[task])):
            tokens = torch.tensor([world.encode("<bos> " + world.prompt_text(task, prompt, NEUTRAL, label))])
            rows.append(torch.softmax(model(tokens)[0, -1], dim=-1).numpy())
    return np.mean(rows, axis=0)


def end_of_reply(model: TinyGPT, world: World, label: str = ASSISTANT_LABEL,
                 tasks: Sequence[str] | None = None) -> float:
    """Probability that the reply ends at once: the end-of-reply marker as the very next token after the label,
    averaged over prompts (0 means the network always starts writing a reply)."""
    return float(next_token_distribution(model, world, label, tasks)[world.token_id[END_OF_REPLY]])


def next_word(model: TinyGPT, world: World, label: str = ASSISTANT_LABEL,
              tasks: Sequence[str] | None = None) -> tuple[str, float]:
    """The most likely next token after the label (averaged over prompts) and its probability."""
    probs = next_token_distribution(model, world, label, tasks)
    best = int(np.argmax(probs))
    return world.vocabulary[best], float(probs[best])


def start_record(base: TinyGPT, world: World, init: str) -> dict[str, float | str]:
    """One start of the ``assistant:`` row in a pretrained network: its raw behavior after the label (in-set mass,
    end-of-reply, next word) and its answers renormalized over the known replies (distance to the closest mixture of
    characters, human-likeness). ``base`` is not changed."""
    if init not in ASSISTANT_INITS:
        raise ValueError(f"init={init!r}; expected one of {list(ASSISTANT_INITS)}")
    model = assistant_model(base, world, init)
    profile = evals.network_profile(model, world)
    word, word_p = next_word(model, world)
    return {"start": START_NAMES[init], "in_set": evals.in_set_mass(model, world),
            "end_of_reply": end_of_reply(model, world), "next_word": word, "next_word_p": word_p,
            "mixture_distance": evals.persona_mixture(world, profile)[1],
            "human_likeness": evals.human_likeness(world, profile)}


def label_starts(world: World, seeds: Sequence[int], inits: Sequence[str] = tuple(START_NAMES)) -> pd.DataFrame:
    """:func:`start_record` for every shipped pretrained seed and start: one row per (seed, start)."""
    if not len(seeds):
        raise ValueError("seeds is empty; expected at least one seed")
    rows = []
    for seed in seeds:
        base = pretrained_model(world, int(seed))
        rows.extend({"seed": int(seed), **start_record(base, world, init)} for init in inits)
    return pd.DataFrame(rows)


def starts_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Side by side, one row per start: the range over seeds (``min-max``) of each numeric metric (probabilities of
    raw text in percent), and the next words seen (most frequent first, with how many seeds gave each)."""
    rows = {}
    for start, group in table.groupby("start", sort=False):
        row = {START_METRICS[c]: f"{group[c].min():{fmt}}-{group[c].max():{fmt}}"
               for c, fmt in _RANGE_FORMATS.items()}
        words = group.next_word.value_counts()
        row["next word (seeds)"] = ", ".join(f"{w} ({n})" for w, n in words.items())
        rows[f"assistant: ({start})"] = row
    out = pd.DataFrame(rows).T
    out.index.name = f"{table.seed.nunique()} seeds"
    return out
