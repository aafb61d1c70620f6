"""Accessibility of the lessons (helpers.publishing.accessibility) and of the printed site.

The checks run on every lesson notebook in notebooks/ (``NN_name.ipynb``, found automatically, so lessons 05 and 06
are checked as soon as they exist): each figure has a printed text alternative, persona colours are the course's,
headings skip no level, no meaning rests on colour alone, and no cell needs a colour-emoji font. A failing notebook
fails with the exact cells.
Findings in the committed notebooks that their authors still have to fix are listed in KNOWN_FINDINGS and marked
xfail(strict=True): once fixed, the test XPASSes, fails, and the entry must be removed. The printed site's PDF is
read by tests/pdf_text.py; how traces are read (colours, shapes) is tested in test_traces.py.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pdf_text import pdf_text, squash

from helpers import PROJECT_ROOT
from helpers.publishing import accessibility as acc
from helpers.publishing import site
from helpers.publishing.browser import launch_chromium, offline_only
from helpers.publishing.notebooks import PLOTLY_MIME, count_outputs, find_lessons, headings
from helpers.ui.figures import PERSONA_COLORS

NOTEBOOKS = find_lessons()
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "accessibility"

#: (notebook, check) -> why it fails today. Each entry is a real finding the lesson's owner must fix.
KNOWN_FINDINGS: dict[tuple[str, str], str] = {
}


def _params():
    for path in NOTEBOOKS:
        for check in acc.CHECKS:
            reason = KNOWN_FINDINGS.get((path.name, check))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(path, check, id=f"{path.stem}-{check}", marks=marks)


@pytest.mark.parametrize("path, check", list(_params()))
def test_lesson_passes_accessibility_check(path, check):
    findings = acc.check_notebook(path, [check])
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(map(str, findings))


def test_known_findings_name_existing_notebooks_and_checks():
    names = {path.name for path in NOTEBOOKS}
    for notebook, check in KNOWN_FINDINGS:
        assert check in acc.CHECKS
        assert notebook in names, f"KNOWN_FINDINGS lists {notebook}, which is not in notebooks/ any more"


# -- the checks themselves, on small made-up notebooks --------------------------------------------------------------

def figure_output(title="Misalignment", traces=None):
    figure = {"data": traces if traces is not None else [{"type": "bar", "name": "helper", "y": [1],
                                                          "marker": {"color": PERSONA_COLORS["helper"]}}],
              "layout": {"title": {"text": title}}}
    return new_output("display_data", data={PLOTLY_MIME: figure, "text/plain": "Figure()"})


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def notebook(*cells):
    return new_notebook(cells=[new_markdown_cell("# 99 · Test\n\n## 1. Section")] + list(cells))


def test_text_alternative_in_the_same_cell_or_the_next_passes():
    same = notebook(new_code_cell("fig", outputs=[figure_output(), stdout("Figure: Misalignment. One sentence.\n")]))
    following = notebook(new_code_cell("fig", outputs=[figure_output()]),
                         new_code_cell("print(...)", outputs=[stdout("Figure: Misalignment. One sentence.\n")]))
    assert acc.text_alternative_findings(same, "x") == []
    assert acc.text_alternative_findings(following, "x") == []


def test_missing_or_mismatched_text_alternative_is_reported_with_its_cell():
    missing = notebook(new_code_cell("fig", outputs=[figure_output()]), new_markdown_cell("Figure: not printed"))
    (finding,) = acc.text_alternative_findings(missing, "x.ipynb")
    assert finding.cell == 1 and finding.notebook == "x.ipynb" and "Misalignment" in finding.message
    other = notebook(new_code_cell("fig", outputs=[figure_output(), stdout("Figure: Something else. Text.\n")]))
    assert "another title" in acc.text_alternative_findings(other, "x")[0].message
    # two figures in one cell: the text after the second does not cover the first
    two = notebook(new_code_cell("f", outputs=[figure_output("A"), figure_output("B"), stdout("Figure: B. Text.\n")]))
    assert [f.message.split("'")[1] for f in acc.text_alternative_findings(two, "x")] == ["A"]
    image = notebook(new_code_cell("plt", outputs=[new_output("display_data", data={"image/png": "iVBOR"})]))
    assert "an image" in acc.text_alternative_findings(image, "x")[0].message


def test_persona_colours():
    good = notebook(new_code_cell("f", outputs=[figure_output(traces=[
        {"type": "bar", "name": "villain (network)", "marker": {"color": "rgba(136, 34, 85, 0.5)"}},
        {"type": "bar", "x": ["helper", "robot"], "marker": {"color": [PERSONA_COLORS["helper"], "#999933"]}},
        {"type": "scatter", "name": "poet", "line": {"color": "#aa4499"}}])]))
    assert acc.persona_colour_findings(good, "x") == []
    bad = notebook(new_code_cell("f", outputs=[figure_output(traces=[
        {"type": "bar", "name": "helper", "marker": {"color": PERSONA_COLORS["villain"]}},
        {"type": "bar", "y": ["pirate"], "orientation": "h", "marker": {"color": ["#000000"]}},
        {"type": "scatter", "name": "robot"},
        {"type": "scatter", "name": "network", "line": {"color": PERSONA_COLORS["robot"]}}])]))
    messages = [f.message for f in acc.persona_colour_findings(bad, "x")]
    assert len(messages) == 4, messages
    assert "'helper' is drawn in #882255" in messages[0]
    assert "labelled 'pirate'" in messages[1]
    assert "no explicit colour" in messages[2]
    assert "robot's colour" in messages[3]


def test_headings_in_order():
    ok = new_notebook(cells=[new_markdown_cell("# T\n\n## 1. A\n\n### Ex 1\n\n```\n# not a heading\n```"),
                             new_markdown_cell("## 2. B\n\n### Ex\n\n#### Detail\n\n## Summary")])
    assert acc.heading_findings(ok, "x") == []
    skipped = new_notebook(cells=[new_markdown_cell("# T\n\n### Too deep"), new_markdown_cell("## A\n\n# Again")])
    messages = [(f.cell, f.message) for f in acc.heading_findings(skipped, "x")]
    assert messages[0][0] == 0 and "skips level 2" in messages[0][1]
    assert messages[1][0] == 1 and "second '#' title" in messages[1][1]
    no_title = new_notebook(cells=[new_markdown_cell("## Section first")])
    assert "expected the '#' title" in acc.heading_findings(no_title, "x")[0].message


def test_colour_alone():
    line = {"type": "scatter", "mode": "lines"}
    told_apart = notebook(new_code_cell("f", outputs=[figure_output(traces=[
        {**line, "name": "cheat", "line": {"color": "#882255", "dash": "solid"}},
        {**line, "name": "honest", "line": {"color": "#117733", "dash": "dot"}},
        {**line, "name": "honest", "showlegend": False, "legendgroup": "honest",
         "line": {"color": "#117733", "dash": "dot"}},
        {"type": "scatter", "mode": "none", "fill": "toself", "fillcolor": "#CCCCCC", "name": "band",
         "showlegend": False, "legendgroup": "honest"},
        {**line, "name": "chosen step", "showlegend": False, "line": {"color": "#000000", "dash": "longdash"}}])]))
    assert acc.colour_only_findings(told_apart, "x") == []
    # A legend does not help lines that differ only in colour: it is itself matched by colour.
    legend_only = notebook(new_code_cell("f", outputs=[figure_output(traces=[
        {**line, "name": "cheat", "line": {"color": "#882255"}},
        {**line, "name": "honest", "line": {"color": "#117733"}},
        {"type": "scatter", "mode": "markers", "name": "a", "marker": {"color": "#882255", "symbol": "x"}},
        {"type": "scatter", "mode": "markers", "name": "b", "marker": {"color": "#117733", "symbol": "square"}}])]))
    findings = acc.colour_only_findings(legend_only, "x")
    assert len(findings) == 1 and "'cheat', 'honest'" in findings[0].message
    # Bars are also told apart by their place in a group: a legend entry or a fill pattern is enough.
    bar = {"type": "bar"}
    bars = notebook(new_code_cell("f", outputs=[figure_output(traces=[
        {**bar, "name": "network", "marker": {"color": "#332288"}},
        {**bar, "name": "Bayes", "marker": {"color": "#999999"}},
        {**bar, "marker": {"color": "#117733"}}, {**bar, "marker": {"color": "#882255"}}])]))
    assert len(acc.colour_only_findings(bars, "x")) == 2


@pytest.mark.parametrize("text, found", [
    ("✓ Correct · ✗ Not yet · ○ Not attempted yet · ★★☆ · → · − · ≥", []),   # text characters: every font has them
    ("✅ Correct", ["✅"]), ("⏱ 5 min", ["⏱"]), ("⏳ wait ⏳", ["⏳"]), ("❌ PROBLEM", ["❌"]),
    ("💡 a hint", ["💡"]), ("🇬🇧", ["🇬", "🇧"]), ("⭐ star", ["⭐"]),
    ("⌚ ☕ ♈ ⚡ ✨ ❓ ➕ ➿", list("⌚☕♈⚡✨❓➕➿")),
    ("✔\ufe0f done, ✔ text", ["✔\ufe0f"]),   # VS16 asks for the emoji picture of a text character
    ("1\ufe0f\u20e3", ["1\ufe0f"]), ("\ufe0f", ["\ufe0f"]), ("", []),
])
def test_needs_emoji_font(text, found):
    assert acc.needs_emoji_font(text) == found


def test_each_character_is_named_in_a_finding():
    assert acc.describe_characters(["⏱", "✔\ufe0f"]) == ("'⏱' (U+23F1 STOPWATCH), "
                                                          "'✔\ufe0f' (U+2714 HEAVY CHECK MARK + VS16)")


def test_emoji_in_a_source_an_output_or_the_widget_state_is_reported_with_its_cell():
    clean = notebook(new_markdown_cell("### Exercise 1 · Guess (5 min · ★☆☆)"),
                     new_code_cell("check()", outputs=[stdout("✓ Correct: well done\n")]))
    assert acc.emoji_findings(clean, "x") == []
    dirty = notebook(new_markdown_cell("### Exercise 1 · Guess (⏱ 5 min · ★☆☆)"),
                     new_code_cell("check()", outputs=[stdout("💡 Not yet: try again\n")]),
                     new_code_cell("x", outputs=[new_output("display_data", data={"text/html": "<b>✅</b>"})]))
    dirty.metadata["widgets"] = {"state": {"m1": {"state": {"description": "⚡ fast"}}}}
    findings = acc.emoji_findings(dirty, "x.ipynb")
    assert [(f.cell, f.check) for f in findings] == [(-1, "emoji"), (1, "emoji"), (2, "emoji"), (3, "emoji")]
    assert "U+26A1" in findings[0].message and "widget state" in findings[0].message
    assert "'⏱' (U+23F1 STOPWATCH)" in findings[1].message and "source" in findings[1].message
    assert "U+1F4A1" in findings[2].message and "outputs" in findings[2].message
    assert "emoji" in acc.CHECKS  # so test_lesson_passes_accessibility_check runs it on every lesson


def test_bad_input():
    with pytest.raises(ValueError, match="checks="):
        acc.check_notebook(NOTEBOOKS[0] if NOTEBOOKS else PROJECT_ROOT / "x.ipynb", ["contrast"])
    with pytest.raises(ValueError, match="path="):
        pdf_text(PROJECT_ROOT / "no-such.pdf")


def test_cli_reports_findings(tmp_path, capsys):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(notebook(new_code_cell("fig", outputs=[figure_output()])), path)
    assert acc.main([str(path)]) == 1
    assert "01_x.ipynb: 1 finding(s)" in capsys.readouterr().out


# -- printing: the site's print stylesheet, through Chromium's print-to-PDF ----------------------------------------

def test_a_lesson_page_prints_without_navigation(needs_browser, tmp_path):
    """Print the lesson page with the most figures (the hardest to paginate) as Chromium would to PDF."""
    lessons = [p for p in NOTEBOOKS if count_outputs(nbformat.read(p, as_version=4))["figures"] > 0]
    if not lessons:
        pytest.skip("no lesson notebook with figures yet")
    snapshot = tmp_path / "notebooks"
    snapshot.mkdir()
    counts = {p.name: count_outputs(nbformat.read(p, as_version=4))["figures"] for p in lessons}
    chosen = max(counts, key=counts.get)
    shutil.copy(PROJECT_ROOT / "notebooks" / chosen, snapshot / chosen)  # a snapshot: authors may rewrite it meanwhile
    report = site.build_site(snapshot, tmp_path / "site", verbose=False)  # nav bar, pager to the course map
    lesson = next(item for item in report.lessons if item.source.name == chosen)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", offline_only)
            page.goto((report.site_dir / lesson.href).as_uri(), wait_until="load")
            page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=60_000)
            navigation = page.locator(".site-nav").inner_text() + "\n" + page.locator(".pager").inner_text()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pdf = ARTIFACTS / f"{lesson.source.stem}.pdf"
            page.pdf(path=str(pdf), format="A4")
        finally:
            browser.close()
    pages = pdf_text(pdf)
    printed = squash("".join(pages))
    assert len(pages) >= 2, f"{pdf} has {len(pages)} page(s)"
    # positive control: the reader's text is in the PDF (so an absent navigation is not an extraction failure)
    assert squash(lesson.title) in printed
    sections = [text for _, level, text in headings(nbformat.read(lesson.source, as_version=4)) if level == 2]
    assert all(squash(h) in printed for h in sections[:3]), sections[:3]
    # the navigation bar (site title, lesson numbers) and the pager (arrows, neighbour titles): on screen, not on paper
    nav_lines = [line.strip() for line in navigation.splitlines() if len(line.strip()) > 3]
    assert nav_lines, "the page has no navigation text to compare with"
    # the sidebar names every lesson, this one too: its own title is on paper as the page's heading, not as navigation
    nav_lines = [line for line in nav_lines if squash(line) not in squash(lesson.title)]
    assert nav_lines, "the navigation lists no other lesson to compare with"
    for line in nav_lines:
        assert squash(line) not in printed, f"navigation text {line!r} is in the printed PDF {pdf}"
    assert "Skiptothecontent" not in printed
