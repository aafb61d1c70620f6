"""Sampling the corpus: documents reproducible for a seed, with the frequencies the tables give."""

from __future__ import annotations

import csv
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest

from helpers.engine.world import (
    NEUTRAL,
    WORLD_DIR,
    Document,
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


def test_document_label_is_the_writers_name_only_when_named() -> None:
    assert Document("pirate", (), named=True).label == "pirate"
    assert Document("pirate", (), named=False).label == "reply"


# ----- sampling -----
def test_same_seed_gives_identical_documents(world: World) -> None:
    assert world.sample_documents(300, seed=7) == load_world().sample_documents(300, seed=7)


def test_different_seeds_give_different_documents(world: World) -> None:
    a, b = world.sample_documents(300, seed=7), world.sample_documents(300, seed=8)
    assert sum(x != y for x, y in zip(a, b, strict=True)) > 250


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
    replaced = [i for i, (a, b) in enumerate(zip(base, mixed, strict=True)) if a != b]
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
    for persona, p in zip(world.personas, world.prior, strict=True):
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
