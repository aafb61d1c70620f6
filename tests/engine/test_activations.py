"""Reading the network's activations: hook points, reply batches, speaker, persona and trait vectors."""


import numpy as np
import pytest
import torch

from helpers.engine import activations, evals
from helpers.engine.world import NEUTRAL
from helpers.experiments import persona_space as ps


@pytest.fixture(scope="module")
def space(base, world):
    return ps.analyze_space(base, world)


# ----- reading activations -----
def test_residual_stream_hooks_read_the_block(base, world):
    tokens = torch.tensor([world.encode("<bos> user: explain this error ? helper: sure , glad to help <eor>")])
    after = activations.residual_stream(base, tokens)
    before = activations.residual_stream(base, tokens, activations.BLOCK_INPUT)
    assert after.shape == before.shape == (1, tokens.shape[1], base.config.d_model)
    embedded = base.token_embedding(tokens) + base.position_embedding(torch.arange(tokens.shape[1]))
    assert torch.allclose(before, embedded)
    assert torch.allclose(base.ln_final(after), base.hidden_states(tokens), atol=1e-6)
    assert not any(point._forward_hooks for point in base.hook_points.values())  # hooks removed
    assert not base._forward_pre_hooks
    with pytest.raises(ValueError, match="where"):
        activations.residual_stream(base, tokens, "attention")
    with pytest.raises(ValueError, match="tokens"):
        activations.residual_stream(base, tokens[0])


def test_reply_batch_marks_the_positions_that_write_the_reply(world):
    batch = activations.reply_batch(world, "villain", ["goals"])
    n = len(world.prompts["goals"]) * len(world.candidates["goals"])
    assert batch.tokens.shape[0] == n == len(batch.keys)
    assert activations.reply_batch(world, "villain", ["goals"]) is batch  # built once
    row = batch.rows("goals", 1)[0]
    seq = [int(t) for t in batch.tokens[row] if int(t)]
    first = int(batch.writing[row].argmax())
    assert world.vocabulary[seq[first]] == "villain:"
    last = first + int(batch.writing[row].sum()) - 1
    assert world.vocabulary[seq[last + 1]] == "<eor>"  # the last writing position predicts the end of the reply
    assert world.decode(seq[first + 1:last + 1]) == world.candidates["goals"][0].text
    with pytest.raises(ValueError, match="task"):
        activations.reply_batch(world, "villain", ["dance"])
    with pytest.raises(ValueError, match="note"):
        activations.reply_batch(world, "villain", ["goals"], "please-hack")
    with pytest.raises(ValueError, match="label"):
        activations.reply_batch(world, "wizard", ["help"])
    with pytest.raises(ValueError, match="prompt"):
        batch.rows("goals", 99)


def test_own_answers_match_the_evaluation(base, world):
    for label, note in (("assistant", NEUTRAL), ("reply", NEUTRAL), ("assistant", "please-hack")):
        acts = activations.reply_activations(base, world, activations.reply_batch(world, label, ["coding"], note))
        profile = activations.own_profile(world, acts)
        expected = evals.answer_distribution(base, world, "coding", note, label)
        assert np.allclose(profile[("coding", note)], expected, atol=1e-5)


def test_speaker_vectors_weight_the_replies(base, world):
    acts = activations.reply_activations(base, world, activations.reply_batch(world, "pirate"))
    speaker = activations.speaker_vector(base, world, "pirate", "persona", acts=acts)
    manual = []
    for task in world.tasks:
        per = [world.likelihood(task)[world.persona_index("pirate")] @ acts.mean[acts.batch.rows(task, p)]
               for p in range(len(world.prompts[task]))]
        manual.append(np.mean(per, axis=0))
    assert np.allclose(speaker.reply, np.mean(manual, axis=0), atol=1e-5)
    prior = activations.speaker_vector(base, world, "pirate", "prior", acts=acts)
    assert not np.allclose(prior.reply, speaker.reply)
    assert np.allclose(prior.label, speaker.label)  # the label's activation does not depend on the replies
    with pytest.raises(ValueError, match="weighting"):
        activations.speaker_vector(base, world, "pirate", "uniform")
    with pytest.raises(ValueError, match="persona"):
        activations.speaker_vector(base, world, "assistant", "persona")


def test_persona_vectors_are_deterministic(base, world, space):
    vectors = activations.persona_vectors(base, world)
    assert list(vectors.index) == list(world.personas) and vectors.shape[1] == base.config.d_model
    assert np.array_equal(vectors.to_numpy(), space.vectors.to_numpy())
    assert activations.persona_vectors(base, world, part="label").shape == vectors.shape
    with pytest.raises(ValueError, match="part"):
        activations.persona_vectors(base, world, part="middle")


def test_trait_vectors_point_from_the_rest_to_the_trait(base, world):
    power = activations.trait_vector(base, world, "goals", "power")
    acts = activations.reply_activations(base, world, activations.reply_batch(world, "reply", ["goals"]))
    mask = world.category_mask("goals", category="power")
    keys = np.array([k[2] for k in acts.batch.keys])
    projected = acts.mean @ power
    assert projected[mask[keys]].mean() > projected[~mask[keys]].mean()
    with pytest.raises(ValueError, match="category"):
        activations.trait_vector(base, world, "goals", "cheat")
    with pytest.raises(ValueError, match="category"):
        activations.trait_vector(base, world, "goals", "nonsense")


def test_embedding_vectors_are_rows_of_the_table(base, world):
    rows = activations.embedding_vectors(base, world)
    assert list(rows.index) == [*world.personas, "reply", "assistant"]
    assert np.array_equal(rows.loc["villain"], base.token_embedding.weight[world.token_id["villain:"]].detach())


def test_persona_documents_rebuild_the_persona_vector(base, world, space):
    docs = activations.persona_documents(world, "villain")
    assert docs.tokens.shape == docs.writing.shape and len(docs.weights) == len(docs.tokens)
    assert np.isclose(docs.weights.sum(), 1.0) and (docs.weights >= 0).all()
    x = activations.residual_stream(base, docs.tokens)
    per_document = (x * docs.writing[..., None]).sum(1) / docs.writing.sum(1, keepdim=True)
    by_hand = docs.weights @ per_document.numpy()
    assert np.allclose(by_hand, space.vectors.loc["villain"].to_numpy(), atol=1e-5)
    unweighted = per_document.numpy().mean(0)
    assert not np.allclose(unweighted, by_hand, atol=1e-3)   # the weights matter
    with pytest.raises(ValueError):
        activations.persona_documents(world, "assistant")
