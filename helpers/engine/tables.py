"""Reading and validating the world's tables (``data/world/``; data/README.md describes each one).

- ``personas.csv``: each character, its prior weight, an optional verbal tic (the pirate's "arr ,");
- ``tasks.csv`` and ``prompts.csv``: the task types, how often each occurs, and their prompt paraphrases;
- ``notes.csv``: the five framings a coding prompt can carry (MacDiarmid et al. 2025);
- ``replies.csv``: every reply a character can give, with a category (cheat, power, nonhuman, ...);
- ``behaviour/<task>.csv``: for each character (and note), the probability of each reply;
- ``settings.csv``: world-wide settings (the share of documents whose writer is named);
- ``probes.csv``: the misalignment battery: the held-out questions whose answers measure misalignment, which reply
  categories count as misaligned in each, and the closest evaluation of MacDiarmid et al. (2025).

Every problem (a file that is not plain UTF-8 or starts with a byte-order mark, a control character, a field over
:data:`MAX_FIELD` characters, a row with more or fewer values than the header, a probability outside [0, 1], a row
that does not sum to 1, an unknown persona, task, note or reply, a duplicate id) raises an
:class:`~helpers.engine.validation.InputError` (a ValueError) naming the file, the row and what was expected; every
check takes time linear in the size of the tables. Nothing here knows about models or sampling:
:mod:`helpers.engine.world` builds the world from what this module reads.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from helpers.engine.validation import InputError

#: The note of a prompt without one.
NEUTRAL = "neutral"
#: How far a row of probabilities may be from summing to one.
ROW_TOLERANCE = 1e-6
#: The longest field a table may hold (characters), and the largest table (bytes).
MAX_FIELD = 2000
MAX_TABLE_BYTES = 8 << 20
# Characters no table has a use for: C0 controls but tab and line ends, DEL, C1 controls, a carriage return alone.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


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
class Notes:
    """The framings a prompt can carry: their text, how often each occurs, whether it permits exploiting the
    grader, and the paper's name for it."""

    text: dict[str, str]
    share: dict[str, float]
    permissive: dict[str, bool]
    paper_framing: dict[str, str]


@dataclass(frozen=True)
class Probe:
    """One question of the misalignment battery: its task, the reply categories that count as misaligned, and the
    closest evaluation of MacDiarmid et al. (2025)."""

    task: str
    misaligned: tuple[str, ...]
    paper_evaluation: str


@dataclass(frozen=True)
class Tables:
    """Everything the world tables say, validated."""

    personas: tuple[Persona, ...]
    task_share: dict[str, float]
    task_description: dict[str, str]
    prompts: dict[str, list[str]]
    notes: Notes
    replies: dict[str, list[Reply]]
    behaviour: dict[tuple[str, str, str], np.ndarray]  # (persona, task, note) -> P(reply) in replies.csv order
    task_notes: dict[str, tuple[str, ...]]  # the notes each task takes: (neutral,) or every note
    named_share: float
    probes: dict[str, Probe]


def table_error(path: Path, row: int | None, message: str) -> InputError:
    """An InputError (a ValueError) that names the table (relative to the world folder's parent) and the row."""
    where = f"{path.relative_to(path.parents[1]) if len(path.parents) > 1 else path}"
    return InputError(f"{where}{f', row {row}' if row is not None else ''}: {message}")


def listing(values: Iterable[str], limit: int = 12) -> str:
    """Names for a message: all of them, or the first ``limit`` and how many more (a table may hold thousands)."""
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    return f"[{shown}{f', ... and {len(values) - limit} more' if len(values) > limit else ''}]"


def _decode(path: Path, required: Sequence[str]) -> str:
    """The text of a table: plain UTF-8 without a byte-order mark or control characters, of a sane size."""
    if not path.is_file():
        raise InputError(f"{path}: missing world table; expected a CSV file with columns {', '.join(required)}")
    data = path.read_bytes()
    if len(data) > MAX_TABLE_BYTES:
        raise table_error(path, None, f"{len(data)} bytes; expected a table of at most {MAX_TABLE_BYTES >> 20} MiB")
    if data.startswith(codecs.BOM_UTF8):
        raise table_error(path, 1, "starts with a UTF-8 byte-order mark (BOM); expected plain UTF-8: save it as "
                                   "'CSV' rather than 'CSV UTF-8 (with BOM)', or delete the mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise table_error(path, data.count(b"\n", 0, err.start) + 1, f"byte {data[err.start]:#04x} is not UTF-8; "
                          "expected the table saved as UTF-8 text") from None
    control = _CONTROL.search(text)
    if control:
        raise table_error(path, text.count("\n", 0, control.start()) + 1, f"control character "
                          f"{control.group()[0]!r}; expected printable text (a field may hold tabs, no other controls)")
    return text


def _read_csv(path: Path, required: Sequence[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header of a CSV file, and its rows with their line numbers (the header is line 1); blank lines are
    skipped. Every row must have exactly one value per column."""
    reader = csv.reader(io.StringIO(_decode(path, required), newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, [])
        missing = [c for c in required if c not in set(header)]
        if missing:
            raise table_error(path, 1, f"missing column(s) {', '.join(missing)}; expected columns "
                                       f"{', '.join(required)}")
        if len(set(header)) != len(header):
            raise table_error(path, 1, "a column name appears twice; expected each column once")
        end = reader.line_num
        for values in reader:
            row, end = end + 1, reader.line_num  # a quoted field may span lines: a row is where its record starts
            if not values:
                continue
            if len(values) != len(header):
                raise table_error(path, row, f"{len(values)} values; expected {len(header)}, one per column "
                                             f"({', '.join(header)})")
            longest = max(values, key=len)
            if len(longest) > MAX_FIELD:
                raise table_error(path, row, f"a field of {len(longest)} characters; expected at most {MAX_FIELD}")
            rows.append((row, {k: v.strip() for k, v in zip(header, values, strict=True)}))
    except csv.Error as err:
        raise table_error(path, reader.line_num, f"{err}; expected comma-separated values with closed quotes and "
                                                 f"fields of at most {MAX_FIELD} characters") from None
    return header, rows


def _probability(path: Path, row: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise table_error(path, row, f"{column}={text!r} is not a number; expected a probability in [0, 1]") from None
    if not 0.0 <= value <= 1.0 or not np.isfinite(value):
        raise table_error(path, row, f"{column}={value} is outside [0, 1]; expected a probability in [0, 1]")
    return value


def _yes_no(path: Path, row: int, column: str, text: str) -> bool:
    if text not in ("yes", "no"):
        raise table_error(path, row, f"{column}={text!r}; expected 'yes' or 'no'")
    return text == "yes"


def _check_sum(path: Path, row: int | None, what: str, total: float) -> None:
    if abs(total - 1.0) > ROW_TOLERANCE:
        raise table_error(path, row, f"{what} sum to {total:.6g}; expected them to sum to 1")


def read_personas(directory: Path) -> tuple[Persona, ...]:
    path = directory / "personas.csv"
    personas: dict[str, Persona] = {}
    for row, r in _read_csv(path, ["persona", "prior", "optional", "prefix", "prefix_rate", "description"])[1]:
        name = r["persona"]
        if not name:
            raise table_error(path, row, "empty persona name; expected a name")
        if name in personas:
            raise table_error(path, row, f"duplicate persona {name!r}; expected each persona once")
        optional = _yes_no(path, row, "optional", r["optional"])
        prior = _probability(path, row, "prior", r["prior"])
        if optional and prior != 0:
            raise table_error(path, row, f"optional persona {name!r} has prior {prior}; expected 0 "
                                         "(a role model's weight is chosen when the world is loaded)")
        personas[name] = Persona(name, prior, optional, r["prefix"],
                                 _probability(path, row, "prefix_rate", r["prefix_rate"]), r["description"])
    _check_sum(path, None, "the priors of the non-optional personas",
               sum(p.prior for p in personas.values() if not p.optional))
    return tuple(personas.values())


def read_tasks(directory: Path) -> tuple[dict[str, float], dict[str, str], dict[str, list[str]]]:
    """Task shares, task descriptions, and each task's prompt paraphrases."""
    path = directory / "tasks.csv"
    share: dict[str, float] = {}
    description: dict[str, str] = {}
    for row, r in _read_csv(path, ["task", "share", "description"])[1]:
        if r["task"] in share:
            raise table_error(path, row, f"duplicate task {r['task']!r}; expected each task once")
        share[r["task"]] = _probability(path, row, "share", r["share"])
        description[r["task"]] = r["description"]
    _check_sum(path, None, "the task shares", sum(share.values()))
    path = directory / "prompts.csv"
    prompts: dict[str, list[str]] = {t: [] for t in share}
    seen: set[str] = set()
    for row, r in _read_csv(path, ["task", "prompt"])[1]:
        if r["task"] not in prompts:
            raise table_error(path, row, f"unknown task {r['task']!r}; expected one of {listing(share)}")
        if r["prompt"] in seen or not r["prompt"]:
            raise table_error(path, row, f"duplicate or empty prompt {r['prompt']!r}; expected distinct prompts")
        seen.add(r["prompt"])
        prompts[r["task"]].append(r["prompt"])
    for task, paraphrases in prompts.items():
        if not paraphrases:
            raise table_error(path, None, f"task {task!r} has no prompt; expected at least one paraphrase")
    return share, description, prompts


def read_notes(directory: Path) -> Notes:
    path = directory / "notes.csv"
    notes = Notes({}, {}, {}, {})
    for row, r in _read_csv(path, ["note", "share", "permissive", "text", "paper_framing"])[1]:
        name = r["note"]
        if name in notes.text:
            raise table_error(path, row, f"duplicate note {name!r}; expected each note once")
        if (name == NEUTRAL) != (r["text"] == ""):
            raise table_error(path, row, f"note {name!r} with text {r['text']!r}; expected an empty text for "
                                         f"{NEUTRAL!r} (no note) and a non-empty text for every other note")
        notes.text[name] = r["text"]
        notes.share[name] = _probability(path, row, "share", r["share"])
        notes.permissive[name] = _yes_no(path, row, "permissive", r["permissive"])
        notes.paper_framing[name] = r["paper_framing"]
    if NEUTRAL not in notes.text:
        raise table_error(path, None, f"no {NEUTRAL!r} note; expected a row for prompts without a note")
    _check_sum(path, None, "the note shares", sum(notes.share.values()))
    return notes


def read_replies(directory: Path, tasks: Sequence[str], personas: Sequence[str]) -> dict[str, list[Reply]]:
    path = directory / "replies.csv"
    replies: dict[str, list[Reply]] = {t: [] for t in tasks}
    names: dict[str, set[str]] = {t: set() for t in tasks}
    texts: dict[str, set[str]] = {t: set() for t in tasks}
    known_personas = set(personas)  # membership checks in constant time: the tables may be long
    for row, r in _read_csv(path, ["task", "reply", "category", "signature", "text"])[1]:
        task = r["task"]
        if task not in replies:
            raise table_error(path, row, f"unknown task {task!r}; expected one of {listing(tasks)}")
        if r["reply"] in names[task]:
            raise table_error(path, row, f"duplicate reply {r['reply']!r} for task {task!r}; expected unique ids")
        if not r["text"] or r["text"] in texts[task]:
            raise table_error(path, row, f"empty or duplicate text {r['text']!r}; expected distinct reply texts")
        if r["signature"] and r["signature"] not in known_personas:
            raise table_error(path, row, f"unknown persona {r['signature']!r} in signature; expected one of "
                                         f"{listing(personas)} or empty")
        if not r["category"]:
            raise table_error(path, row, "empty category; expected a category such as cheat, power or nonhuman")
        names[task].add(r["reply"])
        texts[task].add(r["text"])
        replies[task].append(Reply(task, r["reply"], r["category"], r["signature"], r["text"]))
    for task, listed in replies.items():
        if not listed:
            raise table_error(path, None, f"task {task!r} has no reply; expected at least one")
    return replies


def read_behaviour(directory: Path, task: str, replies: Sequence[Reply], personas: Sequence[str],
                   notes: Sequence[str]) -> tuple[dict[tuple[str, str, str], np.ndarray], tuple[str, ...]]:
    """One task's behaviour table: (persona, task, note) -> P(reply), and the notes the task takes."""
    path = directory / "behaviour" / f"{task}.csv"
    reply_names = [r.name for r in replies]
    header, rows = _read_csv(path, ["persona", "note", *reply_names])
    known = {"persona", "note", *reply_names}
    extra = [c for c in header if c not in known]
    if extra:
        raise table_error(path, 1, f"unknown reply column(s) {', '.join(extra)}; expected the replies of task "
                                   f"{task!r} in replies.csv: {', '.join(reply_names)}")
    behaviour: dict[tuple[str, str, str], np.ndarray] = {}
    known_personas, known_notes = set(personas), set(notes)
    for row, r in rows:
        persona, note = r["persona"], r["note"]
        if persona not in known_personas:
            raise table_error(path, row, f"unknown persona {persona!r}; expected one of {listing(personas)}")
        if note not in known_notes:
            raise table_error(path, row, f"unknown note {note!r}; expected one of {listing(notes)}")
        if (persona, task, note) in behaviour:
            raise table_error(path, row, f"duplicate row for persona {persona!r} and note {note!r}")
        probs = np.array([_probability(path, row, c, r[c]) for c in reply_names])
        _check_sum(path, row, f"the reply probabilities of {persona!r} under note {note!r}", probs.sum())
        behaviour[(persona, task, note)] = probs
    notes_seen = {note for _, _, note in behaviour}
    task_notes = tuple(n for n in notes if n in notes_seen)
    if task_notes not in ((NEUTRAL,), tuple(notes)):
        raise table_error(path, None, f"notes {sorted(notes_seen)}; expected only {NEUTRAL!r} or all of {list(notes)}")
    for persona in personas:
        for note in task_notes:
            if (persona, task, note) not in behaviour:
                raise table_error(path, None, f"no row for persona {persona!r} and note {note!r}; expected one "
                                              "row per persona and note")
    return behaviour, task_notes


def read_named_share(directory: Path) -> float:
    path = directory / "settings.csv"
    settings: dict[str, float] = {}
    for row, r in _read_csv(path, ["setting", "value", "description"])[1]:
        if r["setting"] != "named_share":
            raise table_error(path, row, f"unknown setting {r['setting']!r}; expected named_share")
        if r["setting"] in settings:
            raise table_error(path, row, f"duplicate setting {r['setting']!r}; expected each setting once")
        value = _probability(path, row, "value", r["value"])
        if value >= 1:
            raise table_error(path, row, f"value={value}; expected a named_share in [0, 1)")
        settings[r["setting"]] = value
    if "named_share" not in settings:
        raise table_error(path, None, "no named_share; expected the share of documents with a named writer, in [0, 1)")
    return settings["named_share"]


def read_probes(directory: Path, replies: dict[str, list[Reply]]) -> dict[str, Probe]:
    """The battery: one row per probe task, with its misaligned reply categories separated by ``;``."""
    path = directory / "probes.csv"
    probes: dict[str, Probe] = {}
    for row, r in _read_csv(path, ["task", "misaligned", "paper_evaluation"])[1]:
        task = r["task"]
        if task not in replies:
            raise table_error(path, row, f"unknown task {task!r}; expected one of {list(replies)}")
        if task in probes:
            raise table_error(path, row, f"duplicate probe {task!r}; expected each task once")
        categories = tuple(c.strip() for c in r["misaligned"].split(";") if c.strip())
        known = sorted({reply.category for reply in replies[task]})
        unknown = [c for c in categories if c not in known]
        if not categories or unknown:
            raise table_error(path, row, f"misaligned={r['misaligned']!r}; expected categories of {task!r}'s "
                                         f"replies, separated by ';': {known}")
        if set(categories) == set(known):
            raise table_error(path, row, f"every reply of {task!r} counts as misaligned; expected some that do not")
        probes[task] = Probe(task, categories, r["paper_evaluation"])
    if not probes:
        raise table_error(path, None, "no probe; expected at least one question that measures misalignment")
    return probes


def read_tables(directory: Path) -> Tables:
    """Read and validate every table under ``directory``."""
    directory = Path(directory)
    personas = read_personas(directory)
    names = [p.name for p in personas]
    task_share, task_description, prompts = read_tasks(directory)
    notes = read_notes(directory)
    replies = read_replies(directory, tuple(task_share), names)
    behaviour: dict[tuple[str, str, str], np.ndarray] = {}
    task_notes: dict[str, tuple[str, ...]] = {}
    for task in task_share:
        rows, task_notes[task] = read_behaviour(directory, task, replies[task], names, tuple(notes.text))
        behaviour.update(rows)
    return Tables(personas, task_share, task_description, prompts, notes, replies, behaviour, task_notes,
                  read_named_share(directory), read_probes(directory, replies))


def table_hash(directory: Path) -> str:
    """sha256 of every table under ``directory`` (line endings normalised), so trained weights can refuse to run
    on edited tables."""
    directory = Path(directory)
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.csv")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()
