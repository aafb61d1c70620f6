"""`python -m helpers.publishing.publish URL`: the repository address, the Colab cells and the README badges, in a
copy."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from helpers import PROJECT_ROOT, project
from helpers.publishing import colab, publish, site
from helpers.publishing.notebooks import COLAB_TAG, find_lessons, has_tag

URL = "https://github.com/someone/persona-course"


def lesson(title: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {title}\n\nIntro."),
                                           nbformat.v4.new_code_cell("x = 1"),
                                           nbformat.v4.new_markdown_cell("## 1. More")])


@pytest.fixture
def root(tmp_path):
    """A course folder with the real README and pyproject and two small lessons."""
    shutil.copy(PROJECT_ROOT / "README.md", tmp_path / "README.md")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "notebooks").mkdir()
    for name in ("00_start_here", "01_first"):
        nbformat.write(lesson(name), tmp_path / "notebooks" / f"{name}.ipynb")
    (tmp_path / "notebooks" / "instructor_guide.md").write_text("# Guide\n", encoding="utf-8")
    return tmp_path


def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def colab_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if has_tag(c, COLAB_TAG)]


def test_publish_records_the_address_adds_the_cells_and_the_badges(root):
    report = publish.publish(URL + ".git", root)
    assert report.url == URL and len(report.notebooks) == 2 and URL in report.summary()
    assert project.published_url(root / "pyproject.toml") == URL
    assert project.read_pins(root / "pyproject.toml") == project.read_pins(), "publishing must not touch the pins"
    for path in report.notebooks:
        nb = nbformat.read(path, as_version=4)
        assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "markdown"]
        assert has_tag(nb.cells[1], COLAB_TAG) and nb.cells[1].source == colab.first_cell(url=URL)
        assert nb.cells[1].id == COLAB_TAG
        assert nb.cells[2].source == "x = 1"
    readme = (root / "README.md").read_text()
    lines = readme.splitlines()
    assert lines[0].startswith("# ") and lines[2] == publish.BADGES_START
    assert colab.colab_url("notebooks/00_start_here.ipynb", url=URL) in readme
    assert colab.binder_url(url=URL) in readme


def test_publishing_again_replaces_and_is_idempotent(root):
    publish.publish(URL, root)
    first = snapshot(root)
    publish.publish(URL, root)
    assert snapshot(root) == first
    other = "https://github.com/elsewhere/course"
    publish.publish(other, root)
    readme = (root / "README.md").read_text()
    assert readme.count(publish.BADGES_START) == 1 and publish.badges(other) in readme and "someone" not in readme
    assert (root / "pyproject.toml").read_text().count("Repository =") == 1
    assert project.published_url(root / "pyproject.toml") == other
    for path in (root / "notebooks").glob("0*.ipynb"):
        assert [c.source for c in colab_cells(path)] == [colab.first_cell(url=other)]


@pytest.mark.parametrize("url", ["http://github.com/o/r", "https://gitlab.com/o/r", "github.com/o/r",
                                 "https://github.com/o", "https://github.com/o/r; rm -rf /", None,
                                 "https://github.com/../..", "https://github.com/o/..", "https://github.com/-o/r",
                                 "https://github.com/o-/r", "https://github.com/o--o/r", "https://github.com/o_o/r",
                                 "https://github.com/" + "o" * 40 + "/r", "https://github.com/o/" + "r" * 101,
                                 "https://github.com/o/" + "r" * 100_000, "https://github.com/o/r%20s"])
def test_a_bad_address_changes_nothing(root, url):
    before = snapshot(root)
    with pytest.raises(ValueError, match="url="):
        publish.publish(url, root)
    assert snapshot(root) == before


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize("extra", [publish.BADGES_START, publish.BADGES_END])
def test_a_broken_badge_block_changes_nothing(root, published, extra):
    if published:
        publish.publish(URL, root)
    readme = root / "README.md"
    readme.write_text(readme.read_text() + "\n" + extra + "\n", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(ValueError, match="markers"):
        publish.publish(URL, root)
    assert snapshot(root) == before


def test_a_folder_without_lessons_is_refused(tmp_path):
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(ValueError, match="no lesson notebooks"):
        publish.publish(URL, tmp_path)


@pytest.mark.parametrize("url", ["https://github.com/a/.github", "https://github.com/a-b1/Course_2.0",
                                 "https://github.com/" + "o" * 39 + "/" + "r" * 100 + ".git/"])
def test_addresses_github_accepts_are_accepted(url):
    assert publish.check_url(url) == url.removesuffix("/").removesuffix(".git")


def test_main_reports_errors_without_a_traceback(root, monkeypatch, capsys):
    monkeypatch.setattr(publish, "PROJECT_ROOT", root)
    assert publish.main(["https://gitlab.com/o/r"]) == 2
    assert "error: url=" in capsys.readouterr().err


def test_the_static_site_leaves_the_colab_cell_out(root, tmp_path_factory):
    publish.publish(URL, root)
    out = tmp_path_factory.mktemp("site") / "site"
    site.build_site(root / "notebooks", out, readme=root / "README.md", verbose=False)
    page = (out / "00_start_here.html").read_text()
    assert "google.colab" not in page and "More" in page
    index = (out / "index.html").read_text()
    assert ">Open in Colab</a>" in index and "colab-badge.svg" not in index  # a text link: the badge image is remote


def test_the_course_is_consistently_published_or_not():
    """Either no address and no Colab cell or badge anywhere, or the recorded address everywhere."""
    url = project.published_url()
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    lessons = find_lessons(PROJECT_ROOT / "notebooks")
    if url is None:
        assert publish.BADGES_START not in readme, \
            "badges without an address: run python -m helpers.publishing.publish URL"
        assert not any(colab_cells(path) for path in lessons), "a Colab cell without an address"
    else:
        assert publish.badges(url) in readme, "README badges are stale: run python -m helpers.publishing.publish again"
        for path in lessons:
            assert [c.source for c in colab_cells(path)] == [colab.first_cell(url=url)], path.name
