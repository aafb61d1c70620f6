"""The processes of a contained run, found and killed: the child, everything it started, and (without namespaces)
every process left working in its directory.

On Linux this reads ``/proc`` (each process's parent, process group, session and working directory); elsewhere it
can only kill the child's process group. :mod:`helpers.engine.sandbox` uses it to count a run's processes while it
runs and to kill all of them when it ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple


class Process(NamedTuple):
    """One line of the process table."""

    ppid: int
    pgrp: int
    session: int
    state: str  # "R", "S", ... "Z" for a zombie (dead, waiting for its parent)
    start: int  # when it started (clock ticks since boot): a pid and its start name one process, even if reused


def supported() -> bool:
    """Can this system list processes with their parents and groups (Linux's ``/proc``)?"""
    return sys.platform.startswith("linux") and os.path.isdir("/proc/self")


def table() -> dict[int, Process]:
    """Every process visible here: pid -> :class:`Process`."""
    found: dict[int, Process] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()  # after "pid (command name) "
        if len(fields) >= 20:
            found[int(entry.name)] = Process(int(fields[1]), int(fields[2]), int(fields[3]), fields[0].decode(),
                                             int(fields[19]))
    return found


def working_directory_inside(pid: int, directory: Path) -> bool:
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False
    return cwd == str(directory) or cwd.startswith(str(directory) + os.sep)


def related(root: int, directory: Path | None = None, snapshot: dict[int, Process] | None = None) -> set[int]:
    """The live processes of the run whose first process is ``root``: its descendants, the members of its process
    group and session, and, with ``directory``, every process working inside that directory."""
    processes = table() if snapshot is None else snapshot
    children: dict[int, list[int]] = {}
    for pid, process in processes.items():
        children.setdefault(process.ppid, []).append(pid)
    found: set[int] = set()
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid not in found:
            found.add(pid)
            stack += children.get(pid, [])
    found |= {pid for pid, p in processes.items() if root in (p.pgrp, p.session)}
    if directory is not None:
        found |= {pid for pid in processes if working_directory_inside(pid, directory)}
    found.discard(os.getpid())
    return {pid for pid in found if pid in processes and processes[pid].state != "Z"}


def has_ended(proc: subprocess.Popen) -> bool:
    """Has the child ended? Where possible it is left unreaped, so that its pid (its process group's number) cannot be
    reused before :func:`stop_all` has killed the group."""
    if hasattr(os, "waitid"):
        try:
            return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True
    return proc.poll() is not None


def stop_all(root: int, directory: Path | None = None) -> None:
    """Kill the run whose first process is ``root``: its process group, and on Linux every related process
    (:func:`related`), again and again until every process it ever found is gone (a process may fork while it is
    being killed, and one whose parent died is no longer a descendant)."""
    if isinstance(root, bool) or not isinstance(root, int) or root <= 1:
        raise ValueError(f"root={root!r}; expected the pid of a run's first process (above 1)")
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    seen: set[tuple[int, int]] = set()  # (pid, start): a pid reused by another process is not killed
    for _ in range(400):
        if hasattr(os, "killpg"):
            try:
                os.killpg(root, kill)
            except OSError:
                pass
        if not supported():
            _signal(root, kill)
            return
        processes = table()
        seen |= {(pid, processes[pid].start) for pid in related(root, directory, processes)}
        alive = [pid for pid, start in seen
                 if pid in processes and processes[pid].start == start and processes[pid].state != "Z"]
        if not alive:
            return
        for pid in alive:
            _signal(pid, kill)
        time.sleep(0.005)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except OSError:  # gone already, or not ours
        pass


def user_tasks() -> int:
    """How many threads this user runs now (the count ``RLIMIT_NPROC`` limits), or 0 where it cannot be read."""
    if not supported():
        return 0
    uid, total = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="utf-8", errors="replace") as handle:
                status = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        if status.get("Uid", "").split()[:1] == [str(uid)]:
            total += int(status.get("Threads", "1").strip() or 1)
    return total
