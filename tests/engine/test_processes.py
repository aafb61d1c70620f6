"""Finding and killing the processes of a run: descendants, process group, session, working directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from helpers.engine import processes

pytestmark = pytest.mark.skipif(not processes.supported(), reason="reads /proc (Linux)")

# A child that starts a grandchild in a new session (no longer in the child's group), then both sleep.
TREE = ("import os, subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'], start_new_session=True)\n"
        "time.sleep(30)\n")


def test_the_table_knows_this_process():
    me = processes.table()[os.getpid()]
    assert me.ppid == os.getppid() and me.state in "RS" and me.start > 0


def test_related_and_stop_all_reach_a_grandchild_in_another_session(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", TREE], cwd=tmp_path, start_new_session=True)
    try:
        for _ in range(100):
            found = processes.related(child.pid)
            if len(found) == 2:
                break
            time.sleep(0.05)
        assert child.pid in found and len(found) == 2
        grandchild = (found - {child.pid}).pop()
        assert processes.table()[grandchild].session != child.pid  # only its parent links it to the run
        processes.stop_all(child.pid, tmp_path)
        assert processes.has_ended(child)
        assert grandchild not in processes.table() or processes.table()[grandchild].state == "Z"
    finally:
        child.kill()
        child.wait()


def test_a_process_left_in_the_directory_is_found_after_its_parent_ended(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys\n"
                               "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'], "
                               "start_new_session=True, stdout=subprocess.DEVNULL)\nprint(p.pid)"],
                              cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    orphan = int(parent.communicate()[0])
    try:
        assert orphan in processes.related(parent.pid, tmp_path)  # only the directory links it to the run now
        assert orphan not in processes.related(parent.pid)
        processes.stop_all(parent.pid, tmp_path)
        assert orphan not in processes.table() or processes.table()[orphan].state == "Z"
    finally:
        try:
            os.kill(orphan, 9)
        except ProcessLookupError:
            pass


def test_stop_all_refuses_pids_that_name_no_run():
    for root in (0, 1, -1, True):
        with pytest.raises(ValueError, match="expected the pid of a run's first process"):
            processes.stop_all(root)


def test_the_grader_itself_is_never_related(tmp_path):
    os.chdir(tmp_path)
    try:
        assert os.getpid() not in processes.related(os.getpid(), tmp_path)
    finally:
        os.chdir(os.path.dirname(__file__))


def test_user_tasks_counts_at_least_this_process():
    assert processes.user_tasks() >= 1
