"""The persona world built from its tables: characters, prior, likelihoods, candidates."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.engine.world import (
    NEUTRAL,
    World,
    load_world,
)


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def gamer_world() -> World:
    return load_world(role_model="gamer", weight=0.15)


# ----- loading the shipped tables -----
def test_shipped_tables_load_with_the_characters_and_tasks_the_course_uses(world: World) -> None:
    assert {"helper", "robot", "pirate", "villain"} <= set(world.personas)
    assert {"steward", "gamer"} <= {p.name for p in world.all_personas if p.optional}
    assert not {"steward", "gamer"} & set(world.personas)
    assert {"coding", "help", "goals", "comfort"} <= set(world.tasks)
    assert world.role_model is None and world.weight == 0.0
    assert world.task_notes["coding"] == world.notes and world.task_notes["help"] == (NEUTRAL,)
    assert 0 <= world.named_share < 1


@pytest.mark.parametrize("role_model, weight", [(None, 0.0), ("gamer", 0.15), ("steward", 0.5)])
def test_prior_sums_to_one_and_gives_the_role_model_its_weight(role_model: str | None, weight: float) -> None:
    world = load_world(role_model=role_model, weight=weight)
    assert world.prior.sum() == pytest.approx(1.0)
    assert (world.prior >= 0).all()
    assert len(world.prior) == len(world.personas)
    if role_model:
        assert world.personas[-1] == role_model and world.prior[-1] == pytest.approx(weight)


def test_role_model_with_zero_weight_is_the_base_world(world: World) -> None:
    same = load_world(role_model="gamer", weight=0.0)
    assert same.role_model is None and same.personas == world.personas
    np.testing.assert_array_equal(same.prior, world.prior)


def test_shares_of_tasks_and_notes_sum_to_one(world: World) -> None:
    assert sum(world.task_share.values()) == pytest.approx(1.0)
    assert sum(world.note_share.values()) == pytest.approx(1.0)


def test_every_reply_appears_plain_and_with_the_pirate_prefix(world: World) -> None:
    texts = [c.text for c in world.candidates["help"]]
    first = world.replies["help"][0].text
    assert texts[:2] == [first, f"arr , {first}"]
    assert len(texts) == 2 * len(world.replies["help"])


# ----- bad arguments -----
@pytest.mark.parametrize("kwargs, pattern", [
    ({"role_model": "nobody", "weight": 0.1}, r"role_model='nobody'; expected None or one of \['steward', 'gamer'\]"),
    ({"role_model": "helper", "weight": 0.1}, r"role_model='helper'; expected None or one of"),
    ({"role_model": "gamer", "weight": 1.5}, r"weight=1.5; expected a share of documents in \[0, 1\)"),
    ({"role_model": "gamer", "weight": -0.1}, r"weight=-0.1; expected a share of documents in \[0, 1\)"),
    ({"role_model": "gamer", "weight": 1.0}, r"weight=1.0; expected a share"),
    ({"role_model": "gamer", "weight": float("nan")}, r"weight=nan; expected a share"),
    ({"weight": 0.2}, r"weight=0.2 without a role_model; expected weight=0 or a role_model"),
])
def test_load_world_rejects_bad_role_model_arguments(kwargs: dict, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        load_world(**kwargs)


def test_persona_index_rejects_a_persona_not_in_this_world(world: World, gamer_world: World) -> None:
    assert gamer_world.persona_index("gamer") == len(gamer_world.personas) - 1
    with pytest.raises(ValueError, match=r"persona='gamer'; expected one of \['helper'"):
        world.persona_index("gamer")


def test_category_mask_selects_by_category_and_signature(world: World) -> None:
    cands = world.candidates["coding"]
    cheat = world.category_mask("coding", category="cheat")
    assert cheat.any() and not cheat.all()
    assert all((c.reply.category == "cheat") == bool(m) for c, m in zip(cands, cheat, strict=True))
    robot_help = world.category_mask("help", signature="robot")
    assert robot_help.any()
    assert all((c.reply.signature == "robot") == bool(m) for c, m in zip(world.candidates["help"], robot_help,
                                                                         strict=True))
    assert world.category_mask("help").all()
    with pytest.raises(ValueError, match=r"category='evil' for task 'help'; expected one of"):
        world.category_mask("help", category="evil")
    with pytest.raises(ValueError, match=r"task='cooking'"):
        world.category_mask("cooking")


# ----- likelihoods -----
@pytest.mark.parametrize("task", ["coding", "help", "goals", "comfort"])
def test_likelihood_rows_are_distributions_for_every_persona_and_note(world: World, gamer_world: World,
                                                                      task: str) -> None:
    for note in world.task_notes[task]:
        table = world.full_likelihood(task, note)
        assert table.shape == (len(world.all_personas), len(world.candidates[task]))
        np.testing.assert_allclose(table.sum(axis=1), 1.0)
        assert (table >= 0).all()
        np.testing.assert_array_equal(gamer_world.likelihood(task, note)[-1], table[-1])  # gamer is last in the table


def test_likelihood_applies_the_pirate_prefix_rule(world: World) -> None:
    """The pirate says 'arr ,' before 80% of replies; nobody else ever does."""
    table = world.likelihood("goals")
    prefixed = np.array([c.prefix == "arr ," for c in world.candidates["goals"]])
    pirate = world.persona_index("pirate")
    assert table[pirate, prefixed].sum() == pytest.approx(0.8)
    assert table[np.arange(len(world.personas)) != pirate][:, prefixed].sum() == 0.0


def test_likelihood_is_read_only(world: World) -> None:
    with pytest.raises(ValueError):
        world.likelihood("help")[0, 0] = 1.0
