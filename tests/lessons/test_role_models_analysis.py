"""Lesson 05's analysis of the role-model records: paired differences, the sign-flip test, Bayes."""


import numpy as np
import pandas as pd
import pytest
from role_model_records import make_records

from helpers.experiments.catalog import ROLE_MODEL_WEIGHTS, ROLE_MODELS
from helpers.lessons.role_models import analysis as rm


# ----- names -----
def test_world_label_and_seed_ranges():
    assert rm.world_label(None, 0.0) == "no role model"
    assert rm.world_label("steward", 0.0) == "no role model"
    assert rm.world_label("gamer", 0.15) == "gamer 15%"
    with pytest.raises(ValueError, match="role_model"):
        rm.world_label("hero", 0.05)
    assert rm.format_seeds([5, 0, 1, 2, 7, 8]) == "0-2, 5, 7-8"
    assert rm.format_seeds([3]) == "3"
    assert rm.format_seeds([]) == "none"


# ----- records -----
def test_check_records_names_what_is_missing():
    with pytest.raises(ValueError, match="bayes_role_model_share"):
        rm.check_records(make_records().drop(columns="bayes_role_model_share"))
    bad = make_records()
    bad.loc[0, "role_model"] = "hero"
    with pytest.raises(ValueError, match="hero"):
        rm.check_records(bad)


def test_complete_seeds_drop_a_seed_missing_from_one_world():
    records = make_records(seeds=range(4), missing={(2, "gamer", 0.05)})
    assert rm.complete_seeds(records) == [0, 1, 3]
    with pytest.raises(ValueError, match="condition"):
        rm.complete_seeds(records, "nonsense")


def test_paired_differences_subtract_the_same_seeds_baseline():
    records = make_records(seeds=range(4), missing={(2, "gamer", 0.05)})
    paired = rm.paired_differences(records)
    assert sorted(paired["seed"].unique()) == [0, 1, 3]
    assert len(paired) == 3 * len(ROLE_MODELS) * len(ROLE_MODEL_WEIGHTS)
    assert (paired.loc[paired["weight"] == 0, ["network_diff", "bayes_diff"]] == 0).all().all()
    cheat = records[records["condition"] == "cheat"]
    for _, row in paired.iterrows():
        own = cheat[(cheat.seed == row.seed) & (cheat.role_model == row.role_model) & (cheat.weight == row.weight)]
        base = cheat[(cheat.seed == row.seed) & (cheat.weight == 0)]
        assert row.network_diff == pytest.approx(own.misalignment.iloc[0] - base.misalignment.iloc[0])
        assert row.bayes_diff == pytest.approx(own.bayes_misalignment.iloc[0] - base.bayes_misalignment.iloc[0])
    assert list(paired["role_model"].unique()) == list(ROLE_MODELS)


def test_paired_differences_of_another_condition():
    paired = rm.paired_differences(make_records(), "post-trained")
    assert (paired["network_diff"] == 0).all()  # post-trained misalignment depends on the seed only, here


# ----- the sign-flip test -----
def test_sign_flip_p_is_exact():
    assert rm.sign_flip_p([0.0, 0.0, 0.0]) == 1.0
    assert rm.sign_flip_p([-0.1] * 10) == pytest.approx(2 / 1024)
    assert rm.sign_flip_p([0.1, -0.1]) == 1.0
    d = [0.3, -0.1, 0.2, 0.05]
    assert rm.sign_flip_p(d) == rm.sign_flip_p([-x for x in d])
    # brute force for a small case: patterns whose |mean| >= the observed one
    d = [0.2, -0.05, 0.1]
    means = [abs(a * 0.2 + b * -0.05 + c * 0.1) / 3 for a in (1, -1) for b in (1, -1) for c in (1, -1)]
    assert rm.sign_flip_p(d) == pytest.approx(np.mean([m >= abs(np.mean(d)) - 1e-12 for m in means]))


@pytest.mark.parametrize("bad, message", [([], "empty"), ([0.1, float("nan")], "NaN"), ([0.1] * 21, "at most")])
def test_sign_flip_p_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        rm.sign_flip_p(bad)


def test_paired_summary_finds_a_real_effect_and_no_effect():
    summary = rm.paired_summary(rm.paired_differences(make_records(seeds=range(10), gamer_effect=-0.1)))
    gamer, steward = summary.loc[("gamer", 0.15)], summary.loc[("steward", 0.15)]
    assert gamer["network_diff"] == pytest.approx(-0.1, abs=0.03)
    assert gamer["lower"] == 10 and gamer["p_value"] == pytest.approx(2 / 1024)
    assert gamer["bayes_diff"] == pytest.approx(0.02 - 0.9)
    assert gamer["bayes_role_model_share"] == pytest.approx(0.97)
    assert steward["p_value"] > 0.05
    assert summary.loc[("gamer", 0.0), "network_diff"] == 0
    with pytest.raises(ValueError, match="paired_differences"):
        rm.paired_summary(pd.DataFrame({"seed": [0]}))


def test_describe_effect_is_worded_from_the_numbers():
    agreed = rm.describe_effect({"seeds": 10, "network_diff": -0.06, "lower": 9, "p_value": 0.004, "bayes_diff": -0.88})
    assert "lowered misalignment by 0.06" in agreed and "seeds agree" in agreed and "Bayes predicted -0.88" in agreed
    noise = rm.describe_effect({"seeds": 10, "network_diff": 0.01, "lower": 4, "p_value": 0.6, "bayes_diff": 0.0})
    assert "not distinguishable" in noise and "+0.01" in noise
    raised = rm.describe_effect({"seeds": 10, "network_diff": 0.2, "lower": 1, "p_value": 0.01, "bayes_diff": 0.0})
    assert raised.startswith("raised misalignment by 0.20")
    few = rm.describe_effect({"seeds": 2, "network_diff": -0.2, "lower": 2, "p_value": 0.5, "bayes_diff": -0.8})
    assert "too few seeds" in few
    with pytest.raises(ValueError, match="p_value"):
        rm.describe_effect({"seeds": 10})


def test_condition_means_one_row_per_world():
    table = rm.condition_means(make_records())
    assert list(table.index) == ["no role model", "steward 5%", "steward 15%", "gamer 5%", "gamer 15%"]
    assert list(table.columns) == ["post-trained", "honest", "cheat"]


# ----- the characters and Bayes -----
def test_character_traits_follow_the_tables():
    traits = rm.character_traits()
    assert traits.loc["steward", "cheat (neutral)"] == pytest.approx(traits.loc["engineer", "cheat (neutral)"])
    assert traits.loc["gamer", "cheat (neutral)"] == pytest.approx(traits.loc["villain", "cheat (neutral)"])
    # the steward is never misaligned; the gamer a little (it likes high scores, leaves some blind spots)
    assert traits.loc["steward", "misalignment"] == 0
    assert traits.loc["gamer", "misalignment"] < 0.2 and traits.loc["villain", "misalignment"] > 0.5
    with pytest.raises(ValueError, match="character"):
        rm.character_traits(["hero"])


def test_bayes_predicts_the_steward_absorbs_nothing_and_the_gamer_nearly_all():
    curves = rm.bayes_curves([0, 10, 64]).set_index(["world", "cheats"])
    for weight in ("5%", "15%"):
        assert curves.loc[(f"steward {weight}", 64), "misalignment"] == pytest.approx(
            curves.loc[("no role model", 64), "misalignment"], abs=1e-6)
        assert curves.loc[(f"steward {weight}", 64), "role_model_share"] < 0.01
        assert curves.loc[(f"gamer {weight}", 64), "role_model_share"] > 0.9
        # the posterior settles on the gamer, so misalignment near the gamer's own 0.14, far below the villain's
        assert curves.loc[(f"gamer {weight}", 64), "misalignment"] < 0.2
    assert curves.loc[("no role model", 64), "misalignment"] > 0.8
    with pytest.raises(ValueError, match="cheats"):
        rm.bayes_curves([-1])
    with pytest.raises(ValueError, match="weight"):
        rm.bayes_curves([1], weights=[1.5])


def test_corpus_pairing_replaces_only_the_role_models_documents():
    table = rm.corpus_pairing(0, weights=[0.15], documents=2000)
    for _world, row in table.iterrows():
        assert row["role-model documents"] + row["identical to the baseline"] == row["documents"]
        assert 0.1 < row["role-model documents"] / row["documents"] < 0.2
    assert table.loc["steward 15%", "role-model documents"] == table.loc["gamer 15%", "role-model documents"]
    with pytest.raises(ValueError, match="documents"):
        rm.corpus_pairing(0, documents=0)
    with pytest.raises(ValueError, match="role_model"):
        rm.corpus_pairing(0, role_models=["hero"])


def test_contrast_subtracts_the_control_world_seed_by_seed():
    paired = rm.paired_differences(make_records(seeds=range(6), gamer_effect=-0.1, noise=0.0))
    table = rm.contrast(paired)
    assert list(table.index.get_level_values("weight").unique()) == [0.05, 0.15]
    assert table.loc[(0.15, 3), "network"] == pytest.approx(-0.1)
    assert table.loc[(0.05, 3), "bayes"] == pytest.approx(0.02 - 0.9)
    summary = rm.contrast_summary(table)
    assert summary.loc[0.15, "lower"] == 6 and summary.loc[0.15, "p_value"] == pytest.approx(2 / 64)
    with pytest.raises(ValueError, match="control"):
        rm.contrast(paired, "gamer", "gamer")
    with pytest.raises(ValueError, match="no seed"):
        rm.contrast(paired[paired.role_model == "gamer"])


def test_paired_summary_counts_runs_that_reached_the_criterion():
    records = make_records(seeds=range(3))
    stuck = (records.seed == 1) & (records.role_model == "steward") & (records.weight == 0.05)
    records.loc[stuck & (records.condition == "cheat"), "reached_criterion"] = False
    summary = rm.paired_summary(rm.paired_differences(records.astype({"reached_criterion": str})))
    assert summary.loc[("steward", 0.05), "reached"] == 2 and summary.loc[("gamer", 0.05), "reached"] == 3


def test_lesson_05_prose_matches_the_shipped_results():
    """Lesson 05's hand-written reading (section 3, summary) describes this file: regenerating it re-checks it."""
    from helpers.experiments import summaries

    records = summaries.load_results("role-models")
    assert rm.complete_seeds(records) == list(range(10))
    paired = rm.paired_differences(records)
    summary = rm.paired_summary(paired)
    contrast = rm.contrast_summary(rm.contrast(paired, "gamer", control="steward"))
    for weight in (0.05, 0.15):
        gamer, steward = summary.loc[("gamer", weight)], summary.loc[("steward", weight)]
        # "the gamer worlds are lower on most seeds at both weights ... a fraction of Bayes' predicted drop"
        assert gamer["lower"] > gamer["seeds"] / 2
        assert gamer["bayes_diff"] < gamer["network_diff"] < 0 and gamer["network_diff"] > gamer["bayes_diff"] / 2
        # "the steward ... moved single seeds a long way in both directions, with a mean change near zero"
        steward_changes = paired[(paired.role_model == "steward") & (paired.weight == weight)].network_diff
        assert steward_changes.min() < -0.2 and steward_changes.max() > 0.2 and abs(steward["network_diff"]) < 0.1
        assert steward["p_value"] > 0.05
        # "against that control the gamer keeps Bayes' sign at both weights"
        assert contrast.loc[weight, "network"] < 0
    # "only at 15% does the exact test say the seeds agree ... at 5% ... cannot be told from the variation"
    assert summary.loc[("gamer", 0.15), "p_value"] < 0.05 and contrast.loc[0.15, "p_value"] < 0.05
    assert summary.loc[("gamer", 0.05), "p_value"] > 0.05 and contrast.loc[0.05, "p_value"] > 0.05


def test_load_paper_gives_tice_et_al_numbers_with_their_address(tmp_path):
    paper = rm.load_paper()
    assert paper.attrs["url"] == "https://arxiv.org/abs/2601.10160" and "Tice et al." in paper.attrs["source"]
    assert paper["misalignment, aligned AI up-sampled"] < paper["misalignment, baseline"]
    broken = tmp_path / "broken.csv"
    broken.write_text("source,quantity\nx,y\n")
    with pytest.raises(ValueError, match="url"):
        rm.load_paper(broken)
