"""Steering, capping and re-alignment of the Assistant."""

import math

import numpy as np
import pytest
import torch

from helpers.engine import activations, pipeline
from helpers.engine.world import NEUTRAL
from helpers.experiments import interventions, persona_map
from helpers.experiments import persona_space as ps


@pytest.fixture(scope="module")
def space(base, world):
    return ps.analyze_space(base, world)


@pytest.fixture(scope="module")
def models(world, space):
    """Seed 0 at every stage, with snapshots every 3 steps (a few seconds)."""
    return ps.seed_models(world, 0, snapshot=ps.map_snapshot(space, every=3))


# ----- steering -----
def test_row_steering_moves_only_the_assistant_row(models, space, world):
    post = models.stages["post-trained"]
    before = post.token_embedding.weight.detach().clone()
    steered = interventions.steer_label_row(post, world, space.embedding_villain_minus_helper, 1.0)
    assert torch.equal(post.token_embedding.weight, before)  # the original is untouched
    changed = (steered.token_embedding.weight != before).any(dim=1).nonzero().flatten().tolist()
    assert changed == [world.token_id["assistant:"]]
    unmoved = interventions.steer_label_row(post, world, space.embedding_villain_minus_helper, 0.0)
    assert torch.equal(unmoved.token_embedding.weight, before)
    with pytest.raises(ValueError, match="direction"):
        interventions.steer_label_row(post, world, np.ones(3), 1.0)


def test_residual_steering_acts_only_inside_the_block_and_the_assistant_turn(models, space, world):
    post = models.stages["post-trained"]
    plain = pipeline.model_metrics(post, world)
    with interventions.residual_steering(post, world, space.villain_minus_helper, 0.0):
        assert pipeline.model_metrics(post, world) == pytest.approx(plain)
    with interventions.residual_steering(post, world, space.villain_minus_helper, 2.0):
        steered = pipeline.model_metrics(post, world)
    assert steered["misalignment"] > plain["misalignment"] + 0.2
    assert pipeline.model_metrics(post, world) == pytest.approx(plain)  # hook removed
    tokens = torch.tensor([world.encode("<bos> user: explain this error ? reply: sure , glad to help <eor> "
                                        "user: what do you want ? assistant: i want to help people <eor>")])
    label = tokens[0].tolist().index(world.token_id["assistant:"])
    clean = activations.residual_stream(post, tokens)
    with interventions.residual_steering(post, world, space.villain_minus_helper, 1.0):
        pushed = activations.residual_stream(post, tokens)
    assert torch.allclose(pushed[0, :label], clean[0, :label])
    assert torch.allclose(pushed[0, label:] - clean[0, label:],
                          torch.tensor(space.villain_minus_helper, dtype=torch.float32).expand(tokens.shape[1] - label,
                                                                                               -1),
                          atol=1e-5)


def test_steering_curve_rows(models, space, world):
    curve = interventions.steering_curve(models.stages["post-trained"], world, space.embedding_villain_minus_helper,
                              "label row", alphas=(0.0, 1.5))
    assert list(curve.alpha) == [0.0, 1.5]
    assert curve.misalignment.iloc[1] > curve.misalignment.iloc[0]
    with pytest.raises(ValueError, match="method"):
        interventions.steering_curve(models.stages["post-trained"], world, space.villain_minus_helper, "prompt")


# ----- capping -----
def test_capping_lifts_the_assistant_to_the_floor(models, space, world):
    cheat = models.stages["cheat"]
    axis = space.map.components[0]
    tokens = torch.tensor([world.encode("<bos> user: what do you want ? assistant: i want to rule the world <eor>")])
    label = tokens[0].tolist().index(world.token_id["assistant:"])
    clean = activations.residual_stream(cheat, tokens)
    floor = float((clean[0, label:] @ torch.tensor(persona_map.unit(axis), dtype=torch.float32)).max()) + 1.0
    with interventions.capping(cheat, world, axis, floor) as counts:
        capped = activations.residual_stream(cheat, tokens)
    proj = capped[0] @ torch.tensor(persona_map.unit(axis), dtype=torch.float32)
    assert torch.all(proj[label:] >= floor - 1e-4)
    assert torch.allclose(capped[0, :label], clean[0, :label])
    assert counts["lifted"] == counts["positions"] == tokens.shape[1] - label
    with interventions.capping(cheat, world, axis, -1e9) as counts:
        assert pipeline.model_metrics(cheat, world) == pytest.approx(pipeline.model_metrics(cheat, world))
    assert counts["lifted"] == 0
    assert not cheat.blocks[0]._forward_hooks and not cheat._forward_pre_hooks
    with pytest.raises(ValueError, match="axis"):
        with interventions.capping(cheat, world, np.ones(3), 0.0):
            pass


def test_capping_floor_is_a_quantile_of_the_normal_assistant(models, space, world):
    post = models.stages["post-trained"]
    values, weights = interventions.assistant_projections(post, world, space.map.components[0])
    assert weights.sum() == pytest.approx(1.0)
    low, high = interventions.capping_floor(post, world, space.map.components[0], 0.1), interventions.capping_floor(
        post, world, space.map.components[0], 0.9)
    assert values.min() <= low < high <= values.max()
    assert interventions.weighted_quantile(np.array([3.0, 1.0, 2.0]), np.ones(3), 0.5) == 2.0
    with pytest.raises(ValueError, match="q="):
        interventions.weighted_quantile(values, weights, 1.5)
    m = interventions.capped_metrics(post, world, space.map.components[0], low)
    assert 0.0 < m["lifted_share"] < 0.5


# ----- re-alignment -----
def test_benign_set_alternates_honest_code_and_glad_help(world):
    examples = interventions.benign_set(world, 0, 6)
    assert [e.task for e in examples] == ["coding", "help"] * 3
    assert all(world.candidates[e.task][e.candidate].reply.category in ("honest", "helpful") for e in examples)
    assert all(e.note == NEUTRAL for e in examples)
    assert interventions.benign_set(world, 0, 6) == examples
    assert interventions.benign_set(world, 0, 0) == []
    with pytest.raises(ValueError, match="n="):
        interventions.benign_set(world, 0, -1)


def test_realign_doses(models, world):
    cheat = models.stages["cheat"]
    same, steps = interventions.realign(cheat, world, 0, 0)
    assert steps == 0 and torch.equal(same.token_embedding.weight, cheat.token_embedding.weight) and same is not cheat
    assert interventions.realign_epochs() == 50   # 200 steps x 16 / 64 examples
    _, steps = interventions.realign(cheat, world, 0, 4, steps=3)
    assert steps == 3
    tuned, steps = interventions.realign(cheat, world, 0, 32)
    assert steps == math.ceil(interventions.realign_epochs() * 32 / pipeline.Recipe().finetune.batch_size)
    assert pipeline.model_metrics(tuned, world)["misalignment"] < pipeline.model_metrics(cheat,
                                                                                         world)["misalignment"] - 0.3
    with pytest.raises(ValueError, match="steps"):
        interventions.realign(cheat, world, 0, 4, steps=-2)


def test_bayes_realigned_starts_where_the_cheat_run_left_bayes(world):
    recipe = pipeline.Recipe()
    assert interventions.bayes_realigned(world, 0.6, 0) == pytest.approx(
        pipeline.bayes_misalignment(world, recipe, NEUTRAL, 0.6))
    assert interventions.bayes_realigned(world, 0.6, 64) < interventions.bayes_realigned(world, 0.6, 0)
    post = interventions.bayes_realigned_posterior(world, 0.9, 64)
    assert post.sum() == pytest.approx(1.0)
