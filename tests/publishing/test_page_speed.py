"""The page-speed targets (helpers.publishing.page_speed): medians of cold visits and the rows ``make bench`` prints.
The browser measurement itself is tested in test_browser.py."""

from __future__ import annotations

import pytest

from helpers.publishing import page_speed


def _run(interactive: float, all_drawn: float, warm: float = 0.1) -> dict:
    return {"interactive": interactive, "all_drawn": all_drawn, "warm_interactive": warm}


def test_median_of_cold_runs_per_page_and_time():
    runs = [{"a.html": _run(0.5, 0.8), "b.html": _run(0.1, 0.1)},
            {"a.html": _run(0.9, 1.2), "b.html": _run(0.3, 0.3)},
            {"a.html": _run(0.4, 0.7)}]
    medians = page_speed.median_timings(runs)
    assert medians == {"a.html": _run(0.5, 0.8)}, "a page missing from one run is not reported"
    assert page_speed.median_timings(runs[:2])["b.html"]["interactive"] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="runs"):
        page_speed.median_timings([])


def test_rows_hold_pages_with_and_without_figures_to_their_targets():
    timings = {"index.html": _run(0.15, 0.15), "00_start.html": _run(0.25, 0.25),
               "01_lesson.html": _run(0.55, 0.95, warm=0.2)}
    rows = page_speed.target_rows(timings, {"index.html": 0, "00_start.html": 0, "01_lesson.html": 9})
    verdicts = {name: (target, ok) for name, target, _, ok in rows}
    assert verdicts["time to interactive, index.html (no figures), median of 3 cold (s)"] == ("<= 0.2", True)
    assert verdicts["time to interactive, 00_start.html (no figures), median of 3 cold (s)"] == ("<= 0.2", False)
    assert verdicts["time to interactive, 01_lesson.html, median of 3 cold (s)"] == ("<= 0.6", True)
    assert verdicts["every figure drawn, 01_lesson.html (9 figures) (s)"] == ("<= 0.9", False)
    assert rows[-1] == ("time to interactive on a second visit, slowest page (s)", "<= 0.6", 0.2, True)
    assert page_speed.target_rows({}, {}) == []


def test_figure_counts_reads_the_built_pages(tmp_path):
    (tmp_path / "index.html").write_text("<p>no figures</p>")
    (tmp_path / "01.html").write_text('<div class="plotly-figure" id="a"></div><div class="x plotly-figure" id="b">'
                                      '</div><div class="plotly-figure-note"></div>')
    assert page_speed.figure_counts(tmp_path) == {"01.html": 2, "index.html": 0}


def test_measure_site_refuses_a_bad_number_of_runs(tmp_path):
    with pytest.raises(ValueError, match="runs=0"):
        page_speed.measure_site(tmp_path, runs=0)
