"""Publishing the course: record its public repository and add what only a published course can have.

Run once the course has a public GitHub repository::

    python -m helpers.publishing.publish https://github.com/OWNER/NAME

It does three things, and running it again (with the same or a new address) replaces what it wrote before:

1. records the address in ``pyproject.toml`` (``[project.urls] Repository``), where :mod:`helpers.publishing.colab`
   reads it;
2. puts the Colab install cell (:func:`helpers.publishing.colab.first_cell`, tagged ``colab-setup``) just before the
   first code cell of every lesson. Outside Colab the cell does nothing, so nbval and ``make execute`` are unaffected;
   the static site and the slides leave it out;
3. writes the "Open in Colab" and Binder badges into ``README.md`` between two marker comments.

Until then the course has no address, and nothing links to a repository that does not exist.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers import PROJECT_ROOT
from helpers.engine.validation import USAGE_ERROR, CommandLine, InputError
from helpers.publishing import colab
from helpers.publishing.notebooks import COLAB_TAG, find_lessons, read_notebook, without_tags

BADGES_START = "<!-- badges: written by `python -m helpers.publishing.publish`; do not edit by hand -->"
BADGES_END = "<!-- /badges -->"
_GITHUB = re.compile(r"https://github\.com/([^/]*)/([^/]*)")
#: GitHub's rules: an owner (user or organisation) is 1-39 letters, digits or single hyphens, not at either end; a
#: repository name is 1-100 letters, digits, '.', '-' or '_', and not '.' or '..'.
_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def check_url(url: str) -> str:
    """``url`` without a trailing ``.git`` or slash, if it is a GitHub repository address whose owner and name follow
    GitHub's rules; else an InputError (a ValueError)."""
    expected = ("expected a GitHub repository address, https://github.com/OWNER/NAME (Colab and Binder open "
                "notebooks from GitHub)")
    if not isinstance(url, str):
        raise InputError(f"url={url!r}; {expected}")
    shown = url if len(url) <= 80 else f"{url[:60]}... ({len(url)} characters)"
    clean = url.strip().removesuffix("/").removesuffix(".git")
    match = _GITHUB.fullmatch(clean) if len(clean) <= 200 else None
    if not match:
        raise InputError(f"url={shown!r}; {expected}")
    owner, name = match.groups()
    if not _OWNER.fullmatch(owner):
        raise InputError(f"url={shown!r}: owner {owner[:60]!r} is not a GitHub account name; expected 1-39 letters, "
                         "digits or single hyphens, not starting or ending with a hyphen")
    if not _NAME.fullmatch(name) or name in (".", ".."):
        raise InputError(f"url={shown!r}: {name[:60]!r} is not a GitHub repository name; expected 1-100 letters, "
                         "digits, '.', '-' or '_' (and not '.' or '..')")
    return clean


def set_repository(pyproject: Path, url: str) -> str:
    """Return ``pyproject``'s text with ``[project.urls] Repository = url`` (replacing an earlier value)."""
    text = Path(pyproject).read_text(encoding="utf-8")
    line = f'Repository = "{url}"'
    section = re.search(r"^\[project\.urls\][ \t]*\n", text, flags=re.MULTILINE)
    if section is None:
        text = text.rstrip("\n") + f"\n\n[project.urls]\n{line}\n"
    else:
        body_end = re.search(r"^\[", text[section.end():], flags=re.MULTILINE)
        end = section.end() + (body_end.start() if body_end else len(text) - section.end())
        body = re.sub(r"^Repository[ \t]*=.*\n?", "", text[section.end():end], flags=re.MULTILINE)
        text = text[:section.end()] + line + "\n" + body + text[end:]
    parsed = tomllib.loads(text)["project"]["urls"]["Repository"]
    if parsed != url:  # pragma: no cover - a bug in the edit above, not a user error
        raise RuntimeError(f"pyproject edit went wrong: Repository reads {parsed!r}, expected {url!r}")
    return text


def with_colab_cell(nb: nbformat.NotebookNode, url: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose Colab install cell (for ``url``) sits just before its first code cell."""
    published = without_tags(nb, COLAB_TAG)
    cell = nbformat.v4.new_code_cell(colab.first_cell(url=url), metadata={"tags": [COLAB_TAG]})
    cell.id = COLAB_TAG  # a stable id keeps re-publishing diffs small
    first_code = next((i for i, c in enumerate(published.cells) if c.cell_type == "code"), len(published.cells))
    published.cells.insert(first_code, cell)
    return published


def badges(url: str, readme_lesson: str = "notebooks/00_start_here.ipynb") -> str:
    """The README's badge block: open the first lesson in Colab, or the whole course in JupyterLab on Binder."""
    colab_badge = "https://colab.research.google.com/assets/colab-badge.svg"
    binder_badge = "https://mybinder.org/badge_logo.svg"
    return (f"{BADGES_START}\n"
            f"[![Open in Colab]({colab_badge})]({colab.colab_url(readme_lesson, url=url)}) "
            f"[![Launch Binder]({binder_badge})]({colab.binder_url(readme_lesson, url=url)})\n"
            f"{BADGES_END}")


def with_badges(readme_text: str, url: str) -> str:
    """``readme_text`` with the badge block for ``url``, replacing an earlier one or placed under the title."""
    block = badges(url)
    starts, ends = readme_text.count(BADGES_START), readme_text.count(BADGES_END)
    if starts or ends:
        start, end = readme_text.find(BADGES_START), readme_text.find(BADGES_END)
        if starts != 1 or ends != 1 or end < start:
            raise ValueError(f"README has {starts} badge start and {ends} badge end markers; expected one block "
                             f"({BADGES_START!r} ... {BADGES_END!r}) or none: restore or remove it")
        return readme_text[:start] + block + readme_text[end + len(BADGES_END):]
    lines = readme_text.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None:
        raise ValueError("README has no '# ' title line to put the badges under")
    return "\n".join(lines[:title + 1] + ["", block] + lines[title + 1:])


@dataclass
class PublishReport:
    """What :func:`publish` changed."""

    url: str
    notebooks: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        return (f"Published as {self.url}: pyproject.toml records it, {len(self.notebooks)} lessons start with the "
                "Colab install cell, README.md has the Colab and Binder badges. Next: `make execute` (the new cells "
                "join each lesson's run), `make test`, commit and push; then open the badges to check them "
                "(instructor guide, 'Colab and Binder').")


def publish(url: str, root: Path = PROJECT_ROOT) -> PublishReport:
    """Record ``url`` as the course's repository under ``root``, add the Colab cells and the README badges.

    Every file is computed before any is written, so a bad address or a broken README changes nothing.
    """
    url = check_url(url)
    root = Path(root)
    lessons = find_lessons(root / "notebooks", required=True)
    pyproject = set_repository(root / "pyproject.toml", url)
    readme = with_badges((root / "README.md").read_text(encoding="utf-8"), url)
    notebooks = {path: with_colab_cell(read_notebook(path), url) for path in lessons}
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / "README.md").write_text(readme, encoding="utf-8")
    for path, nb in notebooks.items():
        nbformat.write(nb, path)
    return PublishReport(url, list(notebooks))


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.publishing.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the course's public GitHub repository, https://github.com/OWNER/NAME")
    args = parser.parse_args(argv)
    try:
        report = publish(args.url)
    except (ValueError, OSError) as error:  # nothing was written: every file is computed before any is
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
