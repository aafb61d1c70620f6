"""The RL fine-tune: sampled replies, the real grader's reward, REINFORCE, determinism and the hack-proof control."""

import numpy as np
import pytest
import torch

from helpers.engine import pipeline, rl, verdicts
from helpers.engine.evals import CHEAT_CATEGORY
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
    snaps, calls = [], []
    tuned, log = pipeline.rl_fine_tune(post, world, 0, "dont-hack", steps=3, snapshot=lambda m: len(snaps),
                                       on_step=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]  # passed through to train_rl
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


# ----- the loss, the step-by-step run and the progress callback -----
def test_reinforce_loss_on_a_hand_computed_batch():
    """Rewards (1, 0, 0): mean 1/3, advantages (2/3, -1/3, -1/3). With log-probabilities (-1, -2, -4) the loss is
    -mean(adv * logp) = -(-2/3 + 2/3 + 4/3) / 3 = -4/9, and d loss / d logp_i = -adv_i / 3 = (-2/9, 1/9, 1/9)."""
    log_probs = torch.tensor([-1.0, -2.0, -4.0], requires_grad=True)
    loss = rl.reinforce_loss(torch.tensor([1.0, 0.0, 0.0]), log_probs)
    assert loss.shape == () and float(loss.detach()) == pytest.approx(-4 / 9)
    loss.backward()
    assert log_probs.grad.tolist() == pytest.approx([-2 / 9, 1 / 9, 1 / 9])
    # gradient descent raises the rewarded reply's log-probability and lowers the others'
    assert log_probs.grad[0] < 0 < log_probs.grad[1]


@pytest.mark.parametrize("reward", [0.0, 1.0, 0.4])
def test_reinforce_loss_teaches_nothing_when_every_reply_earns_the_same(reward):
    log_probs = torch.tensor([-0.5, -3.0, -7.0, -1.5], requires_grad=True)
    loss = rl.reinforce_loss(torch.full((4,), reward), log_probs)
    loss.backward()
    assert float(loss.detach()) == 0.0 and torch.equal(log_probs.grad, torch.zeros(4))


@pytest.mark.parametrize("params", ["embedding", "all"])
def test_rl_run_step_by_step_is_train_rl(world, post, cache, params):
    """Three RLRun.step calls (with the run's thread count) give train_rl's rewards, hack and known-reply shares and
    final weights exactly; on_step(done, total) is called after each step, with that step's weights in place."""
    config = RLConfig(params=params, steps=3, batch_size=8)
    trained, calls = pipeline.copy.deepcopy(post), []

    def on_step(done, total):
        calls.append((done, total, [p.detach().clone() for p in trained.parameters()]))

    log = rl.train_rl(trained, world, "neutral", config, 0, cache, on_step=on_step)
    stepped, batches, weights = pipeline.copy.deepcopy(post), [], []
    with rl.torch_threads(rl.THREADS):
        run = rl.RLRun(stepped, world, "neutral", config, 0, cache)
        for _ in range(config.steps):
            batches.append(run.step())
            weights.append([p.detach().clone() for p in stepped.parameters()])
        run.close()
    assert [(done, total) for done, total, _ in calls] == [(1, 3), (2, 3), (3, 3)]
    assert log.rewards == [float(np.mean(b.rewards)) for b in batches]
    assert log.hack_rates == [float(np.mean([run.is_hack(c) for c in b.replies])) for b in batches]
    assert log.in_set == [float(np.mean([c >= 0 for c in b.replies])) for b in batches]
    for (_, _, seen), after in zip(calls, weights, strict=True):
        assert all(torch.equal(a, b) for a, b in zip(seen, after, strict=True))
    assert all(torch.equal(a, b) for a, b in zip(trained.parameters(), stepped.parameters(), strict=True))
    assert not torch.equal(stepped.token_embedding.weight, post.token_embedding.weight)  # it did train
    for batch in batches:
        assert len(batch.prompts) == len(batch.replies) == len(batch.rewards) == config.batch_size
        assert set(batch.rewards) <= {0.0, 1.0} and np.isfinite(batch.loss)


def test_rl_run_freezes_in_embedding_mode_until_closed_and_names_the_hacks(world, post, cache):
    model = pipeline.copy.deepcopy(post)
    run = rl.RLRun(model, world, "neutral", RLConfig(params="embedding", steps=1, batch_size=4), 0, cache)
    frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
    assert "token_embedding.weight" not in frozen and len(frozen) == len(list(model.parameters())) - 1
    run.close()
    assert all(p.requires_grad for p in model.parameters()) and not model.training
    hacks = [c.reply.category == CHEAT_CATEGORY for c in world.candidates["coding"]]
    assert [run.is_hack(i) for i in range(len(hacks))] == hacks
    assert any(hacks) and not all(hacks)
    assert run.is_hack(-1) is False  # no known reply is no hack

