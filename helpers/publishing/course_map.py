"""The course as the site lists it: each lesson's title, summary and time line (from its opening cell), and the
lessons the README's "Course map" plans (written or not yet)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import PROJECT_ROOT
from helpers.publishing.notebooks import count_outputs, heading_lines, paragraphs, plain_text

#: The README whose first heading titles the site and whose course map lists every planned lesson.
README = PROJECT_ROOT / "README.md"
#: The site's title when there is no README.
DEFAULT_TITLE = "Why AI assistants act like people"

_LESSON_NUMBER = re.compile(r"^(\d+)")


@dataclass(frozen=True)
class Lesson:
    """One notebook, as the site shows it."""

    source: Path
    number: str | None
    title: str
    summary: str
    meta: str
    figures: int
    widgets: int

    @property
    def href(self) -> str:
        return f"{self.source.stem}.html"

    @property
    def short_title(self) -> str:
        """The title without its leading lesson number ("04 · Cheating generalizes" -> "Cheating generalizes")."""
        return re.sub(r"^\d+\s*[·.:\-–—]?\s*", "", self.title) or self.title


@dataclass(frozen=True)
class PlannedLesson:
    """A lesson of the README's course map (it may not be written yet)."""

    number: str
    title: str
    description: str


def lesson_info(nb: nbformat.NotebookNode, source: Path) -> Lesson:
    """Title, one-line summary and the time/needs line from a lesson's opening markdown cell."""
    match = _LESSON_NUMBER.match(source.stem)
    number = match.group(1) if match else None
    title, summary, meta = source.stem.replace("_", " "), "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = list(heading_lines(cell.source))
        heading = next((i for i, (_, m) in enumerate(lines) if m and len(m.group(1)) == 1), None)
        if heading is None:
            continue
        title = plain_text(lines[heading][1].group(2))
        for paragraph in paragraphs("\n".join(line for line, _ in lines[heading + 1:])):
            if re.match(r"\**time", paragraph, re.IGNORECASE):
                meta = meta or paragraph
            elif not summary and not re.match(r"(#|\d+\.|[-*] |<)", paragraph):
                summary = " ".join(paragraph.split())
        break
    counts = count_outputs(nb)
    return Lesson(source, number, title, summary, meta, counts["figures"], counts["widgets"])


def planned_lessons(readme: Path = README) -> tuple[str, list[PlannedLesson]]:
    """The site title (the README's first heading) and the lessons of its "Course map" table."""
    readme = Path(readme)
    if not readme.is_file():
        return DEFAULT_TITLE, []
    text = readme.read_text(encoding="utf-8")
    title_match = re.search(r"^# (.+)$", text, re.MULTILINE)
    title = plain_text(title_match.group(1)).split(":")[0].strip() if title_match else DEFAULT_TITLE
    section = re.search(r"^## Course map\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    planned = []
    for line in (section.group(1).splitlines() if section else []):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and (m := re.match(r"(\d+)\s+(.*)", cells[0])):
            name = re.sub(r"\s*\(coming\)\s*$", "", m.group(2)).strip()
            planned.append(PlannedLesson(m.group(1), plain_text(name), cells[1]))
    return title, planned


def readme_intro(readme: Path = README) -> str:
    """The README's introduction as markdown: the text between its title and its first ``##`` section."""
    readme = Path(readme)
    if not readme.is_file():
        return ""
    match = re.search(r"^# .+?$\n(.*?)(?=^## )", readme.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""
