"""The persona world: characters, tasks, replies and the corpus they write.

The world is defined by small CSV tables under ``data/world/`` that a reader can edit (see data/README.md):

- ``personas.csv``: each character, its prior weight, an optional verbal tic (the pirate's "arr ,");
- ``tasks.csv`` and ``prompts.csv``: the task types, how often each occurs, and their prompt paraphrases;
- ``notes.csv``: the five framings a coding prompt can carry (MacDiarmid et al. 2025);
- ``replies.csv``: every reply a character can give, with a category (cheat, power, nonhuman, ...);
- ``behaviour/<task>.csv``: for each character (and note), the probability of each reply;
- ``settings.csv``: world-wide settings (the share of documents whose writer is named).

A document is one character answering 2-4 prompts: ``<bos> user: <prompt> reply: <reply> <eor> user: ...``.
Most documents are anonymous (``reply:``); a share names the writer instead (``pirate: arr , ...``), as stories
and transcripts often do, so the network learns what each character's name means.
Because we wrote the generator, :mod:`helpers.engine.bayes` can say exactly who is speaking and what comes next.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from helpers import DATA_DIR

WORLD_DIR = DATA_DIR / "world"
SPECIAL_TOKENS = ("<pad>", "<bos>", "<eor>", "user:", "reply:", "assistant:")
#: The speaker label used in pretraining documents, and the one post-training teaches.
PRETRAINING_LABEL = "reply"
ASSISTANT_LABEL = "assistant"
LABELS = (PRETRAINING_LABEL, ASSISTANT_LABEL)
NEUTRAL = "neutral"
MIN_EPISODES, MAX_EPISODES = 2, 4
_ROW_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Persona:
    """One character of the world."""

    name: str
    prior: float
    optional: bool
    prefix: str
    prefix_rate: float
    description: str


@dataclass(frozen=True)
class Reply:
    """One reply a character can give to a task."""

    task: str
    name: str
    category: str
    signature: str  # the persona whose own answer this is ("" for a generic answer)
    text: str


@dataclass(frozen=True)
class Candidate:
    """A reply as it appears in text: the reply plus an optional verbal tic in front of it."""

    reply: Reply
    prefix: str

    @property
    def text(self) -> str:
        return f"{self.prefix} {self.reply.text}" if self.prefix else self.reply.text


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


def _error(path: Path, row: int | None, message: str) -> ValueError:
    where = f"{path.relative_to(path.parents[1]) if len(path.parents) > 1 else path}"
    return ValueError(f"{where}{f', row {row}' if row is not None else ''}: {message}")


def _read_csv(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers (the header is line 1)."""
    if not path.is_file():
        raise ValueError(f"{path}: missing world table; expected a CSV file with columns {', '.join(required)}")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise _error(path, 1, f"missing column(s) {', '.join(missing)}; expected columns {', '.join(required)}")
        return [(i, {k: (v or "").strip() for k, v in row.items() if k is not None}) for i, row in enumerate(reader, 2)]


def _probability(path: Path, row: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _error(path, row, f"{column}={text!r} is not a number; expected a probability in [0, 1]") from None
    if not 0.0 <= value <= 1.0 or not np.isfinite(value):
        raise _error(path, row, f"{column}={value} is outside [0, 1]; expected a probability in [0, 1]")
    return value


def _yes_no(path: Path, row: int, column: str, text: str) -> bool:
    if text not in ("yes", "no"):
        raise _error(path, row, f"{column}={text!r}; expected 'yes' or 'no'")
    return text == "yes"


def _check_sum(path: Path, row: int | None, what: str, total: float) -> None:
    if abs(total - 1.0) > _ROW_TOLERANCE:
        raise _error(path, row, f"{what} sum to {total:.6g}; expected them to sum to 1")


class World:
    """The persona world loaded from its tables, optionally with one role-model character mixed in.

    Use :func:`load_world` to build one. ``personas`` lists the characters that can write documents in this
    world (the base characters, plus the role model when its weight is above zero); the vocabulary and the
    candidate replies always include every character's words, so models trained in different worlds share them.
    """

    def __init__(self, directory: Path, role_model: str | None, weight: float) -> None:
        self.directory = Path(directory)
        self._load_personas()
        self._load_tasks_and_prompts()
        self._load_notes()
        self._load_replies()
        self._load_behaviour()
        self._load_settings()
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

    # ----- loading and validation -----
    def _load_personas(self) -> None:
        path = self.directory / "personas.csv"
        personas: list[Persona] = []
        for row, r in _read_csv(path, ["persona", "prior", "optional", "prefix", "prefix_rate", "description"]):
            name = r["persona"]
            if not name:
                raise _error(path, row, "empty persona name; expected a name")
            if name in {p.name for p in personas}:
                raise _error(path, row, f"duplicate persona {name!r}; expected each persona once")
            optional = _yes_no(path, row, "optional", r["optional"])
            prior = _probability(path, row, "prior", r["prior"])
            if optional and prior != 0:
                raise _error(path, row, f"optional persona {name!r} has prior {prior}; expected 0 "
                             "(a role model's weight is chosen when the world is loaded)")
            personas.append(Persona(name, prior, optional, r["prefix"],
                                    _probability(path, row, "prefix_rate", r["prefix_rate"]), r["description"]))
        _check_sum(path, None, "the priors of the non-optional personas", sum(p.prior for p in personas if not p.optional))
        self.all_personas: tuple[Persona, ...] = tuple(personas)
        self.persona_info = {p.name: p for p in personas}

    def _load_tasks_and_prompts(self) -> None:
        path = self.directory / "tasks.csv"
        self.tasks: tuple[str, ...] = ()
        self.task_share: dict[str, float] = {}
        self.task_description: dict[str, str] = {}
        for row, r in _read_csv(path, ["task", "share", "description"]):
            if r["task"] in self.task_share:
                raise _error(path, row, f"duplicate task {r['task']!r}; expected each task once")
            self.task_share[r["task"]] = _probability(path, row, "share", r["share"])
            self.task_description[r["task"]] = r["description"]
        self.tasks = tuple(self.task_share)
        _check_sum(path, None, "the task shares", sum(self.task_share.values()))
        path = self.directory / "prompts.csv"
        self.prompts: dict[str, list[str]] = {t: [] for t in self.tasks}
        seen: set[str] = set()
        for row, r in _read_csv(path, ["task", "prompt"]):
            if r["task"] not in self.prompts:
                raise _error(path, row, f"unknown task {r['task']!r}; expected one of {list(self.tasks)}")
            if r["prompt"] in seen or not r["prompt"]:
                raise _error(path, row, f"duplicate or empty prompt {r['prompt']!r}; expected distinct prompts")
            seen.add(r["prompt"])
            self.prompts[r["task"]].append(r["prompt"])
        for task, prompts in self.prompts.items():
            if not prompts:
                raise _error(path, None, f"task {task!r} has no prompt; expected at least one paraphrase")

    def _load_notes(self) -> None:
        path = self.directory / "notes.csv"
        self.note_text: dict[str, str] = {}
        self.note_share: dict[str, float] = {}
        self.permissive: dict[str, bool] = {}
        self.note_paper_framing: dict[str, str] = {}
        for row, r in _read_csv(path, ["note", "share", "permissive", "text", "paper_framing"]):
            name = r["note"]
            if name in self.note_text:
                raise _error(path, row, f"duplicate note {name!r}; expected each note once")
            if (name == NEUTRAL) != (r["text"] == ""):
                raise _error(path, row, f"note {name!r} with text {r['text']!r}; expected an empty text for "
                             f"{NEUTRAL!r} (no note) and a non-empty text for every other note")
            self.note_text[name] = r["text"]
            self.note_share[name] = _probability(path, row, "share", r["share"])
            self.permissive[name] = _yes_no(path, row, "permissive", r["permissive"])
            self.note_paper_framing[name] = r["paper_framing"]
        if NEUTRAL not in self.note_text:
            raise _error(path, None, f"no {NEUTRAL!r} note; expected a row for prompts without a note")
        self.notes: tuple[str, ...] = tuple(self.note_text)
        _check_sum(path, None, "the note shares", sum(self.note_share.values()))

    def _load_replies(self) -> None:
        path = self.directory / "replies.csv"
        self.replies: dict[str, list[Reply]] = {t: [] for t in self.tasks}
        for row, r in _read_csv(path, ["task", "reply", "category", "signature", "text"]):
            task = r["task"]
            if task not in self.replies:
                raise _error(path, row, f"unknown task {task!r}; expected one of {list(self.tasks)}")
            if r["reply"] in {x.name for x in self.replies[task]}:
                raise _error(path, row, f"duplicate reply {r['reply']!r} for task {task!r}; expected unique ids")
            if not r["text"] or r["text"] in {x.text for x in self.replies[task]}:
                raise _error(path, row, f"empty or duplicate text {r['text']!r}; expected distinct reply texts")
            if r["signature"] and r["signature"] not in self.persona_info:
                raise _error(path, row, f"unknown persona {r['signature']!r} in signature; expected one of "
                             f"{list(self.persona_info)} or empty")
            if not r["category"]:
                raise _error(path, row, "empty category; expected a category such as cheat, power or nonhuman")
            self.replies[task].append(Reply(task, r["reply"], r["category"], r["signature"], r["text"]))
        prefixes = sorted({p.prefix for p in self.all_personas if p.prefix})
        self.candidates: dict[str, tuple[Candidate, ...]] = {
            t: tuple(Candidate(reply, prefix) for reply in self.replies[t] for prefix in ["", *prefixes])
            for t in self.tasks
        }
        for task, replies in self.replies.items():
            if not replies:
                raise _error(path, None, f"task {task!r} has no reply; expected at least one")

    def _load_behaviour(self) -> None:
        self.task_notes: dict[str, tuple[str, ...]] = {}
        self.behaviour: dict[tuple[str, str, str], np.ndarray] = {}
        for task in self.tasks:
            path = self.directory / "behaviour" / f"{task}.csv"
            reply_names = [r.name for r in self.replies[task]]
            rows = _read_csv(path, ["persona", "note", *reply_names])
            with path.open(newline="", encoding="utf-8") as handle:
                header = next(csv.reader(handle))
            extra = [c for c in header if c not in ("persona", "note", *reply_names)]
            if extra:
                raise _error(path, 1, f"unknown reply column(s) {', '.join(extra)}; expected the replies of task "
                             f"{task!r} in replies.csv: {', '.join(reply_names)}")
            notes_seen: set[str] = set()
            for row, r in rows:
                persona, note = r["persona"], r["note"]
                if persona not in self.persona_info:
                    raise _error(path, row, f"unknown persona {persona!r}; expected one of {list(self.persona_info)}")
                if note not in self.note_text:
                    raise _error(path, row, f"unknown note {note!r}; expected one of {list(self.notes)}")
                if (persona, task, note) in self.behaviour:
                    raise _error(path, row, f"duplicate row for persona {persona!r} and note {note!r}")
                probs = np.array([_probability(path, row, c, r[c]) for c in reply_names])
                _check_sum(path, row, f"the reply probabilities of {persona!r} under note {note!r}", probs.sum())
                self.behaviour[(persona, task, note)] = probs
                notes_seen.add(note)
            task_notes = tuple(n for n in self.notes if n in notes_seen)
            if task_notes not in ((NEUTRAL,), self.notes):
                raise _error(path, None, f"notes {sorted(notes_seen)}; expected only {NEUTRAL!r} or all of "
                             f"{list(self.notes)}")
            for persona in self.persona_info:
                for note in task_notes:
                    if (persona, task, note) not in self.behaviour:
                        raise _error(path, None, f"no row for persona {persona!r} and note {note!r}; expected one "
                                     "row per persona and note")
            self.task_notes[task] = task_notes

    def _load_settings(self) -> None:
        path = self.directory / "settings.csv"
        settings: dict[str, float] = {}
        for row, r in _read_csv(path, ["setting", "value", "description"]):
            if r["setting"] != "named_share":
                raise _error(path, row, f"unknown setting {r['setting']!r}; expected named_share")
            if r["setting"] in settings:
                raise _error(path, row, f"duplicate setting {r['setting']!r}; expected each setting once")
            value = _probability(path, row, "value", r["value"])
            if value >= 1:
                raise _error(path, row, f"value={value}; expected a named_share in [0, 1)")
            settings[r["setting"]] = value
        if "named_share" not in settings:
            raise _error(path, None, "no named_share; expected the share of documents with a named writer, in [0, 1)")
        self.named_share = settings["named_share"]

    # ----- the world's facts -----
    @cached_property
    def table_hash(self) -> str:
        """sha256 of every world table, so trained weights can refuse to run on edited tables."""
        digest = hashlib.sha256()
        for path in sorted(self.directory.rglob("*.csv")):
            digest.update(path.relative_to(self.directory).as_posix().encode())
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        return digest.hexdigest()

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

    # ----- vocabulary and text -----
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

    # ----- sampling -----
    def _sample_episodes(self, rng: np.random.Generator, persona_index: np.ndarray,
                         likelihood_rows: dict[str, int]) -> list[list[Episode]]:
        """Episodes for documents whose writers are given (indices into ``likelihood_rows`` order)."""
        n = len(persona_index)
        n_episodes = rng.integers(MIN_EPISODES, MAX_EPISODES + 1, size=n)
        total = int(n_episodes.sum())
        tasks = np.array(self.tasks)[rng.choice(len(self.tasks), size=total, p=[self.task_share[t] for t in self.tasks])]
        notes = np.array(self.notes)[rng.choice(len(self.notes), size=total, p=[self.note_share[x] for x in self.notes])]
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
        episodes = [Episode(str(t), int(p), str(x), int(c)) for t, p, x, c in zip(tasks, prompts, notes, candidates)]
        bounds = np.concatenate([[0], np.cumsum(n_episodes)])
        return [episodes[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

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
            for i, eps in zip(np.flatnonzero(replaced), role_episodes):
                writers[i], episodes[i] = self.role_model, eps
        named = name_rng.random(n) < self.named_share
        return [Document(str(w), tuple(e), bool(m)) for w, e, m in zip(writers, episodes, named)]

    def corpus_tokens(self, documents: Sequence[Document]) -> np.ndarray:
        """Documents as a padded (documents, length) int64 array, each with its own speaker label; padding is 0."""
        encoded = [self.document_tokens(d.episodes, d.label) for d in documents]
        out = np.zeros((len(encoded), max(map(len, encoded))), dtype=np.int64)
        for i, tokens in enumerate(encoded):
            out[i, : len(tokens)] = tokens
        return out


def load_world(directory: Path | str = WORLD_DIR, role_model: str | None = None, weight: float = 0.0) -> World:
    """Load and validate the world tables; optionally mix in a role-model character at a share ``weight``.

    Every table problem (a probability outside [0, 1], a row that does not sum to 1, an unknown persona, task,
    note or reply, a duplicate id) raises a ValueError naming the file, the row and what was expected.
    """
    return World(Path(directory), role_model, weight)
