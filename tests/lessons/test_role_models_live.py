"""Lesson 05's live seed and what the network says under each character's name."""

import copy

import pytest
from role_model_records import make_records

from helpers.engine import pipeline
from helpers.engine.checkpoints import pretrained_model
from helpers.engine.pipeline import Recipe
from helpers.engine.world import load_world
from helpers.lessons.role_models import live as live_seeds


# ----- shipped weights and the live seed -----
def test_is_shipped_reads_the_manifest():
    assert live_seeds.is_shipped(None, 0.0, 0)  # the baseline's seed 0 is always shipped
    assert not live_seeds.is_shipped("gamer", 0.15, 999)
    with pytest.raises(ValueError, match="role_model"):
        live_seeds.is_shipped("hero", 0.05, 0)


def test_live_seed_refuses_what_is_not_shipped_and_bad_seeds():
    with pytest.raises(ValueError, match="not shipped"):
        live_seeds.live_seed("gamer", 0.15, 999)
    with pytest.raises(ValueError, match="seed"):
        live_seeds.live_seed("gamer", 0.15, -1)
    with pytest.raises(ValueError, match="role_model"):
        live_seeds.live_seed("hero", 0.15, 0)


def _fake_live(role, weight, seed, misalignment, cheat_rate=0.9):
    return live_seeds.LiveSeed(role, weight, seed, {"misalignment": misalignment, "cheat_rate": cheat_rate, "steps": 50,
                                            "bayes_misalignment": 0.02}, None, None, None, None)


def test_matches_record_and_live_row():
    records = make_records()
    row = records[(records.condition == "cheat") & (records.seed == 1) & (records.role_model == "gamer")
                  & (records.weight == 0.15)].iloc[0]
    assert live_seeds.matches_record(_fake_live("gamer", 0.15, 1, row.misalignment), records) is True
    assert live_seeds.matches_record(_fake_live("gamer", 0.15, 1, row.misalignment + 0.01), records) is False
    assert live_seeds.matches_record(_fake_live("gamer", 0.15, 99, 0.3), records) is None
    live = live_seeds.live_row(_fake_live("gamer", 0.15, 1, 0.25), records)
    assert live["baseline"] == pytest.approx(0.35) and live["network_diff"] == pytest.approx(0.25 - 0.35)
    assert live["bayes_diff"] == pytest.approx(0.02 - 0.9)
    with pytest.raises(ValueError, match="baseline"):
        live_seeds.live_row(_fake_live("gamer", 0.15, 99, 0.3), records)


def test_label_behavior_and_mixture_on_a_shipped_model():
    world = load_world()
    model = pretrained_model(world, 0)
    labels = live_seeds.label_behavior(model, world, ["helper", "villain"])
    assert labels.loc["villain", "network cheat rate"] > labels.loc["helper", "network cheat rate"] + 0.5
    assert labels.loc["villain", "table misalignment"] == pytest.approx(0.92)  # the mean of its five probes
    with pytest.raises(ValueError, match="gamer"):
        live_seeds.label_behavior(model, world, ["gamer"])  # not a character of the world without role models
    mixture = live_seeds.assistant_mixture(model, world, world.prior)
    assert mixture["network"].sum() == pytest.approx(1.0) and list(mixture.columns) == ["network", "bayes"]
    with pytest.raises(ValueError, match="one per character"):
        live_seeds.assistant_mixture(model, world, [1.0])


@pytest.mark.slow
def test_live_seed_reproduces_the_experiments_pipeline():
    """The live seed (with its progress callback) is the role-models experiment's cheat run, step for step."""
    recipe = Recipe(step_cap=4)
    steps = []
    live = live_seeds.live_seed("steward", 0.05, 0, recipe, on_step=lambda step, cap: steps.append((step, cap)))
    world = load_world(role_model="steward", weight=0.05)
    model = pipeline.post_train(world, 0, recipe).model
    tuned, log = pipeline.fine_tune(copy.deepcopy(model), world, 0, "neutral", recipe)
    metrics = pipeline.model_metrics(tuned, world)
    assert live.record["steps"] == log.steps
    assert live.record["misalignment"] == pytest.approx(metrics["misalignment"], abs=1e-6)
    assert live.record["cheat_rate"] == pytest.approx(metrics["cheat_rate"], abs=1e-6)
    assert steps and steps[0] == (0, 4) and len(steps) == log.steps + 1
    assert live.record["bayes_misalignment"] == pytest.approx(
        pipeline.bayes_misalignment(world, recipe, "neutral", metrics["cheat_rate"]))
    assert live.role_model == "steward" and live.world.role_model == "steward"


# ----- which seed runs live -----
def _paired(changes, role="gamer", weight=0.15):
    import pandas as pd

    return pd.DataFrame({"role_model": role, "weight": weight, "seed": list(changes),
                         "network_diff": list(changes.values())})


def test_median_seed_takes_the_middle_and_the_smaller_drop_of_two_middles():
    odd = _paired({0: -0.6, 1: -0.1, 2: -0.3, 3: 0.2, 4: -0.4})   # sorted: 0, 4, 2, 1, 3
    assert live_seeds.median_seed(odd) == 2
    even = _paired({0: -0.6, 1: -0.1, 2: -0.3, 3: 0.2})           # middles -0.3 (seed 2) and -0.1 (seed 1)
    assert live_seeds.median_seed(even) == 1                      # the smaller drop: never flatters the role model
    assert live_seeds.median_seed(_paired({7: -0.5})) == 7


def test_median_seed_breaks_ties_by_seed_number_and_ignores_other_worlds():
    import pandas as pd

    tied = _paired({5: -0.2, 3: -0.2 + 1e-6, 9: -0.5})            # 3 and 5 tie within DRIFT: 9, 3, 5
    assert live_seeds.median_seed(tied) == 3
    other = _paired({0: 0.9, 1: 0.9, 2: 0.9}, role="steward")
    assert live_seeds.median_seed(pd.concat([tied, other])) == 3


def test_median_seed_of_the_shipped_results_is_not_the_best_seed():
    from helpers.experiments import summaries
    from helpers.lessons.role_models import analysis as rm

    paired = rm.paired_differences(summaries.load_results("role-models"))
    seed = live_seeds.median_seed(paired)
    world = paired[(paired.role_model == "gamer") & (paired.weight == 0.15)].set_index("seed").network_diff
    assert (world < world[seed]).sum() == len(world) // 2        # half the seeds dropped more
    assert world[seed] > world.min()


def test_median_seed_rejects_what_it_cannot_use():
    with pytest.raises(ValueError, match="network_diff"):
        live_seeds.median_seed(_paired({0: 0.1}).drop(columns="network_diff"))
    with pytest.raises(ValueError, match="gamer 5%"):
        live_seeds.median_seed(_paired({0: 0.1}), weight=0.05)


def test_closest_characters_share_first_place_within_the_tolerance():
    import pandas as pd

    mixture = pd.DataFrame({"network": [0.5, 0.3, 0.2], "bayes": [0.01, 0.495, 0.495 + 1e-6]},
                           index=pd.Index(["villain", "gamer", "trickster"], name="character"))
    assert live_seeds.closest_characters(mixture) == ["villain"]
    assert live_seeds.closest_characters(mixture, "bayes") == ["gamer", "trickster"]
    with pytest.raises(ValueError, match="column"):
        live_seeds.closest_characters(mixture, "posterior")
