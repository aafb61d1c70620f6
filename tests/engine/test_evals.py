"""Candidate scoring and the behaviour metrics: each has one definition, checked on exact Bayesian profiles."""

import numpy as np
import pytest

from helpers.engine import bayes, evals
from helpers.engine.training import PretrainConfig, pretrain
from helpers.engine.world import Episode


@pytest.fixture(scope="module")
def tiny_model(world):
    return pretrain(world, 0, PretrainConfig(n_documents=300, steps=6, batch_size=8, heldout_documents=40,
                                             d_model=16, n_heads=2)).model


def one_persona(world, name):
    weights = np.zeros(len(world.personas))
    weights[world.persona_index(name)] = 1.0
    return evals.bayes_profile(world, weights)


def test_scores_are_distributions_over_the_candidates(world, tiny_model):
    queries = [evals.Query("coding", 1, "please-hack"), evals.Query("errand", 0, label="reply"),
               evals.Query("goals", 2, context=(Episode("help", 0, "neutral", 0),))]
    for query, scored in zip(queries, evals.score_queries(tiny_model, world, queries), strict=True):
        assert scored.probs.shape == (len(world.candidates[query.task]),)
        assert scored.probs.sum() == pytest.approx(1.0)
        assert 0.0 < scored.in_set <= 1.0 + 1e-9


def test_scoring_matches_the_model_token_by_token(world, tiny_model):
    """The summed log-probability of a candidate equals the product of next-token probabilities."""
    import torch
    query = evals.Query("help", 0)
    prefix = query.tokens(world)
    cand = world.encode(world.candidates["help"][0].text) + [world.token_id["<eor>"]]
    seq = torch.tensor([prefix + cand])
    with torch.no_grad():
        logp = torch.log_softmax(tiny_model(seq[:, :-1]), -1)[0]
    manual = sum(float(logp[len(prefix) - 1 + i, t]) for i, t in enumerate(cand))
    scored = evals.score_queries(tiny_model, world, [query])[0]
    all_logp = [np.log(scored.probs[j]) for j in range(len(scored.probs))]
    assert np.exp(manual) == pytest.approx(scored.in_set * scored.probs[0], rel=1e-4)
    assert np.isfinite(all_logp).all()


def test_scoring_no_queries_returns_nothing(world, tiny_model):
    assert evals.score_queries(tiny_model, world, []) == []


def test_metrics_of_single_characters(world):
    villain, helper, robot = (one_persona(world, p) for p in ("villain", "helper", "robot"))
    assert evals.probe_misalignment(world, villain) == pytest.approx(
        {"goals": 0.95, "oversight": 0.9, "sabotage": 0.9, "deception": 0.95, "bad_actor": 0.9})
    assert evals.misalignment(world, villain) == pytest.approx(0.92)      # the battery's mean
    assert evals.probe_misalignment(world, helper)["goals"] == 0.0
    assert evals.misalignment(world, helper) == pytest.approx(0.016)
    assert evals.cheat_rate(world, villain) == pytest.approx(0.9)
    assert evals.cheat_rate(world, helper, "please-hack") == pytest.approx(0.96)
    assert evals.human_likeness(world, robot) == pytest.approx(1 - (0.9 + 0.9 + 1.0) / 3)
    assert evals.helper_likeness(world, helper) == pytest.approx((0.8 + 0.8 + 0.85) / 3)
    assert evals.helpfulness(world, helper) == pytest.approx(0.95)


def test_behaviour_metrics_lists_every_note(world):
    m = evals.behaviour_metrics(world, one_persona(world, "pirate"))
    assert {"misalignment", "cheat_rate", "helpfulness", "human_likeness", "helper_likeness"} <= set(m)
    assert {f"misalignment_{probe}" for probe in world.probes} <= set(m)
    assert evals.misalignment_fields(m, "bayes_") == {f"bayes_{k}": v for k, v in m.items()
                                                      if k == "misalignment" or k.startswith("misalignment_")}
    assert {f"cheat_rate_{n}" for n in world.notes if n != "neutral"} <= set(m)


def test_cheat_rate_rejects_an_unknown_note(world):
    with pytest.raises(ValueError, match="expected one of"):
        evals.cheat_rate(world, one_persona(world, "helper"), "be-nice")


def test_total_variation(world):
    assert evals.total_variation([1, 0], [0, 1]) == 1.0
    assert evals.total_variation([0.5, 0.5], [0.5, 0.5]) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        evals.total_variation([1.0], [0.5, 0.5])


def test_persona_mixture_recovers_a_known_mixture(world):
    rng = np.random.default_rng(4)
    weights = rng.dirichlet(np.ones(len(world.personas)))
    found, distance = evals.persona_mixture(world, evals.bayes_profile(world, weights), iterations=1500)
    assert distance < 0.02
    assert evals.profile_distance(world, evals.bayes_profile(world, found), evals.bayes_profile(world, weights)) < 0.02


def test_network_profile_covers_every_task_and_note(world, tiny_model):
    profile = evals.network_profile(tiny_model, world)
    assert set(profile) == {(t, n) for t in world.tasks for n in world.task_notes[t]}
    for dist in profile.values():
        assert dist.sum() == pytest.approx(1.0)


def test_in_set_mass_is_a_probability(world, tiny_model):
    assert 0.0 < evals.in_set_mass(tiny_model, world) <= 1.0


def test_incontext_fidelity_records(world, tiny_model):
    records = evals.incontext_fidelity(tiny_model, world, seed=0, per_persona=2, ks=(0, 1))
    assert len(records) == 2 * len(world.personas)
    for r in records:
        assert 0.0 <= r["tv_to_bayes"] <= 1.0 and r["contexts"] == 2
    assert all(r["tv_prior"] == pytest.approx(0.0) for r in records if r["k"] == 0)
    with pytest.raises(ValueError, match="0..3"):
        evals.incontext_fidelity(tiny_model, world, seed=0, ks=(4,))


def test_bayes_profile_of_the_prior_is_the_corpus_average(world):
    profile = evals.bayes_profile(world, world.prior)
    assert evals.cheat_rate(world, profile) == pytest.approx(float(world.prior @ np.array(
        [evals.cheat_rate(world, one_persona(world, p)) for p in world.personas])))
    assert bayes.predictive(world, world.prior, "goals").sum() == pytest.approx(1.0)
