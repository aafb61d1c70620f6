"""Unit tests for helpers/engine/world.py: loading and validating the world tables, text, and sampling documents."""

from __future__ import annotations

import csv
import math
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from helpers.engine.world import (
    ASSISTANT_LABEL,
    NEUTRAL,
    SPECIAL_TOKENS,
    WORLD_DIR,
    Document,
    Episode,
    World,
    load_world,
)

#: How many binomial standard deviations an empirical count may stray from its expectation.
Z_TOLERANCE = 4.5


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def gamer_world() -> World:
    return load_world(role_model="gamer", weight=0.15)


@pytest.fixture(scope="module")
def big_sample(world: World) -> list[Document]:
    """~20k documents (about 0.3 s): enough for frequency checks at a few percent."""
    return world.sample_documents(20_000, seed=5)


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


# ----- loading the shipped tables -----
def test_shipped_tables_load_with_the_characters_and_tasks_the_course_uses(world: World) -> None:
    assert {"helper", "robot", "pirate", "villain"} <= set(world.personas)
    assert {"steward", "gamer"} <= {p.name for p in world.all_personas if p.optional}
    assert not {"steward", "gamer"} & set(world.personas)
    assert {"coding", "help", "goals", "comfort"} <= set(world.tasks)
    assert world.role_model is None and world.weight == 0.0
    assert world.task_notes["coding"] == world.notes and world.task_notes["help"] == (NEUTRAL,)
    assert 0 <= world.named_share < 1


@pytest.mark.parametrize("role_model, weight", [(None, 0.0), ("gamer", 0.15), ("steward", 0.5)])
def test_prior_sums_to_one_and_gives_the_role_model_its_weight(role_model: str | None, weight: float) -> None:
    world = load_world(role_model=role_model, weight=weight)
    assert world.prior.sum() == pytest.approx(1.0)
    assert (world.prior >= 0).all()
    assert len(world.prior) == len(world.personas)
    if role_model:
        assert world.personas[-1] == role_model and world.prior[-1] == pytest.approx(weight)


def test_role_model_with_zero_weight_is_the_base_world(world: World) -> None:
    same = load_world(role_model="gamer", weight=0.0)
    assert same.role_model is None and same.personas == world.personas
    np.testing.assert_array_equal(same.prior, world.prior)


def test_shares_of_tasks_and_notes_sum_to_one(world: World) -> None:
    assert sum(world.task_share.values()) == pytest.approx(1.0)
    assert sum(world.note_share.values()) == pytest.approx(1.0)


def test_vocabulary_is_identical_with_and_without_a_role_model(world: World, gamer_world: World) -> None:
    """Models trained in different worlds must share token ids, so the role model cannot add or move words."""
    assert gamer_world.vocabulary == world.vocabulary
    assert gamer_world.token_id == world.token_id


def test_vocabulary_starts_with_special_tokens_then_every_name_label_and_has_no_duplicates(world: World) -> None:
    names = tuple(f"{p.name}:" for p in world.all_personas)
    assert world.vocabulary[: len(SPECIAL_TOKENS) + len(names)] == SPECIAL_TOKENS + names
    assert world.vocabulary[0] == "<pad>"
    assert len(set(world.vocabulary)) == len(world.vocabulary)


def test_every_reply_appears_plain_and_with_the_pirate_prefix(world: World) -> None:
    texts = [c.text for c in world.candidates["help"]]
    first = world.replies["help"][0].text
    assert texts[:2] == [first, f"arr , {first}"]
    assert len(texts) == 2 * len(world.replies["help"])


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


# ----- bad arguments -----
@pytest.mark.parametrize("kwargs, pattern", [
    ({"role_model": "nobody", "weight": 0.1}, r"role_model='nobody'; expected None or one of \['steward', 'gamer'\]"),
    ({"role_model": "helper", "weight": 0.1}, r"role_model='helper'; expected None or one of"),
    ({"role_model": "gamer", "weight": 1.5}, r"weight=1.5; expected a share of documents in \[0, 1\)"),
    ({"role_model": "gamer", "weight": -0.1}, r"weight=-0.1; expected a share of documents in \[0, 1\)"),
    ({"role_model": "gamer", "weight": 1.0}, r"weight=1.0; expected a share"),
    ({"role_model": "gamer", "weight": float("nan")}, r"weight=nan; expected a share"),
    ({"weight": 0.2}, r"weight=0.2 without a role_model; expected weight=0 or a role_model"),
])
def test_load_world_rejects_bad_role_model_arguments(kwargs: dict, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        load_world(**kwargs)


@pytest.mark.parametrize("n, seed, pattern", [
    (0, 0, r"n=0; expected a positive number of documents"),
    (-3, 0, r"n=-3; expected a positive"),
    (2.5, 0, r"n=2.5; expected a positive"),
    (5, -1, r"seed=-1; expected a non-negative integer"),
    (5, 1.0, r"seed=1.0; expected a non-negative integer"),
])
def test_sample_documents_rejects_bad_n_and_seed(world: World, n, seed, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        world.sample_documents(n, seed)


@pytest.mark.parametrize("args, pattern", [
    (("cooking", 0), r"task='cooking'; expected one of \['coding'"),
    (("help", 0, "please-hack"), r"note='please-hack' for task 'help'; expected one of \['neutral'\]"),
    (("coding", 0, "be-nice"), r"note='be-nice' for task 'coding'; expected one of"),
    (("help", 0, NEUTRAL, "user"), r"label='user'; expected one of \['reply', 'assistant'\] or a persona's name"),
    (("help", 0, NEUTRAL, "pirate:"), r"label='pirate:'; expected one of"),
    (("help", 3), r"prompt=3 for task 'help'; expected 0..2"),
    (("help", -1), r"prompt=-1 for task 'help'; expected 0..2"),
])
def test_prompt_text_rejects_bad_task_note_label_and_index(world: World, args: tuple, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        world.prompt_text(*args)


def test_encode_rejects_an_unknown_word(world: World) -> None:
    with pytest.raises(ValueError, match=r"word 'banana' is not in the world's vocabulary; expected words"):
        world.encode("user: banana")


def test_persona_index_rejects_a_persona_not_in_this_world(world: World, gamer_world: World) -> None:
    assert gamer_world.persona_index("gamer") == len(gamer_world.personas) - 1
    with pytest.raises(ValueError, match=r"persona='gamer'; expected one of \['helper'"):
        world.persona_index("gamer")


def test_category_mask_selects_by_category_and_signature(world: World) -> None:
    cands = world.candidates["coding"]
    cheat = world.category_mask("coding", category="cheat")
    assert cheat.any() and not cheat.all()
    assert all((c.reply.category == "cheat") == bool(m) for c, m in zip(cands, cheat))
    robot_help = world.category_mask("help", signature="robot")
    assert robot_help.any()
    assert all((c.reply.signature == "robot") == bool(m) for c, m in zip(world.candidates["help"], robot_help))
    assert world.category_mask("help").all()
    with pytest.raises(ValueError, match=r"category='evil' for task 'help'; expected one of"):
        world.category_mask("help", category="evil")
    with pytest.raises(ValueError, match=r"task='cooking'"):
        world.category_mask("cooking")


# ----- likelihoods -----
@pytest.mark.parametrize("task", ["coding", "help", "goals", "comfort"])
def test_likelihood_rows_are_distributions_for_every_persona_and_note(world: World, gamer_world: World,
                                                                      task: str) -> None:
    for note in world.task_notes[task]:
        table = world.full_likelihood(task, note)
        assert table.shape == (len(world.all_personas), len(world.candidates[task]))
        np.testing.assert_allclose(table.sum(axis=1), 1.0)
        assert (table >= 0).all()
        np.testing.assert_array_equal(gamer_world.likelihood(task, note)[-1], table[-1])  # gamer is last in the table


def test_likelihood_applies_the_pirate_prefix_rule(world: World) -> None:
    """The pirate says 'arr ,' before 80% of replies; nobody else ever does."""
    table = world.likelihood("goals")
    prefixed = np.array([c.prefix == "arr ," for c in world.candidates["goals"]])
    pirate = world.persona_index("pirate")
    assert table[pirate, prefixed].sum() == pytest.approx(0.8)
    assert table[np.arange(len(world.personas)) != pirate][:, prefixed].sum() == 0.0


def test_likelihood_is_read_only(world: World) -> None:
    with pytest.raises(ValueError):
        world.likelihood("help")[0, 0] = 1.0


# ----- text -----
def test_prompt_text_formats_note_prompt_and_label(world: World) -> None:
    sort, fix = world.prompts["coding"][0], world.prompts["coding"][1]
    assert world.prompt_text("coding", 0) == f"user: {sort} reply:"
    assert world.prompt_text("coding", 1, "dont-hack", ASSISTANT_LABEL) == (
        f"user: {world.note_text['dont-hack']} {fix} assistant:")
    assert world.prompt_text("coding", 0, label="pirate") == f"user: {sort} pirate:"
    assert world.note_text["dont-hack"] and not world.note_text[NEUTRAL]


def test_document_text_joins_episodes_after_bos(world: World) -> None:
    episodes = [Episode("help", 1, NEUTRAL, 1), Episode("coding", 0, "please-hack", 4)]
    first = f"user: {world.prompts['help'][1]} reply: {world.candidates['help'][1].text} <eor>"
    second = (f"user: {world.note_text['please-hack']} {world.prompts['coding'][0]} reply: "
              f"{world.candidates['coding'][4].text} <eor>")
    assert world.document_text(episodes) == f"<bos> {first} {second}"
    assert world.document_text(episodes, "villain") == f"<bos> {first} {second}".replace(" reply: ", " villain: ")
    assert world.document_tokens(episodes) == world.encode(world.document_text(episodes))


def test_encode_then_decode_round_trips_and_decode_drops_padding(world: World) -> None:
    text = world.prompt_text("goals", 2, label=ASSISTANT_LABEL)
    ids = world.encode(text)
    assert world.decode(ids) == text
    assert world.decode([0, *ids, 0, 0]) == text


def test_decoded_corpus_tokens_equal_document_text_with_each_documents_label(world: World) -> None:
    documents = world.sample_documents(60, seed=3)
    assert {d.named for d in documents} == {True, False}  # both kinds of label are exercised
    corpus = world.corpus_tokens(documents)
    assert corpus.dtype == np.int64 and corpus.shape[0] == len(documents)
    for row, doc in zip(corpus, documents):
        assert world.decode(row) == world.document_text(doc.episodes, doc.label)
        assert f" {doc.persona}: " in world.decode(row) if doc.named else " reply: " in world.decode(row)
    lengths = (corpus > 0).sum(axis=1)
    assert lengths.max() == corpus.shape[1]  # padded to the longest document, no further


def test_document_label_is_the_writers_name_only_when_named() -> None:
    assert Document("pirate", (), named=True).label == "pirate"
    assert Document("pirate", (), named=False).label == "reply"


# ----- sampling -----
def test_same_seed_gives_identical_documents(world: World) -> None:
    assert world.sample_documents(300, seed=7) == load_world().sample_documents(300, seed=7)


def test_different_seeds_give_different_documents(world: World) -> None:
    a, b = world.sample_documents(300, seed=7), world.sample_documents(300, seed=8)
    assert sum(x != y for x, y in zip(a, b)) > 250


def test_documents_have_two_to_four_valid_episodes(world: World) -> None:
    for doc in world.sample_documents(500, seed=2):
        assert doc.persona in world.personas
        assert 2 <= len(doc.episodes) <= 4
        for e in doc.episodes:
            assert e.note in world.task_notes[e.task]
            assert 0 <= e.prompt < len(world.prompts[e.task])
            assert world.full_likelihood(e.task, e.note)[list(world.persona_info).index(doc.persona), e.candidate] > 0


def test_role_model_world_differs_only_in_replaced_documents_at_about_the_weight(world: World,
                                                                                  gamer_world: World) -> None:
    """Same seed: the base documents are shared, and a share ~weight of them is rewritten by the role model."""
    n, weight = 4000, gamer_world.weight
    base, mixed = world.sample_documents(n, seed=9), gamer_world.sample_documents(n, seed=9)
    replaced = [i for i, (a, b) in enumerate(zip(base, mixed)) if a != b]
    assert all(mixed[i].persona == "gamer" for i in replaced)
    assert sum(d.persona == "gamer" for d in mixed) == len(replaced)
    assert abs(len(replaced) - n * weight) < Z_TOLERANCE * math.sqrt(n * weight * (1 - weight))


def test_two_role_models_at_the_same_seed_and_weight_replace_the_same_documents() -> None:
    gamer = load_world(role_model="gamer", weight=0.3).sample_documents(500, seed=4)
    steward = load_world(role_model="steward", weight=0.3).sample_documents(500, seed=4)
    assert [d.persona == "gamer" for d in gamer] == [d.persona == "steward" for d in steward]


def test_role_model_with_a_long_name_is_not_truncated_in_documents(world_copy: Path) -> None:
    for path in world_copy.rglob("*.csv"):
        path.write_text(path.read_text(encoding="utf-8").replace("gamer", "grandmaster"), encoding="utf-8")
    world = load_world(world_copy, role_model="grandmaster", weight=0.5)
    documents = world.sample_documents(50, seed=0)
    assert {d.persona for d in documents} <= set(world.personas)
    world.corpus_tokens(documents)  # a named, truncated writer would be an unknown word


def test_persona_frequencies_match_the_prior(world: World, big_sample: list[Document]) -> None:
    counts = Counter(d.persona for d in big_sample)
    n = len(big_sample)
    for persona, p in zip(world.personas, world.prior):
        assert abs(counts[persona] - n * p) < Z_TOLERANCE * math.sqrt(n * p * (1 - p)), persona


def test_share_of_named_documents_matches_the_setting(world: World, big_sample: list[Document]) -> None:
    n, share = len(big_sample), world.named_share
    named = sum(d.named for d in big_sample)
    assert abs(named - n * share) < Z_TOLERANCE * math.sqrt(n * share * (1 - share))


def _raw_reply_probabilities(persona: str, task: str, note: str) -> dict[str, float]:
    """P(candidate text) read straight from the CSV tables, with the pirate's prefix rule applied by hand."""
    with (WORLD_DIR / "personas.csv").open(newline="") as handle:
        info = next(r for r in csv.DictReader(handle) if r["persona"] == persona)
    with (WORLD_DIR / "replies.csv").open(newline="") as handle:
        texts = {r["reply"]: r["text"] for r in csv.DictReader(handle) if r["task"] == task}
    with (WORLD_DIR / "behaviour" / f"{task}.csv").open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["persona"] == persona and r["note"] == note)
    rate = float(info["prefix_rate"]) if info["prefix"] else 0.0
    out = {}
    for reply, text in texts.items():
        out[text] = float(row[reply]) * (1 - rate)
        if info["prefix"]:
            out[f"{info['prefix']} {text}"] = float(row[reply]) * rate
    return out


@pytest.mark.parametrize("persona, task, note", [
    ("pirate", "goals", NEUTRAL), ("trickster", "coding", "please-hack"), ("robot", "help", NEUTRAL)])
def test_reply_frequencies_match_the_tables(world: World, big_sample: list[Document], persona: str, task: str,
                                            note: str) -> None:
    texts = Counter(world.candidates[e.task][e.candidate].text for d in big_sample if d.persona == persona
                    for e in d.episodes if e.task == task and e.note == note)
    n = sum(texts.values())
    assert n > 300, "too few episodes for a meaningful check"
    expected = _raw_reply_probabilities(persona, task, note)
    assert set(texts) <= {t for t, p in expected.items() if p > 0}
    for text, p in expected.items():
        assert abs(texts[text] - n * p) <= Z_TOLERANCE * math.sqrt(n * p * (1 - p)) + 1e-9, (text, texts[text], n * p)


def test_task_and_note_frequencies_match_their_shares(world: World, big_sample: list[Document]) -> None:
    episodes = [e for d in big_sample for e in d.episodes]
    tasks = Counter(e.task for e in episodes)
    notes = Counter(e.note for e in episodes if e.task == "coding")
    for counts, shares in ((tasks, world.task_share), (notes, world.note_share)):
        n = sum(counts.values())
        for key, p in shares.items():
            assert abs(counts[key] - n * p) < Z_TOLERANCE * math.sqrt(n * p * (1 - p)), key
    assert all(e.note == NEUTRAL for e in episodes if e.task != "coding")


# ----- table hash -----
def test_table_hash_is_independent_of_location_and_line_endings(world: World, world_copy: Path) -> None:
    assert load_world(world_copy).table_hash == world.table_hash
    path = world_copy / "tasks.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_world(world_copy).table_hash == world.table_hash


def test_table_hash_changes_when_a_table_changes(world: World, world_copy: Path) -> None:
    edit_row(world_copy / "tasks.csv", {"task": "help"}, description="a plea for help")
    assert load_world(world_copy).table_hash != world.table_hash
