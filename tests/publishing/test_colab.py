"""The Colab guard (helpers.publishing.colab) and the Binder setup, as far as they can be tested without Colab or
Binder.

Colab is faked by putting a ``google.colab`` module into ``sys.modules`` (which is what ``in_colab`` looks at); the
clone and pip are replaced by recorders, so nothing is downloaded. What only Colab or Binder can show (the real
clone, pip in the Colab runtime, the widget manager, a Binder build) is listed in notebooks/instructor_guide.md.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import types

import pytest

from helpers import PROJECT_ROOT, project
from helpers.publishing import colab


@pytest.fixture
def fake_colab(monkeypatch):
    """A stand-in for Colab's ``google.colab`` module; records calls to the widget manager switch."""
    calls: list[str] = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("widgets"))
    google = types.ModuleType("google")
    module = types.ModuleType("google.colab")
    module.output = output
    google.colab = module
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", module)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return calls


def test_in_colab_only_when_google_colab_is_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert colab.in_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert colab.in_colab() is True


def test_install_command_installs_the_clone_with_its_pins():
    argv = colab.install_command()
    assert argv[:4] == [sys.executable, "-m", "pip", "install"]
    assert argv[-2:] == ["--editable", str(colab.COLAB_DIR)]
    assert argv[argv.index("--extra-index-url") + 1] == colab.TORCH_CPU_INDEX
    assert shlex.join(colab.install_command(python="python")).startswith("python -m pip install --quiet")


URL = "https://github.com/o/r"


def test_clone_command_and_repository(monkeypatch):
    argv = colab.clone_command(url=URL)
    assert argv[:2] == ["git", "clone"] and argv[-2:] == [URL, str(colab.COLAB_DIR)]
    assert argv[argv.index("--branch") + 1] == colab.REPOSITORY_REF and "--depth" in argv
    monkeypatch.setenv("PERSONA_COURSE_REPO", "https://github.com/someone/fork")
    assert colab.clone_command()[-2] == "https://github.com/someone/fork"
    monkeypatch.setenv("PERSONA_COURSE_REPO", "ftp://nope")
    with pytest.raises(ValueError, match="ftp://nope"):
        colab.repository_url()
    with pytest.raises(ValueError, match="ref="):
        colab.clone_command(ref="main; rm -rf /")


def test_the_address_comes_from_pyproject_and_is_absent_before_publishing(monkeypatch, tmp_path):
    monkeypatch.delenv("PERSONA_COURSE_REPO", raising=False)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert project.published_url(pyproject) is None
    with pytest.raises(RuntimeError, match="python -m helpers.publishing.publish"):
        colab.repository_url(pyproject)
    pyproject.write_text('[project]\nname = "x"\n\n[project.urls]\nRepository = "https://github.com/o/r"\n')
    assert colab.repository_url(pyproject) == URL


def test_first_cell_is_three_lines_and_does_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    cell = colab.first_cell(url=URL)
    assert len(cell.splitlines()) == 3
    assert cell.count('"google.colab" in sys.modules') == 2
    systems: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: systems.append(command) or 0)
    path = list(sys.path)
    exec(compile(cell, "<first cell>", "exec"), {})
    assert systems == [] and sys.path == path


def test_first_cell_on_colab_clones_once_installs_and_turns_widgets_on(fake_colab, monkeypatch, tmp_path, capsys):
    target = tmp_path / "persona-course"
    systems: list[str] = []
    pip: list[list[str]] = []

    def fake_system(command: str) -> int:  # the clone: copies the one file colab_setup reads
        systems.append(command)
        target.mkdir()
        shutil.copy(PROJECT_ROOT / "pyproject.toml", target / "pyproject.toml")
        return 0

    monkeypatch.setattr(os, "system", fake_system)
    monkeypatch.setattr(colab.subprocess, "call", lambda argv: pip.append(list(argv)) or 0)
    cell = colab.first_cell(target, url=URL)
    exec(compile(cell, "<first cell>", "exec"), {})
    assert systems == [shlex.join(colab.clone_command(target, url=URL))]
    assert pip == [colab.install_command(target)]
    assert fake_colab == ["widgets"]
    assert sys.path[0] == str(target)
    assert "Course ready" in capsys.readouterr().out  # this environment has the pinned versions
    exec(compile(cell, "<first cell>", "exec"), {})  # run again: no second clone
    assert len(systems) == 1 and len(pip) == 2


def test_colab_setup_outside_colab_does_nothing(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert colab.colab_setup(run=lambda argv: pytest.fail("ran a command outside Colab")) == "not colab"


def test_colab_setup_failures_are_clear(fake_colab, tmp_path):
    with pytest.raises(RuntimeError, match="the clone failed"):
        colab.colab_setup(tmp_path / "missing", run=lambda argv: 0)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with pytest.raises(RuntimeError, match="exit status 1"):
        colab.colab_setup(tmp_path, run=lambda argv: 1)


def test_a_changed_imported_package_asks_for_one_restart(fake_colab, tmp_path, monkeypatch, capsys):
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.setattr(colab, "loaded_versions", lambda: {"numpy": "1.26.4", "torch": "2.13.0+cpu"})
    assert colab.colab_setup(tmp_path, run=lambda argv: 0) == "restart"
    assert "Runtime -> Restart session" in capsys.readouterr().out
    pins = project.read_pins(PROJECT_ROOT / "pyproject.toml")
    assert colab.stale_imports(pins, {"numpy": "1.26.4", "torch": pins["torch"] + "+cpu", "pandas": pins["pandas"]}) \
        == {"numpy": ("1.26.4", pins["numpy"])}


def test_links():
    assert colab.colab_url("notebooks/01_x.ipynb", "https://github.com/o/r.git") == \
        "https://colab.research.google.com/github/o/r/blob/main/notebooks/01_x.ipynb"
    assert colab.binder_url(url="https://github.com/o/r") == \
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/notebooks/00_start_here.ipynb"
    with pytest.raises(ValueError, match="url="):
        colab.colab_url("notebooks/01_x.ipynb", "https://gitlab.com/o/r")


# -- Binder ----------------------------------------------------------------------------------------------------------

def test_binder_builds_from_environment_yml():
    """repo2docker uses binder/ instead of the root when binder/ exists: then it must hold its own environment."""
    environment = PROJECT_ROOT / "environment.yml"
    assert environment.is_file()
    text = environment.read_text(encoding="utf-8")
    assert "conda-forge" in text and "- -e ." in text, "Binder must install the course itself (pip -e .)"
    binder = PROJECT_ROOT / "binder"
    if binder.is_dir():
        assert (binder / "environment.yml").is_file(), "binder/ exists, so the root environment.yml is ignored"
        post_build = binder / "postBuild"
        if post_build.exists():
            assert not any(word in post_build.read_text() for word in ("curl", "wget", "http://", "https://"))


def test_instructor_guide_documents_what_cannot_be_tested_here():
    guide = (PROJECT_ROOT / "notebooks" / "instructor_guide.md").read_text(encoding="utf-8")
    assert "enable_custom_widget_manager" in guide
    template = colab.first_cell(url="https://github.com/OWNER/NAME")
    assert template in guide, "the guide shows the exact Colab cell that helpers.publishing.publish writes"
    assert "Binder" in guide and "cannot be tested here" in guide
