"""The world's text: its vocabulary, token ids, and how prompts, episodes and documents are written out.

A document is one character answering 2-4 prompts: ``<bos> user: <prompt> reply: <reply> <eor> user: ...``. Most
documents are anonymous (``reply:``); a share names the writer instead (``pirate: arr , ...``), as stories and
transcripts often do, so the network learns what each character's name means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence

from helpers.engine.tables import NEUTRAL, Reply

if TYPE_CHECKING:
    from helpers.engine.corpus import Document, Episode

SPECIAL_TOKENS = ("<pad>", "<bos>", "<eor>", "user:", "reply:", "assistant:")
#: The speaker label used in pretraining documents, and the one post-training teaches.
PRETRAINING_LABEL = "reply"
ASSISTANT_LABEL = "assistant"
LABELS = (PRETRAINING_LABEL, ASSISTANT_LABEL)


@dataclass(frozen=True)
class Candidate:
    """A reply as it appears in text: the reply plus an optional verbal tic in front of it."""

    reply: Reply
    prefix: str

    @property
    def text(self) -> str:
        return f"{self.prefix} {self.reply.text}" if self.prefix else self.reply.text



def pad_batch(sequences: Sequence[Sequence[int]], spans: Sequence[tuple[int, int]] | None = None,
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Token sequences as one (rows, longest) tensor padded with 0 (``<pad>``), and a float mask that is 1 on each
    row's span ``[start, end)`` (default: the whole sequence) and 0 elsewhere."""
    if not sequences:
        raise ValueError("sequences is empty; expected at least one token sequence")
    tokens = pad_sequence([torch.tensor(list(s), dtype=torch.long) for s in sequences], batch_first=True)
    spans = [(0, len(s)) for s in sequences] if spans is None else spans
    start, end = (torch.tensor(x)[:, None] for x in zip(*spans, strict=True))
    positions = torch.arange(tokens.shape[1])[None, :]
    return tokens, ((positions >= start) & (positions < end)).float()


class WorldText:
    """The text half of :class:`helpers.engine.world.World`: it reads the world's ``prompts``, ``note_text``,
    ``candidates`` and ``persona_info`` and checks notes with ``check_note``."""

    @cached_property
    def vocabulary(self) -> tuple[str, ...]:
        """Special tokens, then every word of every table, sorted: the same for all role-model settings."""
        words: set[str] = set()
        texts = [p for ps in self.prompts.values() for p in ps] + list(self.note_text.values())
        texts += [c.text for cs in self.candidates.values() for c in cs]
        for text in texts:
            words.update(text.split())
        names = tuple(f"{p}:" for p in self.persona_info)
        clash = words & (set(SPECIAL_TOKENS) | set(names))
        if clash:
            raise ValueError(f"table text uses reserved token(s) {sorted(clash)}; expected ordinary words")
        return SPECIAL_TOKENS + names + tuple(sorted(words))

    @cached_property
    def token_id(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.vocabulary)}

    def encode(self, text: str) -> list[int]:
        """Token ids of a whitespace-separated text; every word must be in the vocabulary."""
        try:
            return [self.token_id[w] for w in text.split()]
        except KeyError as err:
            raise ValueError(f"word {err.args[0]!r} is not in the world's vocabulary; expected words from the "
                             "world tables") from None

    def decode(self, ids: Iterable[int]) -> str:
        return " ".join(self.vocabulary[int(i)] for i in ids if int(i) != 0)

    def prompt_text(self, task: str, prompt: int, note: str = NEUTRAL, label: str = PRETRAINING_LABEL) -> str:
        """``user: [note] <prompt> <label>:``: the text right before a reply."""
        self.check_note(task, note)
        if not 0 <= prompt < len(self.prompts[task]):
            raise ValueError(f"prompt={prompt} for task {task!r}; expected 0..{len(self.prompts[task]) - 1}")
        if label not in LABELS and label not in self.persona_info:
            raise ValueError(f"label={label!r}; expected one of {list(LABELS)} or a persona's name "
                             f"{list(self.persona_info)}")
        note_text = self.note_text[note]
        return " ".join(x for x in ("user:", note_text, self.prompts[task][prompt], f"{label}:") if x)

    def episode_text(self, episode: Episode, label: str = PRETRAINING_LABEL) -> str:
        reply = self.candidates[episode.task][episode.candidate].text
        return f"{self.prompt_text(episode.task, episode.prompt, episode.note, label)} {reply} <eor>"

    def document_text(self, episodes: Sequence[Episode], label: str = PRETRAINING_LABEL) -> str:
        return " ".join(["<bos>", *(self.episode_text(e, label) for e in episodes)])

    def document_tokens(self, episodes: Sequence[Episode], label: str = PRETRAINING_LABEL) -> list[int]:
        return self.encode(self.document_text(episodes, label))

    def corpus_tokens(self, documents: Sequence[Document]) -> np.ndarray:
        """Documents as a padded (documents, length) int64 array, each with its own speaker label; padding is 0."""
        return pad_batch([self.document_tokens(d.episodes, d.label) for d in documents])[0].numpy()
