"""The static site's page-speed targets, measured the way ``make bench`` reports them.

Each page opens cold (a fresh headless-Chromium context, nothing cached, offline, from file://) :data:`RUNS` times
(:func:`helpers.publishing.browser.measure_page_timings`); the median of each time is held to its target:

- a page with figures: interactive, its first screen drawn, in at most :data:`INTERACTIVE_S`, and every figure drawn
  in at most :data:`ALL_DRAWN_S`;
- a page without figures (the index, lesson 00): interactive in at most :data:`NO_FIGURE_S`;
- any page on a second visit (the browser keeps plotly.js compiled): at most :data:`INTERACTIVE_S`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Cold visits per page; each time is the median of these.
RUNS = 3
#: Targets, in seconds.
INTERACTIVE_S = 0.6
ALL_DRAWN_S = 0.9
NO_FIGURE_S = 0.2

_FIGURE_DIV = re.compile(r"""<div\b[^>]*\bclass="(?:[^"]*\s)?plotly-figure[\s"]""")
Timings = Mapping[str, Mapping[str, float]]


def figure_counts(site_dir: Path) -> dict[str, int]:
    """The number of plotly figures on each page (``*.html``) of a built site."""
    return {path.name: len(_FIGURE_DIV.findall(path.read_text(encoding="utf-8")))
            for path in sorted(Path(site_dir).glob("*.html"))}


def median_timings(runs: Sequence[Timings]) -> dict[str, dict[str, float]]:
    """Per page and per time, the median over several runs of ``measure_page_timings`` (pages every run has)."""
    if not runs:
        raise ValueError("runs is empty; expected the timings of at least one run")
    pages = [name for name in runs[0] if all(name in run for run in runs)]
    return {name: {key: statistics.median(run[name][key] for run in runs) for key in runs[0][name]}
            for name in pages}


def measure_site(site_dir: Path, runs: int = RUNS, browser=None) -> dict[str, dict[str, float]]:
    """Median timings of every page of a built site over ``runs`` cold visits (needs Chromium and Playwright)."""
    from helpers.publishing.browser import measure_page_timings

    if not 1 <= runs <= 20:
        raise ValueError(f"runs={runs}; expected 1 to 20 cold visits per page")
    return median_timings([measure_page_timings(site_dir, browser=browser) for _ in range(runs)])


def target_rows(timings: Timings, figures: Mapping[str, int]) -> list[tuple[str, str, float, bool]]:
    """``make bench`` rows (name, target, measured seconds, met) for median ``timings`` of pages with ``figures``
    figures each (:func:`figure_counts`); a page missing from ``figures`` counts as one with figures."""
    rows = []
    for page, t in timings.items():
        if figures.get(page, 1):
            rows.append((f"time to interactive, {page}, median of {RUNS} cold (s)", f"<= {INTERACTIVE_S}",
                         t["interactive"], t["interactive"] <= INTERACTIVE_S))
            rows.append((f"every figure drawn, {page} ({figures.get(page, '?')} figures) (s)", f"<= {ALL_DRAWN_S}",
                         t["all_drawn"], t["all_drawn"] <= ALL_DRAWN_S))
        else:
            rows.append((f"time to interactive, {page} (no figures), median of {RUNS} cold (s)", f"<= {NO_FIGURE_S}",
                         t["interactive"], t["interactive"] <= NO_FIGURE_S))
    if timings:
        warm = max(t["warm_interactive"] for t in timings.values())
        rows.append(("time to interactive on a second visit, slowest page (s)", f"<= {INTERACTIVE_S}", warm,
                     warm <= INTERACTIVE_S))
    return rows
