"""Lesson 03 (Post-training refines the persona): the one-row update, written out so it can be read and rebuilt.

:func:`post_train_one_row` is a short loop that does what :func:`helpers.engine.training.train_label` does in its
``"embedding"`` mode (same examples, batches, optimizer and steps) with the gradient masking passed in as a
function; with :func:`keep_only_row` it reproduces the engine's update exactly. Lesson 03's build exercise asks
the student to write that masking function; :func:`compare_with_engine` runs both on a small case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from helpers.engine import pipeline, training
from helpers.engine.model import TinyGPT
from helpers.engine.training import LabelTrainConfig
from helpers.engine.world import ASSISTANT_LABEL, Episode, World

#: A gradient masking: (the embedding table's gradient, the index of the row that may move) -> masked gradient.
MaskGradient = Callable[[torch.Tensor, int], torch.Tensor]


def keep_only_row(grad: torch.Tensor, row: int) -> torch.Tensor:
    """The gradient with every row except ``row`` set to zero: the engine's row mask, as a function."""
    row_mask = torch.zeros_like(grad)
    row_mask[row] = 1.0
    return grad * row_mask


def post_train_one_row(model: TinyGPT, world: World, episodes: Sequence[Episode], config: LabelTrainConfig,
                       seed: int, mask_gradient: MaskGradient = keep_only_row) -> TinyGPT:
    """Train ``model`` in place as the engine's embedding mode does, masking the gradient with ``mask_gradient``."""
    tokens, mask = training.labelled_examples(world, episodes)      # the loss falls on the reply tokens only
    row = world.token_id[f"{ASSISTANT_LABEL}:"]                       # the assistant: row of the embedding table
    table = model.token_embedding.weight
    optimizer = torch.optim.AdamW([table], lr=config.lr, weight_decay=0.0)
    batches = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(config.steps):
        pick = torch.randint(len(tokens), (config.batch_size,), generator=batches)
        loss = training.sequence_loss(model, tokens[pick], mask[pick])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        table.grad = mask_gradient(table.grad, row)   # the whole trick: only the assistant: row keeps a gradient
        optimizer.step()
    model.eval()
    return model


# ----- a small case to compare a masking with the engine's -----
@dataclass
class Comparison:
    """One masking against the engine on the same small case: how the embedding table moved under each."""

    matches: bool            # the two tables agree (within float round-off)
    rows_moved: int          # how many rows the masking moved
    label_moved: bool        # whether the assistant: row moved at all
    same_direction: bool     # whether the assistant: row moved the way the engine moved it
    max_difference: float    # the largest difference between the two tables


def small_case(world: World, seed: int = 0, d_model: int = 16) -> tuple[TinyGPT, list[Episode], LabelTrainConfig]:
    """A freshly initialised small network over the world's vocabulary, a few post-training examples, and a
    three-step embedding-mode config: enough to tell a right masking from a wrong one in well under a second."""
    torch.manual_seed(seed)
    model = TinyGPT(training.PretrainConfig(d_model=d_model, n_heads=2).model_config(world))
    model.eval()
    return model, pipeline.post_training_set(world, seed)[:12], LabelTrainConfig("embedding", steps=3, lr=3e-2,
                                                                                  batch_size=4)


def compare_with_engine(world: World, mask_gradient: MaskGradient, seed: int = 0) -> Comparison:
    """Run :func:`post_train_one_row` with ``mask_gradient`` and the engine's ``train_label`` on
    :func:`small_case`, and compare the embedding tables they leave."""
    model, episodes, config = small_case(world, seed)
    engine, student = copy.deepcopy(model), copy.deepcopy(model)
    training.train_label(engine, world, episodes, config, seed)
    post_train_one_row(student, world, episodes, config, seed, mask_gradient)
    start = model.token_embedding.weight.detach()
    by_engine = engine.token_embedding.weight.detach() - start
    by_student = student.token_embedding.weight.detach() - start
    row = world.token_id[f"{ASSISTANT_LABEL}:"]
    moved = by_student.abs().amax(dim=1) > 0
    return Comparison(matches=bool(torch.allclose(by_student, by_engine, atol=1e-6, rtol=0.0)),
                      rows_moved=int(moved.sum()), label_moved=bool(moved[row]),
                      same_direction=bool(float(by_student[row] @ by_engine[row]) > 0),
                      max_difference=float((by_student - by_engine).abs().max()))
