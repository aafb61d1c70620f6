"""The named experiments."""


import pytest

from helpers.experiments import catalog


def test_run_rejects_an_unknown_experiment():
    with pytest.raises(ValueError, match="expected one of"):
        catalog.run("nonsense", [0])


def test_every_named_experiment_has_a_runner():
    assert set(catalog.EXPERIMENTS) == set(catalog.RUNNERS)


def test_role_models_share_the_weight_zero_baseline(monkeypatch):
    """Weight 0 is the same world for both role models: it runs once per seed and is reported for both."""
    calls = []

    def fake(world, seed, recipe, conditions, trajectory, names):
        calls.append((world.role_model, world.weight, seed))
        return [{"seed": seed, "condition": "cheat", "misalignment": 0.5, "cheat_rate": 0.9}]

    monkeypatch.setattr(catalog, "framings_for_seed", fake)
    records = catalog.role_models([0])
    assert len(records) == len(catalog.ROLE_MODELS) * len(catalog.ROLE_MODEL_WEIGHTS)
    assert calls.count((None, 0.0, 0)) == 1
    gamer = [r for r in records if r["role_model"] == "gamer" and r["weight"] == 0.15][0]
    steward = [r for r in records if r["role_model"] == "steward" and r["weight"] == 0.15][0]
    assert gamer["bayes_role_model_share"] > 0.5 > steward["bayes_role_model_share"]
