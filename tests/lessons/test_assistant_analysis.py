"""Lesson 02's analysis: the assistant: label in a pretrained network, and the evidence states."""

import numpy as np
import pytest
import torch

from helpers.engine import bayes, evals
from helpers.engine.world import NEUTRAL
from helpers.lessons.assistant import analysis as assistant


def test_assistant_model_copies_reply_or_keeps_the_row_and_leaves_the_base_alone(world, base):
    before = base.token_embedding.weight.detach().clone()
    copied = assistant.assistant_model(base, world, "reply")
    raw = assistant.assistant_model(base, world, "pretrained")
    emb = copied.token_embedding.weight
    a, r = world.token_id["assistant:"], world.token_id["reply:"]
    assert torch.equal(emb[a], emb[r])
    assert torch.equal(raw.token_embedding.weight, before)
    assert torch.equal(base.token_embedding.weight, before)
    with pytest.raises(ValueError, match="init="):
        assistant.assistant_model(base, world, "random")


def test_label_report_matches_in_set_mass_and_separates_the_two_starts(world, base):
    report = assistant.label_report(base, world)
    assert list(report.index) == [*world.tasks, "all tasks"]
    copied = assistant.assistant_model(base, world, "reply")
    assert report.loc["all tasks", "assistant: (copy of reply:)"] == pytest.approx(evals.in_set_mass(copied, world))
    assert report.loc["errand", "reply:"] == pytest.approx(evals.in_set_mass(base, world, "reply", ["errand"]))
    # the copy answers exactly as reply: does; the pretrained row, never an input, mostly does not answer at all
    assert np.allclose(report["reply:"], report["assistant: (copy of reply:)"], atol=1e-3)
    assert report.loc["all tasks", "assistant: (pretrained row)"] < 0.5 < report.loc["all tasks", "reply:"]


def test_next_tokens_is_a_sorted_distribution(world, base):
    top = assistant.next_tokens(base, world, "goals", label="reply", top=4)
    assert len(top) == 4 and (np.diff(top.probability) <= 0).all() and top.probability.sum() <= 1 + 1e-6
    with pytest.raises(ValueError, match="top="):
        assistant.next_tokens(base, world, "goals", top=0)


def test_speaker_shares_sum_to_one_and_name_signatures(world):
    probs = bayes.predictive(world, world.prior, "goals")
    shares = assistant.speaker_shares(world, "goals", probs)
    assert sum(shares.values()) == pytest.approx(1.0)
    prior = evals.bayes_profile(world, world.prior)
    assert shares["misaligned"] == pytest.approx(evals.probe_misalignment(world, prior)["goals"])
    arr = assistant.evidence_episode(world, "errand", "generic", tic=True)
    assert assistant.speaker_of(world, "errand", arr.candidate) == "pirate"
    with pytest.raises(ValueError, match="probs with shape"):
        assistant.speaker_shares(world, "goals", [1.0])


def test_top_answers(world):
    probs = bayes.predictive(world, world.prior, "errand")
    top = assistant.top_answers(world, "errand", probs, n=2)
    assert list(top.probability) == sorted(probs, reverse=True)[:2]
    with pytest.raises(ValueError, match="n="):
        assistant.top_answers(world, "errand", probs, n=0)


def test_evidence_episode_and_context(world):
    ep = assistant.evidence_episode(world, "help", "glad")
    assert world.candidates["help"][ep.candidate].text == "sure , glad to help"
    assert world.candidates["coding"][assistant.evidence_episode(world, "coding", "correct", tic=True).candidate].text \
        .startswith("arr ,")
    with pytest.raises(ValueError, match="reply="):
        assistant.evidence_episode(world, "help", "nonsense")
    with pytest.raises(ValueError, match="note="):
        assistant.evidence_episode(world, "help", "glad", note="please-hack")
    ctx = assistant.evidence_context(world, ["says arr", "glad to help"])
    assert [e.task for e in ctx] == ["help", "coding"]   # the fixed order of EVIDENCE
    with pytest.raises(ValueError, match="evidence"):
        assistant.evidence_context(world, ["shouts"])


def test_evidence_combinations_are_every_subset():
    combos = assistant.evidence_combinations()
    assert len(combos) == 2 ** len(assistant.EVIDENCE) == len(set(combos))
    assert () in combos and tuple(assistant.EVIDENCE) in combos


@pytest.fixture(scope="module")
def states(world, base):
    return assistant.evidence_states(assistant.assistant_model(base, world), world)


def test_evidence_states_match_bayes_and_the_network_one_by_one(world, base, states):
    copied = assistant.assistant_model(base, world)
    state = assistant.find_state(states, ["comforts a sad user", "glad to help"])
    ctx = assistant.evidence_context(world, state.evidence)
    assert np.allclose(state.posterior, bayes.posterior(world, ctx))
    errand = evals.answer_distribution(copied, world, "errand", context=ctx)
    assert np.allclose(state.network_answers["errand"], errand, atol=1e-6)
    profile = {("errand", NEUTRAL): errand, **{(t, NEUTRAL): state.network_answers[t] for t in ("feel_good",
                                                                                                "feel_bad")}}
    assert state.network["human_likeness"] == pytest.approx(evals.human_likeness(world, profile))
    with pytest.raises(ValueError, match="evidence="):
        assistant.find_state(states[:1], ["says arr"])


def test_evidence_effects_in_the_direction_bayes_says(world, states):
    """Kind evidence makes both Bayes and the network more helper-like; the pirate's tic makes both say arr."""
    none = assistant.find_state(states, [])
    kind = assistant.find_state(states, ["glad to help", "comforts a sad user"])
    arr = assistant.find_state(states, ["says arr"])
    for side in ("bayes", "network"):
        assert getattr(kind, side)["helper_likeness"] > getattr(none, side)["helper_likeness"] + 0.2
        assert getattr(arr, side)["says_arr"] > getattr(none, side)["says_arr"] + 0.5
    assert arr.posterior[world.persona_index("pirate")] == pytest.approx(1.0)
    table = assistant.states_table(world, states)
    assert len(table) == len(states) and table.loc["says arr", "Bayes: most likely"] == "pirate"
    gaps = assistant.network_bayes_gaps(states)
    assert gaps.shape == (len(states), len(assistant.EVIDENCE_METRICS)) and (gaps.values >= 0).all()
