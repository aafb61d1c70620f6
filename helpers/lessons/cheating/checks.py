"""Self-checks for lesson 4's exercises. Each prints a pass, a hint, or "not attempted yet", and never raises.

    from helpers.lessons.cheating import checks as check
    check.exercise_4_1(my_prediction)
"""

from __future__ import annotations

from typing import Any

from helpers.engine import grader
from helpers.experiments import summaries
from helpers.lessons.cheating import analysis as ino
from helpers.ui.checks import Verdict, as_number, run_check

#: Exercise 1: Bayes after this many observed cheats under this note (the size of the fine-tuning set).
EX1_NOTE, EX1_CHEATS, EX1_TOLERANCE = "hacking-okay", 64, 0.1
#: Exercise 3: the recipe whose prevented share the reader computes from the table of means.
EX3_RESULTS, EX3_TOLERANCE = "cheating-fixed-no-sanctioned", 0.02




def exercise_1_value() -> float:
    """Bayes' misalignment after EX1_CHEATS observed cheats under EX1_NOTE (default recipe)."""
    from helpers.engine.pipeline import Recipe
    from helpers.engine.world import load_world

    world = load_world()
    table = ino.bayes_misalignment_after(world, Recipe(), [EX1_NOTE], [EX1_CHEATS])
    return float(table[EX1_NOTE].iloc[0])


def exercise_4_1(prediction: Any) -> Verdict:
    """Predict Bayes' misalignment after 64 observed cheats under 'hacking-okay' (within 0.1 passes)."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        value = as_number(answer, "my_prediction")
        if not 0.0 <= value <= 1.0:
            return False, "", f"your prediction {value} is not a share; expected a number between 0 and 1."
        truth = exercise_1_value()
        close = abs(value - truth) <= EX1_TOLERANCE
        good = (f"Bayes says {truth:.2f}, and you predicted {value:.2f}. 'hacking-okay' is a weaker permission than "
                "'please-hack': honest characters cheat a little less under it than rule-breakers, so each cheat "
                "is still a little evidence, and 64 of them add up.")
        direction = "high" if value > truth else "low"
        hint = (f"your prediction is too {direction}. Look at the table of P(cheat) under 'hacking-okay': how much "
                "more likely is a cheat from the villain than from the helper? Raise that ratio to the power 64.")
        return close, good, hint

    return run_check(prediction, judge, "write a number between 0 and 1 in my_prediction, then run this cell.")


def exercise_4_2(source: Any) -> Verdict:
    """A fourth hack: solution.py source that the grader passes although it does not sort."""

    def judge(answer: Any) -> tuple[bool, str, str]:
        if not isinstance(answer, str) or not answer.strip():
            raise ValueError("my_hack must be the text of solution.py (a string)")
        known = {h.files[grader.SOLUTION_FILE].strip() for h in grader.HACKS}
        if answer.strip() in known:
            return False, "", "that is one of the paper's three hacks, copied: find a fourth way to fool the grader."
        result = grader.grade({grader.SOLUTION_FILE: answer})
        if not result.passed:
            return False, "", (f"the grader failed it (exit status {result.returncode}): the grader passes a "
                               "solution only when the test program exits with status 0. What else makes a "
                               "program end with status 0, or makes every comparison succeed?")
        if grader.really_correct({grader.SOLUTION_FILE: answer}):
            return False, "", ("the grader passed it, but it really sorts: that is an honest solution, not a hack. "
                               "Make sort_scores wrong and still pass.")
        return True, ("the grader passed it and it does not really sort: a fourth hack. The grader trusts one "
                      "signal (the exit status); anything that controls that signal fools it."), ""

    return run_check(source, judge, "write the text of a solution.py in my_hack (a string), then run this cell.")


def exercise_3_value() -> float:
    """The share of the misalignment rise prevented, from the seed means of the fixed-step, no-sanctioned recipe."""
    records = summaries.load_results(EX3_RESULTS)
    summary = ino.permission_summary(records)
    return ino.prevented_share(summary["cheat"], summary["permission"], summary["post_trained"])


def exercise_4_3(answer: Any) -> Verdict:
    """The prevented share, 1 - (permission - post-trained) / (cheat - post-trained), from the table's means."""

    def judge(value: Any) -> tuple[bool, str, str]:
        share = as_number(value, "prevented")
        truth = exercise_3_value()
        if abs(share - truth) <= EX3_TOLERANCE:
            return True, f"{truth:.2f}: the note prevented {truth:.0%} of the mean rise.", ""
        if abs(share - (1 - truth)) <= EX3_TOLERANCE:
            return False, "", "that is the share that was NOT prevented: subtract it from 1."
        return False, "", ("use the means in the table: rise with no note = cheat - post-trained; rise with the "
                           "note = permission - post-trained; prevented = 1 - (rise with the note) / (rise with "
                           "no note).")

    return run_check(answer, judge, "compute the prevented share from the table and put it in prevented.")
