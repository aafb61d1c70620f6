"""Slide decks (helpers.publishing.slides): one offline HTML deck per lesson. Which slides a lesson gets is tested in
test_slide_plan.py."""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from course_samples import COLLAPSED_TEXT, hidden_cells_lesson, snapshot_lessons
from test_slide_plan import made_up_lesson

from helpers.publishing import accessibility, slides
from helpers.publishing.browser import launch_chromium, offline_only
from helpers.publishing.notebooks import NOTEBOOKS_DIR, count_outputs, find_lessons, headings
from helpers.publishing.rendering import plotly_js_path, remote_references
from helpers.publishing.slide_plan import SKIPPED_SECTIONS, slide_plan

LESSONS = find_lessons(NOTEBOOKS_DIR)


def test_deck_is_offline_and_fits_figures_to_the_slide(tmp_path):
    page, count = slides.render_deck(slide_plan(made_up_lesson()), "97 · Made up")
    assert count == 1
    assert remote_references(page) == []
    assert page.count('<section class="slide') == 6 and page.count(" hidden>") == 5
    assert '<script defer src="assets/plotly.min.js">' in page
    assert '"height":500' not in page, "a slide figure fills its box: the notebook's fixed height is dropped"
    assert 'role="figure" aria-label="Figure: First figure"' in page
    assert "</script>" not in page.split('id="deck-figures"')[1].split("</script>")[0]


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="notebooks_dir="):
        slides.build_slides(tmp_path / "nowhere", tmp_path / "out", verbose=False)
    with pytest.raises(ValueError, match="holds no lesson notebooks"):
        slides.build_slides(tmp_path, tmp_path / "out", verbose=False)
    assert not (tmp_path / "out").exists(), "nothing is written before the lessons are found"
    (tmp_path / "97_made_up.ipynb").write_text(nbformat.writes(made_up_lesson()))
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not built by helpers.publishing.slides"):
        slides.build_slides(tmp_path, foreign, verbose=False)
    assert slides.main(["--notebooks", str(tmp_path / "nowhere")]) == 1


# -- the real lessons ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_decks(tmp_path_factory):
    snapshot = snapshot_lessons(tmp_path_factory.mktemp("lessons"))
    return snapshot, slides.build_slides(snapshot, tmp_path_factory.mktemp("out") / "slides", verbose=False)


def test_one_deck_per_lesson_with_title_sections_and_summary(real_decks):
    snapshot, report = real_decks
    assert list(report.decks) == [f"{p.stem}.html" for p in LESSONS]
    index = (report.out_dir / "index.html").read_text(encoding="utf-8")
    for path in sorted(snapshot.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        plan = slide_plan(nb)
        sections = [text for _, level, text in headings(nb) if level == 2 and not SKIPPED_SECTIONS.search(text)]
        assert plan[0].kind == "title" and plan[0].heading == headings(nb)[0][2]
        assert [s.heading for s in plan[1:]] == sections, f"{path.name}: one slide per section"
        assert any(s.kind == "summary" for s in plan), f"{path.name}: no summary slide"
        with_figures = [s for s in plan if s.figure is not None]
        assert report.decks[f"{path.stem}.html"] == {"slides": len(plan), "figures": len(with_figures)}
        if not accessibility.text_alternative_findings(nb, path.name):  # a missing one is reported there, once
            assert all(s.caption.startswith("Figure:") for s in with_figures), f"{path.name}: a slide figure " \
                "without its text alternative as caption"
        page = (report.out_dir / f"{path.stem}.html").read_text(encoding="utf-8")
        assert remote_references(page) == []
        assert not re.search(r"<summary\b[^>]*>\s*Solution", page, re.I), f"{path.name}: a solution on a slide"
        assert f'href="{path.stem}.html"' in index


def test_decks_of_lessons_with_figures_show_figures(real_decks):
    snapshot, report = real_decks
    for path in sorted(snapshot.glob("*.ipynb")):
        if count_outputs(nbformat.read(path, as_version=4))["figures"]:
            assert report.decks[f"{path.stem}.html"]["figures"] >= 1, path.name
    assert (report.out_dir / "assets" / "plotly.min.js").read_bytes() == plotly_js_path().read_bytes()


def test_keyboard_navigation_and_figures_in_chromium(needs_browser, real_decks):
    snapshot, report = real_decks
    name = max(report.decks, key=lambda n: report.decks[n]["figures"])
    if not report.decks[name]["figures"]:
        pytest.skip("no deck has a figure yet")
    from playwright.sync_api import sync_playwright

    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(r):
                requests.append(r.request.url)
                offline_only(r)

            page.route("**/*", route)
            page.goto((report.out_dir / name).as_uri(), wait_until="load")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=20_000)
            assert page.evaluate("document.documentElement.dataset.slide") == "1"
            assert page.locator(".slide:not([hidden])").count() == 1
            plan = slide_plan(nbformat.read(snapshot / name.replace(".html", ".ipynb"), as_version=4))
            first_figure = next(n for n, slide in enumerate(plan, start=1) if slide.figure is not None)
            for _ in range(first_figure - 1):
                page.keyboard.press("ArrowRight")
            page.wait_for_function("document.documentElement.dataset.ready === 'true'", timeout=20_000)
            assert page.evaluate("document.documentElement.dataset.slide") == str(first_figure)
            assert page.url.endswith(f"#{first_figure}")
            assert page.locator(f"#slide-{first_figure} .js-plotly-plot svg.main-svg").count() >= 1
            page.keyboard.press("ArrowLeft")
            assert page.evaluate("document.documentElement.dataset.slide") == str(first_figure - 1)
            page.keyboard.press("End")
            assert page.evaluate("document.documentElement.dataset.slide") == str(report.decks[name]["slides"])
        finally:
            browser.close()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert errors == []


def test_a_deck_never_shows_hidden_code_and_shows_collapsed_figures(tmp_path):
    (tmp_path / "96_hidden.ipynb").write_text(nbformat.writes(hidden_cells_lesson()))
    report = slides.build_slides(tmp_path, tmp_path / "out", verbose=False)
    assert report.decks["96_hidden.html"]["figures"] == 1, "the collapsed twin is on its section's slide"
    page = (tmp_path / "out" / "96_hidden.html").read_text(encoding="utf-8")
    assert "The rate rose to <strong>0.53</strong>" in page and html.escape(COLLAPSED_TEXT) in page
    assert "SECRET_CODE" not in page and "display(Markdown" not in page
