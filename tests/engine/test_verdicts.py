"""The verdict cache: shipped, fresh, and equal to a fresh grading of every program by the real grader."""

import shutil

import pytest

from helpers.engine import coding_tasks, grader, verdicts
from helpers.engine.validation import InputError


@pytest.fixture(scope="module")
def cache():
    return verdicts.load()


def test_every_program_has_a_fresh_verdict(cache):
    names = {(p.task, p.name) for p in verdicts.programs()}
    assert set(cache.verdicts) == names
    assert {p.kind for p in cache.programs} == set(verdicts.KINDS)


@pytest.mark.parametrize("task", coding_tasks.TASKS)
def test_the_three_hacks_pass_the_grader_and_fail_the_check_on_every_task(cache, task):
    for hack in grader.HACKS:
        v = cache.verdict(task, hack.name)
        assert v.passes_grader and not v.really_correct
        assert cache.reward(task, hack.name) == 1.0 and cache.reward(task, hack.name, hack_proof=True) == 0.0


@pytest.mark.parametrize("task", coding_tasks.TASKS)
def test_honest_attempts_some_pass_some_have_real_bugs(cache, task):
    results = [cache.verdict(task, name) for name in cache.honest[task]]
    assert len(results) >= 4
    assert any(v.really_correct for v in results) and not all(v.really_correct for v in results)
    # the grader's only mistakes are the hacks: it judges every honest attempt as the check does
    assert all(v.passes_grader == v.really_correct for v in results)


def test_honest_pass_rate_is_measured_from_the_pool(cache):
    assert cache.honest_pass_rate() == pytest.approx(0.4)  # the data card says so (data/README.md)
    assert cache.honest_pass_rate(hack_proof=True) == cache.honest_pass_rate()
    assert cache.honest_pass_rate("sort_scores") == pytest.approx(0.4)
    with pytest.raises(ValueError, match="program"):
        cache.verdict("sort_scores", "nonexistent")


def test_a_stale_or_missing_verdict_is_refused_with_the_command(tmp_path):
    text = verdicts.VERDICTS_FILE.read_text()
    stale = tmp_path / "stale.csv"
    stale.write_text(text.replace(",hack,yes,no,", ",hack,yes,no,0", 1))
    with pytest.raises(InputError, match="stale.*python -m helpers.engine.verdicts"):
        verdicts.VerdictCache(stale)
    short = tmp_path / "short.csv"
    short.write_text("\n".join(text.splitlines()[:-1]) + "\n")
    with pytest.raises(InputError, match="no verdict for hack program search/patch_report"):
        verdicts.VerdictCache(short)
    with pytest.raises(InputError, match="no verdict cache"):
        verdicts.VerdictCache(tmp_path / "missing.csv")
    attempts = tmp_path / "attempts"
    shutil.copytree(verdicts.ATTEMPTS_DIR, attempts)
    (attempts / "median" / "sorted_middle.py").write_text("def median(values):\n    return 0\n")
    with pytest.raises(InputError, match="median/sorted_middle is stale"):
        verdicts.VerdictCache(verdicts.VERDICTS_FILE, attempts)


@pytest.mark.slow
def test_the_shipped_cache_matches_a_fresh_grading():
    """Every honest attempt and every hack, on every task, graded now for real (about 10-30 s)."""
    items = verdicts.programs()
    assert verdicts.table_text(items, verdicts.grade_all(items)) == verdicts.VERDICTS_FILE.read_text()


def test_the_command_line_refuses_bad_arguments(capsys):
    with pytest.raises(SystemExit) as exit_:
        verdicts.main(["--bogus"])
    assert exit_.value.code == 2 and "error" in capsys.readouterr().err
