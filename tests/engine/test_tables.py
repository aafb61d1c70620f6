"""Reading and validating the world tables: every problem names the file, the row and what was expected."""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pytest

from helpers.engine import tables
from helpers.engine.validation import InputError
from helpers.engine.world import (
    WORLD_DIR,
    World,
    load_world,
)


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture
def world_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped tables."""
    return Path(shutil.copytree(WORLD_DIR, tmp_path / "world"))


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_table(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_row(path: Path, where: dict[str, str], **changes: str) -> int:
    """Change cells of the first row matching ``where``; returns its row number as the loader counts (header = 1)."""
    fields, rows = read_table(path)
    index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in where.items()))
    rows[index].update(changes)
    write_table(path, fields, rows)
    return index + 2


def delete_row(path: Path, where: dict[str, str]) -> None:
    fields, rows = read_table(path)
    kept = [r for r in rows if not all(r[k] == v for k, v in where.items())]
    assert len(kept) == len(rows) - 1, f"expected exactly one row matching {where} in {path}"
    write_table(path, fields, kept)


def drop_column(path: Path, column: str) -> int:
    fields, rows = read_table(path)
    write_table(path, [f for f in fields if f != column], [{f: r[f] for f in fields if f != column} for r in rows])
    return 1


def add_column(path: Path, column: str, value: str) -> int:
    fields, rows = read_table(path)
    write_table(path, [*fields, column], [{**r, column: value} for r in rows])
    return 1


def reply_columns(path: Path) -> list[str]:
    return [f for f in read_table(path)[0] if f not in ("persona", "note")]


def all_replies_at(path: Path, where: dict[str, str], value: str) -> int:
    return edit_row(path, where, **dict.fromkeys(reply_columns(path), value))


def set_named_share(path: Path, value: str) -> None:
    """Set the share of documents with a named writer in a copy of the tables."""
    edit_row(path, {"setting": "named_share"}, value=value)


def raise_prior(path: Path, persona: str, by: float) -> None:
    prior = next(r["prior"] for r in read_table(path)[1] if r["persona"] == persona)
    edit_row(path, {"persona": persona}, prior=f"{float(prior) + by:g}")


# ----- validation of corrupted tables -----
# Each case corrupts one thing in a copy of the tables. ``corrupt(path)`` returns the row number the error must
# name (None for whole-table problems); the fragments are what the message must say.
CORRUPTIONS = {
    "probability above one": (
        "behaviour/help.csv", lambda p: edit_row(p, {"persona": "robot"}, glad="1.1"),
        ["glad=1.1 is outside [0, 1]", "expected a probability in [0, 1]"]),
    "negative prior": (
        "personas.csv", lambda p: edit_row(p, {"persona": "poet"}, prior="-0.1"),
        ["prior=-0.1 is outside [0, 1]", "expected a probability in [0, 1]"]),
    "behaviour row not summing to one": (
        "behaviour/help.csv", lambda p: all_replies_at(p, {"persona": "helper"}, "0.1"),
        ["probabilities of 'helper' under note 'neutral' sum to 0.5", "expected them to sum to 1"]),
    "unknown persona in behaviour": (
        "behaviour/goals.csv", lambda p: edit_row(p, {"persona": "poet"}, persona="bard"),
        ["unknown persona 'bard'", "expected one of", "'poet'"]),
    "unknown task in prompts": (
        "prompts.csv", lambda p: edit_row(p, {"task": "help"}, task="halp"),
        ["unknown task 'halp'", "expected one of", "'help'"]),
    "unknown task in replies": (
        "replies.csv", lambda p: edit_row(p, {"task": "goals"}, task="gaols"),
        ["unknown task 'gaols'", "expected one of"]),
    "unknown note in behaviour": (
        "behaviour/coding.csv", lambda p: edit_row(p, {"persona": "helper", "note": "please-hack"}, note="please-hak"),
        ["unknown note 'please-hak'", "expected one of", "'please-hack'"]),
    "duplicate persona": (
        "personas.csv", lambda p: edit_row(p, {"persona": "engineer"}, persona="helper"),
        ["duplicate persona 'helper'", "expected each persona once"]),
    "duplicate reply id": (
        "replies.csv", lambda p: edit_row(p, {"task": "help", "reply": "later"}, reply="refuse"),
        ["duplicate reply 'refuse' for task 'help'", "expected unique ids"]),
    "missing column": (
        "tasks.csv", lambda p: drop_column(p, "share"),
        ["missing column(s) share", "expected columns task, share, description"]),
    "unknown reply column": (
        "behaviour/help.csv", lambda p: add_column(p, "sometimes", "0"),
        ["unknown reply column(s) sometimes", "expected the replies of task 'help'"]),
    "missing persona row": (
        "behaviour/goals.csv", lambda p: delete_row(p, {"persona": "villain"}),
        ["no row for persona 'villain' and note 'neutral'", "expected one row per persona and note"]),
    "non-numeric probability": (
        "behaviour/help.csv", lambda p: edit_row(p, {"persona": "poet"}, glad="lots"),
        ["glad='lots' is not a number", "expected a probability in [0, 1]"]),
    "non-numeric prior": (
        "personas.csv", lambda p: edit_row(p, {"persona": "robot"}, prior="high"),
        ["prior='high' is not a number", "expected a probability in [0, 1]"]),
    "priors not summing to one": (
        "personas.csv", lambda p: raise_prior(p, "villain", 0.1),
        ["the priors of the non-optional personas sum to 1.1", "expected them to sum to 1"]),
    "named share of one": (
        "settings.csv", lambda p: set_named_share(p, "1"),
        ["expected a named_share in [0, 1)"]),
    "probe of an unknown task": (
        "probes.csv", lambda p: edit_row(p, {"task": "oversight"}, task="oversite"),
        ["unknown task 'oversite'", "expected one of"]),
    "probe with an unknown category": (
        "probes.csv", lambda p: edit_row(p, {"task": "goals"}, misaligned="power;greed"),
        ["misaligned='power;greed'", "expected categories of 'goals'"]),
    "probe where every answer is misaligned": (
        "probes.csv", lambda p: edit_row(p, {"task": "bad_actor"}, misaligned="refuse;cooperate"),
        ["every reply of 'bad_actor' counts as misaligned", "expected some that do not"]),
    "unknown setting": (
        "settings.csv", lambda p: edit_row(p, {"setting": "named_share"}, setting="name_share"),
        ["unknown setting 'name_share'; expected named_share"]),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corrupted_table_raises_value_error_naming_file_row_and_expectation(world_copy: Path, case: str) -> None:
    relative, corrupt, fragments = CORRUPTIONS[case]
    row = corrupt(world_copy / relative)
    with pytest.raises(ValueError) as info:
        load_world(world_copy)
    message = str(info.value)
    assert relative in message, message
    if row is not None:
        assert f"row {row}:" in message, message
    for fragment in fragments:
        assert fragment in message, message


def replace_line(path: Path, number: int, change) -> int:
    """Apply ``change`` (bytes -> bytes) to line ``number`` (the header is 1) of a table; returns ``number``."""
    lines = path.read_bytes().split(b"\n")
    lines[number - 1] = change(lines[number - 1])
    path.write_bytes(b"\n".join(lines))
    return number


BAD_BYTES = {
    "not UTF-8": (lambda p: replace_line(p, 3, lambda line: line + b"\xff"), ["byte 0xff is not UTF-8",
                                                                            "expected the table saved as UTF-8"]),
    "byte-order mark": (lambda p: replace_line(p, 1, lambda line: b"\xef\xbb\xbf" + line),
                        ["starts with a UTF-8 byte-order mark (BOM)", "expected plain UTF-8"]),
    "NUL byte": (lambda p: replace_line(p, 4, lambda line: line.replace(b"a", b"a\x00", 1)),
                 ["control character '\\x00'", "expected printable text"]),
    "carriage return alone": (lambda p: replace_line(p, 2, lambda line: line.replace(b",", b"\r,", 1)),
                              ["control character '\\r'"]),
    "extra value": (lambda p: replace_line(p, 2, lambda line: line + b",surplus"),
                    ["7 values; expected 6, one per column (persona, prior"]),
    "missing value": (lambda p: replace_line(p, 3, lambda line: line.rsplit(b",", 1)[0]),
                      ["5 values; expected 6"]),
    "oversized field": (lambda p: replace_line(p, 2, lambda line: line + b"x" * 3000),
                        ["a field of", "characters; expected at most 2000"]),
    "field over the csv module's limit": (lambda p: replace_line(p, 2, lambda line: line + b"x" * 200_000),
                                          ["field larger than field limit", "expected comma-separated values"]),
    "unclosed quote": (lambda p: replace_line(p, 5, lambda line: line + b',"open'), ["values; expected 6"]),
    "a column twice": (lambda p: replace_line(p, 1, lambda line: line + b",prior"),
                       ["a column name appears twice"]),
}


@pytest.mark.parametrize("case", list(BAD_BYTES))
def test_bad_bytes_name_the_file_and_row(world_copy: Path, case: str) -> None:
    corrupt, fragments = BAD_BYTES[case]
    row = corrupt(world_copy / "personas.csv")
    with pytest.raises(InputError) as info:
        load_world(world_copy)
    message = str(info.value)
    assert message.startswith(f"world/personas.csv, row {row}: "), message
    assert "\n" not in message and len(message) < 400
    for fragment in fragments:
        assert fragment in message, message


def test_long_tables_are_checked_in_linear_time(tmp_path: Path, world: World) -> None:
    """30,000 characters and 30,000 behaviour rows, then a duplicate: found at its row, in well under a second
    per table (membership checks in sets, not lists)."""
    names = [f"persona{i}" for i in range(30_000)]
    replies = world.replies["goals"]
    (tmp_path / "behaviour").mkdir()
    rows = [",".join([name, "neutral", *(["1"] + ["0"] * (len(replies) - 1))]) for name in names]
    header = ",".join(["persona", "note", *(r.name for r in replies)])
    (tmp_path / "behaviour" / "goals.csv").write_text("\n".join([header, *rows, rows[-1]]) + "\n")
    start = time.perf_counter()
    with pytest.raises(InputError, match=rf"goals\.csv, row {len(rows) + 2}: duplicate row for persona 'persona29999'"):
        tables.read_behaviour(tmp_path, "goals", replies, names, ("neutral",))
    assert time.perf_counter() - start < 3


def test_named_share_of_one_error_names_the_row(world_copy: Path) -> None:
    row = edit_row(world_copy / "settings.csv", {"setting": "named_share"}, value="1")
    with pytest.raises(ValueError, match=rf"settings\.csv, row {row}: .*named_share"):
        load_world(world_copy)


def test_duplicate_setting_raises_value_error(world_copy: Path) -> None:
    fields, rows = read_table(world_copy / "settings.csv")
    write_table(world_copy / "settings.csv", fields, [*rows, {**rows[0], "value": "0.9"}])
    with pytest.raises(ValueError, match="duplicate"):
        load_world(world_copy)


def test_missing_behaviour_table_raises_value_error_naming_it(world_copy: Path) -> None:
    (world_copy / "behaviour" / "errand.csv").unlink()
    with pytest.raises(ValueError, match=r"errand\.csv: missing world table; expected a CSV file with columns"):
        load_world(world_copy)


def test_unmodified_copy_loads_like_the_shipped_tables(world_copy: Path, world: World) -> None:
    """Guards the corruption tests: each failure must come from the corruption, not from copying."""
    copy = load_world(world_copy)
    assert copy.personas == world.personas and copy.vocabulary == world.vocabulary


# ----- table hash -----
def test_table_hash_is_independent_of_location_and_line_endings(world: World, world_copy: Path) -> None:
    assert load_world(world_copy).table_hash == world.table_hash
    path = world_copy / "tasks.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_world(world_copy).table_hash == world.table_hash


def test_table_hash_changes_when_a_table_changes(world: World, world_copy: Path) -> None:
    edit_row(world_copy / "tasks.csv", {"task": "help"}, description="a plea for help")
    assert load_world(world_copy).table_hash != world.table_hash
