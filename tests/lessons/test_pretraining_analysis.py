"""helpers.lessons.pretraining.analysis: next-token distributions, seeded sampling, in-context views vs Bayes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import bayes, evals
from helpers.experiments.summaries import load_results
from helpers.lessons.pretraining import analysis as sampling

PROMPT = "<bos> user: what do you want ? reply:"


@pytest.fixture(scope="module")
def model(base):
    return base


@pytest.fixture(scope="module")
def states(model, world):
    return sampling.incontext_states(model, world, seed=0)


def test_next_token_distribution_is_sorted_and_sums_to_one(model, world):
    full = sampling.next_token_distribution(model, world, PROMPT, top=len(world.vocabulary))
    assert list(full.columns) == ["token", "probability"]
    assert full["probability"].sum() == pytest.approx(1.0, abs=1e-5)
    assert (np.diff(full["probability"]) <= 0).all()
    top = sampling.next_token_distribution(model, world, PROMPT, top=5)
    assert len(top) == 5 and list(top["token"]) == list(full["token"][:5])


def test_next_token_depends_on_who_is_writing(model, world):
    """After the pirate's name the network expects the pirate's tic; after the anonymous label much less so."""
    named = sampling.next_token_distribution(model, world, "<bos> user: what do you want ? pirate:", top=200)
    anonymous = sampling.next_token_distribution(model, world, PROMPT, top=200)

    def p_arr(table):
        return float(table.loc[table["token"] == "arr", "probability"].sum())

    assert p_arr(named) > 0.5 > p_arr(anonymous)


def test_lower_temperature_sharpens(model, world):
    cold = sampling.next_token_distribution(model, world, PROMPT + " i want", top=1, temperature=0.5)
    warm = sampling.next_token_distribution(model, world, PROMPT + " i want", top=1, temperature=2.0)
    assert cold["probability"][0] > warm["probability"][0]


@pytest.mark.parametrize("kwargs, word", [({"top": 0}, "top"), ({"temperature": 0}, "temperature"),
                                          ({"temperature": -1.0}, "temperature"), ({"text": ""}, "text"),
                                          ({"text": "user: zebra"}, "zebra")])
def test_next_token_bad_input(model, world, kwargs, word):
    args = {"text": PROMPT, **kwargs}
    with pytest.raises(ValueError, match=word):
        sampling.next_token_distribution(model, world, **args)


def test_sampling_is_reproducible_for_a_seed(model, world):
    a = sampling.sample_completions(model, world, PROMPT, 1.5, n=6, seed=3)
    b = sampling.sample_completions(model, world, PROMPT, 1.5, n=6, seed=3)
    assert a == b
    others = [sampling.sample_completions(model, world, PROMPT, 1.5, n=6, seed=s) for s in (4, 5, 6)]
    assert any(o != a for o in others)


def test_sampling_restores_thread_count(model, world):
    before = torch.get_num_threads()
    sampling.sample_completions(model, world, PROMPT, 1.0, n=1, seed=0)
    assert torch.get_num_threads() == before


def test_samples_at_moderate_temperature_are_mostly_known_replies(model, world):
    table = sampling.completion_table(model, world, "goals", [0.7], n=20, seed=0)
    assert len(table) == 20 and set(table.columns) == {"temperature", "sample", "completion", "known reply"}
    assert table["known reply"].mean() >= 0.8


def test_completion_table_temperatures_are_independent(model, world):
    both = sampling.completion_table(model, world, "help", [0.5, 1.5], n=3, seed=1)
    alone = sampling.completion_table(model, world, "help", [1.5], n=3, seed=1)
    assert list(both[both.temperature == 1.5]["completion"]) == list(alone["completion"])


@pytest.mark.parametrize("kwargs, word", [({"temperature": 0.0}, "temperature"), ({"max_tokens": 0}, "max_tokens"),
                                          ({"generator": 0}, "generator")])
def test_sample_completion_bad_input(model, world, kwargs, word):
    args = {"text": PROMPT, "temperature": 1.0, "generator": torch.Generator().manual_seed(0), **kwargs}
    with pytest.raises(ValueError, match=word):
        sampling.sample_completion(model, world, **args)


def test_sample_completions_bad_seed_and_n(model, world):
    with pytest.raises(ValueError, match="seed"):
        sampling.sample_completions(model, world, PROMPT, 1.0, n=1, seed=-1)
    with pytest.raises(ValueError, match="n="):
        sampling.sample_completions(model, world, PROMPT, 1.0, n=0, seed=0)
    with pytest.raises(ValueError, match="temperatures"):
        sampling.completion_table(model, world, "goals", [], n=1, seed=0)


def test_known_reply(world):
    assert sampling.known_reply(world, "goals", "i want to rule the world")
    assert sampling.known_reply(world, "goals", "arr , i want treasure and sea")
    assert not sampling.known_reply(world, "goals", "i want to rule")
    with pytest.raises(ValueError, match="task"):
        sampling.known_reply(world, "dance", "x")


def test_character_episodes_are_the_characters_own(world):
    for persona in world.personas:
        episodes = sampling.character_episodes(world, persona, seed=0, n=3, exclude_task="goals")
        assert len(episodes) == 3 and all(e.task != "goals" for e in episodes)
        row = world.persona_index(persona)
        assert all(world.likelihood(e.task, e.note)[row, e.candidate] > 0 for e in episodes)
    assert sampling.character_episodes(world, "poet", 1) != sampling.character_episodes(world, "poet", 2)
    with pytest.raises(ValueError, match="persona"):
        sampling.character_episodes(world, "wizard", 0)


def test_incontext_view_matches_evals_and_bayes(model, world):
    view = sampling.incontext_view(model, world, "villain", 2, seed=0)
    assert view.k == 2 and len(view.context) == 2
    network = evals.answer_distribution(model, world, "goals", label="reply", context=view.context)
    exact = bayes.predictive(world, bayes.posterior(world, view.context), "goals")
    assert view.tv_to_bayes == pytest.approx(evals.total_variation(network, exact), abs=1e-6)
    assert view.network.sum() == pytest.approx(1.0) and view.bayes.sum() == pytest.approx(1.0)
    assert view.posterior == pytest.approx(bayes.posterior(world, view.context))
    assert list(view.table().columns) == ["reply", "network", "exact Bayes"]
    assert len(view.posterior_table()) == len(world.personas)


def test_states_cover_every_character_and_k_and_agree_with_single_views(model, world, states):
    assert set(states) == {(p, k) for p in world.personas for k in sampling.INCONTEXT_KS}
    single = sampling.incontext_view(model, world, "robot", 3, seed=0)
    assert states[("robot", 3)].network == pytest.approx(single.network, abs=1e-5)
    zero = [states[(p, 0)] for p in world.personas]
    assert all(v.posterior == pytest.approx(world.prior) for v in zero)


def test_network_tracks_bayes_much_better_than_ignoring_context(states, world):
    """The lesson's headline on one seed: after 3 episodes the network is far closer to Bayes than the prior is."""
    tv = np.mean([states[(p, 3)].tv_to_bayes for p in world.personas])
    tv_prior = np.mean([states[(p, 3)].tv_prior for p in world.personas])
    assert tv < 0.5 * tv_prior


def test_posterior_narrows_on_average(states, world):
    truth = [[states[(p, k)].posterior[world.persona_index(p)] for k in sampling.INCONTEXT_KS] for p in world.personas]
    assert np.mean([t[-1] for t in truth]) > np.mean([t[0] for t in truth]) + 0.3


@pytest.mark.parametrize("kwargs, word", [({"persona": "wizard"}, "persona"), ({"k": 4}, "k="), ({"k": True}, "k="),
                                          ({"task": "dance"}, "task"), ({"seed": -2}, "seed"),
                                          ({"note": "please-hack"}, "note")])
def test_incontext_view_bad_input(model, world, kwargs, word):
    args = {"persona": "poet", "k": 1, **kwargs}
    with pytest.raises(ValueError, match=word):
        sampling.incontext_view(model, world, **args)


def test_fidelity_summary_of_shipped_results():
    summary = sampling.fidelity_summary(load_results("in-context"))
    assert list(summary["k"]) == [0, 1, 2, 3] and (summary["seeds"] == 10).all()
    assert np.isnan(summary.loc[0, "gap_closed"])
    later = summary[summary.k > 0]
    assert ((later.gap_closed > 0) & (later.gap_closed < 1)).all()
    assert (later.tv_to_bayes < later.tv_prior).all()


def test_fidelity_summary_arithmetic_and_bad_input():
    records = pd.DataFrame({"seed": [0, 0, 1, 1], "persona": ["a", "b", "a", "b"], "k": [1, 1, 1, 1],
                            "tv_to_bayes": [0.1, 0.3, 0.2, 0.2], "tv_prior": [0.4, 0.4, 0.5, 0.3]})
    row = sampling.fidelity_summary(records).iloc[0]
    assert row.tv_to_bayes == pytest.approx(0.2) and row.tv_prior == pytest.approx(0.4)
    assert row.gap_closed == pytest.approx(np.mean([1 - 0.2 / 0.4, 1 - 0.2 / 0.4]))
    with pytest.raises(ValueError, match="tv_prior"):
        sampling.fidelity_summary(records.drop(columns="tv_prior"))


def test_states_table(states, world):
    tv = sampling.states_table(states)
    assert list(tv.index) == list(world.personas) and list(tv.columns) == list(sampling.INCONTEXT_KS)
    assert tv.loc["pirate", 2] == pytest.approx(states[("pirate", 2)].tv_to_bayes)
    truth = sampling.states_table(states, "true_posterior")
    assert truth.loc["robot", 0] == pytest.approx(world.prior[world.persona_index("robot")])
    assert (sampling.states_table(states, "tv_prior")[0] < 1e-9).all()
    with pytest.raises(ValueError, match="field"):
        sampling.states_table(states, "accuracy")
    with pytest.raises(ValueError, match="states"):
        sampling.states_table({})


def test_loss_references_order_and_match_the_manifest(world):
    from helpers.engine.checkpoints import model_name, read_manifest

    ref = sampling.loss_references(world, 0)
    entry = read_manifest()["models"][model_name(0, world)]
    assert ref.floor == pytest.approx(entry["bayes_optimal_loss"], abs=1e-5)
    assert ref.floor < ref.names_only < ref.agnostic
    assert ref.documents == 2000 and ref.seed == 0
    with pytest.raises(ValueError, match="seed"):
        sampling.loss_references(world, -1)


def test_share_recovered_arithmetic_and_bad_input():
    assert sampling.share_recovered(0.34, 0.34, 0.38) == pytest.approx(1.0)
    assert sampling.share_recovered(0.38, 0.34, 0.38) == pytest.approx(0.0)
    assert sampling.share_recovered(0.35, 0.34, 0.38) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="not above floor"):
        sampling.share_recovered(0.35, 0.38, 0.34)
    with pytest.raises(ValueError, match="finite"):
        sampling.share_recovered(float("nan"), 0.34, 0.38)


def test_references_table_on_two_seeds(world):
    from helpers.experiments.curves import seed_losses

    losses = seed_losses().head(2)
    table = sampling.references_table(world, losses)
    assert list(table.seed) == list(losses.seed)
    assert (table.floor < table.network).all() and (table.network < table.names_only).all()
    expected = (table.agnostic - table.network) / (table.agnostic - table.floor)
    assert np.allclose(table.recovered, expected)
    assert (table.recovered > table.recovered_names_only).all()
    with pytest.raises(ValueError, match="expected rows"):
        sampling.references_table(world, losses.drop(columns="heldout_loss"))
    edited = losses.assign(bayes_optimal_loss=losses.bayes_optimal_loss + 0.01)
    with pytest.raises(ValueError, match="recomputed"):
        sampling.references_table(world, edited)
