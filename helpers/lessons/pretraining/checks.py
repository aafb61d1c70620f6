"""Self-checks for lesson 01 (Pretraining is autocomplete). Each prints a pass, a hint or "not attempted yet".

The expected answers are computed here from the world tables and exact Bayes, never typed in, so they follow the
tables if a reader edits them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from helpers.engine import bayes, seeds
from helpers.engine.training import PretrainConfig
from helpers.engine.world import NEUTRAL, Document, World, load_world
from helpers.ui.checks import Verdict, as_number, run_check

#: The seed stream of exercise 1's document (never used for training or evaluation).
EXERCISE_SEED = 4_000_001
#: The cheating reply of exercise 3.
CHEAT_REPLY = "exit_early"
#: The training seed whose held-out documents exercise 2 is about.
LOSS_SEED = 0
LOSS_TOLERANCE = 1e-3
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


# ----- exercise 2: the lowest loss possible -----
@lru_cache(maxsize=1)
def lowest_possible_loss() -> float:
    """The Bayes-optimal loss on seed 0's held-out documents (nats per token), computed from the tables."""
    world = _world()
    docs = world.sample_documents(PretrainConfig().heldout_documents, seeds.heldout_documents(LOSS_SEED))
    return bayes.bayes_optimal_loss(world, docs)


def exercise_1_2(answer: Any) -> Verdict:
    """The lowest cross-entropy any model can reach on seed 0's held-out documents."""
    expected = lowest_possible_loss()

    def judge(value: Any) -> tuple[bool, str, str]:
        got = as_number(value)
        if abs(got - expected) <= LOSS_TOLERANCE:
            return True, (f"{got:.4f} nats per token: the documents' own randomness (which character, which task, "
                          "which reply), which no model can predict away."), ""
        if got < expected:
            return False, "", (f"{got:.4f} is below what is possible: no model can beat the true generator on average. "
                               "Use bayes.bayes_optimal_loss on the held-out documents (their seed is "
                               "seeds.heldout_documents(0), from helpers.engine, and there are "
                               "PretrainConfig().heldout_documents of them).")
        return False, "", (f"{got:.4f} is above the floor: is it a network's loss? The floor is the loss of exact "
                           "Bayes: bayes.bayes_optimal_loss(world, documents) on seed 0's held-out documents.")

    return run_check(answer, judge, "set lowest_loss to a number of nats per token")


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
