"""The static HTML site (helpers.publishing.site), without a browser: structure, offline-ness, figures, size.

The throwaway demo lesson of tests/course_samples.py carries every kind of output the site converts: plotly figures
(one with a permission toggle as plotly buttons, one with a slider), an ipywidgets panel, printed text, a table, and a
solution cell (tagged ``solution``) in a ``<details open>`` block.
The helpers the site is built from have their own tests (test_rendering.py, test_course_map.py,
test_notebooks.py, and test_browser.py for the browser and the timings). The browser tests
(tests/publishing/test_browser.py) and the live-lab test (tests/test_live_lab.py) use the same demo lesson.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from course_samples import (
    COLLAPSED_TEXT,
    HIDDEN_CODE,
    HIDDEN_SHOWN,
    copy_demo,
    demo_notebook,
    hidden_cells_lesson,
    real_notebooks,
    write_demo_notebook,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import PROJECT_ROOT
from helpers.publishing import site
from helpers.publishing.notebooks import PLOTLY_MIME, SOLUTION_TAG, cells_with_tag, read_notebook
from helpers.publishing.rendering import WIDGET_NOTE, remote_references


class _Collector(HTMLParser):
    """Collects tags and attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector.tags


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> site.SiteReport:
    notebooks = tmp_path_factory.mktemp("notebooks")
    copy_demo(notebooks)
    return site.build_site(notebooks, tmp_path_factory.mktemp("built") / "site", verbose=False)


# -- the demo site -----------------------------------------------------------------------------------------------

def test_demo_site_has_index_lesson_and_assets(demo_site):
    index = (demo_site.site_dir / "index.html").read_text(encoding="utf-8")
    assert 'click "Solution" to open one' in " ".join(index.split()), "the guide says how to open a solution"
    names = set(site.site_sizes(demo_site.site_dir))
    assert {"index.html", "99_demo_lesson.html", "assets/plotly.min.js", "assets/site.css", "assets/site.js",
            "assets/pygments.css", "assets/search-index.js", "notebooks/99_demo_lesson.ipynb"} <= names
    assert [lesson.title for lesson in demo_site.lessons] == ["99 · Demo lesson"]
    assert demo_site.lessons[0].short_title == "Demo lesson"
    assert demo_site.lessons[0].summary.startswith("A throwaway lesson")
    assert demo_site.lessons[0].meta.startswith("**Time:**")


def test_plotly_js_is_shipped_once_and_is_plotlys_own_bundle(demo_site):
    shipped = demo_site.site_dir / "assets" / "plotly.min.js"
    assert shipped.read_bytes() == site.plotly_js_path().read_bytes()
    big = {name for name, size in demo_site.sizes.items() if size > 1024 * 1024}
    assert big == {"assets/plotly.min.js"}, f"only plotly.min.js may be large, got {big}"
    page = (demo_site.site_dir / "99_demo_lesson.html").read_text()
    scripts = [attrs.get("src") for tag, attrs in parse(demo_site.site_dir / "99_demo_lesson.html")
               if tag == "script" and attrs.get("src")]
    assert scripts == ["assets/site.js"], "plotly.min.js is not a parser-blocking or deferred script"
    preloads = [attrs for tag, attrs in parse(demo_site.site_dir / "99_demo_lesson.html")
                if tag == "link" and "data-plotly" in attrs]
    assert [(a.get("rel"), a.get("href"), a.get("as")) for a in preloads] == [
        ("preload", "assets/plotly.min.js", "script")], "site.js loads plotly from the page's <link data-plotly>"
    assert "plotly.js v" not in page  # the library's banner: not inlined into the page


def test_every_plotly_output_becomes_a_div_and_a_newplot_call(demo_site):
    nb = nbformat.read(demo_notebook(), as_version=4)
    expected = sum(PLOTLY_MIME in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert expected == 2
    page = (demo_site.site_dir / "99_demo_lesson.html").read_text()
    divs = [a["id"] for t, a in parse(demo_site.site_dir / "99_demo_lesson.html")
            if t == "div" and "plotly-figure" in (a.get("class") or "")]
    assert len(divs) == expected == demo_site.lessons[0].figures
    for div_id in divs:
        assert f'Plotly.newPlot("{div_id}", ' in page
    assert PLOTLY_MIME not in page
    assert 'data-figures="2"' in page


def test_widget_views_become_a_note_and_widget_state_is_dropped(demo_site):
    page = (demo_site.site_dir / "99_demo_lesson.html").read_text()
    assert page.count(WIDGET_NOTE) == 1
    assert "widget-state" not in page and "widget-view" not in page and "VBox(children" not in page


def test_no_cdn_requirejs_mathjax_or_widget_manager(demo_site):
    for page in demo_site.site_dir.glob("*.html"):
        text = page.read_text().lower()
        for needle in ("require.js", "requirejs", "mathjax", "unpkg", "jsdelivr", "cdn.", "@jupyter-widgets"):
            assert needle not in text, f"{page.name} mentions {needle!r}"
        assert remote_references(page.read_text()) == []
        for tag, attrs in parse(page):
            for key in ("src", "href"):
                value = attrs.get(key) or ""
                if tag != "a":
                    assert "//" not in value, f"{page.name}: <{tag} {key}={value!r}> loads from the network"


def test_solutions_stay_collapsed(demo_site):
    nb = nbformat.read(demo_notebook(), as_version=4)
    assert any("<details open>" in c.source for c in nb.cells)  # the demo tries to open one
    details = [a for t, a in parse(demo_site.site_dir / "99_demo_lesson.html") if t == "details"]
    assert details and all("open" not in attrs for attrs in details)
    page = (demo_site.site_dir / "99_demo_lesson.html").read_text()
    block = page[page.index("<details"):page.index("</details>")]
    assert "The note makes cheating say nothing about character." in block, "the solution stays inside its block"


def test_a_solution_cell_without_its_own_block_is_folded(tmp_path):
    """The tag, not the markup, makes a solution: a tagged cell in plain Markdown is folded on the page too."""
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    solution = new_markdown_cell("The answer is **42**.", metadata={"tags": [SOLUTION_TAG]})
    nb = new_notebook(cells=[new_markdown_cell("# 01 · Folded\n\n## 1. Exercise\n\nHow much?"), solution])
    nbformat.write(nb, notebooks / "01_folded.ipynb")
    report = site.build_site(notebooks, tmp_path / "site", readme=tmp_path / "no-readme.md", verbose=False)
    page = (report.site_dir / "01_folded.html").read_text()
    assert re.search(r"<details><summary>Solution</summary>\s*<p>The answer is <strong>42</strong>.</p>\s*"
                     r"</details>", page), "the tagged cell is not folded"
    assert page.count("<details") == 1 and "celltag_solution" in page


def test_navigation_links_resolve(demo_site):
    for page in demo_site.site_dir.glob("*.html"):
        for tag, attrs in parse(page):
            href = attrs.get("href") or ""
            if tag in ("a", "link") and href and not href.startswith(("#", "http://", "https://", "mailto:")):
                assert (demo_site.site_dir / href.split("#")[0]).is_file(), f"{page.name}: broken link {href}"
    index = (demo_site.site_dir / "index.html").read_text()
    assert 'href="99_demo_lesson.html"' in index
    lesson = (demo_site.site_dir / "99_demo_lesson.html").read_text()
    assert 'href="index.html"' in lesson and 'aria-current="page"' in lesson


def test_print_stylesheet_hides_navigation_and_expands_nothing(demo_site):
    css = (demo_site.site_dir / "assets" / "site.css").read_text()
    print_css = css[css.index("@media print"):]
    assert re.search(r"\.site-nav[^{]*\{[^}]*display:\s*none", print_css)
    assert "details[open]" not in print_css and "open" not in re.sub(r"/\*.*?\*/", "", print_css)


def test_index_shows_the_course_map_with_coming_lessons(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# A course: subtitle\n\nIntro **text**.\n\n## Course map\n\n| Lesson | What |\n| --- | --- |\n"
                      "| 98 Planned (coming) | Not written yet. |\n| 99 Demo lesson (coming) | The demo. |\n\n"
                      "## Other\n")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_demo_notebook(notebooks, execute=False)
    report = site.build_site(notebooks, tmp_path / "site", readme=readme, verbose=False)
    index = (report.site_dir / "index.html").read_text()
    assert "<title>A course</title>" in index and "Intro <strong>text</strong>" in index
    course_map = index[index.index('class="course-map"'):]
    assert course_map.index("Planned") < course_map.index(">Demo lesson</a>")
    assert re.search(r"Planned <span class=\"badge\">coming</span>", index)
    assert 'href="99_demo_lesson.html"' in index


def test_build_prints_sizes_and_total(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    copy_demo(notebooks)
    report = site.build_site(notebooks, tmp_path / "site")
    out = capsys.readouterr().out
    assert re.search(r"^total size: [\d.]+ (MB|kB)", out, re.MULTILINE)
    assert "99_demo_lesson.html" in out and "2 figure(s)" in out
    assert report.total_bytes == sum(p.stat().st_size for p in (tmp_path / "site").rglob("*") if p.is_file()
                                     and p.name != site.MARKER)


def test_rebuild_replaces_an_earlier_site_but_never_a_foreign_folder(tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    out = tmp_path / "site"
    site.build_site(notebooks, out, verbose=False)
    (out / "stale.html").write_text("old")
    site.build_site(notebooks, out, verbose=False)
    assert not (out / "stale.html").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(ValueError, match="site_dir"):
        site.build_site(notebooks, foreign, verbose=False)
    assert (foreign / "thesis.tex").read_text() == "precious"


def test_bad_input_raises_value_errors(tmp_path):
    with pytest.raises(ValueError, match="notebooks_dir"):
        site.build_site(tmp_path / "missing", tmp_path / "site", verbose=False)
    with pytest.raises(ValueError, match="div_id"):
        site.plotly_figure_html({"data": []}, "1 bad")
    with pytest.raises(ValueError, match="figure"):
        site.plotly_figure_html([1, 2], "fig")


def test_the_command_line_builds_or_says_what_is_wrong(tmp_path, capsys):
    assert site.main(["--notebooks", str(tmp_path / "missing")]) == 1
    assert capsys.readouterr().err.startswith("error: notebooks_dir=")
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    write_demo_notebook(notebooks, execute=False)
    assert site.main(["--notebooks", str(notebooks), "--out", str(tmp_path / "site")]) == 0
    assert f"open {(tmp_path / 'site' / 'index.html').as_uri()}" in capsys.readouterr().out


def test_a_page_that_would_load_from_a_cdn_fails_the_build(tmp_path):
    """An output's script is removed by the sanitizer; an image from the network survives it (a safe tag) and the
    offline check refuses the page."""
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    script = '<script src="https://cdn.plot.ly/plotly-3.0.0.min.js"></script>'
    nb = new_notebook(cells=[new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": script + "<p>kept</p>"})])])
    nbformat.write(nb, notebooks / "01_bad.ipynb")
    site.build_site(notebooks, tmp_path / "site", verbose=False)
    page = (tmp_path / "site" / "01_bad.html").read_text()
    assert "cdn.plot.ly" not in page and "<p>kept</p>" in page
    nb.cells[0].outputs[0]["data"]["text/html"] = '<img src="https://example.org/tracker.png" alt="">'
    nbformat.write(nb, notebooks / "01_bad.ipynb")
    with pytest.raises(RuntimeError, match="network"):
        site.build_site(notebooks, tmp_path / "site", verbose=False)


def test_html_and_markdown_from_a_notebook_are_sanitized(tmp_path):
    """A world table's text reaches lesson outputs: whatever HTML it carries, no script runs on the page."""
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    evil = ('<b onmouseover="alert(1)">bold</b><script>alert(2)</script><a href="javascript:alert(3)">link</a>'
            '<iframe src="x.html"></iframe><img src="x.png" onerror="alert(4)"><svg onload="alert(5)"></svg>')
    nb = new_notebook(cells=[
        new_markdown_cell("# 01 · Safe\n\n[click](javascript:alert(6)) " + evil),
        new_code_cell("x", outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": evil}),
            nbformat.v4.new_output("display_data", data={"text/markdown": "[md](javascript:alert(7)) " + evil}),
            nbformat.v4.new_output("display_data", data={"image/svg+xml": '<svg onload="alert(8)"></svg>'}),
            nbformat.v4.new_output("display_data", data={"image/png": 'AAAA" onerror="alert(9)'})])])
    nbformat.write(nb, notebooks / "01_safe.ipynb")
    site.build_site(notebooks, tmp_path / "site", verbose=False)
    page = (tmp_path / "site" / "01_safe.html").read_text()
    body = page[page.index("<main"):page.index("</main>")]
    assert "<script" not in body and "javascript:" not in body and "<iframe" not in body and "<svg" not in body
    assert not re.search(r"\son\w+\s*=", body), body  # no event handler attribute
    assert body.count("<b>bold</b>") == 2 and body.count("<a>") == 5  # the text stays, the links lose their target
    assert 'src="data:image/svg+xml;base64,' in body and "onerror" not in body  # a bad image is dropped


def test_figure_json_cannot_break_out_of_its_script():
    html = site.plotly_figure_html({"data": [{"type": "bar", "name": "</script><script>alert(1)</script>"}]},
                                   "fig-1")
    assert html.count("</script>") == 1
    payload = html[html.index("Plotly.newPlot(") + len('Plotly.newPlot("fig-1", '):html.rindex("); });")]
    assert json.loads(payload)["data"][0]["name"] == "</script><script>alert(1)</script>"
    assert json.loads(payload)["config"]["responsive"] is True


def test_sidebar_contents_search_index_and_download(demo_site):
    page = (demo_site.site_dir / "99_demo_lesson.html").read_text()
    nav = page[page.index('<nav id="lesson-nav"'):page.index("</nav>", page.index('<nav id="lesson-nav"'))]
    assert re.search(r'<a href="99_demo_lesson.html" aria-current="page"><span class="lesson-number">99</span> '
                     r'<span class="lesson-title">Demo lesson</span></a>', nav)
    toc = page[page.index('<ol id="toc-list"'):page.index("</ol>", page.index('<ol id="toc-list"'))]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert [a.split("-")[0] for a in anchors] == ["1.", "2.", "3."]
    ids = {attrs.get("id") for _, attrs in parse(demo_site.site_dir / "99_demo_lesson.html")}
    assert set(anchors) <= ids, "an 'On this page' link points to no heading"
    assert page.count('href="notebooks/99_demo_lesson.ipynb" download') == 1
    copied = demo_site.site_dir / "notebooks" / "99_demo_lesson.ipynb"
    assert copied.read_bytes() == demo_site.lessons[0].source.read_bytes()
    index = (demo_site.site_dir / "assets" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(index.removeprefix("window.SITE_SEARCH = ").removesuffix(";\n"))
    assert {e["url"] for e in entries} >= {"99_demo_lesson.html"} | {f"99_demo_lesson.html#{a}" for a in anchors}
    assert any("precomputed states" in e["text"] for e in entries)


def test_printed_output_wraps_and_dark_mode_is_styled(demo_site):
    css = (demo_site.site_dir / "assets" / "site.css").read_text()
    assert re.search(r"\.output_text pre[^{]*\{[^}]*white-space:\s*pre-wrap", css)
    assert ':root[data-theme="dark"]' in css and "prefers-color-scheme: dark" in css
    assert '[data-theme="dark"] .highlight' in (demo_site.site_dir / "assets" / "pygments.css").read_text()


# -- the real course ---------------------------------------------------------------------------------------------

def test_real_course_builds_within_the_size_budget(tmp_path):
    report = site.build_site(PROJECT_ROOT / "notebooks", tmp_path / "site", verbose=False)
    assert len(report.lessons) == len(real_notebooks())
    assert report.total_bytes <= site.SIZE_BUDGET_BYTES, report.summary()
    for lesson in report.lessons:
        page = (report.site_dir / lesson.href).read_text()
        assert page.count("Plotly.newPlot(") == lesson.figures
        assert page.count(WIDGET_NOTE) == lesson.widgets
        details = [a for t, a in parse(report.site_dir / lesson.href) if t == "details"]
        assert all("open" not in a for a in details)
        solutions = len(cells_with_tag(read_notebook(lesson.source), SOLUTION_TAG))
        assert len(details) == solutions == page.count("celltag_solution"), \
            f"{lesson.href}: one folded block per solution"


def test_the_same_notebooks_give_the_same_site(tmp_path):
    notebooks = tmp_path / "nb"
    copy_demo(notebooks)
    first = site.build_site(notebooks, tmp_path / "one", verbose=False)
    second = site.build_site(notebooks, tmp_path / "two", verbose=False)
    assert first.sizes == second.sizes
    for name in first.sizes:
        assert (first.site_dir / name).read_bytes() == (second.site_dir / name).read_bytes(), name


# -- hidden input and collapsed outputs ----------------------------------------------------------------------------

def test_hidden_input_shows_the_output_not_the_code_and_collapsed_outputs_are_shown(tmp_path):
    """A sentence-building cell marked by the ``hide-input`` tag or by ``metadata.jupyter.source_hidden`` shows its
    sentence and not its code; outputs collapsed in JupyterLab (``outputs_hidden``) are shown (no kernel here)."""
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    nbformat.write(hidden_cells_lesson(), notebooks / "96_hidden.ipynb")
    report = site.build_site(notebooks, tmp_path / "site", readme=tmp_path / "no-readme.md", verbose=False)
    page = (report.site_dir / "96_hidden.html").read_text(encoding="utf-8")
    body = page[page.index("<main"):page.index("</main>")]
    for code in HIDDEN_CODE:
        assert code.split("'")[1].split()[0] not in body, "the hidden cell's code reached the page"
    assert "The rate rose to <strong>0.53</strong>" in body and HIDDEN_SHOWN[1] in body
    assert "twin_figure" in body, "a cell whose outputs are collapsed keeps its code"
    assert COLLAPSED_TEXT in body and body.count("Plotly.newPlot(") == 1 == report.lessons[0].figures
