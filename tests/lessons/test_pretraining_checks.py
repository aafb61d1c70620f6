"""helpers.lessons.pretraining.checks: every check passes the right answer, hints on a wrong one, never raises."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.engine import bayes
from helpers.engine.checkpoints import read_manifest
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


def test_lowest_possible_loss_matches_the_manifest():
    entry = read_manifest()["models"]["pretrained-seed0"]
    assert check.lowest_possible_loss() == pytest.approx(entry["bayes_optimal_loss"], abs=1e-5)


def test_exercise_1_2():
    floor = check.lowest_possible_loss()
    assert check.exercise_1_2(None).status == TODO
    assert check.exercise_1_2(...).status == TODO
    assert check.exercise_1_2(floor).status == PASS
    assert check.exercise_1_2(floor - 0.01).status == HINT
    assert check.exercise_1_2(floor + 0.01).status == HINT
    assert check.exercise_1_2("low").status == HINT
    assert check.exercise_1_2(True).status == HINT


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
