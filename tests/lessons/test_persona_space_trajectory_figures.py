"""Lesson 06's trajectory panel figure and its plotly twin."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.lessons.persona_space import figures as P
from helpers.lessons.persona_space import trajectory_figures

NAMES = ["helper", "engineer", "robot", "poet", "pirate", "trickster", "villain"]


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


def test_trajectory_figure_and_in_place_update(coords):
    runs = _runs()
    fig = trajectory_figures.trajectory_figure(coords, runs, "cheat", 2)
    _assert_styled(fig)
    index = fig.layout.meta["index"]
    star = fig.data[index["cheat"]["star"]]
    assert star.x[0] == pytest.approx(1 - 2 / 3)
    trajectory_figures.update_trajectory_figure(fig, runs, "cheat", 6)
    assert fig.data[index["cheat"]["star"]].x[0] == pytest.approx(-1.0)
    assert "step 6" in fig.layout.title.text
    trajectory_figures.update_trajectory_figure(fig, runs, "cheat-with-permission",
                                                6)  # a 0-step run stays where it started
    assert fig.data[index["cheat-with-permission"]["star"]].x[0] == pytest.approx(1.0)
    assert fig.data[index["cheat-with-permission"]["star"]].visible and not fig.data[index["cheat"]["star"]].visible
    with pytest.raises(ValueError, match="run"):
        trajectory_figures.trajectory_figure(coords, runs, "nope", 0)
    with pytest.raises(ValueError, match="figure"):
        trajectory_figures.update_trajectory_figure(go.Figure(), runs, "cheat", 0)
    with pytest.raises(ValueError, match="runs"):
        trajectory_figures.trajectory_figure(coords, {}, "cheat", 0)


def test_trajectory_twin_has_buttons_and_a_slider(coords):
    runs = _runs()
    twin = trajectory_figures.trajectory_twin(coords, runs, every=2)
    _assert_styled(twin)
    buttons = twin.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [P.STAGE_NAMES[r] for r in runs]
    visible = [b.args[0]["visible"] for b in buttons]
    assert all(v != visible[0] for v in visible[1:])
    slider = twin.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["0", "2", "4", "6"]
    first, last = slider.steps[0].args[0]["x"], slider.steps[-1].args[0]["x"]
    assert first[0] != last[0]  # the cheat run's star moves
    assert first[1] == last[1]  # the 0-step run's star does not
