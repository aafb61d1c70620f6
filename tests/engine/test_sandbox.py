"""The sandbox's layers hold against each class of escape, with no seatbelt in the way: each test checks that the
side effect did not happen (no file outside the run's directory created or changed, no process left alive, no
signal or connection received, the grader's memory under a cap), not only that the attack failed.

The bubblewrap tests need Debian's ``bubblewrap`` (installed by `.ci/run`): on a laptop without it they are
skipped with the command that installs it; under CI=true they fail instead.
"""

from __future__ import annotations

import math
import os
import resource
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from conftest import BUBBLEWRAP_MISSING, require
from helpers import PROJECT_ROOT
from helpers.engine import grader, processes, sandbox

linux_only = pytest.mark.skipif(not processes.supported(), reason="reads /proc (Linux)")
SLEEPER = "import time; time.sleep(60)"


@pytest.fixture
def bubblewrap(needs_bubblewrap) -> str:
    return needs_bubblewrap


@pytest.fixture(params=["bubblewrap", "fallback"])
def isolation(request) -> str:
    if request.param == "bubblewrap":
        require(sandbox.bubblewrap_works(), BUBBLEWRAP_MISSING)
    return request.param


def attack(code: str, isolation: str, timeout: float = 15.0, limits: sandbox.Limits = sandbox.LIMITS,
           name: str = "attack.py") -> sandbox.Run:
    """Run ``code`` as a program in a fresh directory, with every layer of ``isolation`` and no seatbelt."""
    with grader.workspace({name: textwrap.dedent(code)}) as directory:
        return sandbox.run(directory, [sys.executable, "-B", "-E", "-s", name], timeout, limits=limits,
                           env=grader.sandbox_env(directory), isolation_mode=isolation)


def alive_with(marker: str) -> list[int]:
    """Live processes whose command line contains ``marker``."""
    found = []
    for pid, process in processes.table().items():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if process.state != "Z" and marker.encode() in command:
            found.append(pid)
    return found


def test_isolation_names_and_timeouts_are_checked(tmp_path):
    assert sandbox.isolation("fallback") == "fallback"
    with pytest.raises(ValueError, match="isolation='nowhere'; expected one of"):
        sandbox.isolation("nowhere")
    for timeout in (0, -1, math.inf, math.nan, True, "5", sandbox.MAX_TIMEOUT + 1):
        with pytest.raises(ValueError, match="timeout=.*at most 600"):
            sandbox.run(tmp_path, [sys.executable, "-c", "pass"], timeout)


def test_describe_names_every_layer():
    lines = sandbox.describe("fallback")
    assert lines[0].startswith("no bubblewrap here") and "limits:" in lines[1] and "seatbelt:" in lines[2]
    assert "protects nothing by itself" in lines[2]


def test_bubblewrap_is_chosen_where_it_works(bubblewrap):
    assert sandbox.isolation("auto") == "bubblewrap"
    assert sandbox.describe()[0].startswith("bubblewrap: the code runs in its own namespaces")


# ----- files -----
def test_writes_outside_the_directory_are_contained(bubblewrap, tmp_path):
    """Every way of writing outside that got past the old audit hook, against places the sandbox can see (the
    Python installation) and places it cannot (the repository, the test's temporary folder)."""
    visible = Path(sys.prefix)
    sentinel = visible / f".grader-sentinel-{uuid.uuid4().hex}"
    try:
        sentinel.write_text("keep me")
    except OSError:
        pytest.skip(f"needs a Python installation this user can write to ({visible}), to put a sentinel in it")
    kept = tmp_path / "kept.txt"
    kept.write_text("keep me")
    before = sorted(os.listdir(visible)), os.stat(sentinel), sorted(os.listdir(tmp_path))
    try:
        run = attack(f'''
            import os, socket, sqlite3
            V, S, R, T = {str(visible)!r}, {sentinel.name!r}, {str(PROJECT_ROOT)!r}, {str(tmp_path)!r}
            open("mine.txt", "w").write("mine")

            def attempt(name, action):
                try:
                    action()
                    print("ESCAPED", name)
                except Exception as err:
                    print("held", name, type(err).__name__)

            def fd_metadata():
                fd = os.open(os.path.join(V, S), os.O_RDONLY)
                os.chmod(fd, 0o644)
                os.utime(fd, None)

            def readline_history():
                import readline
                readline.write_history_file(os.path.join(V, "history"))

            def unix_socket():
                socket.socket(socket.AF_UNIX).bind(os.path.join(V, "socket"))

            def directory_fd(action):
                return lambda: action(os.open(V, os.O_RDONLY))

            attempt("open", lambda: open(os.path.join(V, "new.txt"), "w").write("x"))
            attempt("open dir_fd", directory_fd(lambda d: os.open("new2.txt", os.O_CREAT | os.O_WRONLY, dir_fd=d)))
            attempt("mkdir dir_fd", directory_fd(lambda d: os.mkdir("newdir", dir_fd=d)))
            attempt("rename dir_fd", directory_fd(lambda d: os.rename("mine.txt", "moved.txt", dst_dir_fd=d)))
            attempt("link dir_fd", directory_fd(lambda d: os.link("mine.txt", "linked.txt", dst_dir_fd=d)))
            attempt("remove dir_fd", directory_fd(lambda d: os.remove(S, dir_fd=d)))
            attempt("chmod and utime on a descriptor", fd_metadata)
            attempt("mknod", lambda: os.mknod(os.path.join(V, "node")))
            attempt("mkfifo", lambda: os.mkfifo(os.path.join(V, "fifo")))
            attempt("setxattr", lambda: os.setxattr(os.path.join(V, S), "user.grader", b"1"))
            attempt("sqlite3", lambda: sqlite3.connect(os.path.join(V, "db.sqlite")).execute("create table t(x)"))
            attempt("unix socket", unix_socket)
            attempt("readline history", readline_history)
            attempt("repository", lambda: open(os.path.join(R, "escaped.txt"), "w").write("x"))
            attempt("test folder", lambda: open(os.path.join(T, "kept.txt"), "a").write("x"))
            attempt("usr", lambda: open("/usr/escaped.txt", "w").write("x"))
            # the venv may live inside the repository (make creates .venv there): its path is then visible, read-only,
            # but none of the repository's own files
            own_files = [os.path.join(R, name) for name in ("README.md", "data")]
            print("sees the repository's files:", any(os.path.exists(path) for path in own_files))
            ''', bubblewrap)
        after = sorted(os.listdir(visible)), os.stat(sentinel), sorted(os.listdir(tmp_path))
    finally:
        sentinel.unlink()
    assert "ESCAPED" not in run.output and run.output.count("held") == 16, run.output
    assert after[0] == before[0] and after[2] == before[2] == ["kept.txt"]
    assert (after[1].st_mode, after[1].st_mtime_ns, after[1].st_ctime_ns) == (
        before[1].st_mode, before[1].st_mtime_ns, before[1].st_ctime_ns)
    assert kept.read_text() == "keep me" and not (PROJECT_ROOT / "escaped.txt").exists()
    assert not Path("/usr/escaped.txt").exists()
    assert "sees the repository's files: False" in run.output


def test_disk_use_is_limited(isolation):
    """Files of 1 MiB, one after the other: bubblewrap's in-memory directory fills up; without it a watcher stops
    the run. Either way no more than the limit is written."""
    limits = sandbox.Limits(disk_bytes=4 << 20)
    run = attack('''
        import time
        for i in range(20):
            try:
                with open(f"file{i}", "wb") as handle:
                    handle.write(b"x" * (1 << 20))
            except OSError as err:
                print("full after", i, "files:", err.strerror)
                break
        else:
            time.sleep(5)  # for the watcher
        ''', isolation, limits=limits)
    if isolation == "bubblewrap":
        assert "full after 4 files: No space left on device" in run.output, run.output  # 4 x 1 MiB fill it
    else:
        assert run.stopped == "disk" and run.seconds < 5, run


def test_a_file_is_limited_in_size(isolation):
    run = attack('''
        try:
            open("big", "wb").write(b"x" * (2 << 20))
        except OSError as err:
            print("capped", err.errno)
        ''', isolation)
    assert "capped 27" in run.output  # EFBIG: RLIMIT_FSIZE


# ----- processes -----
@linux_only
def test_processes_a_run_starts_do_not_outlive_it(isolation):
    """A new session, multiprocessing's spawn and spawnv_passfds, a double fork: all killed as soon as the run's
    own process ends, and the run does not wait for them (they hold its output open)."""
    marker = f"grader-marker-{uuid.uuid4().hex}"
    run = attack(f'''
        import multiprocessing, multiprocessing.util, os, subprocess, sys
        SLEEP = [sys.executable, "-c", {SLEEPER!r}, {marker!r}]

        def sleeper():
            os.execv(sys.executable, SLEEP)

        if __name__ == "__main__":
            subprocess.Popen(SLEEP, start_new_session=True)
            multiprocessing.get_context("spawn").Process(target=sleeper).start()
            multiprocessing.util.spawnv_passfds(os.fsencode(sys.executable), SLEEP, ())
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv(sys.executable, SLEEP)
                os._exit(0)
            print("started", flush=True)
            os._exit(0)
        ''', isolation)
    assert run.returncode == 0 and "started" in run.output and run.seconds < 10, run
    assert alive_with(marker) == []


@linux_only
def test_the_timeout_kills_the_whole_group(isolation):
    marker = f"grader-marker-{uuid.uuid4().hex}"
    run = attack(f'''
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "while True: pass", {marker!r}])
        while True:
            pass
        ''', isolation, timeout=2)
    assert run.timed_out and run.returncode is None and run.seconds < 6
    assert "(stopped after 2 s)" in run.output
    assert alive_with(marker) == []


@linux_only
def test_too_many_processes_stop_the_run(isolation):
    marker = f"grader-marker-{uuid.uuid4().hex}"
    run = attack(f'''
        import subprocess, sys, time
        started = 0
        for _ in range(60):
            try:
                subprocess.Popen([sys.executable, "-c", {SLEEPER!r}, {marker!r}])
                started += 1
            except OSError as err:  # RLIMIT_NPROC, for a user other than root
                print("refused after", started, err.strerror, flush=True)
                break
        else:
            time.sleep(30)  # for the watcher
        ''', isolation, limits=sandbox.Limits(processes=4))
    if run.stopped is None:  # the kernel refused more processes (a user other than root): few were started
        started = int(run.output.split("refused after ")[1].split()[0])
        assert started <= 4 + 4 and "Resource temporarily unavailable" in run.output, run.output
    else:  # the watcher stopped the run
        assert run.stopped == "processes" and run.seconds < 10 and "more than 4 extra processes" in run.output
    assert alive_with(marker) == []


def test_open_files_are_limited(isolation):
    run = attack('''
        handles = []
        try:
            while len(handles) < 1000:
                handles.append(open(f"f{len(handles) % 10}", "w"))
        except OSError as err:
            print("opened", len(handles), err.strerror)
        ''', isolation)
    opened = int(run.output.split("opened ")[1].split()[0])
    assert opened < sandbox.LIMITS.open_files and "Too many open files" in run.output


def test_memory_is_limited_and_output_is_cut_while_reading(isolation):
    """A process gets at most LIMITS.memory_bytes; a print loop is stopped at LIMITS.output_bytes, and the grader
    keeps only the end of it: its own peak memory grows by less than 64 MiB."""
    run = attack('''
        try:
            block = bytearray(2 << 30)
        except MemoryError:
            print("no 2 GiB for you")
        ''', isolation)
    assert "no 2 GiB for you" in run.output and run.returncode == 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    run = attack('''
        import sys
        while True:
            sys.stdout.write("x" * 65536)
        ''', isolation)
    assert run.stopped == "output" and run.seconds < 10
    assert len(run.output) <= sandbox.LIMITS.kept_bytes + 200 and "more than 1 MiB of output" in run.output
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < peak + 64 * 1024


def test_the_environment_and_descriptors_are_not_inherited(isolation, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_MARKER", "leaked")
    reader, writer = os.pipe()
    os.set_inheritable(reader, True)
    try:
        run = attack('''
            import os
            print("ENV", sorted(os.environ))
            print("FDS", sorted(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) > 2))
            ''', isolation)
    finally:
        os.close(reader)
        os.close(writer)
    assert "GRADER_SECRET_MARKER" not in run.output and "leaked" not in run.output
    assert "FDS [3]" in run.output  # only the descriptor of the listing itself


# ----- other processes and the network -----
@linux_only
def test_other_processes_cannot_be_signalled_or_read(bubblewrap):
    decoy = subprocess.Popen([sys.executable, "-c", SLEEPER], env={"DECOY_SECRET": "s3cret-value"})
    try:
        run = attack(f'''
            import os, signal
            for pid in ({decoy.pid}, {os.getpid()}, os.getppid()):
                try:
                    print(open(f"/proc/{{pid}}/environ").read())
                except OSError as err:
                    print("cannot read", pid, err.strerror)
            for pid in ({decoy.pid}, {os.getpid()}):
                try:
                    os.kill(pid, signal.SIGKILL)
                    print("SIGNALLED", pid)
                except OSError as err:
                    print("cannot signal", pid, err.strerror)
            os.kill(-1, signal.SIGKILL)  # every process this user may signal
            ''', bubblewrap)
        assert decoy.poll() is None, "the decoy process was killed from inside the sandbox"
    finally:
        decoy.kill()
        decoy.wait()
    assert "s3cret-value" not in run.output and "SIGNALLED" not in run.output
    assert run.output.count("cannot signal") == 2, run.output


def test_there_is_no_network(bubblewrap):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        run = attack(f'''
            import socket
            try:
                socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), timeout=3)
                print("CONNECTED")
            except OSError as err:
                print("no connection:", err.strerror)
            ''', bubblewrap)
        with pytest.raises(TimeoutError):
            listener.accept()
    assert "CONNECTED" not in run.output and "no connection" in run.output
