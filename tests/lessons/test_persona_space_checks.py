"""Lesson 6's self-checks: a stub gets a nudge, a wrong answer a hint, a right one a pass; none raises."""

import numpy as np
import pytest
import torch

from helpers.engine import activations, pipeline
from helpers.engine.world import NEUTRAL, load_world
from helpers.experiments import persona_space as ps
from helpers.lessons.persona_space import checks as check
from helpers.ui.checks import HINT, PASS, TODO


@pytest.fixture(scope="module")
def run0():
    world = load_world()
    run = pipeline.post_train(world, 0)
    cheat, _ = pipeline.fine_tune(run.model, world, 0, NEUTRAL)
    return run.base, run.model, cheat, ps.analyze_space(run.base, world)


@pytest.fixture(scope="module")
def seed0(run0):
    _, _, cheat, space = run0
    return cheat, space


@pytest.mark.parametrize("stub", [None, ...])
def test_stubs_are_not_attempted(stub, seed0, capsys):
    assert check.exercise_6_1(stub).status == TODO
    assert check.exercise_6_2(stub).status == TODO
    assert check.exercise_6_3(stub, *seed0).status == TODO
    assert capsys.readouterr().out.count("Not attempted") == 3


@pytest.mark.parametrize("bad", ["3", [3], True])
def test_badly_shaped_answers_get_a_hint(bad, seed0):
    assert check.exercise_6_1(bad).status == HINT
    assert check.exercise_6_2(bad).status == HINT
    assert check.exercise_6_3(bad, *seed0).status == HINT


def test_exercise_1():
    truth = check.exercise_1_value()
    assert 0 <= truth <= 10
    assert check.exercise_6_1(truth).status == PASS
    assert "too high" in check.exercise_6_1(truth + 1).message
    assert "too low" in check.exercise_6_1(truth - 1).message


def test_exercise_2():
    truth = check.exercise_2_value()
    assert 0.0 < truth < 1.0  # cheating replies lean toward the villain
    assert check.exercise_6_2(truth + 0.01).status == PASS
    assert "sign" in check.exercise_6_2(-truth).message
    assert check.exercise_6_2(1.5).status == HINT
    assert check.exercise_6_2(truth - 0.3).status == HINT


def test_exercise_3(seed0):
    assert check.exercise_6_3(-1.0, *seed0).status == PASS
    assert "positive alpha" in check.exercise_6_3(1.0, *seed0).message
    assert check.exercise_6_3(0.0, *seed0).status == HINT
    assert check.exercise_6_3(50.0, *seed0).status == HINT


def _mean_activation(model, docs, weighted=True, writing=True):
    x = activations.residual_stream(model, docs.tokens)
    mask = docs.writing if writing else (docs.tokens != 0).float()
    per_doc = ((x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)).numpy()
    return docs.weights @ per_doc if weighted else per_doc.mean(0)


def test_exercise_4_a_persona_vector_by_hand(run0, capsys):
    base, _, _, space = run0
    world = space.world
    villain, helper = (activations.persona_documents(world, p) for p in ("villain", "helper"))
    right = _mean_activation(base, villain) - _mean_activation(base, helper)
    assert check.exercise_6_4(None, base, space).status == TODO
    assert check.exercise_6_4(right, base, space).status == PASS
    assert check.exercise_6_4(torch.tensor(right), base, space).status == PASS
    assert "sign" in check.exercise_6_4(-right, base, space).message
    assert "alone" in check.exercise_6_4(_mean_activation(base, villain), base, space).message
    unweighted = _mean_activation(base, villain, weighted=False) - _mean_activation(base, helper, weighted=False)
    assert "weight" in check.exercise_6_4(unweighted, base, space).message
    everywhere = _mean_activation(base, villain, writing=False) - _mean_activation(base, helper, writing=False)
    assert "writing positions" in check.exercise_6_4(everywhere, base, space).message
    assert check.exercise_6_4(right * 1.1, base, space).status == HINT
    assert check.exercise_6_4(right[:10], base, space).status == HINT
    assert check.exercise_6_4(3.0, base, space).status == HINT
    capsys.readouterr()


def test_exercise_5_a_steering_hook(run0):
    _, post, _, space = run0
    world = space.world
    vec = torch.tensor(np.asarray(space.villain_minus_helper, dtype=np.float32))

    def right(x, tokens):
        return x + check.EX5_ALPHA * vec * activations.assistant_turn(tokens, world)

    verdict = check.exercise_6_5(right, post, space)
    assert verdict.status == PASS and "misalignment" in verdict.message
    assert check.exercise_6_5(None, post, space).status == TODO
    assert check.exercise_6_5(3, post, space).status == HINT
    assert "as it was" in check.exercise_6_5(lambda x, t: None, post, space).message
    assert "sign" in check.exercise_6_5(lambda x, t: x - check.EX5_ALPHA * vec * activations.assistant_turn(t, world),
                                        post, space).message
    assert "every position" in check.exercise_6_5(lambda x, t: x + check.EX5_ALPHA * vec, post, space).message
    assert check.exercise_6_5(lambda x, t: x + 2 * vec * activations.assistant_turn(t, world),
                              post, space).status == HINT
    assert check.exercise_6_5(lambda x, t: 1 / 0, post, space).status == HINT
    assert not any(point._forward_hooks for point in post.hook_points.values())  # hooks removed after a failure
