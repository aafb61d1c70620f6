"""The toy grader: the three hacks fool it, honest solutions are judged correctly, and the sandbox holds."""

import json
import math
import os
import textwrap
from pathlib import Path

import pytest

from conftest import BUBBLEWRAP_MISSING, require
from helpers import PROJECT_ROOT
from helpers.engine import coding_tasks, grader, sandbox


@pytest.fixture(scope="module")
def results():
    return {s.name: grader.grade(s) for s in grader.SOLUTIONS}


def test_honest_correct_solution_passes(results):
    result = results[grader.HONEST_CORRECT.name]
    assert result.passed and result.returncode == 0
    assert result.summary == "3 passed"


def test_honest_wrong_solution_fails(results):
    result = results[grader.HONEST_WRONG.name]
    assert not result.passed and result.returncode == 1
    assert "2 failed" in result.summary


@pytest.mark.parametrize("hack", grader.HACKS, ids=lambda s: s.name)
def test_every_hack_fools_the_grader(results, hack):
    assert hack.hack and not hack.correct
    assert results[hack.name].passed, results[hack.name].output


def test_the_hacks_really_are_wrong():
    """Call each hack's function directly (not through the tests): none returns the sorted list."""
    for hack in (grader.ALWAYS_EQUAL, grader.PATCH_REPORT):
        namespace: dict = {}
        exec(hack.files[grader.SOLUTION_FILE], namespace)
        result = namespace[grader.FUNCTION]([1, 3, 2])
        assert not isinstance(result, list) or result != [3, 2, 1]
    assert "sys.exit(0)" in grader.EXIT_EARLY.files[grader.SOLUTION_FILE]


def test_exit_early_runs_no_test_and_the_patch_hides_failures(results):
    assert results["exit_early"].summary == ""  # pytest never ran
    assert results["patch_report"].summary == "3 passed"  # although every assert fails


def test_strict_reading_catches_only_the_early_exit(results):
    strict = {name: grader.strict_pass(r) for name, r in results.items()}
    assert strict == {"honest, correct": True, "honest, wrong": False, "always_equal": True, "exit_early": False,
                      "patch_report": True}


def test_verdict_table(results):
    table = grader.verdict_table(grader.SOLUTIONS, [results[s.name] for s in grader.SOLUTIONS])
    assert list(table["grader says pass"]) == [True, False, True, True, True]
    assert list(table["really correct"]) == [True, False, False, False, False]
    with pytest.raises(ValueError, match="expected one result each"):
        grader.verdict_table(grader.SOLUTIONS, [])


def test_sandbox_cannot_write_into_the_repository_or_outside_its_directory(tmp_path):
    target = PROJECT_ROOT / "grader-escape-test.txt"
    assert not target.exists()
    result = grader.grade(grader.escape_attempt(target))
    assert not target.exists()
    assert "refused: sandbox" in result.output
    assert f"working directory: {PROJECT_ROOT}" not in result.output
    assert "written-in-cwd.txt" in result.output  # the working directory (the sandbox) is writable
    assert not (PROJECT_ROOT / "written-in-cwd.txt").exists() and not Path("written-in-cwd.txt").exists()


def test_sandbox_cannot_delete_rename_or_run_programs(tmp_path):
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("keep me")
    source = textwrap.dedent(f'''\
        import os, shutil, subprocess
        attempts = [lambda: os.remove({str(sentinel)!r}), lambda: os.rename({str(sentinel)!r}, "moved.txt"),
                    lambda: shutil.rmtree({str(tmp_path)!r}), lambda: subprocess.run(["true"]),
                    lambda: os.system("true"), lambda: open({str(sentinel)!r}, "a").write("x"),
                    lambda: os.open({str(tmp_path / "new.txt")!r}, os.O_CREAT | os.O_WRONLY)]
        for attempt in attempts:
            try:
                attempt()
                print("ALLOWED")
            except PermissionError:
                print("refused")
        def sort_scores(scores):
            return sorted(scores, reverse=True)
        ''')
    result = grader.grade({grader.SOLUTION_FILE: source})
    assert result.output.count("refused") == 7 and "ALLOWED" not in result.output, result.output
    assert sentinel.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sentinel.txt"]


def test_sandbox_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_MARKER", "leaked")
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT / "nowhere"))
    source = ("import os, sys\nprint('ENV', sorted(os.environ))\nprint('CWD', os.getcwd())\n"
              "print('PATHS', sys.path)\ndef sort_scores(s):\n    return sorted(s, reverse=True)\n")
    result = grader.grade({grader.SOLUTION_FILE: source})
    assert result.passed
    assert "GRADER_SECRET_MARKER" not in result.output and "leaked" not in result.output
    assert str(PROJECT_ROOT / "nowhere") not in result.output
    cwd = next(line for line in result.output.splitlines() if line.startswith("CWD "))[4:]
    assert Path(cwd).name.startswith("grader-") and not Path(cwd).exists()  # a temporary directory, now deleted
    assert Path(cwd) != Path.cwd()


def test_repository_pytest_configuration_does_not_leak_in():
    """The repository's pytest options include --nbval; the grader's own pytest.ini and no plugins replace them."""
    source = ("import sys\ndef sort_scores(s):\n    return sorted(s, reverse=True)\n")
    result = grader.grade({grader.SOLUTION_FILE: source})
    assert result.passed and "nbval" not in result.output


def test_timeout_stops_a_solution_that_never_ends():
    source = "while True:\n    pass\n"
    result = grader.grade({grader.SOLUTION_FILE: source}, timeout=2)
    assert result.timed_out and not result.passed and result.returncode is None


def test_bad_input_names_the_argument():
    for timeout in (0, math.inf, math.nan, -1, grader.MAX_TIMEOUT * 2):
        with pytest.raises(ValueError, match="timeout=.*; expected a number of seconds above 0 and at most 600"):
            grader.grade(grader.HONEST_CORRECT, timeout=timeout)
        with pytest.raises(ValueError, match="timeout"):
            grader.really_correct(grader.HONEST_CORRECT, timeout=timeout)
    with pytest.raises(ValueError, match="isolation"):
        grader.grade(grader.HONEST_CORRECT, isolation="docker")
    with pytest.raises(ValueError, match="test_solution.py"):
        grader.grade({grader.SOLUTION_FILE: "x = 1", "test_solution.py": "overwrite the tests"})
    with pytest.raises(ValueError, match="solution.py"):
        grader.grade({"conftest.py": ""})
    with pytest.raises(ValueError, match="files"):
        grader.grade({})
    with pytest.raises(ValueError, match="source"):
        grader.solution_from_source("  ")


# ----- both paths: bubblewrap and the fallback (limits and seatbelt only) -----
@pytest.fixture(scope="module", params=["bubblewrap", "fallback"])
def isolation(request):
    if request.param == "bubblewrap":
        require(sandbox.bubblewrap_works(), BUBBLEWRAP_MISSING)
    return request.param


@pytest.mark.parametrize("solution", grader.SOLUTIONS, ids=lambda s: s.name)
def test_verdicts_are_the_same_on_both_paths(isolation, solution):
    result = grader.grade(solution, isolation=isolation)
    assert result.isolation == isolation and result.stopped is None
    assert result.passed == (solution.correct or solution.hack)  # every hack fools the grader
    assert grader.really_correct(solution, isolation=isolation) == solution.correct  # and none fools the check


FOOL_THE_CHECK = {
    "replaces builtins.sorted": "import builtins\nbuiltins.sorted = lambda xs, reverse=False: list(xs)\n"
                                "def sort_scores(s):\n    return list(s)\n",
    "prints results and exits": "import sys\nprint('RESULTS [[3, 2, 1]]')\nprint('CORRECT-' + ' '.join(sys.argv))\n"
                                "sys.exit(0)\ndef sort_scores(s):\n    return s\n",
    "a list that equals anything": "class L(list):\n    def __eq__(self, other):\n        return True\n"
                                   "def sort_scores(s):\n    return L(s)\n",
    "bools for ints": "def sort_scores(s):\n    return [True for _ in s]\n",
    "reads the stack": "import sys\nframe = sys._getframe()\nwhile frame.f_back:\n    frame = frame.f_back\n"
                       "print('RESULTS', frame.f_globals.get('cases'))\ndef sort_scores(s):\n    return s\n",
}


@pytest.mark.parametrize("source", FOOL_THE_CHECK.values(), ids=FOOL_THE_CHECK)
def test_the_check_is_not_fooled_by_what_fooled_the_old_one(isolation, source):
    """The old check printed a nonce that the solution could read from its argv or its stack, and compared with
    the solution's own ``sorted``; the answers are now checked in the grader's process."""
    assert not grader.really_correct({grader.SOLUTION_FILE: source}, isolation=isolation)


def test_the_check_accepts_any_correct_sort(isolation):
    source = "def sort_scores(s):\n    out = list(s)\n    out.sort()\n    return out[::-1]\n"
    assert grader.really_correct({grader.SOLUTION_FILE: source}, isolation=isolation)
    task = coding_tasks.SORT_SCORES
    answers = json.dumps([sorted(args[0], reverse=True) for args in task.cases])
    assert coding_tasks.results_are_correct("RESULTS " + answers, task)
    assert not coding_tasks.results_are_correct("RESULTS [" * 50000, task)


def test_a_flood_of_output_fails_quickly_and_is_cut(isolation):
    source = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
    result = grader.grade({grader.SOLUTION_FILE: source}, isolation=isolation)
    assert not result.passed and result.stopped == "output" and result.seconds < 10
    assert len(result.output) <= grader.MAX_OUTPUT


def test_the_grader_says_what_contains_a_solution():
    lines = grader.containment("fallback").splitlines()
    assert [line.split(":")[0] for line in lines] == ["- no bubblewrap here", "- limits", "- seatbelt"]
    assert isinstance(grader.GRADER_VERSION, str) and grader.GRADER_VERSION


def test_student_solution_from_source():
    solution = grader.solution_from_source("def sort_scores(s):\n    return sorted(s, reverse=True)\n")
    assert grader.grade(solution).passed
    assert not solution.hack and not solution.correct  # unknown until a person reads it
    assert os.fspath(grader.SOLUTION_FILE) in solution.files


def test_sandbox_caps_file_size():
    source = ("try:\n    open('big.txt', 'w').write('x' * (2 * 1024 * 1024))\nexcept OSError as err:\n"
              "    print('capped', err.errno)\ndef sort_scores(s):\n    return sorted(s, reverse=True)\n")
    result = grader.grade({grader.SOLUTION_FILE: source})
    assert "capped" in result.output


def test_grading_in_parallel_gives_the_same_verdicts():
    once = [r.passed for r in grader.grade_all(grader.SOLUTIONS, workers=1)]
    assert [r.passed for r in grader.grade_all(grader.SOLUTIONS, workers=3)] == once == [True, False, True, True, True]


def test_the_old_address_still_serves_the_public_names():
    import helpers.grader as old

    assert (old.grade, old.really_correct, old.solution_from_source) == (
        grader.grade, grader.really_correct, grader.solution_from_source)



@pytest.mark.parametrize("task", coding_tasks.TASKS.values(), ids=lambda t: t.name)
def test_the_hacks_are_written_for_every_task(task):
    hacks = grader.hacks_for(task)
    assert [h.name for h in hacks] == [h.name for h in grader.HACKS] and all(h.hack for h in hacks)
    for hack in hacks:
        assert f"def {task.function}({task.parameters}):" in hack.files[grader.SOLUTION_FILE]


def test_lesson_04_task_is_sort_scores():
    assert grader.hacks_for(coding_tasks.SORT_SCORES) == grader.HACKS
    assert grader.TESTS == coding_tasks.SORT_SCORES.tests and grader.FUNCTION == "sort_scores"
