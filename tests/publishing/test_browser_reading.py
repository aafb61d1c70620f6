"""Finding one's way around the static site in a real browser (Debian's headless Chromium through Playwright,
offline): the lesson sidebar and "On this page", search from file://, copy buttons, dark mode (figures included),
and phones (390 px wide: no sideways scrolling, the lesson list behind a button, legends under the plot).

Each test builds the site into a temp folder (the demo lesson of tests/course_samples.py, and for the phone check
the real course from notebooks/). Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from course_samples import DEMO_NAME, copy_demo, real_notebooks, snapshot_lessons

from helpers import PROJECT_ROOT
from helpers.publishing import site
from helpers.publishing.browser import offline_only

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
DEMO_PAGE = DEMO_NAME.replace(".ipynb", ".html")
COURSE_PAGES = ["index.html"] + [f"{p.stem}.html" for p in real_notebooks()]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
#: Pairs of a figure's subplot titles (annotations placed on the paper, above a point) and buttons whose boxes
#: overlap, as "figure: a / b".
OVERLAPS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap((gd) => {
    const boxes = [];
    gd.querySelectorAll('.annotation').forEach((g) => {
        const note = gd._fullLayout.annotations[Number(g.dataset.index)];
        if (note && note.xref === 'paper' && note.yref === 'paper' && note.yanchor === 'bottom') {
            boxes.push([g.textContent, g.querySelector('.annotation-text-g').getBoundingClientRect()]);
        }
    });
    gd.querySelectorAll('.updatemenu-button').forEach((b) => boxes.push([b.textContent, b.getBoundingClientRect()]));
    const hits = [];
    boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (x > 2 && y > 2) hits.push(gd.id + ': ' + a + ' / ' + b);
    }));
    return hits;
})"""
PAPER_JS = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd) => gd._fullLayout.paper_bgcolor)"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    notebooks = tmp_path_factory.mktemp("demo-notebooks")
    copy_demo(notebooks)
    return site.build_site(notebooks, tmp_path_factory.mktemp("demo") / "site", verbose=False).site_dir


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    snapshot = snapshot_lessons(tmp_path_factory.mktemp("course-notebooks"))
    return site.build_site(snapshot, tmp_path_factory.mktemp("course") / "site", verbose=False).site_dir


def open_page(browser, path: Path, viewport=DESKTOP, scheme="light", context=None, init_script=None):
    """Open a page offline and wait until its figures have drawn; returns (context, page, errors)."""
    context = context or browser.new_context(viewport=viewport, color_scheme=scheme)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.route("**/*", offline_only)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=60_000)
    assert page.evaluate("document.documentElement.dataset.ready") == "true"
    return context, page, errors


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_sidebar_marks_the_page_and_on_this_page_jumps_to_a_section(browser, demo_dir):
    context, page, errors = open_page(browser, demo_dir / DEMO_PAGE)
    nav = page.locator(".site-nav")
    assert nav.is_visible() and nav.locator("a[aria-current=page]").text_content() == "99 Demo lesson"
    assert not page.locator(".menu-button").is_visible()  # the lesson list is always shown on a desktop
    link = page.locator(".toc-list a").nth(1)
    assert link.is_visible() and link.inner_text().startswith("2.")
    link.click()
    page.wait_for_timeout(200)
    heading = page.locator(f'[id="{link.get_attribute("href")[1:]}"]')
    top = heading.evaluate("(el) => el.getBoundingClientRect().top")
    header = page.locator(".site-header").evaluate("(el) => el.getBoundingClientRect().bottom")
    assert header <= top < 250, f"the section heading is not just under the header after the jump ({top:.0f} px)"
    assert page.locator('a[href="notebooks/99_demo_lesson.ipynb"]').is_visible()
    assert errors == []
    context.close()


def test_search_works_from_file_urls_and_links_to_the_section(browser, demo_dir):
    context, page, errors = open_page(browser, demo_dir / "index.html")
    box = page.locator("#search-box")
    box.fill("precomputed STATES")
    results = page.locator("#search-results a")
    results.first.wait_for(state="visible", timeout=5000)
    assert re.fullmatch(r"99_demo_lesson\.html#1\.-Figures", results.first.get_attribute("href"))
    assert "result" in page.locator("#search-status").inner_text()
    shot(page, "demo-search")
    results.first.click()
    page.wait_for_url(re.compile(r"99_demo_lesson\.html#1\.-Figures$"))
    page.locator("#search-box").fill("zzqqxx")
    page.wait_for_function("document.getElementById('search-results').textContent.includes('Nothing matches')",
                           timeout=5000)
    assert errors == []
    context.close()


def test_copy_button_copies_the_cells_code(browser, demo_dir):
    capture = "navigator.clipboard.writeText = (text) => { window.copied = text; return Promise.resolve(); };"
    context, page, errors = open_page(browser, demo_dir / DEMO_PAGE, init_script=capture)
    button = page.locator(".input_area .copy-button").first
    code = page.locator(".input_area pre").first.inner_text()
    button.click()
    page.wait_for_function("window.copied !== undefined", timeout=3000)
    assert page.evaluate("window.copied").strip() == code.strip() and "import plotly" in code
    assert button.inner_text() == "Copied"
    assert page.locator(".input_area .copy-button").count() == page.locator(".input_area pre").count()
    assert errors == []
    context.close()


def test_dark_mode_restyles_the_page_and_figures_and_is_remembered(browser, demo_dir):
    context, page, errors = open_page(browser, demo_dir / DEMO_PAGE)
    light = page.evaluate(PAPER_JS)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.locator(".theme-button").click()
    page.wait_for_function(f"({PAPER_JS})().every((c) => c === '#0d1117')", timeout=5000)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    assert page.locator(".theme-button").get_attribute("aria-pressed") == "true"
    shot(page, "demo-dark")
    page.reload(wait_until="load")  # remembered (localStorage), figures drawn dark from the start
    page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=60_000)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert set(page.evaluate(PAPER_JS)) == {"#0d1117"}
    page.locator(".theme-button").click()
    page.wait_for_function(f"({PAPER_JS})().every((c) => c !== '#0d1117')", timeout=5000)
    assert page.evaluate(PAPER_JS) == light
    assert errors == []
    context.close()
    context, page, errors = open_page(browser, demo_dir / DEMO_PAGE, scheme="dark")  # the system's preference
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert set(page.evaluate(PAPER_JS)) == {"#0d1117"} and errors == []
    context.close()


def test_printing_from_dark_mode_prints_light_figures_then_returns_to_dark(browser, demo_dir):
    """Paper is white: printing (a real PDF print) switches page and figures to the light theme, then back."""
    context, page, errors = open_page(browser, demo_dir / DEMO_PAGE, scheme="dark")
    assert set(page.evaluate(PAPER_JS)) == {"#0d1117"}
    page.evaluate(f"""() => {{ window.printed = [];
        window.addEventListener('beforeprint', () => window.printed.push(
            [document.documentElement.dataset.theme, ({PAPER_JS})()])); }}""")
    page.pdf()
    printed = page.evaluate("window.printed")
    assert printed, "printing fired no beforeprint event"
    theme, papers = printed[0]
    assert theme == "light" and papers and "#0d1117" not in papers, f"printed in {theme} with figures {papers}"
    page.wait_for_function(f"({PAPER_JS})().every((c) => c === '#0d1117')", timeout=5000)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert errors == []
    context.close()


@pytest.mark.parametrize("name", [p for p in COURSE_PAGES if p != "index.html"])
def test_every_figure_draws_when_scrolled_into_view(browser, course_dir, name):
    """With drawing ahead switched off, scrolling the page through draws each figure as it comes into view."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script("window.siteDrawAhead = false;")
    page = context.new_page()
    page.route("**/*", offline_only)
    page.goto((course_dir / name).resolve().as_uri(), wait_until="load")
    figures = page.locator(".plotly-figure")
    undrawn = []
    for k in range(figures.count()):
        figures.nth(k).scroll_into_view_if_needed()
        try:
            figures.nth(k).locator("svg.main-svg").first.wait_for(state="attached", timeout=5000)
        except Exception:
            undrawn.append(figures.nth(k).get_attribute("id"))
    if figures.count() > 2:  # drawing ahead was really off: the page never reported every figure drawn early
        assert page.evaluate("document.documentElement.dataset.allDrawnMs") is None
    context.close()
    assert undrawn == [], f"{name}: figures not drawn within 5 s of scrolling into view: {undrawn}"


@pytest.mark.parametrize("name", COURSE_PAGES)
def test_phone_pages_do_not_scroll_sideways(browser, course_dir, name):
    context, page, errors = open_page(browser, course_dir / name, viewport=PHONE)
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} scrolls sideways on a phone: {width[0]} px wide in a {width[1]} px window"
    assert not page.locator(".site-nav").is_visible()
    page.locator(".menu-button").click()
    assert page.locator(".site-nav").is_visible()
    assert page.locator(".menu-button").get_attribute("aria-expanded") == "true"
    page.locator(".menu-button").click()
    modebars = page.evaluate("Array.from(document.querySelectorAll('.modebar-container'))"
                             ".filter((el) => el.checkVisibility()).length")
    assert modebars == 0, f"{name}: a plotly toolbar is shown over a figure on a phone"
    wraps = page.evaluate("Array.from(document.querySelectorAll('.output_text pre'))"
                          ".every((pre) => getComputedStyle(pre).whiteSpace === 'pre-wrap')")
    assert wraps, f"{name}: printed output does not wrap"
    legends = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).filter((gd) =>
        gd._fullLayout.showlegend && gd.data.filter((t) => t.showlegend !== false).length > 1)
        .map((gd) => gd._fullLayout.legend.orientation)""")
    assert set(legends) <= {"h"}, f"{name}: a legend beside the plot on a phone: {legends}"
    clipped = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).filter((gd) => {
        const title = gd.querySelector('.gtitle');
        if (!title) return false;
        const t = title.getBoundingClientRect(), box = gd.getBoundingClientRect();
        return t.right > box.right + 1 || t.left < box.left - 1 || t.top < box.top - 1;
    }).map((gd) => gd.id)""")
    assert clipped == [], f"{name}: figure titles run past the figure on a phone: {clipped}"
    first_off = page.evaluate("""Array.from(document.querySelectorAll('.updatemenu-container')).map((menu) =>
        menu.querySelector('.updatemenu-button, .updatemenu-header')).filter((b) => b)
        .map((b) => b.getBoundingClientRect()).filter((r) => r.left < -1 || r.left > window.innerWidth - 60).length""")
    assert first_off == 0, f"{name}: on a phone, {first_off} figures' first button starts off the screen"
    if name.startswith("04_"):  # the lesson's key control: both sides of the toggle in view without scrolling
        toggle = page.evaluate("""Array.from(document.querySelectorAll('.updatemenu-button'))
            .filter((b) => /permission to cheat/.test(b.textContent)).map((b) => b.getBoundingClientRect())
            .map((r) => r.left >= -1 && r.right <= window.innerWidth + 1)""")
        assert toggle and all(toggle), f"{name}: the permission toggle is not in view on a phone: {toggle}"
    overlaps = page.evaluate(OVERLAPS_JS)
    assert overlaps == [], f"{name}: on a phone, titles or buttons of a figure overlap: {overlaps}"
    page.screenshot(path=str(ARTIFACTS / f"phone-{name.removesuffix('.html')}.png"), full_page=True)
    assert errors == []
    context.close()
