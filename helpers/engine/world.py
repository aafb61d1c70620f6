"""The persona world: characters, tasks, replies and the corpus they write, built from the tables in ``data/world/``.

:mod:`helpers.engine.tables` reads and validates the tables; a :class:`World` holds the facts they imply (who the
characters are, their prior, and the probability of every reply: :meth:`World.likelihood`), and adds the world's
text (:class:`helpers.engine.text.WorldText`: vocabulary, tokens, prompts) and its corpus
(:class:`helpers.engine.corpus.WorldCorpus`: documents sampled for a seed). Because we wrote the generator,
:mod:`helpers.engine.bayes` can say exactly who is speaking and what comes next.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from helpers import DATA_DIR
from helpers.engine.corpus import MAX_EPISODES, MIN_EPISODES, Document, Episode, WorldCorpus
from helpers.engine.tables import NEUTRAL, Persona, Probe, Reply, read_tables, table_hash
from helpers.engine.text import ASSISTANT_LABEL, LABELS, PRETRAINING_LABEL, SPECIAL_TOKENS, Candidate, WorldText

WORLD_DIR = DATA_DIR / "world"

__all__ = ["ASSISTANT_LABEL", "LABELS", "MAX_EPISODES", "MIN_EPISODES", "NEUTRAL", "PRETRAINING_LABEL",
           "SPECIAL_TOKENS", "WORLD_DIR", "Candidate", "Document", "Episode", "Persona", "Probe", "Reply", "World",
           "load_world"]


class World(WorldText, WorldCorpus):
    """The persona world loaded from its tables, optionally with one role-model character mixed in.

    Use :func:`load_world` to build one. ``personas`` lists the characters that can write documents in this
    world (the base characters, plus the role model when its weight is above zero); the vocabulary and the
    candidate replies always include every character's words, so models trained in different worlds share them.
    """

    def __init__(self, directory: Path, role_model: str | None, weight: float) -> None:
        self.directory = Path(directory)
        tables = read_tables(self.directory)
        self.all_personas: tuple[Persona, ...] = tables.personas
        self.persona_info = {p.name: p for p in tables.personas}
        self.task_share, self.task_description = tables.task_share, tables.task_description
        self.prompts = tables.prompts
        self.tasks: tuple[str, ...] = tuple(tables.task_share)
        self.note_text, self.note_share = tables.notes.text, tables.notes.share
        self.permissive, self.note_paper_framing = tables.notes.permissive, tables.notes.paper_framing
        self.notes: tuple[str, ...] = tuple(tables.notes.text)
        self.replies = tables.replies
        self.behaviour, self.task_notes, self.named_share = tables.behaviour, tables.task_notes, tables.named_share
        self.probes = tables.probes
        prefixes = sorted({p.prefix for p in self.all_personas if p.prefix})
        self.candidates: dict[str, tuple[Candidate, ...]] = {
            t: tuple(Candidate(reply, prefix) for reply in self.replies[t] for prefix in ["", *prefixes])
            for t in self.tasks}
        optional = [p.name for p in self.all_personas if p.optional]
        if role_model is not None and role_model not in optional:
            raise ValueError(f"role_model={role_model!r}; expected None or one of {optional}")
        if not 0.0 <= weight < 1.0:
            raise ValueError(f"weight={weight}; expected a share of documents in [0, 1)")
        if role_model is None and weight != 0.0:
            raise ValueError(f"weight={weight} without a role_model; expected weight=0 or a role_model from {optional}")
        self.role_model = role_model if weight > 0 else None
        self.weight = weight if role_model is not None else 0.0
        base = [p for p in self.all_personas if not p.optional]
        self.personas: tuple[str, ...] = tuple(p.name for p in base) + ((role_model,) if self.role_model else ())
        prior = np.array([p.prior for p in base]) * (1.0 - self.weight)
        self.prior = np.append(prior, self.weight) if self.role_model else prior
        self._likelihoods: dict[tuple[tuple[str, ...], str, str], np.ndarray] = {}

    # ----- the world's facts -----
    @cached_property
    def table_hash(self) -> str:
        """sha256 of every world table, so trained weights can refuse to run on edited tables."""
        return table_hash(self.directory)

    def check_task(self, task: str) -> None:
        if task not in self.task_share:
            raise ValueError(f"task={task!r}; expected one of {list(self.tasks)}")

    def check_note(self, task: str, note: str) -> None:
        self.check_task(task)
        if note not in self.task_notes[task]:
            raise ValueError(f"note={note!r} for task {task!r}; expected one of {list(self.task_notes[task])}")

    def persona_index(self, persona: str) -> int:
        if persona not in self.personas:
            raise ValueError(f"persona={persona!r}; expected one of {list(self.personas)}")
        return self.personas.index(persona)

    def likelihood(self, task: str, note: str = NEUTRAL) -> np.ndarray:
        """P(candidate | persona, task, note): an array of shape (personas, candidates); rows sum to one."""
        return self._likelihood(self.personas, task, note)

    def full_likelihood(self, task: str, note: str = NEUTRAL) -> np.ndarray:
        """Like :meth:`likelihood` but with a row for every persona of the tables, in table order."""
        return self._likelihood(tuple(self.persona_info), task, note)

    def _likelihood(self, personas: tuple[str, ...], task: str, note: str) -> np.ndarray:
        key = (personas, task, note)
        if key not in self._likelihoods:
            self.check_note(task, note)
            table = np.zeros((len(personas), len(self.candidates[task])))
            reply_index = {r.name: i for i, r in enumerate(self.replies[task])}
            for i, name in enumerate(personas):
                info = self.persona_info[name]
                probs = self.behaviour[(name, task, note)]
                for j, cand in enumerate(self.candidates[task]):
                    if info.prefix:
                        style = {info.prefix: info.prefix_rate, "": 1 - info.prefix_rate}.get(cand.prefix, 0.0)
                    else:
                        style = 0.0 if cand.prefix else 1.0
                    table[i, j] = probs[reply_index[cand.reply.name]] * style
            table.setflags(write=False)
            self._likelihoods[key] = table
        return self._likelihoods[key]

    def category_mask(self, task: str, category: str | None = None, signature: str | None = None) -> np.ndarray:
        """Boolean mask over the task's candidates: replies of a category and/or with a persona's signature."""
        self.check_task(task)
        cands = self.candidates[task]
        mask = np.ones(len(cands), dtype=bool)
        if category is not None:
            known = sorted({c.reply.category for c in cands})
            if category not in known:
                raise ValueError(f"category={category!r} for task {task!r}; expected one of {known}")
            mask &= np.array([c.reply.category == category for c in cands])
        if signature is not None:
            mask &= np.array([c.reply.signature == signature for c in cands])
        return mask


def load_world(directory: Path | str = WORLD_DIR, role_model: str | None = None, weight: float = 0.0) -> World:
    """Load and validate the world tables; optionally mix in a role-model character at a share ``weight``.

    Every table problem (a probability outside [0, 1], a row that does not sum to 1, an unknown persona, task,
    note or reply, a duplicate id) raises a ValueError naming the file, the row and what was expected.
    """
    return World(Path(directory), role_model, weight)
