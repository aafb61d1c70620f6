"""Lesson 05's live seed: which seed is run live (a rule fixed before looking, :func:`median_seed`), that seed of
the role-model experiment's cheat run computed now from shipped weights, beside its row of the shipped records, and
what the network says under each character's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.engine import checkpoints, evals, pipeline, tolerance
from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import Recipe
from helpers.engine.training import PretrainConfig
from helpers.engine.validation import check_choice
from helpers.engine.world import NEUTRAL, World, load_world
from helpers.experiments.catalog import ROLE_MODELS
from helpers.lessons.role_models.analysis import check_records, world_label


# ----- which seed runs live -----
def median_seed(paired: pd.DataFrame, role_model: str = "gamer", weight: float = 0.15,
                tol: float = tolerance.DRIFT) -> int:
    """The seed lesson 05 runs live: the median seed of one world by its paired change in misalignment.

    The rule, fixed before looking at any seed: order the world's seeds by their paired change (``network_diff``
    of :func:`~helpers.lessons.role_models.analysis.paired_differences`), the largest drop first; changes within
    ``tol`` of each other count as equal and are ordered by seed number. Take the seed at position ``n // 2``
    (counting from 0): the median for an odd number of seeds; for an even number, the second of the two middle
    seeds, the one with the smaller drop, so the choice never flatters the role model.
    """
    needed = ("role_model", "weight", "seed", "network_diff")
    missing = [c for c in needed if c not in paired.columns]
    if missing:
        raise ValueError(f"paired table lacks column(s) {missing}; expected the output of paired_differences")
    rows = paired[(paired["role_model"] == role_model) & np.isclose(paired["weight"].astype(float), weight)]
    if rows.empty:
        known = sorted({world_label(r, w) for r, w in zip(paired["role_model"], paired["weight"], strict=True)})
        raise ValueError(f"no paired rows for {world_label(role_model, weight)!r}; expected one of {known}")
    changes = rows["network_diff"].astype(float).to_numpy()
    order = sorted(zip(rows["seed"].astype(int), changes, strict=True),
                   key=lambda sc: (tolerance.rank(sc[1], changes, largest_first=False, tol=tol), sc[0]))
    return int(order[len(order) // 2][0])


# ----- shipped weights and one live seed -----
def is_shipped(role_model: str | None, weight: float, seed: int, config: PretrainConfig = PretrainConfig()) -> bool:
    """Whether pretrained weights for this world and seed are shipped in data/models/ (so nothing is pretrained)."""
    if weight:
        check_choice("role_model", role_model, ROLE_MODELS)
    world = load_world(role_model=role_model if weight else None, weight=weight)
    entry = checkpoints.read_manifest()["models"].get(checkpoints.model_name(seed, world))
    return bool(entry) and entry["config_hash"] == checkpoints.config_hash(config) and (
        checkpoints.MODELS_DIR / entry["file"]).is_file()


@dataclass
class LiveSeed:
    """One seed of the role-model experiment's cheat run, computed now: the record and the models."""

    role_model: str | None
    weight: float
    seed: int
    record: dict[str, float]
    base: TinyGPT = field(repr=False)
    assistant: TinyGPT = field(repr=False)
    tuned: TinyGPT = field(repr=False)
    world: World = field(repr=False)


def live_seed(role_model: str | None, weight: float, seed: int, recipe: Recipe = Recipe(),
              on_step: Callable[[int, int], None] | None = None, allow_pretraining: bool = False) -> LiveSeed:
    """Post-train one seed in a role-model world and fine-tune it to cheat with no note, exactly as the
    ``role-models`` experiment does (same data, seeds and stopping rule), and measure it with Bayes beside it.

    ``on_step(step, cap)`` is called before every fine-tuning step (for a progress bar). Refuses, with a
    ValueError, a world whose weights are not shipped (pretraining it would take minutes) unless
    ``allow_pretraining``.
    """
    if weight:
        check_choice("role_model", role_model, ROLE_MODELS)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed={seed!r}; expected a non-negative integer")
    if not allow_pretraining and not is_shipped(role_model, weight, int(seed)):
        raise ValueError(f"seed={seed} of the world {world_label(role_model, weight)!r} is not shipped in "
                         "data/models/; expected a shipped seed (or allow_pretraining=True, which takes minutes)")
    world = load_world(role_model=role_model if weight else None, weight=weight)
    run = pipeline.post_train(world, int(seed), recipe)
    base, assistant = run.base, run.model
    progress = None if on_step is None else (lambda step, cap, _snapshot: on_step(step, cap))
    tuned, log = pipeline.fine_tune(assistant, world, int(seed), NEUTRAL, recipe, on_step=progress)
    metrics = pipeline.model_metrics(tuned, world)
    observations, post = pipeline.bayes_match(world, recipe, NEUTRAL, metrics["cheat_rate"])
    record = {"misalignment": metrics["misalignment"], "cheat_rate": metrics["cheat_rate"],
              "steps": log.steps, "reached_criterion": log.reached_criterion,
              "bayes_misalignment": evals.misalignment(world, evals.bayes_profile(world, post)),
              "bayes_role_model_share": float(post[world.persona_index(role_model)]) if world.role_model else 0.0,
              "bayes_observations": observations}
    return LiveSeed(world.role_model, world.weight, int(seed), record, base, assistant, tuned, world)


def matches_record(live: LiveSeed, records: pd.DataFrame, tol: float = tolerance.DRIFT) -> bool | None:
    """Whether a live seed reproduces its row of the shipped records within ``tol`` (None if the records lack
    that row)."""
    check_records(records)
    role = live.role_model or ROLE_MODELS[0]
    rows = records[(records["condition"] == "cheat") & (records["seed"] == live.seed)
                   & (records["role_model"] == role) & np.isclose(records["weight"].astype(float), live.weight)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    columns = ["misalignment", "cheat_rate"]
    return tolerance.same(row[columns].astype(float), [live.record[c] for c in columns], tol)


def label_behavior(model: TinyGPT, world: World, characters: Sequence[str]) -> pd.DataFrame:
    """How the pretrained network speaks under each character's name label (``gamer:``, ``villain:`` ...),
    beside that character's row of the tables: cheat rate with no note and misalignment (rows: characters)."""
    rows = {}
    for name in characters:
        if name not in world.personas:
            raise ValueError(f"character={name!r}; expected one of {list(world.personas)} in this world")
        net = evals.behaviour_metrics(world, evals.network_profile(model, world, name))
        one = np.zeros(len(world.personas))
        one[world.persona_index(name)] = 1.0
        table = evals.behaviour_metrics(world, evals.bayes_profile(world, one))
        rows[name] = {"network cheat rate": net["cheat_rate"], "table cheat rate": table["cheat_rate"],
                      "network misalignment": net["misalignment"], "table misalignment": table["misalignment"]}
    return pd.DataFrame(rows).T.rename_axis("character")


def assistant_mixture(model: TinyGPT, world: World, posterior: Sequence[float] | None = None) -> pd.DataFrame:
    """The characters whose mixed answers come closest to the Assistant's (``evals.persona_mixture``), beside an
    optional Bayes posterior: rows characters, columns ``network`` (and ``bayes``)."""
    weights, _ = evals.persona_mixture(world, evals.network_profile(model, world))
    data = {"network": weights}
    if posterior is not None:
        posterior = np.asarray(posterior, dtype=float)
        if posterior.shape != weights.shape:
            raise ValueError(f"posterior has {posterior.size} weights; expected {weights.size}, one per character")
        data["bayes"] = posterior
    return pd.DataFrame(data, index=pd.Index(world.personas, name="character"))


def closest_characters(mixture: pd.DataFrame, column: str = "network", tol: float = tolerance.DRIFT) -> list[str]:
    """The characters with the largest weight in one column of :func:`assistant_mixture` (weights within ``tol``
    of the largest share first place, so the answer is the same on every CPU)."""
    if column not in mixture.columns:
        raise ValueError(f"column={column!r}; expected one of {list(mixture.columns)}")
    weights = mixture[column].astype(float)
    return [name for name, w in weights.items() if tolerance.rank(w, weights, tol=tol) == 1]


def bayes_posterior_at(world: World, cheat_rate: float, recipe: Recipe = Recipe()) -> np.ndarray:
    """Bayes' posterior after as many observed cheats as make it cheat as often as the network."""
    return pipeline.bayes_match(world, recipe, NEUTRAL, cheat_rate)[1]


def live_row(live: LiveSeed, records: pd.DataFrame) -> dict[str, float]:
    """A live seed's numbers beside its baseline in the shipped records: its paired difference, network and Bayes."""
    check_records(records)
    base = records[(records["condition"] == "cheat") & (records["seed"] == live.seed)
                   & (records["weight"].astype(float) == 0.0)]
    if base.empty:
        raise ValueError(f"seed={live.seed} has no baseline (weight 0) record; expected one of "
                         f"{sorted(records['seed'].unique())}")
    b = base.iloc[0]
    return {"seed": live.seed, "misalignment": live.record["misalignment"],
            "baseline": float(b["misalignment"]),
            "network_diff": live.record["misalignment"] - float(b["misalignment"]),
            "bayes": live.record["bayes_misalignment"], "bayes_baseline": float(b["bayes_misalignment"]),
            "bayes_diff": live.record["bayes_misalignment"] - float(b["bayes_misalignment"]),
            "steps": live.record["steps"], "cheat_rate": live.record["cheat_rate"]}
