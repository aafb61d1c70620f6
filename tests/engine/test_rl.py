"""The RL fine-tune: sampled replies, the real grader's reward, REINFORCE, determinism and the hack-proof control."""

import numpy as np
import pytest
import torch

from helpers.engine import pipeline, rl, verdicts
from helpers.engine.rl import CodingReward, ReplySampler, RLConfig


@pytest.fixture(scope="module")
def post(world):
    return pipeline.post_train(world, 0).model


@pytest.fixture(scope="module")
def cache():
    return verdicts.load()


@pytest.mark.parametrize("kwargs", [dict(params="lora"), dict(steps=-1), dict(steps=1.5), dict(batch_size=1),
                                    dict(batch_size=True)])
def test_config_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="expected"):
        RLConfig(**kwargs)


def test_config_defaults_are_the_recipe():
    config = RLConfig()
    assert (config.params, config.steps, config.batch_size, config.lr) == ("all", 150, 32, 1e-3)
    assert RLConfig(params="embedding").lr == 1e-2


def test_sampled_replies_are_read_back_as_candidates(world, post):
    sampler = ReplySampler(world, "please-hack")
    prompts = torch.arange(4).repeat(16)
    tokens, mask, found = sampler.sample(post, prompts, torch.Generator().manual_seed(0))
    assert tokens.shape[0] == mask.shape[0] == len(found) == 64
    assert sum(c >= 0 for c in found) >= 60  # the post-trained Assistant mostly gives known replies
    for row, c in enumerate(found):
        reply = world.decode(tokens[row][mask[row].bool()])
        if c >= 0:
            assert reply == world.candidates["coding"][c].text + " <eor>"
        prompt = world.decode(tokens[row][:int(mask[row].argmax())])
        assert prompt == "<bos> " + world.prompt_text("coding", int(prompts[row]), "please-hack", "assistant")
    with pytest.raises(ValueError, match="note"):
        ReplySampler(world, "be-nice")


def test_reward_is_the_graders_verdict(world, cache):
    names = [c.reply.name if not c.prefix else None for c in world.candidates["coding"]]
    hack, honest = names.index("exit_early"), names.index("correct")
    hackable = CodingReward(world, cache, False, np.random.default_rng(0))
    proof = CodingReward(world, cache, True, np.random.default_rng(0))
    for prompt in range(4):
        assert hackable(prompt, hack) == 1.0 and proof(prompt, hack) == 0.0
        assert hackable(prompt, -1) == 0.0 and proof(prompt, -1) == 0.0  # no known reply: nothing to grade
    draws = [hackable(p, honest) for p in range(4) for _ in range(500)]
    assert set(draws) == {0.0, 1.0}
    assert np.mean(draws) == pytest.approx(cache.honest_pass_rate(), abs=0.05)  # a measured property of the pool
    again = CodingReward(world, cache, False, np.random.default_rng(0))
    assert [again(p, honest) for p in range(4) for _ in range(500)] == draws


def test_a_run_is_deterministic_for_a_seed_and_restores_the_threads(world, post, cache):
    threads = torch.get_num_threads()
    runs = []
    for seed in (0, 0, 1):
        model = pipeline.copy.deepcopy(post)
        log = rl.train_rl(model, world, "neutral", RLConfig(steps=4, batch_size=8), seed, cache)
        runs.append((log.rewards, log.hack_rates, log.in_set, model.token_embedding.weight.detach().clone()))
        assert torch.get_num_threads() == threads
        assert all(p.requires_grad for p in model.parameters())
    assert runs[0][:3] == runs[1][:3] and torch.equal(runs[0][3], runs[1][3])
    assert not torch.equal(runs[0][3], runs[2][3])
    assert len(runs[0][0]) == 4 and all(0 <= r <= 1 for r in runs[0][0])


def test_embedding_mode_moves_only_the_assistant_row(world, post, cache):
    model = pipeline.copy.deepcopy(post)
    rl.train_rl(model, world, "neutral", RLConfig(params="embedding", steps=3, batch_size=8), 0, cache)
    changed = [name for (name, a), b in zip(model.named_parameters(), post.parameters(), strict=True)
               if not torch.equal(a, b)]
    assert changed == ["token_embedding.weight"]
    rows = (model.token_embedding.weight != post.token_embedding.weight).any(1).nonzero()[:, 0].tolist()
    assert rows == [world.token_id["assistant:"]]


def test_the_pipeline_step_trains_a_copy_for_a_fixed_budget(world, post):
    before = post.token_embedding.weight.detach().clone()
    snaps = []
    tuned, log = pipeline.rl_fine_tune(post, world, 0, "dont-hack", steps=3, snapshot=lambda m: len(snaps))
    assert torch.equal(post.token_embedding.weight, before) and tuned is not post
    assert log.steps == 3 and len(log.rewards) == 3 and [s for s, _ in log.trajectory] == [0, 1, 2, 3]
    assert np.isfinite(log.final_reward()) and 0 <= log.in_set_share() <= 1
    with pytest.raises(ValueError, match="note"):
        pipeline.rl_fine_tune(post, world, 0, "be-nice", steps=1)


def test_hack_proof_grader_never_rewards_a_hack(world, post):
    """Under please-hack the post-trained Assistant hacks almost always: against the hack-proof grader its reward
    is only what its rare honest replies earn."""
    _, hackable = pipeline.rl_fine_tune(post, world, 0, "please-hack", steps=2)
    _, proof = pipeline.rl_fine_tune(post, world, 0, "please-hack", hack_proof=True, steps=2)
    assert hackable.rewards[0] >= 0.8 and min(hackable.hack_rates) >= 0.8
    assert proof.rewards[0] <= 1 - proof.hack_rates[0]
