"""Lesson 4's analysis: the RL runs' trajectories, the Bayesian picture beside them, the framings and the paper.

Pure functions over the shipped experiment records (``data/results/rl*.csv``, see
:mod:`helpers.experiments.summaries`) and the world's tables, plus the lesson's live pieces: a few sampled
episodes with their rewards (:func:`sample_episodes`) and one seed's RL run now (:func:`live_rl_run`, with a
callback for a progress bar). The permission toggle's own numbers are in :mod:`helpers.lessons.cheating.toggle`.
Plots (:mod:`helpers.lessons.cheating.figures`) and widgets (:mod:`helpers.lessons.cheating.widgets`) only draw
what these functions return.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import DATA_DIR
from helpers.engine import evals, pipeline, rl, verdicts
from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import PERMISSION_NOTE, Recipe
from helpers.engine.validation import check_columns
from helpers.engine.world import ASSISTANT_LABEL, NEUTRAL, World
from helpers.experiments import summaries

PAPERS_DIR = DATA_DIR / "papers"
PAPER_COLUMNS = ("source", "url", "setting", "evaluation", "value", "baseline")
#: The rl experiment's conditions the battery compares (the start, the two toggle states, the hack-proof control).
BATTERY_CONDITIONS = ("post-trained", NEUTRAL, PERMISSION_NOTE, "hack-proof")


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
    """Per RL step, a metric over seeds: mean, standard deviation, min, max and the number of seeds with a value.

    A run shorter than ``steps`` keeps its final value for later steps. ``steps`` is the last step shown (default:
    the longest run). Drop the rows where a metric is missing first (reward and hack rate have none after the last
    step, which sampled no batch).
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
                  conditions: Sequence[str] = BATTERY_CONDITIONS,
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


def battery_rises(table: pd.DataFrame, condition: str = NEUTRAL, baseline: str = "post-trained") -> pd.DataFrame:
    """Per probe: the rise in misalignment from ``baseline`` to ``condition``, network and Bayes (means over seeds)."""
    wide = table.pivot(index="probe", columns="condition", values=["network", "bayes"])
    order = list(dict.fromkeys(table["probe"]))
    return pd.DataFrame({"network": wide["network"][condition] - wide["network"][baseline],
                         "bayes": wide["bayes"][condition] - wide["bayes"][baseline]}).loc[order]


def framings_table(records: pd.DataFrame) -> pd.DataFrame:
    """Per RL condition (means over seeds): misalignment, its rise over the post-trained start and that rise as a
    share of the neutral rise, how often the Assistant hacks under its training note and with no note, and the
    final reward."""
    check_columns(records, ("seed", "condition", "misalignment", "cheat_rate", "cheat_rate_under_note", "reward"),
                  "the rl records")
    mis = condition_table(records).drop(columns="post-trained")
    table = pd.DataFrame({"misalignment": mis.mean(), "sd": mis.std(ddof=0), "rise": summaries.rises(records).mean()})
    table["ratio_to_neutral"] = summaries.framing_ratios(records).reindex(table.index)
    table.loc["neutral", "ratio_to_neutral"] = 1.0
    for metric in ("cheat_rate_under_note", "cheat_rate", "reward"):
        table[metric] = condition_table(records, metric).mean().reindex(table.index)
    order = [c for c in (*pipeline.FRAMINGS, "hack-proof") if c in table.index]
    return table.loc[order]


# ----- the experiment in plain sight -----
def training_prompts(world: World, notes: Sequence[str] = (NEUTRAL, PERMISSION_NOTE)) -> pd.DataFrame:
    """The coding prompts exactly as RL shows them to the Assistant, one row per prompt and note."""
    rows = []
    for note in notes:
        world.check_note("coding", note)
        rows += [{"note": note, "prompt": world.prompt_text("coding", p, note, ASSISTANT_LABEL)}
                 for p in range(len(world.prompts["coding"]))]
    return pd.DataFrame(rows)


def describe_step(run: rl.RLRun, batch: rl.StepLog) -> pd.DataFrame:
    """One RL step's episodes as a table: the coding task, the reply sampled, whether it is a hack, its reward."""
    tasks = run.reward.tasks
    candidates = run.sampler.candidates
    return pd.DataFrame([{"task": tasks[p], "reply": candidates[c].text if c >= 0 else "(no known reply)",
                          "hack": run.is_hack(c), "reward": r}
                         for p, c, r in zip(batch.prompts, batch.replies, batch.rewards, strict=True)])


def sample_episodes(model: TinyGPT, world: World, note: str, seed: int, hack_proof: bool = False) -> pd.DataFrame:
    """A batch of episodes the model plays under ``note`` (one RL step on a copy: the model is not changed)."""
    run = rl.RLRun(copy.deepcopy(model), world, note, Recipe().rl, seed, verdicts.load(), hack_proof)
    try:
        with rl.torch_threads(rl.THREADS):
            return describe_step(run, run.step())
    finally:
        run.close()


def live_rl_run(world: World, seed: int, note: str, recipe: Recipe = Recipe(),
                on_step: Callable[[int, int], None] | None = None, assistant: TinyGPT | None = None,
                ) -> dict[str, float]:
    """Post-train one seed and RL-fine-tune it under ``note`` now, exactly as the ``rl`` experiment does (same
    seeds, budget and grader); the final record's hack rates, misalignment, reward and steps.

    ``on_step(done, total)`` is called after every step (for a progress bar). ``assistant``, if given, is the
    seed's post-trained model (``pipeline.post_train(world, seed, recipe).model``, which is deterministic), so a
    caller that keeps it skips post-training; it is not changed.
    """
    world.check_note("coding", note)
    model = pipeline.post_train(world, seed, recipe).model if assistant is None else assistant
    tuned, log = pipeline.rl_fine_tune(model, world, seed, note, recipe, on_step=on_step)
    m = pipeline.model_metrics(tuned, world)
    return {"seed": seed, "note": note, "misalignment": m["misalignment"], "cheat_rate": m["cheat_rate"],
            "cheat_rate_under_note": m.get(f"cheat_rate_{note}", m["cheat_rate"]),
            "reward": log.final_reward(), "steps": log.steps}


def honest_attempts(cache: verdicts.VerdictCache) -> pd.DataFrame:
    """Every honest attempt RL can draw for an honest reply: its task, and the real grader's verdicts on it."""
    rows = []
    for task, names in cache.honest.items():
        for name in names:
            v = cache.verdict(task, name)
            rows.append({"task": task, "attempt": name, "passes the grader": v.passes_grader,
                         "really correct": v.really_correct})
    return pd.DataFrame(rows)
