"""The grader's seatbelt: an audit hook that turns a solution's common mistakes into readable messages.

Inside the child process, before any solution or test code runs, :func:`install` adds a Python audit hook that
refuses, with a ``PermissionError`` that says why: writing, creating, renaming or deleting files outside the run's
directory (also through a directory descriptor or on a file descriptor's metadata), opening a directory outside it,
changing into another directory, reading other processes' ``/proc`` entries, starting processes, loading C libraries
with ctypes, using the network and signalling other processes.

It is a seatbelt, not a sandbox. Python's documentation says audit hooks are not a security boundary, and plain
Python can switch this one off (walk the stack to the hook and change what it sees, swap its code through ``gc``)
or go around it (calls that raise no audit event). What contains a solution is :mod:`helpers.engine.sandbox`.
"""

from __future__ import annotations

import inspect
import textwrap


def install(root: str) -> None:  # runs in the child process: it may use only the standard library
    """Add the seatbelt's audit hook to this process: ``root`` is the only directory it lets code write into."""
    import os
    import sys

    realpath, fsdecode, isdir, sep, pid = os.path.realpath, os.fsdecode, os.path.isdir, os.sep, os.getpid()
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    # event -> (positions of the paths it changes, positions of its directory-descriptor arguments)
    changes = {"os.remove": ((0,), (1,)), "os.rmdir": ((0,), (1,)), "os.mkdir": ((0,), (2,)),
               "os.rename": ((0, 1), (2, 3)), "os.link": ((0, 1), (2, 3)), "os.symlink": ((1,), (2,)),
               "os.chmod": ((0,), (2,)), "os.chown": ((0,), (3,)), "os.utime": ((0,), (3,)),
               "os.truncate": ((0,), ()), "os.setxattr": ((0,), ()), "os.removexattr": ((0,), ()),
               "os.chdir": ((0,), ()), "os.chroot": ((0,), ()), "shutil.rmtree": ((0,), ()),
               "shutil.copyfile": ((1,), ()), "shutil.copytree": ((1,), ()), "shutil.move": ((0, 1), ()),
               "sqlite3.connect": ((0,), ())}
    forbidden = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                 "pty.spawn", "ctypes.dlopen", "os.startfile", "socket.connect", "socket.bind", "socket.sendto",
                 "socket.sendmsg", "os.killpg", "signal.pthread_kill")

    def inside(path: object) -> bool:
        if path in (":memory:", "", None):
            return True
        try:
            full = realpath(fsdecode(path))
        except (TypeError, ValueError):
            return False
        return full == root or full.startswith(root + sep) or full == os.devnull

    def refuse(what: str, path: object = "") -> None:
        raise PermissionError(f"seatbelt: {what} is refused{f': {path}' if path != '' else ''} (the grader lets a "
                              f"solution write only inside its own directory {root})")

    def guard(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int) or path is None:
                return  # a descriptor that is already open
            text = fsdecode(path) if isinstance(path, (str, bytes)) else ""
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & write_flags)
            if writing and not inside(path):
                refuse("writing outside the grader's directory", path)
            if mode is None and not inside(path) and isdir(path):
                refuse("opening a directory outside the grader's directory", path)
            if text.startswith("/proc/") and not text.startswith(("/proc/self", f"/proc/{pid}/")):
                refuse("reading another process's /proc entries", path)
        elif event in changes:
            paths, descriptors = changes[event]
            for i in descriptors:
                if i < len(args) and args[i] not in (None, -1, -100):
                    refuse(f"{event} relative to a directory descriptor")
            for i in paths:
                if i < len(args) and isinstance(args[i], int):
                    refuse(f"{event} on a file descriptor")
                if i < len(args) and not inside(args[i]):
                    refuse(f"{event} outside the grader's directory", args[i])
        elif event == "os.kill":
            if args[0] != pid:
                refuse("signalling another process", args[0])
        elif event.startswith(forbidden):
            refuse(event)

    sys.addaudithook(guard)


def bootstrap() -> str:
    """The program a child runs with ``python -c``: install the seatbelt for its working directory, then run
    ``sys.argv[1]`` as ``__main__`` with the remaining arguments."""
    return (textwrap.dedent(inspect.getsource(install)) + "\n\n"
            "import os as _os, runpy as _runpy, sys as _sys\n"
            "install(_os.path.realpath(_os.getcwd()))\n"
            "del install\n"
            "_sys.argv = _sys.argv[1:]\n"
            "_runpy.run_path(_sys.argv[0], run_name='__main__')\n")
