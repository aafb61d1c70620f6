"""Lesson 03's one-row update: the readable loop reproduces the engine's embedding mode exactly."""

import copy

import torch

from helpers.engine import pipeline, training
from helpers.engine.world import ASSISTANT_LABEL
from helpers.lessons.assistant import one_row


def test_keep_only_row_zeroes_every_other_row():
    grad = torch.arange(12.0).reshape(4, 3) + 1
    kept = one_row.keep_only_row(grad, 2)
    assert torch.equal(kept[2], grad[2])
    assert float(kept[[0, 1, 3]].abs().sum()) == 0.0
    assert torch.equal(grad, torch.arange(12.0).reshape(4, 3) + 1)   # the input is left as it was


def test_readable_loop_equals_train_label(world):
    model, episodes, config = one_row.small_case(world)
    engine, readable = copy.deepcopy(model), copy.deepcopy(model)
    training.train_label(engine, world, episodes, config, seed=3)
    one_row.post_train_one_row(readable, world, episodes, config, seed=3)
    for a, b in zip(engine.parameters(), readable.parameters(), strict=True):
        assert torch.equal(a, b)


def test_only_the_assistant_row_moves(world):
    model, episodes, config = one_row.small_case(world, seed=1)
    before = model.token_embedding.weight.detach().clone()
    one_row.post_train_one_row(model, world, episodes, config, seed=1)
    moved = (model.token_embedding.weight.detach() - before).abs().amax(dim=1) > 0
    assert moved.nonzero().flatten().tolist() == [world.token_id[f"{ASSISTANT_LABEL}:"]]


def test_compare_with_engine_tells_right_from_wrong(world):
    right = one_row.compare_with_engine(world, one_row.keep_only_row)
    assert right.matches and right.rows_moved == 1 and right.label_moved and right.same_direction
    assert right.max_difference == 0.0
    every_row = one_row.compare_with_engine(world, lambda g, r: g)
    assert not every_row.matches and every_row.rows_moved > 1
    flipped = one_row.compare_with_engine(world, lambda g, r: -one_row.keep_only_row(g, r))
    assert not flipped.matches and flipped.rows_moved == 1 and not flipped.same_direction


def test_small_case_is_small_and_deterministic(world):
    a, episodes, config = one_row.small_case(world)
    b, _, _ = one_row.small_case(world)
    assert config.params == "embedding" and config.steps == 3
    assert len(episodes) == 12 and episodes == pipeline.post_training_set(world, 0)[:12]
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))
