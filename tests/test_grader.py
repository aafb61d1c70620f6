"""helpers.grader: the grader's public names at the address scripts outside the repository use."""

import helpers.grader as old
from helpers.engine import grader


def test_the_old_address_still_serves_the_public_names():
    assert (old.grade, old.really_correct, old.solution_from_source) == (
        grader.grade, grader.really_correct, grader.solution_from_source)
