"""Running untrusted Python code contained, in layers: the runner under lesson 04's grader.

A solution is code we did not write, so each run gets layers that hold whatever the code does in plain Python
(what an audit hook cannot promise: Python's own documentation says audit hooks are not a security boundary).

1. **Limits** (always, on every system with the ``resource`` module): the code runs as a child in its own session
   and process group; its whole process group, everything it started and every process left in its directory are
   killed when the child ends or at the timeout; limits on each process's memory (address space), the size of any
   file it writes, its open files, CPU time and (for a user other than root) its number of processes; its output
   is read in bounded chunks and the run is stopped once it passes :attr:`Limits.output_bytes`; a watcher stops a
   run that holds more than :attr:`Limits.processes` processes or (without bubblewrap) writes more than
   :attr:`Limits.disk_bytes` into its directory. It starts in a fresh temporary directory with a scrubbed
   environment, empty standard input and no inherited file descriptors.
2. **Bubblewrap** (on Linux where Debian's ``bubblewrap`` package is installed and may create namespaces): the code
   runs in new user, PID, network, IPC and UTS namespaces. It sees a read-only view of the system (``/usr`` and the
   Python installation, not the home folders or the repository), its directory as a private in-memory file system
   of :attr:`Limits.disk_bytes` (the only writable place), no network (only its own loopback), and no other process.
3. The audit-hook **seatbelt** of :mod:`helpers.engine.seatbelt` (added by the grader) only turns the common
   mistakes into readable messages.

:func:`run` runs one command with the layers available here (:func:`isolation`, :func:`describe`).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from helpers.engine import processes

#: How a run is contained: "auto" picks bubblewrap when it works here, else the limits alone ("fallback").
ISOLATIONS = ("auto", "bubblewrap", "fallback")
#: The longest run :func:`run` accepts (seconds).
MAX_TIMEOUT = 600.0
#: The user the code runs as inside bubblewrap's namespaces (nobody).
SANDBOX_UID = 65534
#: Why a run was stopped before it ended by itself.
STOP_REASONS = ("timeout", "output", "processes", "disk")

# Sets the resource limits of its own process, then becomes the command (os.execv): no code runs in between, and
# no preexec_fn runs in the grader's process (which may have threads).
_LAUNCHER = """import json, os, resource, sys
for name, value in json.loads(sys.argv[1]).items():
    number = getattr(resource, name, None)
    if number is None:
        continue
    hard = resource.getrlimit(number)[1]
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    try:
        resource.setrlimit(number, (value, value))
    except (ValueError, OSError):
        pass
os.execv(sys.argv[2], sys.argv[2:])
"""


@dataclass(frozen=True)
class Limits:
    """What one run may use."""

    memory_bytes: int = 512 << 20  # address space of each process
    file_bytes: int = 1 << 20  # the largest file it may write
    disk_bytes: int = 16 << 20  # all files in its directory together
    disk_files: int = 512  # files in its directory (checked without bubblewrap)
    open_files: int = 64  # file descriptors of each process
    processes: int = 16  # processes it may start (on top of its own)
    output_bytes: int = 1 << 20  # standard output and error together; the run is stopped beyond this
    kept_bytes: int = 64 << 10  # the end of the output that is kept

    def describe(self) -> str:
        """What holds on this system, in words: everything on Linux, less elsewhere."""
        common = f"{self.disk_bytes >> 20} MiB of files in all, {self.output_bytes >> 20} MiB of output"
        if processes.supported():
            return (f"everything it started is killed when it ends or at the timeout; at most "
                    f"{self.memory_bytes >> 20} MiB of memory per process, {self.processes} extra processes, files "
                    f"of {self.file_bytes >> 20} MiB, {self.open_files} open files, {common}")
        if os.name == "posix":
            return (f"its process group is killed when it ends or at the timeout; files of {self.file_bytes >> 20} "
                    f"MiB, {self.open_files} open files, {common} (no memory or process limit on this system)")
        return f"its first process is killed when it ends or at the timeout; {common} (no other limit on this system)"


LIMITS = Limits()


@dataclass(frozen=True)
class Run:
    """How a run ended: its exit status (None if it was stopped), why it was stopped, the end of its output."""

    returncode: int | None
    stopped: str | None  # None, or one of STOP_REASONS
    output: str
    isolation: str  # "bubblewrap" or "fallback"
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.stopped == "timeout"


# ----- which layers this machine has -----
_probe_lock = threading.RLock()
_probe: dict[str, bool] = {}


def bubblewrap_path() -> str | None:
    """The ``bwrap`` program (Debian's ``bubblewrap`` package), or None on systems without it."""
    return shutil.which("bwrap") if sys.platform.startswith("linux") else None


def bubblewrap_works() -> bool:
    """Is bubblewrap installed here, and may it create the namespaces :func:`run` uses? (Tried once, then cached.)"""
    with _probe_lock:
        if "works" not in _probe:
            _probe["works"] = bubblewrap_path() is not None and _try_bubblewrap()
        return _probe["works"]


def _try_bubblewrap() -> bool:
    with tempfile.TemporaryDirectory(prefix="grader-probe-") as tmp:
        try:
            result = _contain(Path(tmp).resolve(), [sys.executable, "-c", "print('ok')"], 20.0, LIMITS, b"",
                              {"PATH": os.defpath}, "bubblewrap")
        except OSError:
            return False
    return result.returncode == 0 and result.output.strip() == "ok"


def isolation(requested: str = "auto") -> str:
    """The containment a run gets: "bubblewrap" or "fallback" (the limits alone). ``requested="bubblewrap"`` raises
    RuntimeError where bubblewrap does not work."""
    if requested not in ISOLATIONS:
        raise ValueError(f"isolation={requested!r}; expected one of {list(ISOLATIONS)}")
    if requested == "fallback":
        return "fallback"
    if bubblewrap_works():
        return "bubblewrap"
    if requested == "bubblewrap":
        raise RuntimeError("isolation='bubblewrap', but bubblewrap is not installed here or may not create "
                           "namespaces; install Debian's `bubblewrap` package (`sudo apt install bubblewrap`)")
    return "fallback"


def describe(requested: str = "auto", limits: Limits = LIMITS) -> list[str]:
    """One sentence per layer that contains a run here (for the lesson to print)."""
    mode = isolation(requested)
    lines = []
    if mode == "bubblewrap":
        lines.append("bubblewrap: the code runs in its own namespaces, with a read-only view of only the system and "
                     "the Python installation (not your files), its directory as the only writable place "
                     f"({limits.disk_bytes >> 20} MiB, in memory), no network and no view of other processes")
    else:
        lines.append("no bubblewrap here: the code can read and write whatever your user can (only the seatbelt "
                     "below refuses the common cases), reach the network and signal your processes")
    lines.append(f"limits: {limits.describe()}")
    lines.append("seatbelt: an audit hook refuses writes outside its directory, new processes and the network "
                 "with a readable message; plain Python can switch it off, so it protects nothing by itself")
    return lines


def _has_limits() -> bool:
    return os.name == "posix"


# ----- one run -----
def run(directory: Path | str, argv: Sequence[str], timeout: float, *, limits: Limits = LIMITS, stdin: bytes = b"",
        env: Mapping[str, str] | None = None, isolation_mode: str = "auto") -> Run:
    """Run ``argv`` (a Python command: ``argv[0]`` is :data:`sys.executable`) in ``directory`` with every layer
    available (``isolation_mode``: one of :data:`ISOLATIONS`), and wait for it, at most ``timeout`` seconds.

    With bubblewrap, the files at the top of ``directory`` are mounted read-only into an empty in-memory directory
    at the same path: what the code writes never reaches the disk. ``stdin`` (at most 32 KiB) is its standard input.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(f"timeout={timeout!r}; expected a number of seconds above 0 and at most {MAX_TIMEOUT:g}")
    if len(stdin) > 32 << 10:
        raise ValueError(f"stdin of {len(stdin)} bytes; expected at most 32 KiB")
    mode = isolation(isolation_mode)
    return _contain(Path(directory).resolve(), list(argv), float(timeout), limits, stdin, dict(env or {}), mode)


def _contain(directory: Path, argv: list[str], timeout: float, limits: Limits, stdin: bytes, env: dict[str, str],
             mode: str) -> Run:
    command = bubblewrap_command(directory, argv, limits) if mode == "bubblewrap" else argv
    command = launcher_command(command, limits, timeout)
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=directory, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
    reader = _Reader(proc.stdout, limits)
    if stdin:
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except OSError:  # it ended (or closed its input) before reading
            pass
    stopped = _watch(proc, reader, directory, timeout, limits, mode)
    processes.stop_all(proc.pid, directory)
    returncode = proc.wait()
    reader.finish()
    output = reader.text()
    if stopped == "timeout":
        output += f"\n(stopped after {timeout:g} s)"
    elif stopped is not None:
        output += f"\n(stopped: more than {_limit_text(stopped, limits)})"
    return Run(None if stopped else returncode, stopped, output, mode, time.perf_counter() - start)


def _limit_text(reason: str, limits: Limits) -> str:
    return {"output": f"{limits.output_bytes >> 20} MiB of output",
            "processes": f"{limits.processes} extra processes",
            "disk": f"{limits.disk_bytes >> 20} MiB or {limits.disk_files} files in its directory"}[reason]


def _watch(proc: subprocess.Popen, reader: _Reader, directory: Path, timeout: float, limits: Limits,
           mode: str) -> str | None:
    """Wait until the child ends (None) or a limit is passed (its name in :data:`STOP_REASONS`)."""
    deadline = time.monotonic() + timeout
    base = 3 if mode == "bubblewrap" else 1  # bubblewrap's own two processes, then the child
    next_check = 0.0
    while not processes.has_ended(proc):
        now = time.monotonic()
        if now >= deadline:
            return "timeout"
        if reader.overflow.is_set():
            return "output"
        if now >= next_check:
            next_check = now + 0.1
            if processes.supported() and len(processes.related(proc.pid)) > base + limits.processes:
                return "processes"
            if mode == "fallback" and _over_disk(directory, limits):
                return "disk"
        reader.overflow.wait(min(0.02, max(0.0, deadline - now)))
    return None


def _over_disk(directory: Path, limits: Limits) -> bool:
    """Does ``directory`` hold more than the limits allow (bytes or files)? Stops counting as soon as it does."""
    total, files, stack = 0, 0, [directory]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            files += 1
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            if total > limits.disk_bytes or files > limits.disk_files:
                return True
    return False


class _Reader:
    """Reads the child's output in chunks on a thread, keeping only its end, and flags it once it passes the cap."""

    def __init__(self, stream, limits: Limits) -> None:
        self.stream, self.limits = stream, limits
        self.tail = bytearray()
        self.total = 0
        self.overflow = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        fd = self.stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            self.tail += chunk
            if len(self.tail) > 2 * self.limits.kept_bytes:
                del self.tail[:-self.limits.kept_bytes]
            if self.total > self.limits.output_bytes:
                self.overflow.set()

    def finish(self) -> None:
        """Wait (briefly) for the last output; every writer has been killed by now."""
        self.thread.join(2.0)
        if not self.thread.is_alive():
            self.stream.close()

    def text(self) -> str:
        return bytes(self.tail[-self.limits.kept_bytes:]).decode("utf-8", errors="replace")


# ----- the commands -----
def resource_limits(limits: Limits, timeout: float) -> dict[str, int]:
    """The ``resource`` limits of a run (names of :mod:`resource` constants -> value)."""
    values = {"RLIMIT_AS": limits.memory_bytes, "RLIMIT_FSIZE": limits.file_bytes,
              "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CPU": math.ceil(timeout) + 1, "RLIMIT_CORE": 0}
    if processes.supported() and os.getuid() != 0:  # counted per user, and root is exempt from it
        values["RLIMIT_NPROC"] = processes.user_tasks() + limits.processes + 4
    return values


def launcher_command(command: list[str], limits: Limits, timeout: float) -> list[str]:
    """``command`` behind a tiny Python launcher that sets the resource limits, then becomes ``command``."""
    if not _has_limits():
        return command
    program = command[0] if os.path.isabs(command[0]) else (shutil.which(command[0]) or command[0])
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, json.dumps(resource_limits(limits, timeout)), program,
            *command[1:]]


def python_paths() -> list[str]:
    """The folders the Python installation (and pytest) live in, outside /usr: bound read-only into the sandbox."""
    import importlib.util

    found = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))),
             *(p for p in sysconfig.get_paths().values() if p)}
    spec = importlib.util.find_spec("pytest")
    if spec and spec.origin:
        found.add(os.path.dirname(os.path.dirname(spec.origin)))
    found |= {os.path.realpath(p) for p in found}
    found = {p for p in found if os.path.isdir(p) and p != "/" and not p.startswith("/usr/")}
    return sorted(p for p in found if not any(p.startswith(q.rstrip("/") + "/") for q in found if q != p))


def bubblewrap_command(directory: Path, argv: list[str], limits: Limits) -> list[str]:
    """``argv`` inside bubblewrap: new namespaces, a read-only system, ``directory`` a private writable tmpfs."""
    bwrap = bubblewrap_path()
    if bwrap is None:
        raise RuntimeError("bubblewrap is not installed here; install Debian's `bubblewrap` package")
    args = [bwrap, "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "grader"]
    if _bubblewrap_option("--disable-userns"):
        args.append("--disable-userns")  # no new namespaces inside, where a process could map itself root
    args += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
        args += ["--ro-bind-try", path, path]
    for path in python_paths():
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.disk_bytes), "--tmpfs", str(directory)]
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        if entry.is_file(follow_symlinks=False):
            args += ["--ro-bind", entry.path, entry.path]
    args += ["--remount-ro", "/", "--remount-ro", "/dev", "--chdir", str(directory)]
    return args + argv


def _bubblewrap_option(option: str) -> bool:
    key = f"option {option}"
    with _probe_lock:
        if key not in _probe:
            try:
                text = subprocess.run([bubblewrap_path() or "bwrap", "--help"], capture_output=True, text=True,
                                      timeout=10).stdout
            except (OSError, subprocess.SubprocessError):
                text = ""
            _probe[key] = option in text
        return _probe[key]

