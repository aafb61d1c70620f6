"""Slide decks (helpers.publishing.slides): one offline HTML deck per lesson. Which slides a lesson gets is tested in
test_slide_plan.py."""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from course_samples import COLLAPSED_TEXT, hidden_cells_lesson, snapshot_lessons
from test_slide_plan import made_up_lesson

from conftest import require
from helpers.publishing import accessibility, rendering, slides
from helpers.publishing.browser import AXE_CORE, axe_violations, offline_only
from helpers.publishing.notebooks import NOTEBOOKS_DIR, count_outputs, find_lessons, headings
from helpers.publishing.rendering import plotly_js_path, remote_references
from helpers.publishing.slide_plan import MAX_WORDS, SKIPPED_SECTIONS, slide_plan

LESSONS = find_lessons(NOTEBOOKS_DIR)


def test_deck_is_offline_and_fits_figures_to_the_slide(tmp_path):
    page, count = slides.render_deck(slide_plan(made_up_lesson()), "97 · Made up")
    assert count == 1
    assert remote_references(page) == []
    assert page.count('<section class="slide') == 6 and page.count(" hidden>") == 5
    assert '<script defer src="assets/plotly.min.js">' in page
    assert '"height":500' not in page, "a slide figure fills its box: the notebook's fixed height is dropped"
    assert 'role="figure" aria-label="Figure: First figure"' in page
    assert "<figure><figcaption>Figure: First figure.</figcaption>" in page, "the caption heads the figure"
    assert "</script>" not in page.split('id="deck-figures"')[1].split("</script>")[0]


def _fonts(value, path=""):
    """Every (path, size) of a font in a plotly layout or trace."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("font") and isinstance(item, dict):
                yield f"{path}.{key}", item.get("size")
            yield from _fonts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _fonts(item, f"{path}[{i}]")


def test_a_slide_figure_has_big_text_few_ticks_no_controls_and_leaves_the_notebook_alone():
    figure = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2], "text": ["1", "2"], "name": "one"},
                       {"type": "scatter", "x": [1, 2], "y": [3, 4], "mode": "markers+text", "text": ["p", "q"],
                        "xaxis": "x2", "yaxis": "y2", "name": "two"}],
              "layout": {"font": {"size": 14}, "title": {"text": "T", "font": {"size": 30}},
                         "xaxis": {"title": {"text": "cat"}}, "xaxis2": {"tickfont": {"size": 11}},
                         "yaxis": {"tickvals": [0, 1]}, "yaxis2": {"title": "a long vertical title (units)"},
                         "annotations": [{"text": "sub", "font": {"size": 16}}], "legend": {"font": {"size": 9}},
                         "updatemenus": [{"buttons": []}], "sliders": [{"steps": []}], "margin": {"t": 160}}}
    before = repr(figure)
    spec = slides.slide_figure(rendering.plotly_spec(figure, fill_box=True))
    assert repr(figure) == before, "the notebook's figure is not changed"
    layout = spec["layout"]
    fonts = dict(_fonts(layout)) | dict(_fonts(spec["data"], "data"))
    assert fonts and all(size >= slides.FIGURE_FONT for size in fonts.values()), fonts
    for needed in (".font", ".xaxis.tickfont", ".xaxis2.tickfont", ".legend.font", ".annotations[0].font",
                   "data[0].textfont", "data[1].textfont"):
        assert needed in fonts, needed
    assert layout["title"] == {"text": ""}, "the slide's caption says the title, above the figure"
    assert "nticks" not in layout["xaxis"], "categories are never thinned"
    assert "nticks" not in layout["yaxis"], "explicit ticks are kept"
    assert layout["xaxis2"]["nticks"] == slides.SLIDE_TICKS and layout["yaxis2"]["nticks"] == slides.SLIDE_TICKS
    assert layout["yaxis2"]["title"]["text"] == "a long vertical title<br>(units)"
    assert "updatemenus" not in layout and "sliders" not in layout and layout["margin"]["t"] == 50
    assert layout["margin"]["r"] >= slides.LABEL_ROOM and spec["data"][1]["cliponaxis"] is False
    assert len(spec["data"][1]["textposition"]) == 2, "each point label has its own place (slide_labels)"
    assert layout["legend"].get("orientation") != "h", "a short legend stays beside the plot"
    assert spec["config"]["displayModeBar"] is False
    many = {**figure, "data": [{"type": "scatter", "y": [1], "name": f"s{i}"} for i in range(9)]}
    assert slides.slide_figure(rendering.plotly_spec(many))["layout"]["legend"]["orientation"] == "h"


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
        firsts = [re.sub(r" \(1/\d+\)$", "", s.heading) for s in plan[1:] if not re.search(r" \((?!1/)\d+/\d+\)$",
                                                                                             s.heading)]
        assert firsts == sections, f"{path.name}: one slide per section (a long summary: more, numbered)"
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


def test_keyboard_navigation_and_figures_in_chromium(browser, real_decks):
    snapshot, report = real_decks
    name = max(report.decks, key=lambda n: report.decks[n]["figures"])
    if not report.decks[name]["figures"]:
        pytest.skip("no deck has a figure yet")

    requests, errors = [], []
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
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert errors == []


def test_a_deck_never_shows_hidden_code_and_shows_collapsed_figures(tmp_path):
    (tmp_path / "96_hidden.ipynb").write_text(nbformat.writes(hidden_cells_lesson()))
    report = slides.build_slides(tmp_path, tmp_path / "out", verbose=False)
    assert report.decks["96_hidden.html"]["figures"] == 1, "the collapsed twin is on its section's slide"
    page = (tmp_path / "out" / "96_hidden.html").read_text(encoding="utf-8")
    assert "The rate rose to <strong>0.53</strong>" in page and html.escape(COLLAPSED_TEXT) in page
    assert "SECRET_CODE" not in page and "display(Markdown" not in page


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_slide_reads_from_the_back_row_in_chromium(browser, real_decks, size):
    """Measured in the browser, every slide of every deck: prose at least 22 px at 1280x720 (and in proportion on a
    bigger screen), figure text (ticks, legends, subplot titles, labels) at least 20 px, at most MAX_WORDS words,
    nothing under the footer, off the slide or outside its figure, no point labels on top of each other, no sideways
    scrolling."""

    _, report = real_decks
    width, height = size
    scale = min(width / 1280, height / 720)
    problems, measured, labels = [], 0, 0
    for name in report.decks:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", offline_only)
        page.goto((report.out_dir / name).as_uri(), wait_until="load")
        for m in slides.measure_deck(page):
            measured += 1
            where = f"{name} slide {m['slide']} at {width}x{height}"
            if m["body_min"] is not None and m["body_min"] < 22 * scale - 0.5:
                problems.append(f"{where}: prose at {m['body_min']} px")
            if m["figure_min"] is not None and m["figure_min"] < slides.FIGURE_FONT * scale - 0.5:
                problems.append(f"{where}: figure text at {m['figure_min']} px")
            if m["words"] > MAX_WORDS:
                problems.append(f"{where}: {m['words']} words")
            problems += [f"{where}: {what} is under the footer or off the slide" for what in m["outside"]]
            problems += [f"{where}: the point labels {pair} overlap" for pair in m["label_overlaps"]]
            labels += m["labels"]
            if m["scrolls_sideways"]:
                problems.append(f"{where}: scrolls sideways")
        page.close()
    assert measured == sum(d["slides"] for d in report.decks.values())
    if any("markers+text" in (report.out_dir / name).read_text(encoding="utf-8") for name in report.decks):
        assert labels > 0, "the overlap check saw no point label"
    assert problems == []


def test_the_measure_finds_small_text_and_text_under_the_footer(browser, tmp_path):
    page_html, _ = slides.render_deck(slide_plan(made_up_lesson()), "97 · Made up")
    bad = page_html.replace("</style>", ".slide p { font-size: 12px; } .slide-summary ul { margin-top: 900px; }"
                                        "</style>")
    (tmp_path / "bad.html").write_text(bad, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.route("**/*", offline_only)
    page.goto((tmp_path / "bad.html").as_uri(), wait_until="load")
    measured = slides.measure_deck(page)
    assert measured[0]["body_min"] == 12
    summary = next(m for m in measured if m["slide"] == 5)
    assert summary["outside"] and "first point" in summary["outside"][0]
    assert measured[1]["outside"] == [] and measured[1]["words"] <= MAX_WORDS


def test_every_slide_of_every_deck_passes_axe(browser, real_decks):
    """axe-core on each deck with every slide shown at once (a hidden slide is skipped by axe) and on the index."""
    require(AXE_CORE.is_file(), f"{AXE_CORE} is missing; run `npm ci --ignore-scripts` (package.json pins axe-core)")
    _, report = real_decks
    found = {}
    for name in ["index.html", *report.decks]:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.route("**/*", offline_only)
        page.goto((report.out_dir / name).as_uri(), wait_until="load")
        shown = page.evaluate("() => { const all = document.querySelectorAll('.slide'); "
                              "all.forEach((s) => { s.hidden = false; }); return all.length; }")
        assert name == "index.html" or shown == report.decks[name]["slides"]
        found[name] = axe_violations(page)
        page.close()
    assert {name: v for name, v in found.items() if v} == {}, "axe-core finds serious or critical violations"
