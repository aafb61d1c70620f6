"""Offline check: the course works with the network switched off.

Runs the engine's command line and the lessons inside a fresh network namespace (``unshare --net``) that has only
a loopback interface, so any attempt to reach another machine fails at once. Needs root (to make the namespace):
skipped loudly on a laptop, required under CI=true.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.publishing.notebooks import find_lessons

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = find_lessons(ROOT / "notebooks")
pytestmark = pytest.mark.slow


def offline(command: str, timeout: float) -> subprocess.CompletedProcess:
    """Run a shell command in a new network namespace with only loopback up (Jupyter kernels need loopback).

    The command runs in its own process group, which is killed whole if it overruns ``timeout``.
    """
    process = subprocess.Popen(["unshare", "--net", "sh", "-c", f"ip link set lo up && {command}"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"timed out after {timeout} s offline: {command}\n{err[-2000:]}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def can_go_offline(needs_root):
    from conftest import require
    require(shutil.which("unshare") is not None and shutil.which("ip") is not None,
            "needs util-linux's unshare and iproute2's ip: run `sudo apt install util-linux iproute2`")


def test_the_namespace_really_is_offline(can_go_offline):
    probe = ("import socket; s = socket.socket(); s.settimeout(3)\n"
             "try:\n    s.connect(('1.1.1.1', 80)); print('ONLINE')\nexcept OSError: print('OFFLINE')")
    result = offline(f"{shlex.quote(sys.executable)} -c {shlex.quote(probe)}", timeout=30)
    assert result.stdout.strip() == "OFFLINE", result.stdout + result.stderr


def test_experiments_run_offline(can_go_offline):
    result = offline(f"{shlex.quote(sys.executable)} -m helpers.experiments cheating --seeds 0 --format csv",
                     timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cheat-with-permission" in result.stdout


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lesson_runs_offline(can_go_offline, notebook):
    """Each lesson executes top to bottom, offline, with no error (nbval compares outputs in the main run)."""
    command = (f"{shlex.quote(sys.executable)} -m jupyter nbconvert --to notebook --execute --stdout "
               f"--ExecutePreprocessor.timeout=300 {shlex.quote(str(notebook))} > /dev/null")
    result = offline(command, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
