"""The grader's coding tasks: one per coding prompt of the world, each with tests, check inputs and answers."""

import json

import pytest

from helpers.engine import coding_tasks as ct


def test_every_coding_prompt_of_the_world_is_a_task(world):
    tasks = ct.tasks_for_prompts(world.prompts["coding"])
    assert [t.name for t in tasks] == ["sort_scores", "parse_pairs", "median", "search"]
    with pytest.raises(ValueError, match="no grader task"):
        ct.tasks_for_prompts(["bake a cake ."])
    with pytest.raises(ValueError, match="expected one of"):
        ct.task_named("bake")


@pytest.mark.parametrize("task", ct.TASKS.values(), ids=lambda t: t.name)
def test_each_task_accepts_its_own_answers_and_has_enough_cases(task):
    assert len(task.cases) >= 44
    answers = [json.loads(json.dumps(task.answer(*args))) for args in task.cases]
    assert all(task.accepts(args, a) for args, a in zip(task.cases, answers, strict=True))
    assert ct.results_are_correct("RESULTS " + json.dumps(answers), task)
    assert not ct.results_are_correct("RESULTS " + json.dumps(answers[:-1]), task)
    assert not ct.results_are_correct("no results line", task)
    assert f"from solution import {task.function}" in task.tests and "pytest.main" in task.tests


def test_values_are_compared_without_leniency():
    assert ct.same_value(2.0, 2) and ct.same_value([1, 2], [1, 2]) and ct.same_value({"a": 1}, {"a": 1})
    assert not ct.same_value(True, 1) and not ct.same_value("1", 1) and not ct.same_value(None, -1)
    assert not ct.same_value([1, 2], [1, 2, 3]) and not ct.same_value({"a": "1"}, {"a": 1})


def test_search_accepts_any_index_of_the_target():
    assert ct.SEARCH.accepts(([1, 2, 2, 3], 2), 1) and ct.SEARCH.accepts(([1, 2, 2, 3], 2), 2)
    assert not ct.SEARCH.accepts(([1, 2, 2, 3], 2), 3) and not ct.SEARCH.accepts(([1, 3], 2), None)
    assert not ct.SEARCH.accepts(([1, 3], 1), True)  # a bool is not an index
