"""Lesson 03 (Post-training refines the persona): post-training with a trajectory of behavior metrics per step
(:func:`post_training_run`), and the shipped multi-seed records of both post-training modes in one table
(:func:`post_training_table`). Every metric is the one :mod:`helpers.engine.evals` defines.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.engine import evals, pipeline, tolerance
from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import Recipe
from helpers.engine.world import ASSISTANT_LABEL, NEUTRAL, World
from helpers.experiments import summaries


def describe(world: World, profile: evals.Profile, in_set: float) -> dict[str, float]:
    """A speaker in one record: behavior metrics, in-set mass, best-fitting persona mixture and its distance."""
    weights, distance = evals.persona_mixture(world, profile)
    metrics = evals.behaviour_metrics(world, profile)
    return {**{k: metrics[k] for k in ("helpfulness", "human_likeness", "helper_likeness", "misalignment",
                                       "cheat_rate")},
            "in_set": float(in_set), "mixture_distance": distance,
            **{f"mix_{p}": float(w) for p, w in zip(world.personas, weights, strict=True)}}


# ----- post-training with a trajectory -----
#: Metrics recorded at every snapshot of a post-training run (all from :mod:`helpers.engine.evals`).
TRAJECTORY_METRICS = ("helpfulness", "human_likeness", "helper_likeness", "misalignment", "cheat_rate", "in_set")


def snapshot_metrics(model: TinyGPT, world: World) -> dict[str, float]:
    """Behavior metrics without a note, and the in-set mass, from one batched pass over every task's prompts.

    Cheaper than a full profile (no coding notes); each value equals its :mod:`helpers.engine.evals` definition.
    """
    queries = [evals.Query(t, p, NEUTRAL, ASSISTANT_LABEL) for t in world.tasks for p in range(len(world.prompts[t]))]
    scored = iter(evals.score_queries(model, world, queries))
    profile: evals.Profile = {}
    in_set = []
    for task in world.tasks:
        items = [next(scored) for _ in world.prompts[task]]
        profile[(task, NEUTRAL)] = np.mean([s.probs for s in items], axis=0)
        in_set += [s.in_set for s in items]
    return {"helpfulness": evals.helpfulness(world, profile), "human_likeness": evals.human_likeness(world, profile),
            "helper_likeness": evals.helper_likeness(world, profile), "misalignment": evals.misalignment(world,
                                                                                                         profile),
            "cheat_rate": evals.cheat_rate(world, profile), "in_set": float(np.mean(in_set))}


@dataclass
class PostTrainingRun:
    """A post-training run: the pretrained model, the post-trained Assistant, and metrics every few steps."""

    params: str
    seed: int
    base: TinyGPT
    model: TinyGPT
    trajectory: pd.DataFrame


def post_training_run(world: World, seed: int, recipe: Recipe = Recipe(), every: int = 5) -> PostTrainingRun:
    """Post-train the Assistant (:func:`helpers.engine.pipeline.post_train`, the step every experiment uses),
    recording :func:`snapshot_metrics` before step 0, every ``every`` steps, and after the last step."""
    if not isinstance(every, int) or every < 1:
        raise ValueError(f"every={every!r}; expected a positive integer")
    config = recipe.post_training
    counter = itertools.count()

    def snapshot(m: TinyGPT) -> dict[str, float] | None:
        step = next(counter)
        return snapshot_metrics(m, world) if step % every == 0 or step == config.steps else None

    run = pipeline.post_train(world, seed, recipe, snapshot=snapshot)
    rows = [{"step": step, **metrics} for step, metrics in run.log.trajectory if metrics is not None]
    return PostTrainingRun(recipe.params, seed, run.base, run.model, pd.DataFrame(rows))


# ----- the shipped multi-seed records -----
#: Conditions of lesson 03's comparisons: (results file, stage) for each.
CONDITIONS: dict[str, tuple[str, str]] = {
    "before post-training": ("post-training", "assistant-before-post-training"),
    "embedding": ("post-training", "post-trained"),
    "all": ("post-training-all", "post-trained"),
    "Bayes": ("post-training", "bayes-post-trained"),
}


def post_training_table(frames: dict[str, pd.DataFrame] | None = None,
                        conditions: dict[str, tuple[str, str]] = CONDITIONS) -> pd.DataFrame:
    """Both post-training experiments' records (seeds 0-9) with a ``condition`` column from ``conditions``
    (default :data:`CONDITIONS`).

    ``frames`` maps a results name to its records (default: the shipped CSVs, data/results/NAME.csv).
    """
    frames = frames or {name: summaries.load_results(name) for name in {f for f, _ in conditions.values()}}
    parts = []
    for condition, (name, stage) in conditions.items():
        if name not in frames:
            names = sorted({f for f, _ in conditions.values()})
            raise ValueError(f"frames has no {name!r}; expected records for {names}")
        part = frames[name][frames[name]["stage"] == stage].copy()
        if part.empty:
            raise ValueError(f"records {name!r} have no stage {stage!r}; expected the post-training experiment")
        part.insert(0, "condition", condition)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def reproduces(live: pd.DataFrame, shipped: pd.DataFrame) -> bool:
    """Whether live records (rows: conditions; columns as :func:`describe` gives) match the shipped rows of the
    same conditions: mixture weights within ``tolerance.MIXTURE_DRIFT``, every other number within
    ``tolerance.DRIFT`` (the best mixture is nearly flat, so its weights move more between CPUs)."""
    missing = [c for c in live.index if c not in shipped.index]
    if missing:
        raise ValueError(f"shipped records lack condition(s) {missing}; expected one row per live condition")
    shipped = shipped.loc[live.index, live.columns]
    mixture = [c for c in live.columns if c.startswith("mix_")]
    metrics = [c for c in live.columns if c not in mixture]
    return (tolerance.same(live[metrics], shipped[metrics])
            and tolerance.same(live[mixture], shipped[mixture], tolerance.MIXTURE_DRIFT))


def seed_summary(table: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Mean, lowest and highest seed of each metric per condition (rows in :data:`PSM_TEST_CONDITIONS` order)."""
    missing = [m for m in metrics if m not in table.columns]
    if missing:
        raise ValueError(f"metrics {missing} not in the table; expected columns from {list(table.columns)}")
    order = [c for c in PSM_TEST_CONDITIONS if c in set(table["condition"])]
    grouped = table.groupby("condition")[list(metrics)].agg(["mean", "min", "max"])
    return grouped.loc[order]


# ----- both modes as a test of the persona selection model -----
#: The never-trained row: the ``assistant:`` label's embedding as pretraining left it (it only ever met the label as
#: a token not to predict). A speaker the network never learned to be: the scale for "far from any character".
NEVER_TRAINED = "never-trained row"
#: Lesson 03's test of PSM: the start, the one-row idealisation, the all-parameter test, Bayes and the scale.
PSM_TEST_CONDITIONS: dict[str, tuple[str, str]] = {**CONDITIONS,
                                                   NEVER_TRAINED: ("post-training", "assistant-raw-row")}


def psm_test_table(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """:func:`post_training_table` with the never-trained row's records added (condition :data:`NEVER_TRAINED`)."""
    return post_training_table(frames, PSM_TEST_CONDITIONS)


def distance_on_scale(table: pd.DataFrame, condition: str) -> pd.Series:
    """Per seed, how far ``condition``'s mixture distance has gone from the Assistant before post-training (0) to
    the never-trained row (1): 0 is as close to a mixture of characters as the start, 1 as far as a speaker the
    network never learned to be."""
    missing = [c for c in ("before post-training", NEVER_TRAINED, condition) if c not in set(table["condition"])]
    if missing:
        raise ValueError(f"table lacks condition(s) {missing}; expected psm_test_table()")
    by = {c: table[table["condition"] == c].set_index("seed")["mixture_distance"]
          for c in ("before post-training", NEVER_TRAINED, condition)}
    start, scale = by["before post-training"], by[NEVER_TRAINED]
    return ((by[condition] - start) / (scale - start)).rename(condition)


def psm_test_summary(table: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Mean over seeds of each metric per condition (rows in :data:`PSM_TEST_CONDITIONS` order), with the mean
    position on the never-trained scale (:func:`distance_on_scale`) as a last column."""
    summary = seed_summary(table, metrics).xs("mean", axis=1, level=1)
    order = [c for c in PSM_TEST_CONDITIONS if c in summary.index]
    summary = summary.loc[order]
    summary["distance_on_scale"] = [float(distance_on_scale(table, c).mean()) for c in order]
    return summary
