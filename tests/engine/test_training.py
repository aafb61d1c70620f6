"""The tiny transformer and its training loops: shapes, determinism, what each post-training mode may change."""

import copy

import pytest
import torch

from helpers.engine.training import (
    LabelTrainConfig,
    PretrainConfig,
    corpus_loss,
    init_assistant_label,
    labelled_examples,
    pretrain,
    train_label,
)
from helpers.engine.world import Episode

TINY = PretrainConfig(n_documents=300, steps=6, batch_size=8, heldout_documents=40, d_model=16, n_heads=2)


@pytest.fixture(scope="module")
def tiny_model(world):
    return pretrain(world, 0, TINY).model


def test_pretraining_is_deterministic_for_a_seed(world):
    a, b = pretrain(world, 3, TINY), pretrain(world, 3, TINY)
    assert a.losses == b.losses
    for (name, x), y in zip(a.model.state_dict().items(), b.model.state_dict().values(), strict=True):
        assert torch.equal(x, y), name


def test_pretraining_differs_between_seeds(world):
    a, b = pretrain(world, 1, TINY), pretrain(world, 2, TINY)
    assert not torch.equal(a.model.token_embedding.weight, b.model.token_embedding.weight)


def test_pretraining_lowers_the_loss(world):
    result = pretrain(world, 0, PretrainConfig(n_documents=500, steps=60, batch_size=16, heldout_documents=100,
                                               d_model=32, n_heads=2))
    assert result.losses[-1] < result.losses[0] - 1.0


@pytest.mark.parametrize("kwargs", [dict(steps=0), dict(batch_size=-1), dict(lr=0.0), dict(n_documents=1.5)])
def test_pretrain_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError, match="expected"):
        PretrainConfig(**kwargs)


def test_pretrain_rejects_a_negative_seed(world):
    with pytest.raises(ValueError, match="seed"):
        pretrain(world, -1, TINY)


def test_labelled_examples_mask_only_the_reply(world):
    tokens, mask = labelled_examples(world, [Episode("help", 0, "neutral", 0)])
    text = world.decode(tokens[0][mask[0] == 1])
    assert text == world.candidates["help"][0].text + " <eor>"
    assert "assistant:" in world.decode(tokens[0])
    with pytest.raises(ValueError, match="at least one"):
        labelled_examples(world, [])


def test_assistant_label_starts_as_the_reply_label(world, tiny_model):
    model = copy.deepcopy(tiny_model)
    init_assistant_label(model, world, "reply")
    emb = model.token_embedding.weight
    assert torch.equal(emb[world.token_id["assistant:"]], emb[world.token_id["reply:"]])
    with pytest.raises(ValueError, match="expected one of"):
        init_assistant_label(model, world, "random")


def test_embedding_mode_changes_only_the_assistant_row(world, tiny_model):
    model = copy.deepcopy(tiny_model)
    before = copy.deepcopy(model.state_dict())
    log = train_label(model, world, [Episode("help", 1, "neutral", 0)] * 4, LabelTrainConfig("embedding", 5, 1e-2, 4),
                      0)
    assert log.steps == 5 and len(log.losses) == 5
    after = model.state_dict()
    row = world.token_id["assistant:"]
    changed = (after["token_embedding.weight"] != before["token_embedding.weight"]).any(dim=1)
    assert changed.nonzero().flatten().tolist() == [row]
    for name in before:
        if name != "token_embedding.weight":
            assert torch.equal(before[name], after[name]), name


def test_all_mode_changes_the_network(world, tiny_model):
    model = copy.deepcopy(tiny_model)
    before = copy.deepcopy(model.state_dict())
    train_label(model, world, [Episode("help", 1, "neutral", 0)] * 4, LabelTrainConfig("all", 3, 1e-2, 4), 0)
    assert not torch.equal(before["blocks.0.mlp_in.weight"], model.state_dict()["blocks.0.mlp_in.weight"])


def test_training_stops_on_the_criterion_and_records_snapshots(world, tiny_model):
    model = copy.deepcopy(tiny_model)
    calls = []

    def stop(m):
        calls.append(1)
        return len(calls) > 3

    log = train_label(model, world, [Episode("help", 0, "neutral", 0)] * 4, LabelTrainConfig("embedding", 10, 1e-2, 2),
                      0, stop=stop, snapshot=lambda m: "state")
    assert log.reached_criterion is True and log.steps == 3
    assert [s for s, _ in log.trajectory] == [0, 1, 2, 3]


def test_training_reports_a_missed_criterion(world, tiny_model):
    log = train_label(copy.deepcopy(tiny_model), world, [Episode("help", 0, "neutral", 0)] * 2,
                      LabelTrainConfig("embedding", 2, 1e-2, 2), 0, stop=lambda m: False)
    assert log.reached_criterion is False and log.steps == 2


@pytest.mark.parametrize("kwargs", [dict(params="lora"), dict(steps=-1), dict(lr=-1.0), dict(batch_size=0)])
def test_label_train_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError, match="expected"):
        LabelTrainConfig(**kwargs)


def test_corpus_loss_counts_every_token_after_bos(world, tiny_model):
    tokens = world.corpus_tokens(world.sample_documents(20, 5))
    loss = corpus_loss(tiny_model, tokens, batch_size=7)
    assert loss == pytest.approx(corpus_loss(tiny_model, tokens, batch_size=20), rel=1e-5)
