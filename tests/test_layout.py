"""The package's layout stays readable: small modules, and no private name used outside the module that owns it.

(The import layers themselves are checked by `lint-imports`, and style by `ruff check`, both run by `make test`.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "helpers"
MAX_LINES = 400
MODULES = sorted(PACKAGE.rglob("*.py"))
SOURCES = MODULES + sorted((PROJECT_ROOT / "tests").rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_uses(path: Path) -> list[str]:
    """Private names (one leading underscore) that ``path`` takes from a helpers module other than itself:
    ``from helpers.x import _name`` and ``x._name`` where ``x`` is an imported helpers module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _module_name(path) if path.is_relative_to(PACKAGE) else None
    modules: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers") and node.module != own:
            for alias in node.names:
                name = alias.name
                if name.startswith("_") and not name.startswith("__"):
                    found.append(f"from {node.module} import {name}")
                modules[alias.asname or name] = f"{node.module}.{name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("helpers"):
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{node.value.id}.{node.attr}")
    return sorted(set(found))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_every_module_is_small_enough_to_read_in_one_sitting(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines; split it by job (at most {MAX_LINES})"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_no_private_name_crosses_a_module(path):
    assert private_uses(path) == []


def test_the_check_finds_a_private_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from helpers.engine import evals\nfrom helpers.engine.evals import _MAX_BATCH\nevals._mass\n")
    assert private_uses(sample) == ["evals._mass", "from helpers.engine.evals import _MAX_BATCH"]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("__init__.py")), ids=lambda p: p.parent.name)
def test_every_package_says_what_it_is_for(path):
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), "a package docstring"


def expected_test_file(path: Path) -> Path:
    """Where the tests of a module live: tests/<layer>/test_<module>.py (tests/lessons/test_<topic>_<module>.py)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    name = parts[-1].strip("_")
    if len(parts) == 1:
        return PROJECT_ROOT / "tests" / f"test_{name}.py"
    if parts[0] == "lessons":
        return PROJECT_ROOT / "tests" / "lessons" / f"test_{parts[1]}_{name}.py"
    return PROJECT_ROOT / "tests" / parts[0] / f"test_{name}.py"


def defines_code(path: Path) -> bool:
    """Whether a module defines functions or classes (a module that only re-exports names has nothing to test)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in tree.body)


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "__init__.py" and defines_code(p)],
                         ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_every_module_has_its_test_file(path):
    expected = expected_test_file(path)
    assert expected.is_file(), f"expected its tests in {expected.relative_to(PROJECT_ROOT)}"


def test_no_two_test_files_share_a_name():
    """pytest imports test files by their name (tests/ has no packages), so two with one name cannot both run."""
    names = [p.name for p in (PROJECT_ROOT / "tests").rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
