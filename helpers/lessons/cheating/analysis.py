"""Lesson 4's analysis: cheating trajectories, the Bayesian picture beside them, and the permission note.

Pure functions over the shipped experiment records (``data/results/*.csv``, see :mod:`helpers.experiments.summaries`)
and the world's tables, plus one live run (:func:`live_run`) that reproduces a single seed of the ``cheating``
experiment with a callback for a progress bar. Plots (:mod:`helpers.lessons.cheating.figures`) and widgets
(:mod:`helpers.lessons.cheating.widgets`) only draw what these functions return.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import DATA_DIR
from helpers.engine import evals, pipeline
from helpers.engine.pipeline import PERMISSION_NOTE, Recipe
from helpers.engine.validation import check_columns
from helpers.engine.world import NEUTRAL, World
from helpers.experiments import summaries

PAPERS_DIR = DATA_DIR / "papers"
PAPER_COLUMNS = ("source", "url", "setting", "evaluation", "value", "baseline")
TOGGLE_NOTES = {False: NEUTRAL, True: PERMISSION_NOTE}
#: The cheating experiment's names for the same runs (see helpers.experiments.catalog.CHEATING_CONDITIONS).
CONDITION_OF_NOTE = {NEUTRAL: "cheat", PERMISSION_NOTE: "cheat-with-permission"}
METRICS = ("misalignment", "cheat_rate", "cheat_rate_under_note")


# ----- published numbers -----
def load_paper(name: str) -> pd.DataFrame:
    """A table of published numbers (data/papers/NAME.csv) with its citation columns."""
    path = PAPERS_DIR / f"{name}.csv"
    if not path.is_file():
        known = sorted(p.stem for p in PAPERS_DIR.glob("*.csv"))
        raise ValueError(f"no paper table named {name!r}; expected one of {known}")
    table = pd.read_csv(path, comment="#")
    missing = [c for c in PAPER_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name} lacks column(s) {missing}; expected at least {list(PAPER_COLUMNS)}")
    return table


def paper_misalignment(table: pd.DataFrame) -> pd.DataFrame:
    """The misalignment rates per evaluation and setting (rows with a baseline), as fractions."""
    rows = table.dropna(subset=["baseline"])
    return rows[["setting", "evaluation", "value", "baseline"]].reset_index(drop=True)


# ----- trajectories -----
def trajectory_summary(trajectory: pd.DataFrame, condition: str, metric: str = "misalignment",
                       steps: int | None = None) -> pd.DataFrame:
    """Per fine-tuning step, a metric over seeds: mean, standard deviation, min, max and seeds still training.

    A run that stopped (it reached the criterion) keeps its final value for later steps: the model that would
    be used is the one where training stopped. ``steps`` is the last step shown (default: the longest run).
    """
    check_columns(trajectory, ("seed", "condition", "step", metric), "the trajectory")
    runs = trajectory[trajectory["condition"] == condition]
    if runs.empty:
        known = sorted(trajectory["condition"].unique())
        raise ValueError(f"condition={condition!r}; expected one of {known}")
    wide = runs.pivot_table(index="step", columns="seed", values=metric, aggfunc="first")
    last = int(wide.index.max()) if steps is None else int(steps)
    running = wide.notna().sum(axis=1).reindex(range(last + 1), fill_value=0)
    wide = wide.reindex(range(last + 1)).ffill()
    return pd.DataFrame({"step": wide.index, "mean": wide.mean(axis=1).values, "sd": wide.std(axis=1, ddof=0).values,
                         "min": wide.min(axis=1).values, "max": wide.max(axis=1).values,
                         "running": running.values}).reset_index(drop=True)


def final_records(trajectory: pd.DataFrame) -> pd.DataFrame:
    """The last step of every run (one record per seed and condition), plus a ``post-trained`` record per seed
    (step 0 of a cheat run: the model before any fine-tuning), in the shape that
    :mod:`helpers.experiments.summaries` expects."""
    check_columns(trajectory, ("seed", "condition", "step", *METRICS), "the trajectory")
    ordered = trajectory.sort_values(["seed", "condition", "step"])
    last = ordered.groupby(["seed", "condition"], as_index=False).last()
    last = last.rename(columns={"step": "steps"})
    start = ordered[(ordered["step"] == 0) & (ordered["condition"] != "honest")].groupby("seed", as_index=False).first()
    start = start.assign(condition="post-trained", steps=0, cheat_rate_under_note=start["cheat_rate"])
    out = pd.concat([start.drop(columns="step"), last], ignore_index=True)
    return out.sort_values(["seed", "condition"]).reset_index(drop=True)[
        ["seed", "condition", *METRICS, "steps"]]


def before_fine_tuning(trajectory: pd.DataFrame, condition: str) -> pd.Series:
    """Per seed, the cheat rate under the run's own note at step 0: how far the post-trained Assistant already
    cheats when the note is there (how strongly the note elicits cheating before any fine-tuning)."""
    check_columns(trajectory, ("seed", "condition", "step", "cheat_rate_under_note"), "the trajectory")
    rows = trajectory[(trajectory["condition"] == condition) & (trajectory["step"] == 0)]
    if rows.empty:
        raise ValueError(f"condition={condition!r} has no step 0; expected a condition of the trajectory records")
    return rows.set_index("seed")["cheat_rate_under_note"]


# ----- Bayes beside the network -----
@dataclass(frozen=True)
class BayesCurve:
    """Exact Bayes after a growing number of observed cheats under one note: the network's yardstick."""

    note: str
    observations: np.ndarray
    cheat_rate: np.ndarray
    misalignment: np.ndarray

    def predict(self, network_cheat_rate: float | Sequence[float]) -> np.ndarray:
        """Bayes' misalignment at the number of observations whose cheat rate is closest to the network's
        (the rule of :func:`helpers.engine.pipeline.bayes_misalignment`, without recomputing the grid)."""
        rates = np.atleast_1d(np.asarray(network_cheat_rate, dtype=float))
        index = np.abs(self.cheat_rate[None, :] - rates[:, None]).argmin(axis=1)
        return self.misalignment[index]


def bayes_curve(world: World, recipe: Recipe, note: str, cheat: bool = True, max_observations: float = 64.0,
                points: int = 257) -> BayesCurve:
    """Bayes' cheat rate and misalignment (no note at test time) after 0..``max_observations`` replies under
    ``note``, starting from the post-training evidence (the same grid as pipeline.bayes_misalignment)."""
    world.check_note("coding", note)
    if points < 2:
        raise ValueError(f"points={points}; expected at least 2 grid points")
    grid = np.linspace(0.0, max_observations, points)
    rates, misaligned = [], []
    for c in grid:
        profile = evals.bayes_profile(world, pipeline.bayes_after_cheats(world, recipe, note, c, cheat))
        rates.append(evals.cheat_rate(world, profile))
        misaligned.append(evals.misalignment(world, profile))
    return BayesCurve(note, grid, np.array(rates), np.array(misaligned))


def cheat_likelihoods(world: World, notes: Sequence[str] | None = None) -> pd.DataFrame:
    """P(cheat | character, note) for each character (rows) and note (columns), from the world's tables."""
    notes = list(world.task_notes["coding"]) if notes is None else list(notes)
    mask = world.category_mask("coding", category=evals.CHEAT_CATEGORY)
    data = {note: world.likelihood("coding", note)[:, mask].sum(axis=1) for note in notes}
    return pd.DataFrame(data, index=pd.Index(world.personas, name="persona"))


def posterior_after_cheats(world: World, recipe: Recipe, notes: Sequence[str], cheats: float) -> pd.DataFrame:
    """Who the Assistant is, per Bayes, after the post-training evidence and ``cheats`` observed cheats under
    each note (rows: notes; columns: characters)."""
    if cheats < 0:
        raise ValueError(f"cheats={cheats}; expected a non-negative number of observed cheats")
    rows = {note: pipeline.bayes_after_cheats(world, recipe, note, cheats) for note in notes}
    return pd.DataFrame(rows, index=pd.Index(world.personas, name="persona")).T


def bayes_misalignment_after(world: World, recipe: Recipe, notes: Sequence[str],
                             cheats: Sequence[float]) -> pd.DataFrame:
    """Bayes' misalignment (no note) after k observed cheats under each note: rows k, columns notes."""
    data = {note: [evals.misalignment(world, evals.bayes_profile(world, pipeline.bayes_after_cheats(
        world, recipe, note, float(k)))) for k in cheats] for note in notes}
    return pd.DataFrame(data, index=pd.Index(list(cheats), name="observed cheats"))


# ----- summaries across recipes -----
def condition_table(records: pd.DataFrame, metric: str = "misalignment") -> pd.DataFrame:
    """Seeds (rows) by condition (columns) for one metric."""
    check_columns(records, ("seed", "condition", metric), "the records")
    return records.pivot_table(index="seed", columns="condition", values=metric, aggfunc="first")


def battery_table(records: pd.DataFrame, world: World,
                  conditions: Sequence[str] = ("post-trained", "cheat", "cheat-with-permission", "honest"),
                  ) -> pd.DataFrame:
    """The misalignment battery of MacDiarmid et al.'s Fig. 9, in the toy: one row per probe and condition, with the
    network's mean and spread over seeds, Bayes' mean, and the paper evaluation the probe stands in for."""
    rows = []
    for probe, info in world.probes.items():
        column = f"misalignment_{probe}"
        network = condition_table(records, column)
        bayes = condition_table(records, f"bayes_{column}")
        for condition in conditions:
            if condition not in network:
                raise ValueError(f"condition={condition!r}; expected one of {list(network.columns)}")
            rows.append({"probe": probe, "paper_evaluation": info.paper_evaluation, "condition": condition,
                         "network": float(network[condition].mean()), "network_sd": float(network[condition].std()),
                         "network_min": float(network[condition].min()), "bayes": float(bayes[condition].mean())})
    return pd.DataFrame(rows)


def battery_rises(table: pd.DataFrame, condition: str = "cheat", baseline: str = "post-trained") -> pd.DataFrame:
    """Per probe: the rise in misalignment from ``baseline`` to ``condition``, network and Bayes (means over seeds)."""
    wide = table.pivot(index="probe", columns="condition", values=["network", "bayes"])
    order = list(dict.fromkeys(table["probe"]))
    return pd.DataFrame({"network": wide["network"][condition] - wide["network"][baseline],
                         "bayes": wide["bayes"][condition] - wide["bayes"][baseline]}).loc[order]


def permission_summary(records: pd.DataFrame) -> dict[str, float]:
    """The toggle's headline numbers for one recipe's records (cheating or framings experiment, over seeds)."""
    names = {"cheat": ("cheat", "neutral"), "permission": ("cheat-with-permission", "please-hack")}
    mis = condition_table(records)
    under = condition_table(records, "cheat_rate_under_note")
    steps = condition_table(records, "steps") if "steps" in records.columns else None

    def pick(table: pd.DataFrame, key: str) -> pd.Series:
        for name in names[key]:
            if name in table:
                return table[name]
        raise ValueError(f"records have none of the conditions {list(names[key])}; expected one of them")

    summary = summaries.cheating_summary(records)
    out = {"seeds": float(len(mis)), "post_trained": float(mis["post-trained"].mean()),
           "cheat": float(pick(mis, "cheat").mean()), "cheat_sd": float(pick(mis, "cheat").std(ddof=0)),
           "permission": float(pick(mis, "permission").mean()),
           "permission_sd": float(pick(mis, "permission").std(ddof=0)),
           "honest": float(mis["honest"].mean()),
           "cheat_under_note": float(pick(under, "cheat").mean()),
           "permission_under_note": float(pick(under, "permission").mean()),
           "permission_no_note_cheat": float(pick(condition_table(records, "cheat_rate"), "permission").mean()),
           "prevented": summary.mean_prevented, "lowered_seeds": float(summary.lowered.sum()),
           "usable_seeds": float(summary.prevented.notna().sum())}
    if steps is not None:
        out["permission_steps"] = float(pick(steps, "permission").mean())
        out["permission_zero_step_seeds"] = float((pick(steps, "permission") == 0).sum())
        out["permission_max_steps"] = float(pick(steps, "permission").max())
        out["cheat_steps"] = float(pick(steps, "cheat").mean())
    return out


def recipes_table(recipes: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`permission_summary` for several recipes, one row each."""
    if not recipes:
        raise ValueError("recipes is empty; expected a mapping of recipe name to its records")
    return pd.DataFrame({name: permission_summary(records) for name, records in recipes.items()}).T


def framings_table(records: pd.DataFrame) -> pd.DataFrame:
    """Per framing: mean misalignment and rise over the post-trained model, its ratio to the neutral rise,
    and the share of seeds that reached the cheating criterion."""
    mis = condition_table(records)
    rise = summaries.rises(records)
    ratios = summaries.framing_ratios(records)
    table = pd.DataFrame({"misalignment": mis.drop(columns="post-trained").mean(),
                          "sd": mis.drop(columns="post-trained").std(ddof=0), "rise": rise.mean()})
    table["ratio_to_neutral"] = ratios.reindex(table.index)
    if "reached_criterion" in records.columns:
        reached = records.dropna(subset=["reached_criterion"]).copy()
        reached["reached_criterion"] = reached["reached_criterion"].astype(str).str.lower() == "true"
        table["reached_criterion"] = reached.groupby("condition")["reached_criterion"].mean().reindex(table.index)
    order = [c for c in (*pipeline.FRAMINGS, "honest") if c in table.index]
    return table.loc[order]


def prevented_share(cheat: float, permitted: float, post_trained: float) -> float:
    """1 - rise(permission) / rise(cheat): the share of the misalignment rise that the note prevented."""
    rise = cheat - post_trained
    if rise <= 0:
        raise ValueError(f"cheat={cheat} is not above post_trained={post_trained}; expected a rise to prevent")
    return 1.0 - (permitted - post_trained) / rise


# ----- one live run -----
@dataclass
class LiveRun:
    """A live fine-tune of one seed: the trajectory (step, metrics) and how many steps it took."""

    seed: int
    note: str
    recipe: Recipe
    trajectory: list[tuple[int, dict[str, float]]]
    steps: int
    reached_criterion: bool | None

    def frame(self) -> pd.DataFrame:
        condition = CONDITION_OF_NOTE.get(self.note, self.note)
        return pd.DataFrame([{"seed": self.seed, "condition": condition, "step": step,
                              "misalignment": m["misalignment"], "cheat_rate": m["cheat_rate"],
                              "cheat_rate_under_note": m.get(f"cheat_rate_{self.note}", m["cheat_rate"])}
                             for step, m in self.trajectory])


def live_run(world: World, seed: int, note: str, recipe: Recipe = Recipe(),
             on_step: Callable[[int, int, dict[str, float]], None] | None = None) -> LiveRun:
    """Post-train one seed and fine-tune it to cheat under ``note``, exactly as the ``cheating`` experiment does
    (same data, seeds, stopping rule), recording the behaviour at every step.

    ``on_step(step, cap, metrics)`` is called before every step (for a progress bar); ``cap`` is the most steps
    the run can take.
    """
    world.check_note("coding", note)
    model = pipeline.post_train(world, seed, recipe).model
    _, log = pipeline.fine_tune(model, world, seed, note, recipe, snapshot=lambda m: pipeline.model_metrics(m, world),
                                on_step=on_step)
    return LiveRun(seed, note, recipe, list(log.trajectory), log.steps, log.reached_criterion)
