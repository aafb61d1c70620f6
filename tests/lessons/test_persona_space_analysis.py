"""Lesson 06's reading of the shipped persona-space records (seeds 0-9) and of the papers."""


import numpy as np
import pytest

from helpers.experiments import persona_space as ps
from helpers.experiments.cli import format_records
from helpers.lessons.persona_space import analysis as psa


@pytest.fixture(scope="module")
def records():
    return psa.load_records()


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
    assert set(papers.paper) == {"Wang et al. (2025)", "Chen et al. (2025)", "Lu et al. (2026)", "Anthropic (2026)"}


@pytest.mark.parametrize("source, short", [("Marks, Lindsey & Olah (2026), The persona selection model",
                                            "Marks et al. (2026)"),
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


def test_correlation_interval_is_wide_for_few_points():
    low, high = psa.correlation_interval(0.9, 7)
    assert low < 0.9 < high and high < 1
    narrow = psa.correlation_interval(0.9, 100)
    assert narrow[0] > low and narrow[1] < high
    assert psa.correlation_interval(0.5, 6)[0] < 0   # r = 0.5 on 6 points does not exclude no relation
    with pytest.raises(ValueError, match="n="):
        psa.correlation_interval(0.5, 3)
    with pytest.raises(ValueError, match="level"):
        psa.correlation_interval(0.5, 10, level=1.5)


def test_monitor_support_counts_the_distinct_points():
    support = psa.monitor_support(psa.load_records())
    assert len(support) == 10 and (support["stages"] == 7).all()
    assert (support["distinct points"] <= support["stages"]).all() and (support["distinct points"] >= 4).all()
    assert ((support["low"] <= support["r"]) & (support["r"] <= support["high"])).all()


def test_pc1_is_oriented_by_the_helper_on_every_seed():
    records = psa.load_records()
    assert (psa.character_table(records, "pc1")["helper"] > 0).all()
    by_pc = psa.pc_misalignment(records)
    assert list(by_pc.columns) == ["PC1", "PC2", "PC3"] and len(by_pc) == 10
    assert np.allclose(by_pc["PC1"], psa.axis_table(records)["corr_pc1_misalignment"], atol=1e-3)
