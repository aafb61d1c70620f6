"""No page the course publishes depends on a colour-emoji font (issue 18): the static site, the slide decks and the
student handouts, each built once from a snapshot of the committed notebooks, hold no character that
:func:`helpers.publishing.accessibility.needs_emoji_font` flags (on a machine without such a font it shows as an
empty box). The notebooks' own sources and outputs are checked by the "emoji" check of test_accessibility.py.

Every text file of a build is read (pages, search index, notebooks offered for download, the site's own scripts and
styles), except the vendored plotly bundle, which is plotly's own file and draws no text of ours. And in Chromium, on
this machine (which has no colour-emoji font), every symbol the built lesson pages show, the verdict marks ✓ ✗ ○
and the stars ★☆ among them, is drawn from a font that has it, in prose and in code outputs: no empty box.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from course_samples import snapshot_lessons

from helpers.publishing import handouts, site, slides
from helpers.publishing.accessibility import describe_characters, needs_emoji_font
from helpers.publishing.browser import offline_only

#: What a reader's browser or JupyterLab shows as text.
TEXT_FILES = (".html", ".js", ".css", ".json", ".ipynb", ".md", ".txt", ".svg")
#: Vendored libraries: not the course's text.
VENDORED = ("plotly.min.js",)


def emoji_by_file(folder: Path) -> dict[str, str]:
    """{file (relative to ``folder``): the characters that need an emoji font} for every text file that has any."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in TEXT_FILES and path.name not in VENDORED:
            if chars := needs_emoji_font(path.read_text(encoding="utf-8", errors="replace")):
                found[path.relative_to(folder).as_posix()] = describe_characters(chars)
    return found


def read_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


@pytest.fixture(scope="module")
def lessons(tmp_path_factory) -> Path:
    return snapshot_lessons(tmp_path_factory.mktemp("lessons"))


@pytest.fixture(scope="module")
def built_site(lessons, tmp_path_factory) -> site.SiteReport:
    return site.build_site(lessons, tmp_path_factory.mktemp("out") / "site", verbose=False)


def test_the_site_needs_no_emoji_font(built_site):
    assert len(read_pages(built_site.site_dir)) > len(built_site.lessons), "the site was not built"
    assert emoji_by_file(built_site.site_dir) == {}


def test_the_slides_need_no_emoji_font(lessons, tmp_path_factory):
    report = slides.build_slides(lessons, tmp_path_factory.mktemp("out") / "slides", verbose=False)
    assert len(read_pages(report.out_dir)) > len(report.decks) > 0, "no deck was built"
    assert emoji_by_file(report.out_dir) == {}


def test_the_handouts_need_no_emoji_font(lessons, tmp_path_factory):
    report = handouts.build_handouts(lessons, tmp_path_factory.mktemp("out") / "handouts", verbose=False)
    assert report.notebooks and read_pages(report.out_dir), "no handout was built"
    assert emoji_by_file(report.out_dir) == {}


def test_the_scan_finds_an_emoji_in_a_page_and_skips_vendored_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text("<h3>Exercise 1 (⏱ 5 min)</h3>", encoding="utf-8")
    (tmp_path / "ok.html").write_text("<p>✓ Correct ★☆☆</p>", encoding="utf-8")
    (tmp_path / "plotly.min.js").write_text("'✅'", encoding="utf-8")
    assert emoji_by_file(tmp_path) == {"sub/page.html": "'⏱' (U+23F1 STOPWATCH)"}


# -- in the browser: every symbol on a lesson page comes from a font that has it ------------------------------------

#: Symbols from here on (general punctuation, arrows, maths, shapes, stars, check marks) are not in every font.
FIRST_SYMBOL = 0x2000
#: One span per symbol, in a paragraph and in a code output of the page, so each inherits the page's font stack.
PROBES_JS = """(chars) => {
  const main = document.querySelector('main');
  const places = [document.createElement('p'), document.createElement('pre')];
  places.forEach((place, k) => {
    main.appendChild(place);
    chars.forEach((c, i) => {
      const span = document.createElement('span');
      span.id = `probe-${k}-${i}`;
      span.textContent = c;
      place.appendChild(span);
    });
  });
}"""


def font_has(family: str, char: str) -> bool:
    """Whether the installed font ``family`` draws ``char`` (fontconfig's character set)."""
    found = subprocess.run(["fc-list", f":family={family}:charset={ord(char):x}", "family"], capture_output=True,
                           text=True, check=True)
    return bool(found.stdout.strip())


def test_every_symbol_on_a_lesson_page_is_drawn_from_a_font_that_has_it(browser, built_site):
    if not shutil.which("fc-list"):
        pytest.skip("needs fontconfig's fc-list to read which characters a font has")
    shown: dict[str, set[str]] = {}
    page = browser.new_page()
    try:
        page.route("**/*", offline_only)
        for lesson in built_site.lessons:
            page.goto((built_site.site_dir / lesson.href).as_uri(), wait_until="load")
            page.wait_for_function("document.documentElement.dataset.ready !== undefined", timeout=60_000)
            text = page.evaluate("() => document.body.innerText")
            chars = sorted({c for c in text if ord(c) >= FIRST_SYMBOL and not c.isspace()})
            page.evaluate(PROBES_JS, chars)
            cdp = page.context.new_cdp_session(page)
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            cdp.send("CSS.enable")
            for k in range(2):
                for i, char in enumerate(chars):
                    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"#probe-{k}-{i}"})
                    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
                    shown.setdefault(char, set()).update(font["familyName"] for font in fonts)
            cdp.detach()
    finally:
        page.close()
    assert {"✓", "✗", "○", "★", "☆"} <= set(shown), "the verdict marks and stars are on the pages"
    boxes = {char: sorted(families) for char, families in shown.items()
             if not all(font_has(family, char) for family in families)}
    assert boxes == {}, f"drawn as an empty box (from a font without the character): {boxes}"
