"""Lesson 6's analysis: activations, persona vectors, the map, steering, capping, re-alignment, the CLI and the
shipped records (whose effects are checked over seeds 0-9)."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import activations, evals, pipeline
from helpers.engine.world import NEUTRAL
from helpers.experiments import interventions, persona_map
from helpers.experiments import persona_space as ps
from helpers.experiments.cli import format_records
from helpers.lessons.persona_space import analysis as psa


@pytest.fixture(scope="module")
def space(base, world):
    return ps.analyze_space(base, world)


@pytest.fixture(scope="module")
def models(world, space):
    """Seed 0 at every stage, with snapshots every 3 steps (a few seconds)."""
    return ps.seed_models(world, 0, snapshot=ps.map_snapshot(space, every=3))


@pytest.fixture(scope="module")
def records():
    return psa.load_records()


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


# ----- the map -----
def test_the_map_is_a_pca_oriented_to_the_helper(space):
    pmap = space.map
    assert np.allclose(pmap.components @ pmap.components.T, np.eye(len(pmap.components)), atol=1e-6)
    assert pmap.coords.loc["helper", "PC1"] > 0
    assert list(pmap.explained) == sorted(pmap.explained, reverse=True) and pmap.explained.sum() <= 1 + 1e-9
    assert np.allclose(pmap.project(pmap.mean), 0)
    assert np.allclose(pmap.project(space.vectors), pmap.coords.to_numpy())
    assert pmap.along(space.vectors.loc["helper"].to_numpy()) == pytest.approx(0.0, abs=1e-9)
    assert pmap.along(space.vectors.loc["villain"].to_numpy()) == pytest.approx(1.0)
    assert all(pmap.nearest(space.vectors.loc[p].to_numpy()) == p for p in space.vectors.index)
    with pytest.raises(ValueError, match="width"):
        pmap.project(np.zeros(3))


def test_fit_map_rejects_bad_arguments(space):
    with pytest.raises(ValueError, match="anchor"):
        persona_map.fit_map(space.vectors, anchor="wizard")
    with pytest.raises(ValueError, match="k="):
        persona_map.fit_map(space.vectors, k=7)
    flipped = persona_map.fit_map(space.vectors.loc[::-1])
    assert np.allclose(np.abs(flipped.components[0]), np.abs(space.map.components[0]), atol=1e-6)
    assert flipped.coords.loc["helper", "PC1"] > 0


def test_vector_helpers_reject_degenerate_input():
    with pytest.raises(ValueError, match="zero"):
        persona_map.cosine(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        persona_map.cosine(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="zero"):
        persona_map.unit(np.zeros(4))
    with pytest.raises(ValueError, match="same vector"):
        persona_map.along(np.ones(2), np.ones(2), np.ones(2))
    assert persona_map.cosine(np.array([1.0, 0]), np.array([0, 2.0])) == pytest.approx(0.0)
    sim = persona_map.similarity(pd.DataFrame(np.eye(3), index=list("abc")))
    assert np.allclose(np.diag(sim), 1) and sim.loc["a", "b"] < 0


def test_the_point_reports_the_evaluations_metrics(models, space, world):
    for stage in ("post-trained", "cheat"):
        point = space.point(models.stages[stage])
        m = pipeline.model_metrics(models.stages[stage], world)
        for key in ("misalignment", "cheat_rate", "cheat_rate_please-hack", "helpfulness"):
            assert point[key] == pytest.approx(m[key], abs=1e-5)
        assert point["nearest"] in world.personas
    embedded = space.embedding_point(models.stages["post-trained"])
    assert embedded["nearest_embedding"] in world.personas


# ----- the pipeline -----
def test_seed_models_reproduce_the_experiments(models, world):
    post = models.stages["post-trained"]
    tuned, log = pipeline.fine_tune(post, world, 0, NEUTRAL)
    assert log.steps == models.steps["cheat"]
    assert torch.equal(tuned.token_embedding.weight, models.stages["cheat"].token_embedding.weight)
    assert models.steps["cheat (fixed steps)"] == pipeline.Recipe().fixed_steps
    assert models.steps["honest"] == models.steps["cheat"]
    assert list(models.stages) == list(ps.STAGES)
    assert set(models.trajectories) == set(ps.FINE_TUNES)


def test_map_snapshots_every_few_steps(models, space):
    trajectory = models.trajectories["cheat (fixed steps)"]
    expected = list(range(0, 40, 3)) + [40]  # every third step, and the end of the run
    assert [step for step, snap in trajectory if snap is not None] == expected
    frame = ps.trajectory_frame(space, trajectory)
    assert list(frame.step) == expected
    assert {"pc1", "pc2", "along", "misalignment", "cheat_rate"} <= set(frame.columns)
    assert frame.along.iloc[-1] > frame.along.iloc[0]  # cheating moves the Assistant toward the villain
    with pytest.raises(ValueError, match="every"):
        ps.map_snapshot(space, every=0)
    cheat = models.trajectories["cheat"]
    assert cheat[-1][0] == models.steps["cheat"] and cheat[-1][1] is not None  # the end is always recorded
    assert cheat[-1][1]["misalignment"] == pytest.approx(pipeline.model_metrics(models.stages["cheat"], space.world)["misalignment"],
                                                         abs=1e-5)


# ----- steering -----
def test_row_steering_moves_only_the_assistant_row(models, space, world):
    post = models.stages["post-trained"]
    before = post.token_embedding.weight.detach().clone()
    steered = interventions.steer_label_row(post, world, space.embedding_villain_minus_helper, 1.0)
    assert torch.equal(post.token_embedding.weight, before)  # the original is untouched
    changed = (steered.token_embedding.weight != before).any(dim=1).nonzero().flatten().tolist()
    assert changed == [world.token_id["assistant:"]]
    assert torch.equal(interventions.steer_label_row(post, world, space.embedding_villain_minus_helper, 0.0).token_embedding.weight,
                       before)
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
                          torch.tensor(space.villain_minus_helper, dtype=torch.float32).expand(tokens.shape[1] - label, -1),
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
    assert interventions.realign_epochs() == 25
    _, steps = interventions.realign(cheat, world, 0, 4, steps=3)
    assert steps == 3
    tuned, steps = interventions.realign(cheat, world, 0, 32)
    assert steps == math.ceil(interventions.realign_epochs() * 32 / pipeline.Recipe().finetune.batch_size)
    assert pipeline.model_metrics(tuned, world)["misalignment"] < pipeline.model_metrics(cheat, world)["misalignment"] - 0.3
    with pytest.raises(ValueError, match="steps"):
        interventions.realign(cheat, world, 0, 4, steps=-2)


def test_bayes_realigned_starts_where_the_cheat_run_left_bayes(world):
    recipe = pipeline.Recipe()
    assert interventions.bayes_realigned(world, 0.6, 0) == pytest.approx(
        pipeline.bayes_misalignment(world, recipe, NEUTRAL, 0.6))
    assert interventions.bayes_realigned(world, 0.6, 64) < interventions.bayes_realigned(world, 0.6, 0)
    post = interventions.bayes_realigned_posterior(world, 0.9, 64)
    assert post.sum() == pytest.approx(1.0)


# ----- the shipped records -----
def test_shipped_records_are_the_cli_output(records):
    from helpers import DATA_DIR

    header = (DATA_DIR / "results" / "persona-space.csv").read_text().splitlines()[0]
    assert header.startswith("# python -m helpers.experiments persona-space --seeds 0-9 --format csv")
    assert sorted(records.seed.unique()) == list(range(10))
    assert set(records.measurement) == set(ps.MEASUREMENTS)
    per_seed = records.groupby("seed").size()
    assert per_seed.nunique() == 1
    stages = psa.stage_table(records)
    assert list(stages.columns) == list(ps.STAGES)
    assert format_records(records.head(2).to_dict("records"), "csv").startswith("seed,measurement")


def test_summaries_of_the_records(records):
    assert len(psa.pc1_agreement(records)) == 45
    assert list(psa.character_table(records).columns) == ["helper", "engineer", "robot", "poet", "pirate",
                                                         "trickster", "villain"]
    capped = psa.capping_table(records)
    assert set(capped.axis) == set(ps.CAPPING_AXES) and len(capped) == 20
    need = psa.examples_needed(records)
    assert need.index.tolist() == list(range(10)) and set(need.dropna()) <= set(ps.REALIGN_EXAMPLES)
    assert len(psa.monitor_table(records)) == 10 * len(ps.STAGES)
    axes = psa.axis_table(records)
    assert {"cos_axis_pc1", "explained_1"} <= set(axes.columns)
    with pytest.raises(ValueError, match="measurement"):
        psa.stage_table(records[records.measurement != "map"])
    with pytest.raises(ValueError, match="column"):
        psa.stage_table(records, "nonsense")
    with pytest.raises(ValueError, match="quantile"):
        psa.capping_table(records, 0.33)
    with pytest.raises(ValueError, match="condition"):
        psa.examples_needed(records, "forever")
    papers = psa.load_papers()
    assert set(psa.PAPER_COLUMNS) <= set(papers.columns) and papers.url.str.startswith("https://").all()
    assert set(papers.paper) == {"Wang et al. (2025)", "Chen et al. (2025)", "Lu et al. (2026)"}


@pytest.mark.parametrize("source, short", [("Marks, Lindsey & Olah (2026), The persona selection model", "Marks et al. (2026)"),
                                           ("Smith (2024), One author", "Smith (2024)"),
                                           ("Wang et al. (2025), Persona features", "Wang et al. (2025)")])
def test_short_citation(source, short):
    assert psa.short_citation(source) == short


def test_short_citation_rejects_a_source_without_a_year():
    with pytest.raises(ValueError, match="source"):
        psa.short_citation("Someone, a title without a year")


def test_effects_over_seeds(records):
    """The lesson's claims, over seeds 0-9: a change that kills one of them fails here."""
    along = psa.stage_table(records)
    assert (along["cheat"] > along["post-trained"] + 0.1).sum() >= 8
    assert (psa.stage_table(records, "nearest")["post-trained"] == "helper").all()
    assert (along["cheat-with-permission (fixed steps)"] < along["cheat (fixed steps)"]).sum() >= 8
    steer = psa.steering_summary(records).set_index(["model", "condition", "alpha"])["mean"]
    assert steer[("post-trained", "label row", 1.0)] > steer[("post-trained", "label row", 0.0)] + 0.3
    assert steer[("post-trained", "residual", 2.0)] > steer[("post-trained", "residual", 0.0)] + 0.3
    assert steer[("cheat", "label row", -1.0)] < steer[("cheat", "label row", 0.0)] - 0.3
    untouched = psa.capping_table(records, model="post-trained")
    assert (untouched.capped_misalignment - untouched.uncapped_misalignment).abs().max() < 0.01
    realigned = psa.realign_table(records).mean()
    assert realigned[("same epochs", 64)] < 0.1 < realigned[("same epochs", 0)]
    assert abs(realigned[("fixed steps", 4)] - realigned[("fixed steps", 64)]) < 0.05  # steps, not examples
    assert psa.within_seed_correlation(psa.monitor_table(records), "label_projection").median() > 0.5


@pytest.mark.slow
def test_one_seed_of_the_records_is_reproduced(world, records):
    fresh = pd.DataFrame(ps.seed_records(world, 3))
    shipped = records[records.seed == 3].reset_index(drop=True)
    assert list(fresh.measurement) == list(shipped.measurement)
    for column in ("misalignment", "along", "pc1", "alpha", "floor"):
        a, b = fresh[column].astype(float).to_numpy(), shipped[column].astype(float).to_numpy()
        assert np.allclose(a, b, atol=1e-4, equal_nan=True), column
