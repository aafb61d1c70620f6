"""Sections, "On this page" and the search index of the static site (helpers.publishing.site_nav)."""

from __future__ import annotations

import json

from helpers.publishing.site_nav import TEXT_LIMIT, page_sections, search_entries, search_index_js, toc_entries

BODY = """<p>before any heading</p>
<h1 id="04-Title">04 · Title<a class="anchor-link" href="#04-Title">¶</a></h1>
<p>Opening <b>text</b>.</p>
<h2 id="1.-First">1. First<a class="anchor-link" href="#1.-First">¶</a></h2>
<p>Alpha beta.</p><script>Plotly.newPlot("fig", {"secret": "figure json"});</script>
<svg><text>tick label</text></svg>
<h3 id="Exercise-1">Exercise 1</h3>
<pre>print(1)</pre>
<h2>No id: not a section</h2>
<p>Still exercise text.</p>
"""


def test_sections_split_the_body_at_headings_with_ids():
    sections = page_sections(BODY)
    assert [(s.level, s.anchor, s.title) for s in sections] == [
        (1, "04-Title", "04 · Title"), (2, "1.-First", "1. First"), (3, "Exercise-1", "Exercise 1")]
    assert sections[0].text == "Opening text."
    assert sections[1].text == "Alpha beta."  # no figure JSON, no SVG text, no pilcrow
    assert "print(1)" in sections[2].text and "Still exercise text." in sections[2].text
    assert "before any heading" not in " ".join(s.text for s in sections)


def test_long_sections_are_cut_and_a_page_without_headings_has_none():
    sections = page_sections('<h2 id="a">A</h2><p>' + "word " * 1000 + "</p>")
    assert len(sections[0].text) == TEXT_LIMIT
    assert page_sections("<p>just text</p>") == []


def test_on_this_page_lists_h2_and_h3_only():
    assert [s.anchor for s in toc_entries(page_sections(BODY))] == ["1.-First", "Exercise-1"]


def test_search_entries_link_to_their_section_and_the_index_is_a_safe_script():
    entries = search_entries("04_x.html", "04 · Title", page_sections(BODY))
    assert [e["url"] for e in entries] == ["04_x.html", "04_x.html#1.-First", "04_x.html#Exercise-1"]
    assert entries[1] == {"url": "04_x.html#1.-First", "page": "04 · Title", "title": "1. First",
                          "text": "Alpha beta."}
    evil = [{"url": "a.html", "page": "p", "title": "</script><script>alert(1)</script>", "text": "é"}]
    script = search_index_js(evil)
    assert script.startswith("window.SITE_SEARCH = ") and script.endswith(";\n")
    assert "</script>" not in script and "é" in script
    assert json.loads(script[len("window.SITE_SEARCH = "):-2]) == evil
