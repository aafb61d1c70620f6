"""Finding one's way around the static site: each page's sections (for its "On this page" contents) and the
search index that the site's search box loads from ``assets/search-index.js``.

Search has to work from ``file://`` with no server, so there is no ``fetch()`` of a JSON file (browsers refuse
it for file URLs): the index is a script, ``window.SITE_SEARCH = [...]``, that ``site.js`` adds to the page the
first time the reader focuses the search box. Each entry is one section of one page (the text under a heading,
up to the next heading), so a result links straight to that section.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Headings that start a section (h1 is the page's title: the text before the first h2 belongs to it).
SECTION_TAGS = ("h1", "h2", "h3")
#: Headings listed in "On this page".
TOC_TAGS = ("h2", "h3")
#: Characters of text kept per section in the search index (enough to match on and to show a snippet).
TEXT_LIMIT = 1200
#: Tags whose text is never indexed (scripts hold figure JSON; the anchor link is a pilcrow).
_SKIPPED = {"script", "style", "svg"}


@dataclass
class Section:
    """One heading of a page and the text under it (up to the next heading)."""

    level: int
    anchor: str
    title: str
    text: str = ""


@dataclass
class _Open:
    tag: str
    anchor: str
    title: list[str] = field(default_factory=list)


class _SectionParser(HTMLParser):
    """Splits a page body into sections at its h1-h3 headings that carry an ``id``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self._text: list[str] = []
        self._heading: _Open | None = None
        self._skip = 0  # depth inside script/style/svg or an anchor link

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _SKIPPED or (tag == "a" and "anchor-link" in (attrs.get("class") or "")):
            self._skip += 1
        elif tag in SECTION_TAGS and attrs.get("id") and self._heading is None:
            self._close_section()
            self._heading = _Open(tag, attrs["id"])

    def handle_endtag(self, tag):
        if self._skip and (tag in _SKIPPED or tag == "a"):
            self._skip -= 1
        elif self._heading is not None and tag == self._heading.tag:
            title = _squash("".join(self._heading.title))
            self.sections.append(Section(int(tag[1]), self._heading.anchor, title))
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        (self._heading.title if self._heading is not None else self._text).append(data)

    def _close_section(self) -> None:
        text = _squash("".join(self._text))
        if self.sections:
            self.sections[-1].text = text[:TEXT_LIMIT]
        self._text = []

    def close(self):
        super().close()
        self._close_section()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_sections(body: str) -> list[Section]:
    """The sections of a page body (HTML), in order: every h1-h3 with an ``id``, its text without the pilcrow
    anchor link, and the text under it (scripts and SVG left out, whitespace squashed, cut at
    :data:`TEXT_LIMIT` characters). Text before the first heading is dropped (a lesson opens with its h1)."""
    parser = _SectionParser()
    parser.feed(body)
    parser.close()
    return parser.sections


def toc_entries(sections: list[Section]) -> list[Section]:
    """The headings "On this page" lists: the h2 and h3 sections (the h1 is the page's title)."""
    return [s for s in sections if f"h{s.level}" in TOC_TAGS]


def search_entries(page: str, page_title: str, sections: list[Section]) -> list[dict]:
    """Search-index entries for one page: ``{"url", "page", "title", "text"}`` per section, where ``url`` is
    ``page#anchor`` (the page itself for its h1)."""
    return [{"url": page if s.level == 1 else f"{page}#{s.anchor}", "page": page_title, "title": s.title,
             "text": s.text} for s in sections]


def search_index_js(entries: list[dict]) -> str:
    """The script the search box loads: ``window.SITE_SEARCH = [...];`` (``</`` escaped, so the JSON cannot end
    a ``<script>`` element)."""
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.SITE_SEARCH = {data};\n"
