"""Lesson 02: the assistant: label under each start, measured after the label and side by side over seeds."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import evals
from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import label_starts as ls


def test_next_token_distribution_is_a_distribution_and_checks_its_tasks(world, base):
    probs = ls.next_token_distribution(base, world, "reply", ["errand"])
    assert probs.shape == (len(world.vocabulary),)
    assert probs.sum() == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match="tasks is empty"):
        ls.next_token_distribution(base, world, "reply", [])
    with pytest.raises(ValueError):
        ls.next_token_distribution(base, world, "reply", ["no such task"])


def test_end_of_reply_and_next_word_read_the_same_distribution(world, base):
    raw = assistant.assistant_model(base, world, "pretrained")
    probs = ls.next_token_distribution(raw, world)
    assert ls.end_of_reply(raw, world) == pytest.approx(probs[world.token_id["<eor>"]])
    word, p = ls.next_word(raw, world)
    assert p == pytest.approx(probs.max()) and world.vocabulary.index(word) == int(np.argmax(probs))


def test_copy_of_reply_starts_a_known_reply_and_the_pretrained_row_does_not(world, base):
    before = base.token_embedding.weight.detach().clone()
    raw, copy = ls.start_record(base, world, "pretrained"), ls.start_record(base, world, "reply")
    assert torch.equal(base.token_embedding.weight, before)
    assert copy["in_set"] > 0.9 > 0.1 > raw["in_set"]
    assert copy["end_of_reply"] < 0.01
    assert copy["mixture_distance"] < raw["mixture_distance"]
    copied = assistant.assistant_model(base, world, "reply")
    assert copy["human_likeness"] == pytest.approx(evals.human_likeness(world, evals.network_profile(copied, world)))
    with pytest.raises(ValueError, match="init="):
        ls.start_record(base, world, "random")


def test_label_starts_has_a_row_per_seed_and_start_and_the_summary_one_per_start(world):
    table = ls.label_starts(world, [0, 1])
    assert list(table.columns[:2]) == ["seed", "start"]
    assert len(table) == 4 and set(table.start) == set(ls.START_NAMES.values())
    assert set(ls.START_METRICS) <= set(table.columns)
    summary = ls.starts_summary(table)
    assert list(summary.index) == [f"assistant: ({n})" for n in ls.START_NAMES.values()]
    assert summary.index.name == "2 seeds"
    assert "-" in summary.loc["assistant: (copy of reply:)", "in-set mass"]
    with pytest.raises(ValueError, match="seeds is empty"):
        ls.label_starts(world, [])


def test_starts_summary_gives_ranges_and_counts_words():
    table = pd.DataFrame({"seed": [0, 1], "start": ["a", "a"], "in_set": [0.1, 0.3], "end_of_reply": [0.0, 0.5],
                          "next_word": ["x", "x"], "next_word_p": [0.5, 0.5], "mixture_distance": [0.2, 0.4],
                          "human_likeness": [0.9, 1.0]})
    row = ls.starts_summary(table).loc["assistant: (a)"]
    assert row["in-set mass"] == "10.0%-30.0%" and row["mixture distance"] == "0.20-0.40"
    assert row["next word (seeds)"] == "x (2)"
