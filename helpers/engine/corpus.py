"""Sampling the pretraining corpus: documents written by characters drawn from the prior, reproducible for a seed.

Because we wrote the generator, :mod:`helpers.engine.bayes` can say exactly who is speaking and what comes next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.engine.tables import NEUTRAL
from helpers.engine.text import PRETRAINING_LABEL

MIN_EPISODES, MAX_EPISODES = 2, 4


@dataclass(frozen=True)
class Episode:
    """One exchange: a prompt (task, paraphrase index, note) and the index of the candidate reply given."""

    task: str
    prompt: int
    note: str
    candidate: int


@dataclass(frozen=True)
class Document:
    """A character and the episodes it wrote."""

    persona: str
    episodes: tuple[Episode, ...]
    named: bool = False

    @property
    def label(self) -> str:
        """The speaker label of the document's replies: the writer's name, or the anonymous ``reply``."""
        return self.persona if self.named else PRETRAINING_LABEL



class WorldCorpus:
    """The sampling half of :class:`helpers.engine.world.World`: it reads the world's tasks, notes, shares,
    likelihoods, personas and role model."""

    def _sample_episodes(self, rng: np.random.Generator, persona_index: np.ndarray,
                         likelihood_rows: dict[str, int]) -> list[list[Episode]]:
        """Episodes for documents whose writers are given (indices into ``likelihood_rows`` order)."""
        n = len(persona_index)
        n_episodes = rng.integers(MIN_EPISODES, MAX_EPISODES + 1, size=n)
        total = int(n_episodes.sum())
        tasks = np.array(self.tasks)[rng.choice(len(self.tasks), size=total,
                                                p=[self.task_share[t] for t in self.tasks])]
        notes = np.array(self.notes)[rng.choice(len(self.notes), size=total,
                                                p=[self.note_share[x] for x in self.notes])]
        prompt_u = rng.random(total)
        reply_u = rng.random(total)
        writer = np.repeat(persona_index, n_episodes)
        notes = np.where([self.task_notes[t] != (NEUTRAL,) for t in tasks], notes, NEUTRAL)
        prompts = np.zeros(total, dtype=int)
        candidates = np.zeros(total, dtype=int)
        rows = np.array(list(likelihood_rows.values()))
        for task in self.tasks:
            in_task = tasks == task
            prompts[in_task] = (prompt_u[in_task] * len(self.prompts[task])).astype(int)
            for note in self.task_notes[task]:
                sel = in_task & (notes == note)
                cdf = np.cumsum(self.full_likelihood(task, note)[rows], axis=1)
                cdf[:, -1] = 1.0
                candidates[sel] = (reply_u[sel, None] > cdf[writer[sel]]).sum(axis=1)
        episodes = [Episode(str(t), int(p), str(x), int(c)) for t, p, x, c in zip(tasks, prompts, notes, candidates,
                                                                                  strict=True)]
        bounds = np.concatenate([[0], np.cumsum(n_episodes)])
        return [episodes[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def sample_documents(self, n: int, seed: int) -> list[Document]:
        """``n`` documents, reproducible for a seed.

        Independent random streams make worlds with and without a role model paired: the base documents are
        always drawn from the first, the second decides which of them a role model's document replaces (a share
        ``weight``), the third writes those replacements, and the fourth decides which documents name their writer.
        So two worlds with the same seed differ only in the replaced documents.
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n={n!r}; expected a positive number of documents")
        if not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed={seed!r}; expected a non-negative integer")
        table_order = {name: i for i, name in enumerate(self.persona_info)}
        base = [p.name for p in self.all_personas if not p.optional]
        base_prior = np.array([self.persona_info[p].prior for p in base])
        base_rng, swap_rng, role_rng, name_rng = (np.random.default_rng([seed, stream]) for stream in range(4))
        writers = np.array(base, dtype=object)[base_rng.choice(len(base), size=n, p=base_prior)]
        writer_rows = np.array([table_order[w] for w in writers])
        episodes = self._sample_episodes(base_rng, writer_rows, table_order)
        replaced = swap_rng.random(n) < self.weight
        if replaced.any():
            role_rows = np.full(int(replaced.sum()), table_order[self.role_model])
            role_episodes = self._sample_episodes(role_rng, role_rows, table_order)
            for i, eps in zip(np.flatnonzero(replaced), role_episodes, strict=True):
                writers[i], episodes[i] = self.role_model, eps
        named = name_rng.random(n) < self.named_share
        return [Document(str(w), tuple(e), bool(m)) for w, e, m in zip(writers, episodes, named, strict=True)]
