"""Lesson 04's sanctioned-share slider figures."""

import plotly.graph_objects as go
import pytest

from helpers.experiments import summaries
from helpers.lessons.cheating import analysis as ino
from helpers.lessons.cheating import share_figures


@pytest.fixture(scope="module")
def cheating():
    return summaries.load_results("cheating")


@pytest.fixture(scope="module")
def framings():
    return summaries.load_results("framings")


def _assert_styled(fig: go.Figure) -> None:
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_share_figures(cheating, framings):
    sweep = {0.0: framings, 0.3: cheating}
    summaries = {s: ino.permission_summary(r) for s, r in sweep.items()}
    fig = share_figures.share_figure(cheating, 0.3, summaries[0.3])
    _assert_styled(fig)
    assert "30%" in fig.layout.title.text
    twin = share_figures.share_twin(sweep, summaries)
    steps = twin.layout.sliders[0].steps
    assert [s.label for s in steps] == ["0%", "30%"]
    assert sum(steps[1].args[0]["visible"]) == 3
    _assert_styled(share_figures.share_summary_figure(ino.recipes_table(sweep)))
