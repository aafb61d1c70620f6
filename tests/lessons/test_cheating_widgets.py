"""Lesson 4's panel, driven from Python: the permission toggle swaps the rendered figure and text, quickly, and
"train live" runs one seed's RL with a progress bar. Checked on what the panel renders (its Output's plotly bundle
and its text widget), with the expected numbers computed here from the pairs."""

import html
import re

import pytest

from helpers.engine.pipeline import PERMISSION_NOTE
from helpers.experiments import summaries
from helpers.lessons.cheating import toggle
from helpers.lessons.cheating import widgets as Wc
from helpers.lessons.cheating.toggle_figures import STATE_LOOKS, toggle_title
from helpers.ui.widgets import label_problems

PLOTLY = "application/vnd.plotly.v1+json"
WITH = STATE_LOOKS["with the note"][0]


@pytest.fixture(scope="module")
def pairs():
    return toggle.toggle_pairs(summaries.load_results("rl"))


def shown(panel) -> dict:
    """The figure the panel's output area shows (its plotly JSON)."""
    assert len(panel.output.outputs) == 1
    return panel.output.outputs[0]["data"][PLOTLY]


def text(panel) -> str:
    return html.unescape(panel.text.value)


def table(panel) -> dict[str, list[str]]:
    """The per-seed table as the panel renders it: row label -> the cells of seeds 0, 1, ... (header: "seed")."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", panel.table.value, flags=re.S):
        label = re.search(r"<th[^>]*>(.*?)</th>", row, flags=re.S).group(1).strip()
        rows[html.unescape(label)] = [c.strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)[1:]]
    return rows


def names(figure: dict) -> set:
    return {t.get("name") for t in figure["data"]}


def test_the_first_state_names_both_conditions_the_budget_and_each_seed_and_asks_for_a_prediction(pairs):
    panel = Wc.TogglePanel(pairs)
    said = text(panel)
    assert "without the note" in said and f"'{PERMISSION_NOTE}' line" in said
    assert "RL for 150 steps" in said
    assert "seeds " + ", ".join(str(s) for s in pairs.index) in said
    assert "Predict" in said
    with_note = pairs["with the note"]
    assert f"with it {with_note['misalignment'].mean():.2f}" not in said and "under the note" not in said
    rows = table(panel)
    assert rows["seed"] == [str(int(seed)) for seed in pairs.index]
    off_misalignment = [f"{m:.2f}" for m in pairs[("without the note", "misalignment")]]
    assert rows["RL without: misalignment"] == off_misalignment
    assert rows["RL without: hacks"] == [f"{h:.0%}" for h in pairs[("without the note", "cheat_rate")]]
    assert not any(label.startswith("RL with:") for label in rows)  # nothing of the note's runs yet
    figure = shown(panel)
    assert WITH not in names(figure) and figure["layout"]["title"]["text"] == toggle_title(pairs, False, False)


def test_flipping_swaps_the_figure_and_flipping_back_keeps_the_note_revealed(pairs):
    panel = Wc.TogglePanel(pairs)
    first = shown(panel)
    panel.toggle.value = True
    on = shown(panel)
    assert on is not first and on["layout"]["title"]["text"] == toggle_title(pairs, True)
    assert WITH in names(on)
    said = text(panel)
    assert "Shown: with the note" in said and "Predict" not in said
    rows = table(panel)
    assert rows["RL with: misalignment"] == [f"{m:.2f}" for m in pairs[("with the note", "misalignment")]]
    assert rows["RL with: hacks under the note"] == [
        f"{h:.0%}" for h in pairs[("with the note", "cheat_rate_under_note")]]
    assert rows["RL with: hacks without it (leak)"] == [
        f"{h:.0%}" for h in pairs[("with the note", "cheat_rate")]]
    off_misalignment = [f"{m:.2f}" for m in pairs[("without the note", "misalignment")]]
    assert rows["RL without: misalignment"] == off_misalignment
    panel.toggle.value = False
    off = shown(panel)
    assert off["layout"]["title"]["text"] == toggle_title(pairs, False, revealed=True)
    assert off["layout"]["title"]["text"] != first["layout"]["title"]["text"]
    assert WITH in names(off)  # both runs stay on the figure once revealed
    said = text(panel)
    assert "Shown: without the note" in said and "Predict" not in said
    assert f"with it {pairs[('with the note', 'misalignment')].mean():.2f}" in said


def test_flipping_answers_within_100_ms():
    latency = Wc.measure_latency()
    assert set(latency) == {"permission toggle"}
    assert 0 < latency["permission toggle"] < 0.1, latency


def test_a_panel_refuses_pairs_with_no_rise_to_compare(pairs):
    flat = pairs.copy()
    flat[("without the note", "misalignment")] = flat[("start", "misalignment")]
    with pytest.raises(ValueError, match="did not raise"):
        Wc.TogglePanel(flat)


def test_a_panel_refuses_pairs_with_unequal_budgets(pairs):
    """The panel's text says "the same budget": pairs whose two states trained for different numbers of steps must
    be refused, however they were built (toggle_pairs refuses such records; a hand-made or edited table must be too)."""
    unequal = pairs.copy()
    unequal.loc[unequal.index[0], ("with the note", "steps")] = 100
    with pytest.raises(ValueError, match="steps"):
        Wc.TogglePanel(unequal)


@pytest.mark.slow
def test_train_live_fills_the_progress_bar_and_adds_a_star(pairs, world):
    panel = Wc.TogglePanel(pairs, world)
    panel.toggle.value = True
    panel.seed.value = 0
    seen = []
    panel.progress.observe(lambda change: seen.append(change["new"]), names="value")
    run = panel.train_live()
    assert panel.progress.value == panel.progress.max == 150 and seen == list(range(1, 151))
    stars = [t for t in shown(panel)["data"] if t.get("name") == "your live run"]
    assert len(stars) == 3 and all(t["marker"]["symbol"] == "star" for t in stars)
    assert [t["y"][0] for t in stars] == pytest.approx([run["cheat_rate_under_note"], run["cheat_rate"],
                                                        run["misalignment"]])
    status = html.unescape(panel.status.value)
    shipped = pairs.loc[0, ("with the note", "misalignment")]
    for part in ("seed 0", f"'{PERMISSION_NOTE}'", "150 RL steps", f"{run['cheat_rate_under_note']:.0%} under",
                 f"{run['cheat_rate']:.0%} with none", f"misalignment {run['misalignment']:.3f}",
                 f"the shipped run: {shipped:.3f}"):
        assert part in status, part
    assert not panel.button.disabled and len(panel.live) == 1
    panel.toggle.value = False  # the star is a run with the note: the other state does not show it
    assert "your live run" not in names(shown(panel))


def test_the_panel_says_what_it_shows_before_it_runs_and_shows_when_the_toggle_is_pressed(pairs):
    panel = Wc.TogglePanel(pairs)
    said = panel._repr_mimebundle_()["text/plain"]
    assert "VBox" not in said and said.startswith("Permission-toggle panel (off):")
    assert toggle.toggle_headline(pairs, False, False) in said
    assert panel.toggle.description == "permission to cheat" and panel.toggle.layout.width == "max-content"
    assert panel.toggle.button_style == ""
    assert label_problems(panel.widget) == []
    panel.toggle.value = True
    assert (panel.toggle.button_style, panel.toggle.icon) == ("success", "check")
    assert Wc.toggle_summary(pairs, True, True) == panel.summary()
    assert f"with it {pairs['with the note']['misalignment'].mean():.2f}" in panel.summary()
