"""Tests for helpers.tools.environment: the environment check of lesson 00 reports problems and never raises."""

from __future__ import annotations

import pytest
import torch

from helpers.engine.runtime import THREADS, setup
from helpers.publishing.accessibility import needs_emoji_font
from helpers.tools import environment as env


@pytest.mark.parametrize("version, spec, ok", [("3.11.7", ">=3.11,<3.14", True), ("3.14.0", ">=3.11,<3.14", False),
                                               ("3.10.12", ">=3.11,<3.14", False), ("3.13", ">=3.11,<3.14", True),
                                               ("2.13.0+cpu", "==2.13.0", True), ("1.0", ">1.0", False),
                                               ("1.0.1", ">1.0", True), ("1.0", "<=1", True)])
def test_version_allowed(version, spec, ok):
    assert env.version_allowed(version, spec) is ok


@pytest.mark.parametrize("spec", ["", "=>3.11", ">= three"])
def test_version_allowed_bad_specifier(spec):
    with pytest.raises(ValueError, match="specifier"):
        env.version_allowed("3.11", spec)


def test_same_version():
    assert env.same_version("2.13.0+cpu", "2.13.0")
    assert not env.same_version("2.13.1", "2.13.0")


def test_this_environment_passes(capsys):
    setup()
    results = env.check_environment()
    assert all(isinstance(r, tuple) and len(r) == 3 for r in results)
    failed = [r for r in results if not r.ok]
    assert not failed, failed
    items = [r.item for r in results]
    for item in ("Python", "torch", "torch threads", "world tables", "shipped weights"):
        assert item in items
    assert env.print_report(results) is True
    out = capsys.readouterr().out
    assert "All" in out and "✓ OK" in out
    assert needs_emoji_font(out) == [], "lesson 00 shows this report: it must read without an emoji font"


def test_wrong_pins_and_missing_packages_are_reported(tmp_path, capsys):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nrequires-python = ">=3.99"\n'
                         'dependencies = ["numpy==0.0.1", "no-such-package-xyz==1.0", "torch==2.13.0"]\n')
    results = {r.item: r for r in env.check_environment(pyproject)}
    assert not results["Python"].ok and ">=3.99" in results["Python"].message
    assert not results["numpy"].ok and "0.0.1" in results["numpy"].message
    assert not results["no-such-package-xyz"].ok and "not installed" in results["no-such-package-xyz"].message
    assert results["torch"].ok
    assert env.print_report(list(results.values())) is False
    out = capsys.readouterr().out
    assert "✗ PROBLEM numpy" in out and "checks failed" in out
    assert needs_emoji_font(out) == []


def test_missing_pyproject_is_reported_not_raised(tmp_path):
    results = env.check_environment(tmp_path / "nowhere.toml")
    assert results[0].item == "pyproject.toml" and not results[0].ok
    assert [r.item for r in results[1:]] == ["torch threads", "world tables", "shipped weights"]


def test_unpinned_dependency_is_reported(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["numpy>=2"]\n')
    results = env.check_environment(pyproject)
    assert not results[0].ok and "exact pin" in results[0].message


def test_wrong_thread_count_is_reported():
    setup()
    result = env.check_threads(expected=THREADS + 1)
    assert not result.ok and "setup()" in result.message
    assert torch.get_num_threads() == THREADS


def test_missing_weights_are_reported(monkeypatch):
    import helpers.engine.checkpoints as checkpoints

    monkeypatch.setattr(checkpoints, "load_pretrained", lambda world, seed: None)
    result = env.check_weights(0)
    assert not result.ok and "make weights" in result.message


def test_a_crashing_check_becomes_a_failed_item(monkeypatch):
    def broken() -> env.CheckResult:
        raise ValueError("data/world/personas.csv, row 3: prior=2 is outside [0, 1]")

    monkeypatch.setattr(env, "check_world", broken)
    results = {r.item: r for r in env.check_environment()}
    assert not results["world tables"].ok and "personas.csv" in results["world tables"].message


def test_python_check_message():
    assert env.check_python(">=3.11,<3.14", "3.12.1").ok
    bad = env.check_python(">=3.11,<3.14", "3.9.0")
    assert not bad.ok and "3.9.0" in bad.message
