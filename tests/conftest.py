"""Shared pytest configuration.

Some tests need things a laptop may not have: headless Chromium with Playwright (the HTML/browser tests), Debian's
bubblewrap that may create namespaces (the grader's sandbox tests) or root.
On a laptop such a test is skipped with a loud reason that says how to get it to run. Under CI (environment
variable CI=true) the same test FAILS instead, so a missing install step in `.ci/run` cannot hide behind a skip.

Use the fixtures ``needs_browser`` / ``needs_root``, or call ``require(condition, reason)`` directly:

    from conftest import require          # or: def test_x(needs_browser): ...
    require(shutil.which("dot") is not None, "needs Graphviz: run `sudo apt install graphviz`")
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def in_ci() -> bool:
    """True when running under CI (the environment variable CI is exactly "true")."""
    return os.environ.get("CI") == "true"


def require(condition: bool, reason: str) -> None:
    """Skip the calling test when ``condition`` is false; under CI=true, fail it instead.

    ``reason`` says what is missing and how to get it, e.g. "needs Chromium: run `sudo apt install chromium`".
    """
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI=true and a requirement is missing: {reason}", pytrace=False)
    pytest.skip(f"SKIPPED ({reason}; under CI=true this test fails instead)")


def browser_available() -> bool:
    """Debian's Chromium is installed and the Playwright package can be imported."""
    return CHROMIUM.exists() and importlib.util.find_spec("playwright") is not None


def is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)  # absent on Windows
    return geteuid is not None and geteuid() == 0


@pytest.fixture
def needs_browser() -> Path:
    """Require headless Chromium (/usr/bin/chromium) and Playwright; returns the Chromium path."""
    have_chromium = CHROMIUM.exists()
    have_playwright = importlib.util.find_spec("playwright") is not None
    missing = []
    if not have_chromium:
        missing.append("Chromium: run `sudo apt install chromium chromium-driver`")
    if not have_playwright:
        missing.append("Playwright: run `.venv/bin/pip install -e '.[browser]'`")
    require(not missing, "needs " + " and ".join(missing))
    return CHROMIUM


@pytest.fixture(scope="module")
def _chromium_session():
    """The Playwright driver and Debian's Chromium, started on first use by ``browser`` and shared by the browser
    tests of one module (closed at its end, so a test that starts its own Playwright never meets a running one)."""
    state: dict = {}
    yield state
    if "browser" in state:
        state["browser"].close()
    if "playwright" in state:
        state["playwright"].stop()


@pytest.fixture
def browser(needs_browser, _chromium_session):
    """Debian's headless Chromium through Playwright (skips loudly without it locally; fails under CI=true)."""
    if "browser" not in _chromium_session:
        from playwright.sync_api import sync_playwright

        from helpers.publishing.browser import launch_chromium

        _chromium_session["playwright"] = sync_playwright().start()
        _chromium_session["browser"] = launch_chromium(_chromium_session["playwright"])
    return _chromium_session["browser"]


BUBBLEWRAP_MISSING = ("needs bubblewrap that may create namespaces: run `sudo apt install bubblewrap` (on Ubuntu 24.04 "
                      "or later unprivileged user namespaces must also be allowed for bwrap)")


@pytest.fixture
def needs_bubblewrap() -> str:
    """Require Debian's bubblewrap, able to create the grader's namespaces; returns the isolation name to pass."""
    from helpers.engine import sandbox

    require(sandbox.bubblewrap_works(), BUBBLEWRAP_MISSING)
    return "bubblewrap"


@pytest.fixture
def needs_root() -> None:
    """Require running as root (e.g. tests that install or change system state)."""
    require(is_root(), "needs root: run the tests as root, e.g. `sudo make test`")


# -- the persona world and the shipped seed-0 network, shared by the tests that only read them ------------------------
# Module scope, as each test file had before: a test that changes a model only affects its own file.

@pytest.fixture(scope="module")
def world():
    """The base persona world (a file that needs another world defines its own ``world``)."""
    from helpers.engine.world import load_world

    return load_world()


@pytest.fixture(scope="module")
def base(world):
    """The shipped pretrained network of seed 0, with the lessons' thread count."""
    from helpers.engine.checkpoints import pretrained_model
    from helpers.engine.runtime import setup

    setup()
    return pretrained_model(world, 0)
