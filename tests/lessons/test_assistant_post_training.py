"""Lesson 03's post-training run with a trajectory, and the shipped records of both modes."""

import pandas as pd
import pytest
import torch

from helpers.engine import bayes, evals, pipeline
from helpers.lessons.assistant import analysis as assistant
from helpers.lessons.assistant import post_training


def test_snapshot_metrics_equal_the_evals_definitions(world, base):
    model = assistant.assistant_model(base, world)
    snap = post_training.snapshot_metrics(model, world)
    full = evals.behaviour_metrics(world, evals.network_profile(model, world))
    for key in ("helpfulness", "human_likeness", "helper_likeness", "misalignment", "cheat_rate"):
        # the same definitions from differently batched forward passes: float32 rounding (measured 3e-9), no more
        assert snap[key] == pytest.approx(full[key], abs=1e-7)
    assert snap["in_set"] == pytest.approx(evals.in_set_mass(model, world))


@pytest.mark.slow
def test_post_training_run_trains_the_same_model_as_the_pipeline(world):
    run = post_training.post_training_run(world, 1, every=25)
    reference = pipeline.post_train(world, 1).model
    for a, b in zip(run.model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(a, b)
    assert list(run.trajectory.step) == list(range(0, pipeline.Recipe().post_training.steps + 1, 25))
    last = run.trajectory.iloc[-1]
    assert last.helpfulness == pytest.approx(evals.helpfulness(world, evals.network_profile(run.model, world)))
    assert last.helpfulness > run.trajectory.iloc[0].helpfulness + 0.3
    with pytest.raises(ValueError, match="every="):
        post_training.post_training_run(world, 1, every=0)


def test_post_training_table_has_every_condition_and_seed():
    table = post_training.post_training_table()
    assert set(table.condition) == set(post_training.CONDITIONS)
    assert (table.groupby("condition").seed.nunique() == 10).all()
    assert set(table[table.condition == "all"].params) == {"all"}
    summary = post_training.seed_summary(table, ["in_set"])
    assert list(summary.index) == list(post_training.CONDITIONS)
    assert summary.loc["Bayes", ("in_set", "min")] == 1.0
    with pytest.raises(ValueError, match="metrics"):
        post_training.seed_summary(table, ["nonsense"])
    with pytest.raises(ValueError, match="frames has no"):
        post_training.post_training_table({"post-training-all": pd.DataFrame({"stage": []})})
    with pytest.raises(ValueError, match="have no stage"):
        post_training.post_training_table({n: pd.DataFrame({"stage": ["x"]}) for n in ("post-training",
                                                                                       "post-training-all")})


def test_describe_reproduces_a_shipped_record(world):
    post = bayes.posterior(world, pipeline.post_training_evidence(world))
    record = post_training.describe(world, evals.bayes_profile(world, post), 1.0)
    shipped = post_training.post_training_table().query("condition == 'Bayes' and seed == 0").iloc[0]
    for key, value in record.items():
        assert value == pytest.approx(shipped[key], abs=1e-4), key


def test_post_training_embedding_stays_human_and_known_over_seeds():
    """The lesson-03 claims, on the shipped records: every seed stays human-like and on known replies with the
    persona vector; full fine-tuning moves farther from any mixture of characters on every seed."""
    table = post_training.post_training_table().set_index(["condition", "seed"])
    emb, full, before = table.loc["embedding"], table.loc["all"], table.loc["before post-training"]
    assert (emb.human_likeness >= before.human_likeness).all()
    assert emb.in_set.min() > 0.85 and full.in_set.min() > 0.85
    assert (full.mixture_distance > emb.mixture_distance).all()
    assert (emb.helpfulness > 0.9).all() and (full.helpfulness > 0.9).all()
    assert emb.mix_helper.mean() > 0.5


def test_reproduces_allows_mixture_weights_more_drift_than_metrics():
    shipped = pd.DataFrame({"misalignment": [0.1], "mix_helper": [0.6]}, index=["embedding"])

    def live(metric: float, weight: float) -> pd.DataFrame:
        return shipped + pd.DataFrame({"misalignment": [metric], "mix_helper": [weight]}, index=["embedding"])

    assert post_training.reproduces(live(5e-5, 8e-4), shipped)        # the drift measured on another CPU
    assert not post_training.reproduces(live(5e-4, 0.0), shipped)     # a metric off by more than DRIFT
    assert not post_training.reproduces(live(0.0, 0.01), shipped)     # a mixture weight off by more than MIXTURE_DRIFT
    with pytest.raises(ValueError, match="lack condition"):
        post_training.reproduces(shipped.rename(index={"embedding": "all"}), shipped)


def test_psm_test_table_adds_the_never_trained_row():
    table = post_training.psm_test_table()
    assert list(dict.fromkeys(table.condition)) == list(post_training.PSM_TEST_CONDITIONS)
    raw = table[table.condition == post_training.NEVER_TRAINED]
    assert len(raw) == 10 and (raw.in_set < 0.1).all()    # it hardly answers with any character's replies
    assert post_training.post_training_table().condition.nunique() == len(post_training.CONDITIONS)


def test_distance_on_scale_runs_from_the_start_to_the_never_trained_row():
    table = post_training.psm_test_table()
    assert (post_training.distance_on_scale(table, "before post-training") == 0).all()
    assert (post_training.distance_on_scale(table, post_training.NEVER_TRAINED) == 1).all()
    by = table.set_index(["condition", "seed"]).mixture_distance
    pos = post_training.distance_on_scale(table, "all")
    start, end = by["before post-training"], by[post_training.NEVER_TRAINED]
    assert pos.to_numpy() == pytest.approx(((by["all"] - start) / (end - start)).to_numpy())
    with pytest.raises(ValueError, match="psm_test_table"):
        post_training.distance_on_scale(post_training.post_training_table(), "all")


def test_psm_test_summary_is_the_seed_mean():
    table = post_training.psm_test_table()
    summary = post_training.psm_test_summary(table, ["helper_likeness", "mixture_distance"])
    assert list(summary.index) == list(post_training.PSM_TEST_CONDITIONS)
    all_rows = table[table.condition == "all"]
    assert summary.loc["all", "helper_likeness"] == pytest.approx(all_rows.helper_likeness.mean())
    assert summary.loc["all", "distance_on_scale"] == pytest.approx(
        post_training.distance_on_scale(table, "all").mean())
