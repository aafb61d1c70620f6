"""Opening built pages in Debian's headless Chromium (through Playwright, never a downloaded browser), offline,
and timing how long each takes until it is interactive: ``python -m helpers.publishing.site --measure``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: axe-core's browser build, the accessibility checker of the browser tests (package.json pins it; `npm ci`).
AXE_CORE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's serious and critical violations, one line each.
_AXE_JS = """() => axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(' ')}): ${v.help}`))"""

#: Chromium: Debian's package, never a downloaded browser. Flags that keep it quiet and offline.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def launch_chromium(playwright):
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"needs Chromium at {CHROMIUM}: run `sudo apt install chromium chromium-driver`")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def offline_only(route) -> None:
    """A Playwright route handler: file:// and data: load, anything else is aborted."""
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def measure_page_timings(site_dir: Path, pages: Iterable[str] | None = None, timeout_s: float = 60.0,
                         browser=None) -> dict[str, dict[str, float]]:
    """Per page, seconds from navigation start until it is interactive and until its last figure has drawn.

    Opens every page (default: every ``*.html`` file of the site) in a fresh headless-Chromium context (nothing
    cached), offline, and reads the times ``site_assets/site.js`` records: ``interactive`` (page parsed,
    plotly.js loaded, every figure on or near the first screen drawn) and ``all_drawn`` (every figure drawn).
    Then it opens the page again in the same context: ``warm_interactive`` is what a reader who moves between
    pages of the site sees (Chromium keeps plotly.js compiled, which is most of the cost of a cold visit).
    Pass a Playwright ``browser`` to reuse one; otherwise Debian's Chromium is launched and closed here. Raises
    RuntimeError if a figure fails to draw.
    """
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise ValueError(f"site_dir={str(site_dir)!r} holds no built site (no index.html); run `make html` first")
    names = sorted(pages) if pages is not None else sorted(p.name for p in site_dir.glob("*.html"))
    missing = [name for name in names if not (site_dir / name).is_file()]
    if missing:
        raise ValueError(f"pages={missing!r} are not in {site_dir}; expected some of "
                         f"{sorted(p.name for p in site_dir.glob('*.html'))}")
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = launch_chromium(playwright)
            try:
                return measure_page_timings(site_dir, names, timeout_s, own)
            finally:
                own.close()
    results: dict[str, dict[str, float]] = {}
    for name in names:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.route("**/*", offline_only)
            cold = _open_and_time(page, site_dir / name, timeout_s)
            page.goto("about:blank")
            warm = _open_and_time(page, site_dir / name, timeout_s)
        finally:
            context.close()
        results[name] = {"interactive": cold[0], "all_drawn": cold[1], "warm_interactive": warm[0]}
    return results


def _open_and_time(page, path: Path, timeout_s: float) -> tuple[float, float]:
    """Open one page; seconds until interactive and until every figure has drawn (from ``site.js``)."""
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=timeout_s * 1000)
    ready, interactive, drawn = page.evaluate(
        "[document.documentElement.dataset.ready, Number(document.documentElement.dataset.interactiveMs),"
        " Number(document.documentElement.dataset.allDrawnMs)]")
    if ready != "true":
        raise RuntimeError(f"{path.name}: a figure failed to draw (ready={ready})")
    return interactive / 1000, drawn / 1000


def measure_time_to_interactive(site_dir: Path, pages: Iterable[str] | None = None,
                                timeout_s: float = 60.0, browser=None) -> dict[str, float]:
    """Seconds from navigation start until each page is interactive in headless Chromium (target <= 1 s).

    "Interactive" means the page is parsed, plotly.js has loaded and every figure on or near the first screen has
    drawn, so the reader can read and use what they see; the other figures draw right after, one per task (see
    :func:`measure_page_timings` for when the last one is done, and for a warm visit). This is the cold time:
    every page opens in a fresh browser context (nothing cached), offline. ``pages`` defaults to every
    ``*.html`` file of the site.
    """
    timings = measure_page_timings(site_dir, pages, timeout_s, browser)
    return {name: times["interactive"] for name, times in timings.items()}


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on an open Playwright ``page``, one line each (impact, rule,
    how many elements, the first one, what to fix). FileNotFoundError if axe-core is not installed."""
    if not AXE_CORE.is_file():
        raise FileNotFoundError(f"axe-core is not at {AXE_CORE}; run `npm ci --ignore-scripts` (package.json pins it)")
    page.add_script_tag(content=AXE_CORE.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_JS)
