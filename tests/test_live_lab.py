"""End to end in the live course: JupyterLab (with a token) + headless Chromium, run every cell, flip the toggle.

The server runs on 127.0.0.1 with a random token, on a temp copy of lesson 04 (or of the demo notebook of
tests/course_samples.py while lesson 04 does not exist), with its own settings, config and runtime folders, so neither
the repository's notebooks nor the user's JupyterLab state are touched. The test opens the notebook with the
token, runs all cells, checks that no cell errored, clicks the ipywidgets permission toggle and checks that the
figure changed. The server (and its kernels) are stopped at the end, also when the test fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from course_samples import SNAPSHOT_JS, copy_demo, lesson_04

from helpers import PROJECT_ROOT
from helpers.publishing.browser import launch_chromium

pytestmark = pytest.mark.browser

JUPYTER = PROJECT_ROOT / ".venv" / "bin" / "jupyter"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "lab"
PERMISSION = re.compile(r"permission", re.IGNORECASE)
RUN_ALL_TIMEOUT_S = 240


@dataclass
class Lab:
    url: str
    token: str
    notebook: str  # path relative to the server's root
    process: subprocess.Popen
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the kernels a server started run in their own sessions)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def stop(lab: Lab) -> None:
    """Shut the server down (it stops its kernels), then make sure: kill its process group and its kernels."""
    kernels = children(lab.process.pid)
    if lab.process.poll() is None:
        try:
            request = urllib.request.Request(f"{lab.url}api/shutdown?token={lab.token}", method="POST", data=b"")
            urllib.request.urlopen(request, timeout=5).close()
            lab.process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if lab.process.poll() is not None:
            break
        try:
            os.killpg(lab.process.pid, sig)
            lab.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    for pid in kernels:  # started by this server, so ours; a clean shutdown has already ended them
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def lab_settings(folder: Path) -> None:
    """Settings for the test's JupyterLab: render every cell (no windowing), no news or update checks."""
    tracker = folder / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    notification = folder / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


@pytest.fixture
def lab(needs_browser, tmp_path) -> Lab:
    """JupyterLab on 127.0.0.1 with a random token, serving a temp copy of lesson 04 (or of the demo)."""
    root = tmp_path / "course"
    notebooks = root / "notebooks"
    source = lesson_04()
    if source is not None:
        notebooks.mkdir(parents=True)
        notebook = Path(shutil.copy(source, notebooks / source.name))
    else:
        notebook = copy_demo(notebooks)
    (root / "data").symlink_to(PROJECT_ROOT / "data")  # so paths relative to notebooks/ still resolve
    for name in ("settings", "workspaces", "config", "runtime"):
        (tmp_path / name).mkdir()
    lab_settings(tmp_path / "settings")
    port, token = free_port(), secrets.token_hex(24)
    assert token, "never start Jupyter without a token"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = tmp_path / "jupyter.log"
    command = [str(JUPYTER), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--ServerApp.token={token}", "--allow-root",
               f"--ServerApp.root_dir={root}", "--expose-app-in-browser"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root,
                                   start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}/", token, f"notebooks/{notebook.name}", process, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if http_status(f"{server.url}api/status?token={token}") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        assert http_status(f"{server.url}api/status") == 403, "the server answers without its token"
        yield server
    finally:
        stop(server)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS / "jupyter.log")


NOTEBOOK_STATE_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const state = {idle: !!kernel && kernel.status === 'idle', running: 0, unexecuted: [], errors: []};
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i).toJSON();
        if (cell.cell_type !== 'code') continue;
        const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        if (cell.execution_count === null && source.trim()) state.unexecuted.push(i);
        for (const output of cell.outputs || []) {
            if (output.output_type === 'error') state.errors.push(`cell ${i}: ${output.ename}: ${output.evalue}`);
        }
    }
    state.running = Array.from(panel.node.querySelectorAll('.jp-InputPrompt'))
                         .filter((p) => p.textContent.includes('*')).length;
    return state;
}"""


def notebook_state(page) -> dict:
    """Kernel idle?, cells still running, code cells that never ran, and errors (from JupyterLab's own model)."""
    return page.evaluate(NOTEBOOK_STATE_JS)


def wait_for_run_all(page, timeout_s: float) -> dict:
    """Wait until every cell has run, or the run stopped at an error; fail with the notebook's state on timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = notebook_state(page)
        if state["idle"] and not state["running"] and (not state["unexecuted"] or state["errors"]):
            page.wait_for_timeout(500)  # idle twice in a row: a widget callback may still be drawing
            again = notebook_state(page)
            if again["idle"] and not again["running"]:
                return again
        if time.monotonic() > deadline:
            pytest.fail(f"running all cells did not finish within {timeout_s:.0f} s: {state}")
        page.wait_for_timeout(500)


def find_live_toggle(page):
    """The ipywidgets control for the permission note (a ToggleButton, a ToggleButtons option or a Checkbox)."""
    toggle = page.locator(".jp-OutputArea button.widget-toggle-button", has_text=PERMISSION)
    if toggle.count():
        return toggle.first
    option = page.locator(".jp-OutputArea .widget-toggle-buttons button:not(.mod-active)", has_text=PERMISSION)
    if option.count():
        return option.first
    checkbox = page.locator(".jp-OutputArea .widget-checkbox", has_text=PERMISSION).locator("input")
    if checkbox.count():
        return checkbox.first
    found = page.locator(".jp-OutputArea .jupyter-widgets").all_inner_texts()
    pytest.fail(f"no ipywidgets permission toggle (text matching {PERMISSION.pattern!r}); widgets: {found[:20]}")


def test_live_lesson_runs_and_the_permission_toggle_redraws(lab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    page = None
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            outside: list[str] = []

            def route(route):
                url = route.request.url
                if url.startswith((lab.url, "data:", "blob:")):
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", route)
            page.goto(f"{lab.url}lab/tree/{lab.notebook}?token={lab.token}")
            page.wait_for_function("""() => { const app = window.jupyterapp;
                const panel = app && app.shell.currentWidget;
                const kernel = panel && panel.sessionContext && panel.sessionContext.session
                               && panel.sessionContext.session.kernel;
                return panel && panel.context && panel.context.isReady && kernel && kernel.status === 'idle'; }""",
                                   timeout=90_000)
            # Clear the committed outputs (and execution counts) first, so what we check is what ran now.
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
            assert notebook_state(page)["unexecuted"], "clearing the outputs did not reset the execution counts"
            start = time.monotonic()
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            state = wait_for_run_all(page, RUN_ALL_TIMEOUT_S)
            ran_in = time.monotonic() - start
            page.screenshot(path=str(ARTIFACTS / "lab-after-run-all.png"))
            assert state["errors"] == [], f"cells errored: {state['errors']}"
            assert state["unexecuted"] == [], f"cells did not run: {state['unexecuted']}"

            toggle = find_live_toggle(page)
            toggle.scroll_into_view_if_needed()
            cell = toggle.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-Cell ')][1]")
            graphs = cell.locator(".js-plotly-plot")
            graphs.first.wait_for(state="visible", timeout=30_000)
            snapshot = f"(cell) => Array.from(cell.querySelectorAll('.js-plotly-plot')).map({SNAPSHOT_JS}).join('|')"
            before = cell.evaluate(snapshot)
            toggle.click()
            after, deadline = before, time.monotonic() + 30
            while after == before and time.monotonic() < deadline:
                page.wait_for_timeout(250)
                after = cell.evaluate(snapshot)
            page.screenshot(path=str(ARTIFACTS / "lab-toggle-flipped.png"))
            assert after != before, "flipping the permission toggle did not change the figure"
            assert "Traceback" not in cell.inner_text(), "the toggle's callback raised"
            assert notebook_state(page)["errors"] == []
            assert outside == [], f"JupyterLab in the browser tried to reach the network: {outside}"
            print(f"\nlive lab: {lab.notebook} ran all cells in {ran_in:.1f} s; the toggle redrew its figure")
        except BaseException:
            if page is not None:
                page.screenshot(path=str(ARTIFACTS / "lab-failure.png"))
            raise
        finally:
            browser.close()
