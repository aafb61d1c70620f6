"""The world's text: vocabulary, token ids, prompts, episodes and documents."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.engine.world import (
    ASSISTANT_LABEL,
    NEUTRAL,
    SPECIAL_TOKENS,
    Episode,
    World,
    load_world,
)


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def gamer_world() -> World:
    return load_world(role_model="gamer", weight=0.15)


def test_vocabulary_is_identical_with_and_without_a_role_model(world: World, gamer_world: World) -> None:
    """Models trained in different worlds must share token ids, so the role model cannot add or move words."""
    assert gamer_world.vocabulary == world.vocabulary
    assert gamer_world.token_id == world.token_id


def test_vocabulary_starts_with_special_tokens_then_every_name_label_and_has_no_duplicates(world: World) -> None:
    names = tuple(f"{p.name}:" for p in world.all_personas)
    assert world.vocabulary[: len(SPECIAL_TOKENS) + len(names)] == SPECIAL_TOKENS + names
    assert world.vocabulary[0] == "<pad>"
    assert len(set(world.vocabulary)) == len(world.vocabulary)


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
    for row, doc in zip(corpus, documents, strict=True):
        assert world.decode(row) == world.document_text(doc.episodes, doc.label)
        assert f" {doc.persona}: " in world.decode(row) if doc.named else " reply: " in world.decode(row)
    lengths = (corpus > 0).sum(axis=1)
    assert lengths.max() == corpus.shape[1]  # padded to the longest document, no further
