"""Lesson 06's experiment: the Assistant at every stage of one seed, and the records of a seed."""


import numpy as np
import pandas as pd
import pytest
import torch

from helpers.engine import pipeline
from helpers.engine.world import NEUTRAL
from helpers.experiments import persona_space as ps
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
    final = pipeline.model_metrics(models.stages["cheat"], space.world)
    assert cheat[-1][1]["misalignment"] == pytest.approx(final["misalignment"], abs=1e-5)


@pytest.mark.slow
def test_one_seed_of_the_records_is_reproduced(world, records):
    fresh = pd.DataFrame(ps.seed_records(world, 3))
    shipped = records[records.seed == 3].reset_index(drop=True)
    assert list(fresh.measurement) == list(shipped.measurement)
    for column in ("misalignment", "along", "pc1", "alpha", "floor"):
        a, b = fresh[column].astype(float).to_numpy(), shipped[column].astype(float).to_numpy()
        assert np.allclose(a, b, atol=1e-4, equal_nan=True), column
