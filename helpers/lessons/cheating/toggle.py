"""Lesson 4's permission toggle on the RL runs: the same seeds, the same step budget, with and without the note.

The toggle compares two RL runs per seed (``python -m helpers.experiments rl``): one whose coding prompts carry no
note (``neutral``) and one whose prompts carry the permission line (``please-hack``). Both train for the same fixed
number of steps, so flipping the toggle compares two trained models, never a trained one with an untrained one.
Each seed gives a before/after pair: how often the Assistant hacks under the note it trained with, how often it
hacks with no note (the leak), and its misalignment on the probe battery. The panel and its plotly twin draw what
these functions return, and :func:`toggle_text` is the panel's own explanation, worded from the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.engine import tolerance
from helpers.engine.pipeline import PERMISSION_NOTE
from helpers.engine.validation import check_columns
from helpers.engine.world import NEUTRAL

#: The two states of the toggle: the RL condition trained without and with the permission line.
STATES = {False: NEUTRAL, True: PERMISSION_NOTE}
#: Per state and seed, what the panel shows (RL record field -> the panel's name for it).
PAIR_FIELDS = {"cheat_rate_under_note": "hacks under its training note", "cheat_rate": "hacks with no note",
               "misalignment": "misalignment", "steps": "steps"}
RECORD_COLUMNS = ("seed", "condition", *PAIR_FIELDS)


def toggle_pairs(records: pd.DataFrame) -> pd.DataFrame:
    """Per seed (rows): each state's hack rates, misalignment and steps (columns: state x field), and the
    post-trained start's misalignment (column ``("start", "misalignment")``).

    Only seeds that have both states and the start are kept; ValueError if none has them, or if the two states of a
    seed trained for different numbers of steps (the toggle must compare like with like).
    """
    check_columns(records, RECORD_COLUMNS, "rl records")
    wanted = [*STATES.values(), "post-trained"]
    rows = records[records["condition"].isin(wanted)]
    table = rows.pivot_table(index="seed", columns="condition", values=list(PAIR_FIELDS), aggfunc="first")
    table = table.swaplevel(axis=1).sort_index(axis=1)
    columns = [(c, "misalignment") for c in wanted]
    if not all(c in table for c in columns):
        raise ValueError(f"records lack some of the conditions {wanted}; expected records of the rl experiment")
    complete = list(table.index[table[columns].notna().all(axis=1)])
    if not complete:
        raise ValueError(f"no seed has all of the conditions {wanted}; expected records of the rl experiment")
    table = table.loc[complete]
    unequal = [s for s in complete if table.loc[s, (NEUTRAL, "steps")] != table.loc[s, (PERMISSION_NOTE, "steps")]]
    if unequal:
        raise ValueError(f"seeds {unequal} trained for different numbers of steps with and without the note; "
                         "expected the same fixed budget")
    pairs = pd.concat({name: table[note][list(PAIR_FIELDS)] for name, note in
                       (("without the note", NEUTRAL), ("with the note", PERMISSION_NOTE))}, axis=1)
    pairs[("start", "misalignment")] = table[("post-trained", "misalignment")]
    return pairs


@dataclass(frozen=True)
class ToggleVerdict:
    """The toggle's headline numbers over seeds (means are over the seeds of the pairs)."""

    seeds: int
    steps: int
    start: float  # mean misalignment of the post-trained start
    without_note: float  # mean misalignment after RL with no note
    with_note: float  # mean misalignment after RL under the permission line
    prevented: float  # 1 - (with_note - start) / (without_note - start), a ratio of means
    lower_on: int  # seeds where the note ended less misaligned (beyond the float drift)
    hacks_under_note: float  # mean hack rate under the training note, note on
    leak: float  # mean hack rate with no note, after training under the note


def toggle_verdict(pairs: pd.DataFrame) -> ToggleVerdict:
    """Summarise :func:`toggle_pairs` (ValueError if a seed's two states trained for different numbers of steps,
    or if RL without the note raised misalignment by nothing)."""
    off, on = pairs["without the note"], pairs["with the note"]
    unequal = [int(seed) for seed in pairs.index if off.loc[seed, "steps"] != on.loc[seed, "steps"]]
    if unequal:
        raise ValueError(f"seeds {unequal} trained for different numbers of steps with and without the note; "
                         "expected the same fixed budget")
    start = float(pairs[("start", "misalignment")].mean())
    rise = float(off["misalignment"].mean()) - start
    if tolerance.same(rise, 0.0):
        raise ValueError("RL without the note did not raise misalignment; expected a rise to compare the note with")
    return ToggleVerdict(
        seeds=len(pairs), steps=int(off["steps"].max()), start=start,
        without_note=float(off["misalignment"].mean()), with_note=float(on["misalignment"].mean()),
        prevented=1.0 - (float(on["misalignment"].mean()) - start) / rise,
        lower_on=tolerance.count_lower(on["misalignment"] - off["misalignment"]),
        hacks_under_note=float(on["cheat_rate_under_note"].mean()), leak=float(on["cheat_rate"].mean()))


def toggle_headline(pairs: pd.DataFrame, note_on: bool, revealed: bool = True) -> str:
    """The panel's headline: both conditions, the step budget and the seeds, then the shown state's means (over the
    seeds). Unrevealed (the note's runs not yet shown), it asks for a prediction instead of giving the note's
    numbers."""
    v = toggle_verdict(pairs)
    seeds = ", ".join(str(int(s)) for s in pairs.index)
    setup = (f"RL for {v.steps} steps on seeds {seeds}: the same budget and seeds without the note and with the "
             f"'{PERMISSION_NOTE}' line on every coding prompt.")
    off = pairs["without the note"]
    if not (revealed or note_on):
        return (f"{setup} Shown: without the note. The Assistant hacks {off['cheat_rate'].mean():.0%} of the time "
                f"and its misalignment rose from {v.start:.2f} to {v.without_note:.2f}. Predict before you flip the "
                "toggle: with the note, will misalignment end lower, about the same, or higher? And will the "
                "Assistant still hack when the note is absent?")
    return (f"{setup} Shown: {'with' if note_on else 'without'} the note. Misalignment without the note "
            f"{v.without_note:.2f}, with it {v.with_note:.2f} (start {v.start:.2f}): the note prevented "
            f"{v.prevented:.0%} of the rise and was lower on {v.lower_on} of {v.seeds} seeds. Trained with the note, "
            f"the Assistant hacks {v.hacks_under_note:.0%} of the time when the note is there and {v.leak:.0%} when "
            "it is not (the leak).")


def seed_table(pairs: pd.DataFrame, revealed: bool = True) -> pd.DataFrame:
    """The per-seed numbers the panel lists under its figure: for the RL run without the note (and, revealed, the
    run with it), misalignment and how often it hacks (the run with the note: under the note, and without it)."""
    off, on = pairs["without the note"], pairs["with the note"]
    table = pd.DataFrame({"RL without: misalignment": off["misalignment"],
                          "RL without: hacks": off["cheat_rate"]}, index=pairs.index)
    if revealed:
        table["RL with: misalignment"] = on["misalignment"]
        table["RL with: hacks under the note"] = on["cheat_rate_under_note"]
        table["RL with: hacks without it (leak)"] = on["cheat_rate"]
    table.index.name = "seed"
    return table


def toggle_text(pairs: pd.DataFrame, note_on: bool, revealed: bool = True) -> str:
    """The panel's words in one paragraph (its headline, then the shown state's per-seed numbers): what a reader
    without the panel gets, as the text alternative of its twin."""
    headline = toggle_headline(pairs, note_on, revealed)
    if note_on:
        per_seed = "; ".join(f"seed {int(s)}: hacks {r['cheat_rate_under_note']:.0%} under the note, "
                             f"{r['cheat_rate']:.0%} with none, misalignment {r['misalignment']:.2f}"
                             for s, r in pairs["with the note"].iterrows())
        return f"{headline} Per seed, with the note: {per_seed}."
    per_seed = "; ".join(f"seed {int(s)}: hacks {r['cheat_rate']:.0%}, misalignment {r['misalignment']:.2f}"
                         for s, r in pairs["without the note"].iterrows())
    return f"{headline} Per seed, without the note: {per_seed}."
