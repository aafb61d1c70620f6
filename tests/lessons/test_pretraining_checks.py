"""helpers.lessons.pretraining.checks: every check passes the right answer, hints on a wrong one, never raises."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.engine import bayes
from helpers.lessons.pretraining import checks as check
from helpers.ui.checks import HINT, PASS, TODO


def test_exercise_document_is_anonymous_and_reproducible(world):
    doc = check.exercise_document(world)
    assert not doc.named and len(doc.episodes) == 4
    assert check.exercise_document(world) == doc


def test_exercise_1_1(world):
    doc = check.exercise_document(world)
    post = bayes.posterior(world, doc.episodes)
    best = world.personas[int(np.argmax(post))]
    wrong = [p for p in world.personas if p != best][0]
    assert check.exercise_1_1(None).status == TODO
    assert check.exercise_1_1(best).status == PASS
    assert check.exercise_1_1(best.upper() + " ").status == PASS
    assert check.exercise_1_1(wrong).status == HINT
    assert check.exercise_1_1("wizard").status == HINT
    assert check.exercise_1_1(42).status == HINT


def _posterior(prior, likelihoods):
    weights = prior * np.prod(likelihoods, axis=0)
    return weights / weights.sum()


def _tv(p, q):
    return 0.5 * np.abs(p - q).sum()


def test_exercise_1_2_cases_come_from_the_engine(world):
    cases = check.posterior_cases(world)
    assert len(cases) >= 3 and len({c.name for c in cases}) == len(cases)
    for case in cases:
        assert case.likelihoods.shape[1] == len(world.personas)
        assert np.allclose(_posterior(case.prior, case.likelihoods), case.expected)
    # the cases tell a missing prior, a missing normalisation and a sum over episodes apart from the right answer
    assert any(not np.allclose(c.expected, c.likelihoods.prod(0) / c.likelihoods.prod(0).sum()) for c in cases)
    assert any(c.likelihoods.shape[0] > 1 for c in cases)
    pairs = check.tv_cases(world)
    assert any(tv > 0 for *_, tv in pairs) and any(tv == 0 for *_, tv in pairs)
    for _, p, q, tv in pairs:
        assert _tv(p, q) == pytest.approx(tv)


def test_exercise_1_2_passes_the_right_functions_and_not_attempted_stubs():
    assert check.exercise_1_2(_posterior, _tv).status == PASS
    assert check.exercise_1_2(lambda prior, lik: list(_posterior(prior, lik)), lambda p, q: np.array(_tv(p, q))
                              ).status == PASS
    assert check.exercise_1_2().status == TODO
    assert check.exercise_1_2(None, None).status == TODO
    assert check.exercise_1_2(..., ...).status == TODO
    assert check.exercise_1_2(lambda prior, lik: None, lambda p, q: None).status == TODO
    assert check.exercise_1_2(_posterior, None).status == HINT   # half done is not a pass


@pytest.mark.parametrize("posterior, words", [
    (lambda prior, lik: prior * np.prod(lik, axis=0), "sums to"),
    (lambda prior, lik: np.prod(lik, axis=0) / np.prod(lik, axis=0).sum(), "prior is missing"),
    (lambda prior, lik: prior * lik.sum(0) / (prior * lik.sum(0)).sum(), "added"),
    (lambda prior, lik: np.prod(lik, axis=1), "shape"),
    (lambda prior, lik: prior, "wrong for"),
    (lambda prior, lik: 1 / 0, "ZeroDivisionError"),
    (lambda prior, lik: "abc", "array of numbers"),
    ("not a function", "should be a function"),
])
def test_exercise_1_2_wrong_posteriors_get_their_hint(capsys, posterior, words):
    result = check.exercise_1_2(posterior, _tv)
    assert result.status == HINT and words in result.message
    assert "TV: correct" in result.message


@pytest.mark.parametrize("tv, words", [
    (lambda p, q: np.abs(p - q).sum(), "HALF"),
    (lambda p, q: np.max(np.abs(p - q)), "largest single difference"),
    (lambda p, q: 0.3, "wrong for"),
    (lambda p, q: "x", "could not convert"),
    (lambda p, q: p - q, "expected a number"),
    (lambda p, q: [][0], "IndexError"),
    (3, "should be a function"),
])
def test_exercise_1_2_wrong_distances_get_their_hint(tv, words):
    result = check.exercise_1_2(_posterior, tv)
    assert result.status == HINT and words in result.message
    assert "posterior: correct" in result.message


def test_exercise_1_3(world):
    no_note, please = check.villain_after_cheat("neutral"), check.villain_after_cheat("please-hack")
    prior = world.prior[world.persona_index("villain")]
    assert no_note > 2 * prior and abs(please - prior) < abs(no_note - prior)
    assert check.exercise_1_3(None).status == TODO
    assert check.exercise_1_3((no_note, please)).status == PASS
    assert check.exercise_1_3([round(no_note, 3), round(please, 3)]).status == PASS
    assert check.exercise_1_3((please, no_note)).status == HINT
    assert check.exercise_1_3(0.5).status == HINT
    assert check.exercise_1_3(("a", "b")).status == HINT


def test_cheat_episode_has_no_tic(world):
    task, note, index = check.cheat_episode(world, "neutral")
    candidate = world.candidates[task][index]
    assert candidate.prefix == "" and candidate.reply.category == "cheat" and note == "neutral"
