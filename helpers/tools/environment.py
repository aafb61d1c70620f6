"""The environment check of lesson 00: is everything the course needs here, at the versions it was made with?

:func:`check_environment` returns one ``(item, ok, message)`` per check and never raises: a missing package, a
wrong version, a corrupted weights file or an edited world table becomes a failed item whose message says what
is wrong and how to fix it. :func:`print_report` prints them. The checks:

- the Python version is one ``pyproject.toml`` allows;
- every pinned package is installed at its pinned version and imports;
- torch runs on the course's thread count (``helpers.engine.runtime.THREADS``), so results match everyone else's;
- the world tables load and validate;
- the shipped weights are present and verified (checksum and world tables) for seed 0.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from helpers import PROJECT_ROOT
from helpers.project import PYPROJECT, read_pins, requires_python

#: Import names of distributions whose module name differs from the package name.
IMPORT_NAMES = {"pyyaml": "yaml", "scikit-learn": "sklearn"}
FIX_PACKAGES = "run `make install` (or `.venv/bin/pip install -e .`) in the course folder, then restart the kernel"


class CheckResult(NamedTuple):
    """One line of the environment check."""

    item: str
    ok: bool
    message: str


def version_allowed(version: str, specifier: str) -> bool:
    """Does ``version`` satisfy a specifier such as '>=3.11,<3.14' (PEP 440, read by ``packaging``)?"""
    try:
        if not specifier.strip():
            raise InvalidSpecifier(specifier)
        allowed = SpecifierSet(specifier)
    except InvalidSpecifier:
        raise ValueError(f"specifier={specifier!r}; expected clauses such as '>=3.11,<3.14'") from None
    try:
        return Version(version) in allowed
    except InvalidVersion:
        raise ValueError(f"version={version!r}; expected a version such as 3.11 or 2.13.0") from None


def same_version(installed: str, pinned: str) -> bool:
    """Is an installed version the pinned one? A local build label is ignored ('2.13.0+cpu' matches '2.13.0')."""
    return Version(installed).public == Version(pinned).public


def check_python(specifier: str, version: str | None = None) -> CheckResult:
    version = version or ".".join(str(x) for x in sys.version_info[:3])
    if version_allowed(version, specifier):
        return CheckResult("Python", True, f"Python {version} (the course needs {specifier})")
    return CheckResult("Python", False, f"Python {version}, but the course needs {specifier}: install a supported "
                                        "Python (3.11-3.13) and make the environment again (`make lab`)")


def check_package(name: str, pinned: str) -> CheckResult:
    """Is ``name`` installed at the pinned version, and does it import?"""
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return CheckResult(name, False, f"{name} is not installed (the course pins {pinned}): {FIX_PACKAGES}")
    if not same_version(installed, pinned):
        return CheckResult(name, False, f"{name} {installed} is installed, but the course pins {pinned}, so your "
                                        f"numbers may differ from everyone else's: {FIX_PACKAGES}")
    module = IMPORT_NAMES.get(name.lower(), name.lower().replace("-", "_"))
    try:
        importlib.import_module(module)
    except Exception as err:  # any import failure is a finding, not a crash
        return CheckResult(name, False, f"{name} {installed} is installed but `import {module}` failed "
                                        f"({type(err).__name__}: {err}): {FIX_PACKAGES}")
    return CheckResult(name, True, f"{name} {installed}")


def check_threads(expected: int | None = None) -> CheckResult:
    import torch

    from helpers.engine.runtime import THREADS

    expected = THREADS if expected is None else expected
    threads = torch.get_num_threads()
    if threads == expected:
        return CheckResult("torch threads", True, f"torch uses {threads} threads, as every lesson does")
    return CheckResult("torch threads", False, f"torch uses {threads} threads, but the lessons use {expected} (results "
                                               "are reproducible for a seed and a thread count): run "
                                               "`helpers.engine.runtime.setup()` first, as every lesson's first "
                                               "cell does")


def check_world() -> CheckResult:
    from helpers.engine.world import WORLD_DIR, load_world

    world = load_world()
    return CheckResult("world tables", True, f"{len(world.personas)} characters and {len(world.tasks)} tasks loaded "
                                             f"from {WORLD_DIR.relative_to(PROJECT_ROOT).as_posix()}/")


def check_weights(seed: int = 0) -> CheckResult:
    from helpers.engine.checkpoints import MODELS_DIR, load_pretrained
    from helpers.engine.world import load_world

    model = load_pretrained(load_world(), seed)
    if model is None:
        return CheckResult("shipped weights", False, f"no shipped weights for seed {seed} in "
                                                     f"{MODELS_DIR.relative_to(PROJECT_ROOT).as_posix()}/: run "
                                                     "`make weights` (about 10 s per seed), or lessons pretrain live")
    return CheckResult("shipped weights", True, f"seed {seed} loads and matches its checksum and the world tables "
                                                f"({model.n_parameters():,} parameters)")


def _guarded(item: str, check: Callable[[], CheckResult]) -> CheckResult:
    """Run one check; any exception becomes a failed item that names it."""
    try:
        return check()
    except Exception as err:  # the environment check must never raise
        return CheckResult(item, False, f"{type(err).__name__}: {err}")


def check_environment(pyproject: Path | str = PYPROJECT, seed: int = 0) -> list[CheckResult]:
    """Every check of the course's environment, as ``(item, ok, message)``; never raises."""
    try:
        specifier, pins = requires_python(pyproject), read_pins(pyproject)
    except Exception as err:  # no or unreadable pyproject: say so, and still check what does not need it
        results = [CheckResult("pyproject.toml", False, f"could not read the pins from {pyproject} "
                                                        f"({type(err).__name__}: {err}); run the notebook from the "
                                                        "course folder")]
    else:
        results = [_guarded("Python", lambda: check_python(specifier))]
        results += [_guarded(name, lambda n=name, v=version: check_package(n, v)) for name, version in pins.items()]
    results.append(_guarded("torch threads", check_threads))
    results.append(_guarded("world tables", check_world))
    results.append(_guarded("shipped weights", lambda: check_weights(seed)))
    return results


def print_report(results: Sequence[tuple[str, bool, str]]) -> bool:
    """Print one line per check (✓ OK or ✗ PROBLEM: text marks, no emoji, so they show without an emoji font) and a
    closing verdict; return True when every check passed."""
    for item, ok, message in results:
        print(f"{'✓ OK     ' if ok else '✗ PROBLEM'} {item}: {message}")
    failed = [item for item, ok, _ in results if not ok]
    if failed:
        print(f"\n{len(failed)} of {len(results)} checks failed ({', '.join(failed)}): fix them as each line says, "
              "then run this cell again.")
    else:
        print(f"\nAll {len(results)} checks passed: you are ready for lesson 01.")
    return not failed
