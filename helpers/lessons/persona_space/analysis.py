"""Lesson 06's reading of the shipped persona-space records (data/results/persona-space.csv), seeds 0-9, and of
the published numbers it compares them with. The measurements themselves are :mod:`helpers.experiments.persona_space`.
"""

from __future__ import annotations

import re
from statistics import NormalDist

import numpy as np
import pandas as pd

from helpers import DATA_DIR
from helpers.engine import tolerance
from helpers.engine.validation import check_choice
from helpers.experiments.interventions import CAPPING_QUANTILE
from helpers.experiments.persona_space import MEASUREMENTS, REALIGN_CONDITIONS, STAGES
from helpers.experiments.summaries import load_results

RESULTS_NAME = "persona-space"
PAPERS_FILE = "persona_space"
PAPER_COLUMNS = ("source", "url", "finding", "value", "value_text", "unit", "note")


def load_records() -> pd.DataFrame:
    """The shipped records of seeds 0-9 (the CLI command that made them is the file's first line)."""
    return load_results(RESULTS_NAME)


def _measurement(records: pd.DataFrame, name: str) -> pd.DataFrame:
    check_choice("measurement", name, MEASUREMENTS)
    needed = {"seed", "measurement", "condition"}
    if not needed <= set(records.columns):
        raise ValueError(f"records with columns {sorted(records.columns)}; expected at least {sorted(needed)}")
    rows = records[records["measurement"] == name]
    if rows.empty:
        raise ValueError(f"records have no {name!r} measurement; expected the persona-space records")
    return rows


def _map_table(records: pd.DataFrame, kind: str, column: str) -> pd.DataFrame:
    """Seeds x conditions: one column of the map records of one kind (the Assistant's stages or the characters)."""
    rows = _measurement(records, "map")
    rows = rows[rows["kind"] == kind]
    if column not in rows:
        raise ValueError(f"column={column!r}; expected one of {sorted(rows.columns)}")
    return rows.pivot(index="seed", columns="condition", values=column)


def stage_table(records: pd.DataFrame, column: str = "along") -> pd.DataFrame:
    """Seeds x stages: one column of the Assistant's map records (``along``, ``misalignment``, ``nearest``...)."""
    table = _map_table(records, "assistant", column)
    return table[[s for s in STAGES if s in table.columns]]


def character_table(records: pd.DataFrame, column: str = "pc1") -> pd.DataFrame:
    """Seeds x characters, in the records' order: one column of the characters' map records (``pc1``...)."""
    table = _map_table(records, "character", column)
    order = records.loc[(records["measurement"] == "map") & (records["kind"] == "character"), "condition"]
    return table[list(order.drop_duplicates())]


def pc1_agreement(records: pd.DataFrame) -> pd.Series:
    """For each pair of seeds, the correlation of the characters' PC1 coordinates (the toy's version of Lu et
    al.'s agreement of role loadings across models)."""
    table = character_table(records, "pc1")
    corr = np.corrcoef(table.to_numpy())
    pairs = {(int(a), int(b)): float(corr[i, j]) for i, a in enumerate(table.index) for j, b in enumerate(table.index)
             if i < j}
    return pd.Series(pairs, name="pc1 correlation")


def axis_table(records: pd.DataFrame) -> pd.DataFrame:
    """Per seed: explained variance of the first components and the cosines between the directions."""
    return _measurement(records, "axis").set_index("seed").dropna(axis=1, how="all").drop(
        columns=["measurement", "condition"])


def steering_summary(records: pd.DataFrame, metric: str = "misalignment") -> pd.DataFrame:
    """Mean, min and max over seeds of ``metric`` per steering method, model and alpha."""
    rows = _measurement(records, "steering")
    return (rows.groupby(["model", "condition", "alpha"])[metric].agg(["mean", "min", "max", "count"])
            .reset_index())


def capping_table(records: pd.DataFrame, quantile: float = CAPPING_QUANTILE, model: str = "cheat") -> pd.DataFrame:
    """Per seed and capping axis: misalignment uncapped and capped, and the share of it the cap removed."""
    rows = _measurement(records, "capping")
    rows = rows[np.isclose(rows["quantile"], quantile) & (rows["model"] == model)]
    if rows.empty:
        raise ValueError(f"quantile={quantile}, model={model!r}; expected one of the recorded quantiles "
                         f"{sorted(_measurement(records, 'capping')['quantile'].unique())} and models "
                         "['cheat', 'post-trained']")
    out = rows[["seed", "condition", "uncapped_misalignment", "misalignment", "helpfulness", "lifted_share"]].copy()
    rise = out["uncapped_misalignment"]
    out["removed"] = (rise - out["misalignment"]) / rise
    return out.rename(columns={"condition": "axis", "misalignment": "capped_misalignment"}).reset_index(drop=True)


def realign_table(records: pd.DataFrame, metric: str = "misalignment") -> pd.DataFrame:
    """Seeds x examples, for each re-alignment condition (columns: (condition, examples))."""
    rows = _measurement(records, "re-alignment").astype({"examples": int})
    return rows.pivot_table(index="seed", columns=["condition", "examples"], values=metric, aggfunc="first")


def examples_needed(records: pd.DataFrame, condition: str = "same epochs", margin: float = 0.05) -> pd.Series:
    """Per seed: the fewest benign examples after which misalignment is within ``margin`` of the post-trained
    Assistant's (NaN if none of the recorded numbers did it)."""
    check_choice("condition", condition, REALIGN_CONDITIONS)
    table = realign_table(records)[condition]
    target = stage_table(records, "misalignment")["post-trained"] + margin
    out = {}
    for seed, row in table.iterrows():
        reached = [int(n) for n, v in row.items() if tolerance.signs(v - target[seed]) <= 0]
        out[int(seed)] = min(reached) if reached else np.nan
    return pd.Series(out, name=f"examples needed ({condition})")


def monitor_table(records: pd.DataFrame) -> pd.DataFrame:
    """Every Assistant stage of every seed: the projection of its label activation (before it writes) on the
    villain-minus-helper direction, and its misalignment."""
    rows = _measurement(records, "map")
    rows = rows[rows["kind"] == "assistant"]
    return rows[["seed", "condition", "label_projection", "label_power", "misalignment"]].reset_index(drop=True)


def within_seed_correlation(table: pd.DataFrame, x: str, y: str = "misalignment") -> pd.Series:
    """Per seed, the correlation of two columns across the Assistant's stages."""
    return table.groupby("seed").apply(lambda g: float(np.corrcoef(g[x], g[y])[0, 1]), include_groups=False)


def correlation_interval(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """An approximate ``level`` interval for a correlation ``r`` measured on ``n`` points (Fisher's z). It assumes
    independent points from a bivariate normal, which stages of one training run are not: read it as a rough
    guide to how little a handful of points pins down."""
    if n < 4:
        raise ValueError(f"n={n}; expected at least 4 points for Fisher's interval")
    if not 0 < level < 1:
        raise ValueError(f"level={level}; expected a number between 0 and 1")
    z, half = np.arctanh(np.clip(r, -0.999999, 0.999999)), NormalDist().inv_cdf(0.5 + level / 2) / np.sqrt(n - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def monitor_support(records: pd.DataFrame, x: str = "label_projection", level: float = 0.95) -> pd.DataFrame:
    """Per seed, what the monitor's correlation rests on: the number of stages, how many of them are distinct
    points (a fine-tune that trained 0 steps repeats the post-trained Assistant), the correlation, and its
    approximate ``level`` interval computed on the distinct points."""
    table = monitor_table(records)
    rows = {}
    for seed, group in table.groupby("seed"):
        points = group[[x, "misalignment"]].to_numpy(dtype=float)
        distinct = [p for i, p in enumerate(points) if not any(tolerance.same(p, q) for q in points[:i])]
        r = float(np.corrcoef(np.array(distinct).T)[0, 1])
        low, high = correlation_interval(r, len(distinct), level)
        rows[int(seed)] = {"stages": len(points), "distinct points": len(distinct), "r": r, "low": low,
                           "high": high}
    return pd.DataFrame(rows).T.astype({"stages": int, "distinct points": int})


def pc_misalignment(records: pd.DataFrame) -> pd.DataFrame:
    """Per seed and principal component (PC1-PC3): the correlation of the characters' coordinates with their own
    misalignment. Which component carries the good-to-bad direction, seed by seed."""
    rows = _measurement(records, "map")
    rows = rows[rows["kind"] == "character"]
    pcs = [c for c in ("pc1", "pc2", "pc3") if c in rows]
    return rows.groupby("seed").apply(
        lambda g: pd.Series({c.upper(): float(np.corrcoef(g[c], g["misalignment"])[0, 1]) for c in pcs}),
        include_groups=False)


def load_papers() -> pd.DataFrame:
    """The published numbers and findings lesson 06 cites (data/papers/persona_space.csv)."""
    path = DATA_DIR / "papers" / f"{PAPERS_FILE}.csv"
    table = pd.read_csv(path, comment="#")
    missing = [c for c in PAPER_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name} lacks column(s) {missing}; expected {list(PAPER_COLUMNS)}")
    return table.assign(paper=table["source"].map(short_citation))


def short_citation(source: str) -> str:
    """"Lu, Gallagher, ... & Lindsey (2026), The Assistant Axis, ..." -> "Lu et al. (2026)"; a source already
    written as "Wang et al. (2025), ..." keeps its first part."""
    match = re.match(r"\s*([^,(&]+?)(\s+et al\.)?\s*([,&][^(]*)?\((\d{4})\)", source)
    if match is None:
        raise ValueError(f"source {source!r}: expected 'Author[, ...] (YYYY), title'")
    first, et_al, others, year = match.groups()
    return f"{first.strip()}{' et al.' if et_al or others else ''} ({year})"
