"""The permission toggle's figure and its static twin: which runs each state shows, which it stresses, and the
numbers its title names (computed here from the pairs, never copied from the figure)."""

import pandas as pd
import pytest

from helpers.experiments import summaries
from helpers.lessons.cheating import toggle
from helpers.lessons.cheating import toggle_figures as T

WITHOUT, WITH = T.STATE_LOOKS["without the note"][0], T.STATE_LOOKS["with the note"][0]


@pytest.fixture(scope="module")
def pairs():
    return toggle.toggle_pairs(summaries.load_results("rl"))


def _markers(fig, name: str) -> list:
    return [t for t in fig.data if t.name == name and t.mode == "markers"]


def _connectors(fig) -> list:
    return [t for t in fig.data if t.mode == "lines"]


def test_the_unrevealed_first_state_shows_no_run_with_the_note(pairs):
    fig = T.toggle_figure(pairs, note_on=False, revealed=False)
    assert _markers(fig, WITH) == [] and _connectors(fig) == []
    assert len(_markers(fig, WITHOUT)) == len(T.PANELS) == 3
    assert "?" in fig.layout.title.text and "Predict" in fig.layout.title.text
    with_note = f"{pairs[('with the note', 'misalignment')].mean():.2f}"
    without = f"{pairs[('without the note', 'misalignment')].mean():.2f}"
    assert with_note != without and with_note not in fig.layout.title.text and without in fig.layout.title.text


@pytest.mark.parametrize("note_on", [False, True])
def test_revealed_states_show_both_runs_and_stress_the_selected_one(pairs, note_on):
    fig = T.toggle_figure(pairs, note_on=note_on, revealed=True)
    selected, other = (WITH, WITHOUT) if note_on else (WITHOUT, WITH)
    assert len(_markers(fig, selected)) == len(_markers(fig, other)) == 3
    assert len(_connectors(fig)) == 3  # one per panel, joining each seed's two runs
    assert all(t.marker.opacity == 1.0 for t in _markers(fig, selected))
    assert all(t.marker.opacity < 0.5 for t in _markers(fig, other))
    assert all(a.marker.size > b.marker.size for a, b in zip(_markers(fig, selected), _markers(fig, other),
                                                               strict=True))
    assert "?" not in fig.layout.title.text


def test_each_panel_plots_its_field_per_seed(pairs):
    fig = T.toggle_figure(pairs, note_on=True)
    for trace, (field, _) in zip(_markers(fig, WITH), T.PANELS, strict=True):
        assert list(trace.x) == list(pairs.index)
        assert list(trace.y) == pytest.approx(list(pairs[("with the note", field)]))
    misalignment = _connectors(fig)[2]
    seed = int(pairs.index[0])
    assert list(misalignment.x[:3]) == [seed, seed, None]
    assert list(misalignment.y[:2]) == pytest.approx([pairs.loc[seed, ("without the note", "misalignment")],
                                                      pairs.loc[seed, ("with the note", "misalignment")]])
    start = pairs[("start", "misalignment")].mean()
    assert [s.y0 for s in fig.layout.shapes] == pytest.approx([start])


def test_live_runs_are_stars_in_every_panel(pairs):
    live = pd.DataFrame([{"seed": 0, "cheat_rate_under_note": 0.9, "cheat_rate": 0.3, "misalignment": 0.2}])
    fig = T.toggle_figure(pairs, note_on=True, live=live)
    stars = [t for t in fig.data if t.name == "your live run"]
    assert len(stars) == 3 and all(t.marker.symbol == "star" for t in stars)
    assert [t.y[0] for t in stars] == [0.9, 0.3, 0.2]
    assert len(T.toggle_figure(pairs, note_on=True, live=live.iloc[:0]).data) == len(fig.data) - 3


def test_titles_name_the_selected_states_numbers(pairs):
    v = toggle.toggle_verdict(pairs)
    on = T.toggle_title(pairs, True)
    assert f"misalignment {pairs[('with the note', 'misalignment')].mean():.2f}" in on
    assert f"{pairs[('with the note', 'cheat_rate')].mean():.0%} with no note" in on
    assert f"RL, {v.steps} steps, {len(pairs)} seeds" in on
    off = T.toggle_title(pairs, False)
    assert f"misalignment {pairs[('without the note', 'misalignment')].mean():.2f}" in off
    assert f"start {pairs[('start', 'misalignment')].mean():.2f}" in off


def test_the_twin_has_two_buttons_over_the_three_states(pairs):
    fig = T.toggle_twin(pairs)
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == list(T.BUTTON_LABELS)
    assert all("permission" in label for label in T.BUTTON_LABELS)
    assert menu.active == -1  # no button pressed yet: the first state is the unrevealed one
    first = len(T.toggle_traces(pairs, False, False))
    visible = [t.visible for t in fig.data]
    assert visible == [True] * first + [False] * (len(fig.data) - first)
    assert {t.name for t in fig.data[:first]} == {WITHOUT}
    assert fig.layout.title.text == T.toggle_title(pairs, False, revealed=False)
    off, on = (b.args[0]["visible"] for b in menu.buttons)
    assert len(off) == len(on) == len(fig.data)
    assert not any(a and b for a, b in zip(off, on, strict=True))  # each button selects a different set
    assert not any(a and b for a, b in zip(visible, off, strict=True))
    revealed = len(T.toggle_traces(pairs, False, True))
    assert sum(off) == sum(on) == revealed
    shown_on = [t for t, v in zip(fig.data, on, strict=True) if v and t.name == WITH]
    assert len(shown_on) == 3 and all(t.marker.opacity == 1.0 for t in shown_on)
    shown_off = [t for t, v in zip(fig.data, off, strict=True) if v and t.name == WITH]
    assert len(shown_off) == 3 and all(t.marker.opacity < 1.0 for t in shown_off)


def test_the_twins_buttons_retitle_with_the_states_numbers(pairs):
    off_title, on_title = (b.args[1]["title.text"] for b in T.toggle_twin(pairs).layout.updatemenus[0].buttons)
    with_note = f"{pairs[('with the note', 'misalignment')].mean():.2f}"
    without = f"{pairs[('without the note', 'misalignment')].mean():.2f}"
    assert f"misalignment {with_note}" in on_title and f"without the note {without}" in on_title
    assert f"misalignment {without}" in off_title and with_note in off_title and "?" not in off_title
    assert on_title == T.toggle_title(pairs, True) and off_title == T.toggle_title(pairs, False, revealed=True)
