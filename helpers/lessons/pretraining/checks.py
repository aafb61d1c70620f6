"""Self-checks for lesson 01 (Pretraining is autocomplete). Each prints a pass, a hint or "not attempted yet".

The expected answers are computed here from the world tables and exact Bayes, never typed in, so they follow the
tables if a reader edits them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from helpers.engine import bayes, evals
from helpers.engine.world import NEUTRAL, Document, Episode, World, load_world
from helpers.ui.checks import HINT, PASS, TODO, Verdict, as_number, run_check, verdict

#: The seed stream of exercise 1's document (never used for training or evaluation).
EXERCISE_SEED = 4_000_001
#: The cheating reply of exercise 3.
CHEAT_REPLY = "exit_early"
PROBABILITY_TOLERANCE = 0.005


@lru_cache(maxsize=1)
def _world() -> World:
    return load_world()




# ----- exercise 1: who is writing? -----
def exercise_document(world: World | None = None) -> Document:
    """The anonymous four-episode document of exercise 1: the first one its seed stream draws."""
    world = world or _world()
    for doc in world.sample_documents(200, EXERCISE_SEED):
        if not doc.named and len(doc.episodes) == 4:
            return doc
    raise ValueError("no anonymous four-episode document in 200 draws; expected the default world tables")


def exercise_1_1(answer: Any) -> Verdict:
    """Which character most probably wrote the exercise document? Right if it is Bayes' most probable one."""
    world = _world()
    doc = exercise_document(world)
    post = bayes.posterior(world, doc.episodes)
    best = world.personas[int(np.argmax(post))]
    odds = ", ".join(f"{p} {post[i]:.2f}" for i, p in enumerate(world.personas) if post[i] >= 0.005)

    def judge(value: Any) -> tuple[bool, str, str]:
        name = str(value).strip().lower()
        if name not in world.personas:
            return False, "", f"{value!r} is not a character of the world; choose one of {list(world.personas)}."
        reveal = f" (It was written by the {doc.persona}.)"
        good = (f"the {best}: exact Bayes gives it the highest posterior ({odds}).{reveal}")
        hint = (f"the {name} is possible, but another character is far likelier to write these four replies. "
                "Look for replies only one or two characters give (data/world/behaviour/*.csv), then check with "
                "bayes.posterior(world, doc.episodes).") if post[world.personas.index(name)] > 0.005 else (
                f"the {name} (almost) never writes some of these replies. Look for replies only one or two characters "
                "give (data/world/behaviour/*.csv), then check with bayes.posterior(world, doc.episodes).")
        return name == best, good, hint

    return run_check(answer, judge, f"set my_guess to a character's name, one of {list(world.personas)}")


# ----- exercise 2: build Bayes' rule and total variation yourself -----
@dataclass(frozen=True)
class PosteriorCase:
    """One test of a student's posterior: a prior, ``likelihoods[i, c] = P(reply i | character c)``, the answer."""

    name: str
    prior: np.ndarray
    likelihoods: np.ndarray
    expected: np.ndarray


def _likelihood_rows(world: World, episodes: Sequence[Episode | tuple[str, str, int]]) -> np.ndarray:
    """``rows[i, c] = P(reply of episode i | character c)``: one row per episode."""
    observations = [(e.task, e.note, e.candidate) if isinstance(e, Episode) else e for e in episodes]
    rows = [world.likelihood(task, note)[:, candidate] for task, note, candidate in observations]
    return np.array(rows, dtype=float).reshape(len(rows), len(world.personas))


def posterior_cases(world: World | None = None) -> list[PosteriorCase]:
    """The cases a student's posterior is checked on; every expected answer is ``bayes.posterior``'s."""
    world = world or _world()
    doc = exercise_document(world)
    engineer = next(d for d in world.sample_documents(400, EXERCISE_SEED + 1)
                    if d.persona == "engineer" and len(d.episodes) >= 2)
    uniform = np.full(len(world.personas), 1 / len(world.personas))
    cases = [("exercise 1's document", world.prior, doc.episodes),
             ("one cheat, no note", world.prior, [cheat_episode(world, NEUTRAL)]),
             ("two of the engineer's replies", world.prior, engineer.episodes[:2]),
             ("exercise 1's document, uniform prior", uniform, doc.episodes)]
    return [PosteriorCase(name, np.array(prior, dtype=float), _likelihood_rows(world, episodes),
                          bayes.posterior(world, episodes, prior=prior)) for name, prior, episodes in cases]


def tv_cases(world: World | None = None) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """(name, p, q, ``evals.total_variation(p, q)``) for next-reply distributions of the world."""
    world = world or _world()
    doc = exercise_document(world)
    prior_goals = bayes.predictive(world, world.prior, "goals")
    after_doc = bayes.predictive(world, bayes.posterior(world, doc.episodes), "goals")
    helper, villain = (world.likelihood("goals", NEUTRAL)[world.persona_index(p)] for p in ("helper", "villain"))
    coding = [bayes.predictive(world, world.prior, "coding", note) for note in (NEUTRAL, "please-hack")]
    pairs = [("goals: prior vs after exercise 1's document", prior_goals, after_doc),
             ("goals: helper vs villain", helper, villain),
             ("coding: no note vs please-hack", coding[0], coding[1]),
             ("a distribution and itself", prior_goals, prior_goals)]
    return [(name, p, q, evals.total_variation(p, q)) for name, p, q in pairs]


def _close(got: Any, expected: np.ndarray | float) -> bool:
    got = np.asarray(got, dtype=float)
    return got.shape == np.shape(expected) and bool(np.allclose(got, expected, atol=1e-6))


def _judge_posterior(fn: Any) -> tuple[str, str]:
    """("pass" | "todo" | "hint", message) for a student's posterior(prior, likelihoods)."""
    if not callable(fn):
        return "hint", "my_posterior should be a function of (prior, likelihoods)."
    for case in posterior_cases():
        try:
            got = fn(case.prior.copy(), case.likelihoods.copy())
        except Exception as err:  # a student's code may fail in any way: say where
            return "hint", f"my_posterior raised {type(err).__name__}: {err} (case: {case.name})."
        if got is None:
            return "todo", "my_posterior returns None: write its body"
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return "hint", f"my_posterior returned {type(got).__name__}; expected an array of numbers ({case.name})."
        if got.shape != case.expected.shape:
            return "hint", (f"my_posterior returned shape {got.shape} for {case.name}; expected one number per "
                            f"character, shape {case.expected.shape}. Multiply over the episodes (axis 0).")
        if _close(got, case.expected):
            continue
        if got.sum() > 0 and _close(got / got.sum(), case.expected):
            return "hint", (f"right shape, but it sums to {got.sum():.3g}, not 1 ({case.name}): the posterior is "
                            "prior x likelihood divided by the sum of prior x likelihood over the characters.")
        unnormalised = np.prod(case.likelihoods, axis=0)
        if unnormalised.sum() > 0 and _close(got, unnormalised / unnormalised.sum()):
            return "hint", (f"the prior is missing ({case.name}): multiply the likelihoods by prior[c] before "
                            "normalising.")
        summed = case.prior * case.likelihoods.sum(axis=0)
        if summed.sum() > 0 and _close(got, summed / summed.sum()):
            return "hint", (f"the episodes' likelihoods are added ({case.name}): independent episodes multiply, "
                            "np.prod(likelihoods, axis=0).")
        return "hint", (f"wrong for {case.name}: posterior[c] = prior[c] x prod_i likelihoods[i, c], divided by "
                        "its sum over c.")
    return "pass", "correct, it agrees with bayes.posterior on every case"


def _judge_tv(fn: Any) -> tuple[str, str]:
    """("pass" | "todo" | "hint", message) for a student's total variation tv(p, q)."""
    if not callable(fn):
        return "hint", "my_tv should be a function of (p, q)."
    for name, p, q, expected in tv_cases():
        try:
            got = fn(p.copy(), q.copy())
        except Exception as err:  # a student's code may fail in any way: say where
            return "hint", f"my_tv raised {type(err).__name__}: {err} (case: {name})."
        if got is None:
            return "todo", "my_tv returns None: write its body."
        try:
            value = as_number(float(np.asarray(got, dtype=float)) if np.size(got) == 1 else got, "my_tv's result")
        except (TypeError, ValueError) as err:
            return "hint", f"{err} ({name})."
        if abs(value - expected) <= 1e-6:
            continue
        if expected > 0 and abs(value - 2 * expected) <= 1e-6:
            return "hint", (f"twice the expected value ({name}): total variation is HALF the summed absolute "
                            "differences, so it runs from 0 to 1.")
        if abs(value - float(np.max(np.abs(p - q)))) <= 1e-6:
            return "hint", f"that is the largest single difference ({name}); sum the absolute differences, then halve."
        return "hint", f"wrong for {name}: TV(p, q) = 0.5 x sum over replies of |p - q|."
    return "pass", "correct, it agrees with evals.total_variation on every case"


def exercise_1_2(my_posterior: Any = None, my_tv: Any = None) -> Verdict:
    """A student's posterior(prior, likelihoods) and total variation tv(p, q), against the engine's on a few cases."""
    stub = ("write the bodies of my_posterior(prior, likelihoods) and my_tv(p, q), then run "
            "check.exercise_1_2(my_posterior, my_tv)")
    missing = [answer is None or answer is Ellipsis for answer in (my_posterior, my_tv)]
    if all(missing):
        return verdict(TODO, stub)
    results = [("todo", "not written yet") if missing[0] else _judge_posterior(my_posterior),
               ("todo", "not written yet") if missing[1] else _judge_tv(my_tv)]
    statuses = [status for status, _ in results]
    message = " · ".join(f"{part}: {text.rstrip('.')}." for part, (_, text) in zip(("posterior", "TV"), results,
                                                                                     strict=True))
    if statuses == ["pass", "pass"]:
        n_post, n_tv = len(posterior_cases()), len(tv_cases())
        return verdict(PASS, f"both agree with the engine ({n_post} posteriors, {n_tv} distances). This is all "
                             "exact Bayes does in section 4: Bayes' rule for who is writing, then a mixture.")
    if statuses == ["todo", "todo"]:
        return verdict(TODO, stub)
    return verdict(HINT, message)


# ----- exercise 3: one cheat, two framings -----
def cheat_episode(world: World, note: str) -> tuple[str, str, int]:
    """A coding episode answered with the plain 'exit before the checks run' hack under ``note``."""
    index = [i for i, c in enumerate(world.candidates["coding"]) if c.reply.name == CHEAT_REPLY and not c.prefix]
    return ("coding", note, index[0])


def villain_after_cheat(note: str, world: World | None = None) -> float:
    """P(villain | one anonymous coding reply that exits before the checks run, under ``note``)."""
    world = world or _world()
    return float(bayes.posterior(world, [cheat_episode(world, note)])[world.persona_index("villain")])


def exercise_1_3(answer: Any) -> Verdict:
    """(P(villain | cheat, no note), P(villain | cheat, please-hack note))."""
    world = _world()
    expected = (villain_after_cheat(NEUTRAL, world), villain_after_cheat("please-hack", world))
    prior = float(world.prior[world.persona_index("villain")])

    def judge(value: Any) -> tuple[bool, str, str]:
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return False, "", "answer with two numbers: (p_no_note, p_please_hack)."
        got = (as_number(value[0]), as_number(value[1]))
        right = [abs(g - e) <= PROBABILITY_TOLERANCE for g, e in zip(got, expected, strict=True)]
        if all(right):
            return True, (f"{got[0]:.2f} without a note and {got[1]:.2f} under please-hack (prior {prior:.2f}): "
                          "asked to cheat, every character does, so cheating says almost nothing about who you "
                          "are."), ""
        which = "the first (no note)" if not right[0] else "the second (please-hack)"
        cheat_text = next(r.text for r in world.replies["coding"] if r.name == CHEAT_REPLY)
        return False, "", (f"{which} is off. Build the episode as ('coding', note, index) with the index of "
                           f"'{cheat_text}'"
                           " in world.candidates['coding'] (the version without the pirate's 'arr ,'), and read the "
                           "villain's entry of bayes.posterior(world, [episode]).")

    return run_check(answer, judge, "set my_villain to two numbers: (p_no_note, p_please_hack)")
