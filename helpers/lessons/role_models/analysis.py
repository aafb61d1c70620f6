"""Lesson 5's analysis: good AI role models in the pretraining corpus, on paired seeds, beside exact Bayes.

A role-model world (``load_world(role_model="gamer", weight=0.15)``) replaces a share of the pretraining documents
with documents written by a good AI character; everything else about the corpus is the same for a seed (the
documents that are not replaced are identical). So for each seed the weight-0 run is the shared baseline, and
the question is the **paired difference**: misalignment after the cheat fine-tune in the role-model world minus
misalignment in the baseline world, seed by seed, for the network and for exact Bayes.

Pure functions over the ``role-models`` experiment's records (``data/results/role-models.csv``, made by
``python -m helpers.experiments role-models``) and the world's tables, plus one live seed (:func:`live_seed`)
that reproduces a record of that experiment from shipped weights. Plots (:mod:`helpers.lessons.role_models.figures`) and
widgets (:mod:`helpers.lessons.role_models.widgets`) only draw what these functions return.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import DATA_DIR
from helpers.engine import evals, pipeline, tolerance
from helpers.engine.pipeline import Recipe
from helpers.engine.training import PretrainConfig
from helpers.engine.validation import check_choice
from helpers.engine.world import NEUTRAL, World, load_world
from helpers.experiments.catalog import ROLE_MODEL_WEIGHTS, ROLE_MODELS

#: The columns every role-model record needs (the CLI writes more).
RECORD_COLUMNS = ("seed", "role_model", "weight", "condition", "misalignment", "cheat_rate", "bayes_misalignment",
                  "bayes_role_model_share")
#: The base characters lesson 5 compares the role models with.
COMPARISON = ("helper", "engineer", "trickster", "villain")
#: Exact sign-flip tests enumerate every sign pattern: 2**n of them.
MAX_EXACT_SEEDS = 20
#: The published numbers lesson 05 cites (data/papers/tice2026.csv: Tice et al., arXiv:2601.10160).
PAPER_FILE = DATA_DIR / "papers" / "tice2026.csv"
PAPER_COLUMNS = ("source", "url", "quantity", "value", "unit")


# ----- names -----
def world_label(role_model: str | None, weight: float) -> str:
    """How the lesson names a world: ``no role model`` (weight 0) or ``gamer 15%``."""
    if not weight:
        return "no role model"
    check_choice("role_model", role_model, ROLE_MODELS)
    return f"{role_model} {weight:.0%}"


def format_seeds(seeds: Sequence[int]) -> str:
    """Seeds as ranges, the way the command line takes them: [0, 1, 2, 5] -> ``0-2, 5``."""
    seeds = sorted({int(s) for s in seeds})
    if not seeds:
        return "none"
    parts = []
    for _, run in itertools.groupby(enumerate(seeds), key=lambda pair: pair[1] - pair[0]):
        run = [s for _, s in run]
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ", ".join(parts)


# ----- the records -----
def check_records(records: pd.DataFrame) -> None:
    """Raise a ValueError if ``records`` is not the ``role-models`` experiment's table."""
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"role-model records lack column(s) {missing}; expected the columns of "
                         f"`python -m helpers.experiments role-models --format csv`: {list(RECORD_COLUMNS)}")
    unknown = sorted(set(records["role_model"]) - set(ROLE_MODELS))
    if unknown:
        raise ValueError(f"role_model values {unknown}; expected {list(ROLE_MODELS)}")


def complete_seeds(records: pd.DataFrame, condition: str = "cheat") -> list[int]:
    """Seeds with a ``condition`` record in every world (both role models at every weight, baseline included)."""
    check_records(records)
    rows = records[records["condition"] == condition]
    if rows.empty:
        known = sorted(records["condition"].unique())
        raise ValueError(f"condition={condition!r}; expected one of {known}")
    worlds = {(r, float(w)) for r in ROLE_MODELS for w in ROLE_MODEL_WEIGHTS}
    present: dict[int, set] = {}
    for seed, role, weight in zip(rows["seed"], rows["role_model"], rows["weight"].astype(float), strict=True):
        present.setdefault(int(seed), set()).add((role, weight))
    return sorted(seed for seed, have in present.items() if worlds <= have)


def paired_differences(records: pd.DataFrame, condition: str = "cheat") -> pd.DataFrame:
    """One row per role model, weight and seed: misalignment in that world and in the seed's baseline (weight 0),
    and their difference, for the network and for Bayes.

    Only seeds present in every world are used (:func:`complete_seeds`), so every difference is paired.
    """
    seeds = complete_seeds(records, condition)
    rows = records[(records["condition"] == condition) & records["seed"].isin(seeds)].copy()
    rows["weight"] = rows["weight"].astype(float)
    base = rows[rows["weight"] == 0.0].groupby("seed")[["misalignment", "bayes_misalignment"]].first()
    out = rows.sort_values(["role_model", "weight", "seed"]).reset_index(drop=True)
    out = out.assign(network=out["misalignment"], bayes=out["bayes_misalignment"],
                     network_baseline=out["seed"].map(base["misalignment"]),
                     bayes_baseline=out["seed"].map(base["bayes_misalignment"]))
    out["network_diff"] = out["network"] - out["network_baseline"]
    out["bayes_diff"] = out["bayes"] - out["bayes_baseline"]
    keep = ["role_model", "weight", "seed", "network", "network_baseline", "network_diff", "bayes",
            "bayes_baseline", "bayes_diff", "bayes_role_model_share", "cheat_rate"]
    if "steps" in out.columns:
        keep.append("steps")
    if "reached_criterion" in out.columns:  # the CSV stores True/False as text; a missing value is not reached
        out["reached_criterion"] = out["reached_criterion"].astype(str).str.strip().str.lower() == "true"
        keep.append("reached_criterion")
    order = {r: i for i, r in enumerate(ROLE_MODELS)}
    out = out.sort_values(["role_model", "weight", "seed"], key=lambda s: s.map(order) if s.name == "role_model" else s)
    return out[keep].reset_index(drop=True)


def sign_flip_p(differences: Sequence[float]) -> float:
    """Exact two-sided p-value of the paired sign-flip (permutation) test that the mean difference is zero.

    Under "the role model changes nothing", each seed's difference is as likely to have either sign; the p-value
    is the share of the 2**n sign patterns whose mean is at least as far from zero as the observed one. No
    randomness, no distributional assumption. All-zero differences give 1. A pattern whose mean is within
    ``tolerance.DRIFT`` of the observed one counts as "as far" (a tie), so the p-value is the same on every CPU.
    """
    d = np.asarray(list(differences), dtype=float)
    if d.ndim != 1 or len(d) == 0:
        raise ValueError("differences is empty; expected one paired difference per seed")
    if len(d) > MAX_EXACT_SEEDS:
        raise ValueError(f"{len(d)} differences; expected at most {MAX_EXACT_SEEDS} for an exact test")
    if not np.isfinite(d).all():
        raise ValueError("differences contain NaN or infinity; expected finite numbers")
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=len(d))))
    means = np.abs(signs @ d) / len(d)
    observed = abs(d.mean())
    return float(np.mean(tolerance.signs(means - observed) >= 0))


def paired_summary(paired: pd.DataFrame) -> pd.DataFrame:
    """Per role model and weight: mean misalignment, the mean paired difference (with its standard deviation and
    standard error over seeds), the seeds where the role model lowered or raised misalignment, the exact
    sign-flip p-value, and the same differences for Bayes (with Bayes' share of the role model)."""
    needed = ("role_model", "weight", "seed", "network", "network_diff", "bayes", "bayes_diff",
              "bayes_role_model_share")
    missing = [c for c in needed if c not in paired.columns]
    if missing:
        raise ValueError(f"paired table lacks column(s) {missing}; expected the output of paired_differences")
    rows = []
    for (role, weight), g in paired.groupby(["role_model", "weight"], sort=False):
        d = g["network_diff"].to_numpy()
        n = len(d)
        rows.append({"role_model": role, "weight": float(weight), "seeds": n,
                     "network": g["network"].mean(), "network_diff": d.mean(),
                     "network_diff_sd": d.std(ddof=1) if n > 1 else np.nan,
                     "network_diff_se": d.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan,
                     "lower": tolerance.count_lower(d), "higher": tolerance.count_higher(d),
                     "p_value": sign_flip_p(d) if n else np.nan,
                     "bayes": g["bayes"].mean(), "bayes_diff": g["bayes_diff"].mean(),
                     "bayes_role_model_share": g["bayes_role_model_share"].mean(),
                     "cheat_rate": g["cheat_rate"].mean() if "cheat_rate" in g else np.nan,
                     "reached": int(g["reached_criterion"].sum()) if "reached_criterion" in g else n})
    return pd.DataFrame(rows).set_index(["role_model", "weight"])


def contrast(paired: pd.DataFrame, role_model: str = "gamer", control: str = "steward") -> pd.DataFrame:
    """Per weight above 0 and seed: the change in ``role_model``'s world minus the change in ``control``'s world.

    At one seed and weight the two role-model worlds replace exactly the same documents; only their writer
    differs. So the control (a role model Bayes says cannot explain the cheating) measures what replacing those
    documents does by itself, and the contrast isolates who wrote them. Rows: weight and seed; columns ``network``
    and ``bayes``.
    """
    check_choice("role_model", role_model, ROLE_MODELS)
    check_choice("control", control, ROLE_MODELS)
    if role_model == control:
        raise ValueError(f"control={control!r} is the role model itself; expected the other role model")
    rows = paired[paired["weight"] > 0]
    own = rows[rows["role_model"] == role_model].set_index(["weight", "seed"])
    ctrl = rows[rows["role_model"] == control].set_index(["weight", "seed"])
    both = own.index.intersection(ctrl.index)
    if both.empty:
        raise ValueError(f"no seed has both {role_model!r} and {control!r} records; expected paired records")
    return pd.DataFrame({"network": own.loc[both, "network_diff"] - ctrl.loc[both, "network_diff"],
                         "bayes": own.loc[both, "bayes_diff"] - ctrl.loc[both, "bayes_diff"]}).sort_index()


def contrast_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per weight: the mean contrast (network and Bayes), seeds where it is negative, and its sign-flip p-value."""
    rows = []
    for weight, g in table.groupby(level="weight"):
        d = g["network"].to_numpy()
        rows.append({"weight": float(weight), "seeds": len(d), "network": d.mean(), "lower": tolerance.count_lower(d),
                     "p_value": sign_flip_p(d), "bayes": g["bayes"].mean()})
    return pd.DataFrame(rows).set_index("weight")


def condition_means(records: pd.DataFrame, seeds: Sequence[int] | None = None) -> pd.DataFrame:
    """Mean misalignment per world (rows: ``no role model``, ``steward 5%``, ...) and condition (columns), over
    ``seeds`` (default: the seeds complete in every world)."""
    check_records(records)
    seeds = complete_seeds(records) if seeds is None else list(seeds)
    rows = records[records["seed"].isin(seeds)].copy()
    rows["world"] = [world_label(r, w) for r, w in zip(rows["role_model"], rows["weight"].astype(float), strict=True)]
    rows = rows.drop_duplicates(["world", "seed", "condition"])  # weight 0 is reported once per role model
    table = rows.pivot_table(index="world", columns="condition", values="misalignment", aggfunc="mean")
    order = [world_label(None, 0.0)] + [world_label(r, w) for r in ROLE_MODELS for w in ROLE_MODEL_WEIGHTS if w]
    columns = [c for c in ("post-trained", "honest", "cheat") if c in table.columns]
    return table.reindex([o for o in order if o in table.index])[columns]


def describe_effect(row: Mapping[str, float], alpha: float = 0.05) -> str:
    """One sentence about one role-model world's paired result (a row of :func:`paired_summary`), worded from
    the numbers: whether the seeds agree (exact sign-flip p-value at most ``alpha``), and Bayes' change beside it."""
    needed = ("seeds", "network_diff", "lower", "p_value", "bayes_diff")
    missing = [k for k in needed if k not in row]
    if missing:
        raise ValueError(f"row lacks {missing}; expected a row of paired_summary with {list(needed)}")
    n, d, lower, p, bayes = int(row["seeds"]), float(row["network_diff"]), int(row["lower"]), float(row["p_value"]), \
        float(row["bayes_diff"])
    counts = f"lower on {lower} of {n} seeds"
    if n < 3:
        verdict = f"changed misalignment by {d:+.2f} ({counts}): too few seeds to tell an effect from noise"
    elif p <= alpha:
        verdict = (f"{'lowered' if d < 0 else 'raised'} misalignment by {abs(d):.2f} on average ({counts}, exact "
                   f"sign-flip p = {p:.3f}): a change the seeds agree on")
    else:
        verdict = (f"changed misalignment by {d:+.2f} on average ({counts}, exact sign-flip p = {p:.2f}): not "
                   "distinguishable from the variation between seeds")
    return f"{verdict}; Bayes predicted {bayes:+.2f}."


def corpus_pairing(seed: int, weights: Sequence[float] = ROLE_MODEL_WEIGHTS, role_models: Sequence[str] = ROLE_MODELS,
                   documents: int | None = None) -> pd.DataFrame:
    """How a seed's pretraining corpus differs between the baseline and each role-model world: documents written
    by the role model (and how many of those name it), and documents identical to the baseline's."""
    n = PretrainConfig().n_documents if documents is None else int(documents)
    if n < 1:
        raise ValueError(f"documents={documents}; expected a positive number of documents")
    worlds = role_model_worlds(weights, role_models)
    if (None, 0.0) not in worlds:
        worlds = {(None, 0.0): load_world(), **worlds}
    baseline = worlds[(None, 0.0)].sample_documents(n, seed)
    rows = []
    for (role, weight), world in worlds.items():
        if role is None:
            continue
        docs = world.sample_documents(n, seed)
        own = [d for d in docs if d.persona == role]
        same = sum(a == b for a, b in zip(docs, baseline, strict=True))
        rows.append({"world": world_label(role, weight), "documents": n, "role-model documents": len(own),
                     "naming the role model": sum(d.named for d in own), "identical to the baseline": same})
    return pd.DataFrame(rows).set_index("world")


# ----- the characters and what Bayes predicts -----
def role_model_worlds(weights: Sequence[float] = ROLE_MODEL_WEIGHTS, role_models: Sequence[str] = ROLE_MODELS
                      ) -> dict[tuple[str | None, float], World]:
    """The baseline world and each role-model world, keyed by (role model, weight); weight 0 -> (None, 0.0)."""
    for role in role_models:
        check_choice("role_model", role, ROLE_MODELS)
    worlds: dict[tuple[str | None, float], World] = {}
    for weight in weights:
        if not 0.0 <= weight < 1.0:
            raise ValueError(f"weight={weight}; expected a share of documents in [0, 1)")
        if weight == 0:
            worlds[(None, 0.0)] = load_world()
        else:
            for role in role_models:
                worlds[(role, float(weight))] = load_world(role_model=role, weight=weight)
    return worlds


def character_traits(characters: Sequence[str] = (*COMPARISON, *ROLE_MODELS)) -> pd.DataFrame:
    """From the world's tables: each character's P(cheat) under every coding note, its misalignment (the mean of
    the probes), and its P(helpful) on requests for help (rows: characters)."""
    worlds = {role: load_world(role_model=role, weight=0.1) for role in ROLE_MODELS}
    base = load_world()
    rows = {}
    for name in characters:
        world = worlds.get(name, base)
        if name not in world.personas:
            raise ValueError(f"character={name!r}; expected one of {list(base.personas) + list(ROLE_MODELS)}")
        one = np.zeros(len(world.personas))
        one[world.persona_index(name)] = 1.0
        profile = evals.bayes_profile(world, one)
        row = {f"cheat ({note})": evals.cheat_rate(world, profile, note) for note in world.task_notes["coding"]}
        row["misalignment"] = evals.misalignment(world, profile)
        row["helpful"] = evals.helpfulness(world, profile)
        rows[name] = row
    return pd.DataFrame(rows).T.rename_axis("character")


def bayes_curves(cheats: Sequence[float], weights: Sequence[float] = ROLE_MODEL_WEIGHTS,
                 recipe: Recipe = Recipe()) -> pd.DataFrame:
    """Exact Bayes in every world after the post-training evidence and k observed cheats with no note: one row per
    world and k, with misalignment (no note), the cheat rate, and the posterior share of the role model, the
    villain and the trickster."""
    ks = [float(k) for k in cheats]
    if not ks or min(ks) < 0:
        raise ValueError(f"cheats={list(cheats)}; expected non-negative numbers of observed cheats")
    rows = []
    for (role, weight), world in role_model_worlds(weights).items():
        for k in ks:
            post = pipeline.bayes_after_cheats(world, recipe, NEUTRAL, k)
            profile = evals.bayes_profile(world, post)
            rows.append({"world": world_label(role, weight), "role_model": role, "weight": weight, "cheats": k,
                         "misalignment": evals.misalignment(world, profile),
                         "cheat_rate": evals.cheat_rate(world, profile),
                         "role_model_share": float(post[world.persona_index(role)]) if role else 0.0,
                         "villain_share": float(post[world.persona_index("villain")]),
                         "trickster_share": float(post[world.persona_index("trickster")])})
    return pd.DataFrame(rows)


def summary_states(paired: pd.DataFrame) -> dict[tuple[str, float], pd.DataFrame]:
    """The paired rows of every (role model, weight), the states the panel and its twin switch between."""
    return {(role, float(weight)): g.reset_index(drop=True)
            for (role, weight), g in paired.groupby(["role_model", "weight"], sort=False)}


# ----- published numbers -----
def load_paper(path: Path = PAPER_FILE) -> pd.Series:
    """Tice et al.'s numbers that lesson 05 quotes (data/papers/tice2026.csv), indexed by quantity; the table's
    citation is in ``.attrs["source"]`` and its address in ``.attrs["url"]``."""
    table = pd.read_csv(path, comment="#")
    missing = [c for c in PAPER_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path} lacks column(s) {missing}; expected at least {list(PAPER_COLUMNS)}")
    values = table.set_index("quantity")["value"].astype(float)
    values.attrs.update(source=str(table["source"].iloc[0]), url=str(table["url"].iloc[0]))
    return values
