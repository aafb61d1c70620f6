"""helpers.lessons.assistant.analysis: the Assistant label, evidence states, the post-training trajectory, the shipped records."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import bayes, evals, pipeline
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
    assert shares["power-seeking"] == pytest.approx(evals.misalignment(world, evals.bayes_profile(world, world.prior)))
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
    profile = {("errand", NEUTRAL): errand, **{(t, NEUTRAL): state.network_answers[t] for t in ("feel_good", "feel_bad")}}
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


def test_snapshot_metrics_equal_the_evals_definitions(world, base):
    model = assistant.assistant_model(base, world)
    snap = assistant.snapshot_metrics(model, world)
    full = evals.behaviour_metrics(world, evals.network_profile(model, world))
    for key in ("helpfulness", "human_likeness", "helper_likeness", "misalignment", "cheat_rate"):
        assert snap[key] == pytest.approx(full[key], abs=1e-9)
    assert snap["in_set"] == pytest.approx(evals.in_set_mass(model, world))


@pytest.mark.slow
def test_post_training_run_trains_the_same_model_as_the_pipeline(world):
    run = assistant.post_training_run(world, 1, every=25)
    reference = pipeline.post_train(world, 1).model
    for a, b in zip(run.model.parameters(), reference.parameters()):
        assert torch.equal(a, b)
    assert list(run.trajectory.step) == [0, 25, 50, 75, 100]
    last = run.trajectory.iloc[-1]
    assert last.helpfulness == pytest.approx(evals.helpfulness(world, evals.network_profile(run.model, world)))
    assert last.helpfulness > run.trajectory.iloc[0].helpfulness + 0.3
    with pytest.raises(ValueError, match="every="):
        assistant.post_training_run(world, 1, every=0)


def test_post_training_table_has_every_condition_and_seed():
    table = assistant.post_training_table()
    assert set(table.condition) == set(assistant.CONDITIONS)
    assert (table.groupby("condition").seed.nunique() == 10).all()
    assert set(table[table.condition == "all"].params) == {"all"}
    summary = assistant.seed_summary(table, ["in_set"])
    assert list(summary.index) == list(assistant.CONDITIONS)
    assert summary.loc["Bayes", ("in_set", "min")] == 1.0
    with pytest.raises(ValueError, match="metrics"):
        assistant.seed_summary(table, ["nonsense"])
    with pytest.raises(ValueError, match="frames has no"):
        assistant.post_training_table({"post-training-all": pd.DataFrame({"stage": []})})
    with pytest.raises(ValueError, match="have no stage"):
        assistant.post_training_table({n: pd.DataFrame({"stage": ["x"]}) for n in ("post-training", "post-training-all")})


def test_describe_reproduces_a_shipped_record(world):
    post = bayes.posterior(world, pipeline.post_training_evidence(world))
    record = assistant.describe(world, evals.bayes_profile(world, post), 1.0)
    shipped = assistant.post_training_table().query("condition == 'Bayes' and seed == 0").iloc[0]
    for key, value in record.items():
        assert value == pytest.approx(shipped[key], abs=1e-4), key


def test_post_training_embedding_stays_human_and_known_over_seeds():
    """The lesson-03 claims, on the shipped records: every seed stays human-like and on known replies with the
    persona vector; full fine-tuning moves farther from any mixture of characters on every seed."""
    table = assistant.post_training_table().set_index(["condition", "seed"])
    emb, full, before = table.loc["embedding"], table.loc["all"], table.loc["before post-training"]
    assert (emb.human_likeness >= before.human_likeness).all()
    assert emb.in_set.min() > 0.85 and full.in_set.min() > 0.85
    assert (full.mixture_distance > emb.mixture_distance).all()
    assert (emb.helpfulness > 0.9).all() and (full.helpfulness > 0.9).all()
    assert emb.mix_helper.mean() > 0.5
