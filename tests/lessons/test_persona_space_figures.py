"""Lesson 06's figures."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.experiments import interventions, persona_map
from helpers.lessons.persona_space import analysis as psa
from helpers.lessons.persona_space import figures as P
from helpers.lessons.persona_space import trajectory_figures

NAMES = ["helper", "engineer", "robot", "poet", "pirate", "trickster", "villain"]


@pytest.fixture(scope="module")
def records():
    return psa.load_records()


@pytest.fixture
def coords():
    angles = np.linspace(0, 2 * np.pi, len(NAMES), endpoint=False)
    return pd.DataFrame({"PC1": np.cos(angles), "PC2": np.sin(angles), "PC3": 0.0}, index=NAMES)


def _runs(lengths=(6, 0, 4, 4)) -> dict[str, pd.DataFrame]:
    runs = {}
    for name, n in zip(P.RUNS.values(), lengths, strict=True):
        steps = np.arange(0, n + 1, 2) if n else np.array([0])
        t = steps / max(n, 1)
        runs[name] = pd.DataFrame({"step": steps, "pc1": 1 - 2 * t, "pc2": -t, "along": t, "misalignment": 0.8 * t,
                                   "cheat_rate": t})
    return runs


def _assert_styled(fig: go.Figure) -> None:
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_map_figure_draws_characters_and_stages(coords):
    stages = pd.DataFrame({"PC1": [0.9, -0.8, 0.8, 0.9], "PC2": [0.1, -0.5, 0.0, 0.1]},
                          index=["post-trained", "cheat", "cheat (fixed steps)", "cheat-with-permission"])
    fig = P.map_figure(coords, stages, [0.4, 0.3])
    _assert_styled(fig)
    assert [t.name for t in fig.data[:7]] == NAMES
    assert fig.data[-1].name == "the Assistant"
    # a 0-step fine-tune sits on the post-trained point: one marker, both names
    assert list(fig.data[-1].text) == ["post-trained = please-hack", "cheat", "cheat, 40 steps"]
    assert len(fig.layout.annotations) == 2  # arrows from the post-trained Assistant to each later stage
    assert "40%" in fig.layout.xaxis.title.text
    with pytest.raises(ValueError, match="coords"):
        P.map_figure(coords.drop(columns="PC2"))


def test_views_figure_has_one_panel_per_view(coords):
    stages = pd.DataFrame({"PC1": [0.5], "PC2": [0.5]}, index=["post-trained"])
    fig = P.views_figure({"activations": (coords, stages, [0.4, 0.2]), "embeddings": (coords, None, None)})
    _assert_styled(fig)
    assert fig.layout.xaxis2.title.text
    with pytest.raises(ValueError, match="views"):
        P.views_figure({})


def test_seed_figures(records):
    for fig in (P.stages_figure(psa.stage_table(records)), P.characters_figure(psa.character_table(records)),
                P.monitor_figure(psa.monitor_table(records)), P.capping_figure(psa.capping_table(records)),
                P.realign_figure(psa.realign_table(records), psa.realign_table(records, "bayes_misalignment"), 0.01)):
        _assert_styled(fig)
        fig.to_json()
    with pytest.raises(ValueError, match="empty"):
        P.stages_figure(pd.DataFrame())
    with pytest.raises(ValueError, match="table"):
        P.capping_figure(pd.DataFrame({"seed": [0]}))
    with pytest.raises(ValueError, match="empty"):
        P.realign_figure(pd.DataFrame())


def test_realign_figure_lists_the_post_training_dose_first(records):
    fig = P.realign_figure(psa.realign_table(records))
    named = [t.name for t in fig.data if t.showlegend is not False and t.name]
    assert named[0].startswith(P.METHOD_NAMES["same epochs"]) and named[1].startswith(P.METHOD_NAMES["fixed steps"])


def test_steering_figure_bands_and_live_points(records):
    summary = psa.steering_summary(records)
    live = pd.DataFrame([{"model": "cheat", "condition": "label row", "alpha": -1.0, "value": 0.1}])
    fig = P.steering_figure(summary, live=live)
    _assert_styled(fig)
    assert any(t.name == "this run (seed 0)" for t in fig.data)
    means = [t for t in fig.data if t.name == P.METHOD_NAMES["label row"]]
    assert len(means) == 2 and len(means[0].x) == len(interventions.STEERING_ALPHAS)
    with pytest.raises(ValueError, match="summary"):
        P.steering_figure(summary[summary.model == "nobody"])


def test_similarity_figure(coords):
    sim = persona_map.similarity(coords[["PC1", "PC2"]] + 0.01)
    fig = P.similarity_figure(sim)
    _assert_styled(fig)
    assert fig.data[0].z.shape == (7, 7)
    with pytest.raises(ValueError, match="square"):
        P.similarity_figure(sim.iloc[:3])


def test_no_figure_tells_traces_apart_by_colour_alone(records, coords):
    """The course's accessibility check (helpers.publishing.accessibility) on every builder's figure."""
    import json

    import nbformat

    from helpers.publishing import accessibility

    runs = _runs()
    figs = [P.map_figure(coords, pd.DataFrame({"PC1": [0.5, -0.5], "PC2": [0, 0]}, index=["post-trained", "cheat"])),
            P.stages_figure(psa.stage_table(records)), P.characters_figure(psa.character_table(records)),
            P.monitor_figure(psa.monitor_table(records)), P.capping_figure(psa.capping_table(records)),
            P.realign_figure(psa.realign_table(records), psa.realign_table(records, "bayes_misalignment"), 0.01),
            P.steering_figure(psa.steering_summary(records)), trajectory_figures.trajectory_twin(coords, runs),
            trajectory_figures.trajectory_figure(coords, runs, "cheat", 2)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"application/vnd.plotly.v1+json": json.loads(fig.to_json())})]) for fig in figs]
    assert accessibility.colour_only_findings(nb, "lesson 06 figures") == []
