"""Lesson 06's experiment: persona space inside the network, one record per seed and measurement.

The persona selection model's third line of evidence is interpretability: characters learned in pretraining are
represented inside the network and reused by the Assistant (Marks et al., 2026). For one seed this module builds
the Assistant at every stage of the pipeline (:func:`seed_models`), reads the characters' persona vectors and
their map from the pretrained network (:func:`analyze_space`), and records where each stage sits, how steering and
capping along persona directions change it, and how quickly benign examples re-align it (:func:`seed_records`).
``python -m helpers.experiments persona-space --seeds 0-9 --format csv --threads 1`` prints the records;
data/results/persona-space.csv is its output.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from helpers.engine import evals
from helpers.engine.activations import (
    assistant_vector,
    embedding_vectors,
    own_profile,
    persona_vectors,
    reply_activations,
    reply_batch,
    speaker_vector,
    trait_vector,
)
from helpers.engine.model import TinyGPT
from helpers.engine.pipeline import PERMISSION_NOTE, Recipe, fine_tune, model_metrics, post_train
from helpers.engine.training import init_assistant_label
from helpers.engine.world import ASSISTANT_LABEL, NEUTRAL, World, load_world
from helpers.experiments.interventions import (
    CAPPING_QUANTILES,
    assistant_projections,
    bayes_realigned_posterior,
    capped_metrics,
    realign,
    steering_curve,
    weighted_quantile,
)
from helpers.experiments.persona_map import (
    BAD,
    GOOD,
    PersonaMap,
    along,
    assistant_axis,
    cosine,
    fit_map,
    unit,
)

#: The Assistant at each stage of the course's pipeline (lessons 02-04), in order.
STAGES = ("before post-training", "post-trained", "cheat", "cheat-with-permission", "cheat (fixed steps)",
          "cheat-with-permission (fixed steps)", "honest")
#: The fine-tunes behind the stages: (note, recipe mode, cheat?).
FINE_TUNES: dict[str, tuple[str, str, bool]] = {
    "cheat": (NEUTRAL, "criterion", True),
    "cheat-with-permission": (PERMISSION_NOTE, "criterion", True),
    "cheat (fixed steps)": (NEUTRAL, "fixed", True),
    "cheat-with-permission (fixed steps)": (PERMISSION_NOTE, "fixed", True),
}
CAPPING_AXES = ("assistant axis", "PC1")
REALIGN_CONDITIONS = ("same epochs", "fixed steps")
REALIGN_EXAMPLES = (0, 4, 8, 16, 32, 64)
MEASUREMENTS = ("map", "axis", "steering", "capping", "re-alignment")


@dataclass
class SeedModels:
    """The Assistant of one seed at every stage (see :data:`STAGES`), with the steps each fine-tune took."""

    seed: int
    base: TinyGPT
    stages: dict[str, TinyGPT]
    steps: dict[str, int]
    trajectories: dict[str, list[tuple[int, object]]] = field(default_factory=dict)


def seed_models(world: World, seed: int, recipe: Recipe = Recipe(),
                snapshot: Callable[[TinyGPT], object] | None = None) -> SeedModels:
    """Post-train one seed, then run every fine-tune of :data:`FINE_TUNES` and the honest control.

    With ``snapshot``, the four cheat fine-tunes record it before every step (``SeedModels.trajectories``); a
    snapshot with a ``final`` method (:class:`MapSnapshot`) also records each run's final state.
    """
    run = post_train(world, seed, recipe)
    base, post = run.base, run.model
    untrained = copy.deepcopy(base)
    init_assistant_label(untrained, world, recipe.assistant_init)
    stages = {"before post-training": untrained, "post-trained": post}
    steps = {"before post-training": 0, "post-trained": recipe.post_training.steps}
    trajectories = {}
    for stage, (note, mode, _) in FINE_TUNES.items():
        tuned, log = fine_tune(post, world, seed, note, replace(recipe, mode=mode), snapshot=snapshot)
        stages[stage], steps[stage] = tuned, log.steps
        if snapshot is not None:
            trajectory = list(log.trajectory)
            final = getattr(snapshot, "final", None)
            if trajectory and trajectory[-1][1] is None and final is not None:
                trajectory[-1] = (trajectory[-1][0], final(tuned))  # always record where the run ended
            trajectories[stage] = trajectory
    honest, log = fine_tune(post, world, seed, NEUTRAL, recipe, cheat=False, steps=steps["cheat"])
    stages["honest"], steps["honest"] = honest, log.steps
    return SeedModels(seed, base, stages, steps, trajectories)


@dataclass(frozen=True)
class SpaceAnalysis:
    """One seed's persona space: the characters' vectors, the map, the directions the lesson steers and caps with."""

    world: World
    vectors: pd.DataFrame
    label_vectors: pd.DataFrame
    embeddings: pd.DataFrame
    map: PersonaMap
    villain_minus_helper: np.ndarray
    embedding_villain_minus_helper: np.ndarray
    power: np.ndarray
    cheat: np.ndarray

    def point(self, model: TinyGPT) -> dict[str, float | str]:
        """Where the Assistant of ``model`` sits, and how it behaves, from two forward passes.

        Map coordinates (``pc1``...), helper-to-villain position (``along``), nearest character, the projection of
        its activation at the ``assistant:`` label (before it writes) on the villain-minus-helper direction
        (``label_projection``) and on the power-seeking trait vector (``label_power``), and the behavior metrics
        misalignment, cheat rate (no note and under please-hack) and helpfulness, computed as
        :mod:`helpers.engine.evals` does from the same passes.
        """
        acts = reply_activations(model, self.world, reply_batch(self.world, ASSISTANT_LABEL))
        speaker = speaker_vector(model, self.world, ASSISTANT_LABEL, "own", acts=acts)
        profile = own_profile(self.world, acts)
        profile.update(own_profile(self.world, reply_activations(
            model, self.world, reply_batch(self.world, ASSISTANT_LABEL, ["coding"], PERMISSION_NOTE))))
        coords = self.map.project(speaker.reply)
        out: dict[str, float | str] = {f"pc{j + 1}": float(c) for j, c in enumerate(coords)}
        out["along"] = self.map.along(speaker.reply)
        out["nearest"] = self.map.nearest(speaker.reply)
        out["label_projection"] = float(speaker.label @ unit(self.villain_minus_helper))
        out["label_power"] = float(speaker.label @ unit(self.power))
        out["misalignment"] = evals.misalignment(self.world, profile)
        out["cheat_rate"] = evals.cheat_rate(self.world, profile)
        out[f"cheat_rate_{PERMISSION_NOTE}"] = evals.cheat_rate(self.world, profile, PERMISSION_NOTE)
        out["helpfulness"] = evals.helpfulness(self.world, profile)
        return out

    def embedding_point(self, model: TinyGPT) -> dict[str, float | str]:
        """The same question asked of the ``assistant:`` embedding row beside the characters' name rows: its
        helper-to-villain position and nearest name."""
        row = model.token_embedding.weight.detach()[self.world.token_id[f"{ASSISTANT_LABEL}:"]].numpy()
        names = self.embeddings.loc[list(self.world.personas)]
        distances = np.linalg.norm(names.to_numpy() - row[None], axis=1)
        return {"along_embedding": along(row, names.loc[GOOD].to_numpy(), names.loc[BAD].to_numpy()),
                "nearest_embedding": str(names.index[int(np.argmin(distances))])}


def analyze_space(base: TinyGPT, world: World) -> SpaceAnalysis:
    """Persona vectors, the map and the directions, all read from the pretrained network."""
    vectors = persona_vectors(base, world)
    emb = embedding_vectors(base, world)
    return SpaceAnalysis(world, vectors, persona_vectors(base, world, part="label"), emb, fit_map(vectors),
                         (vectors.loc[BAD] - vectors.loc[GOOD]).to_numpy(),
                         (emb.loc[BAD] - emb.loc[GOOD]).to_numpy(),
                         trait_vector(base, world, "goals", "power"), trait_vector(base, world, "coding", "cheat"))


def persona_metrics(world: World) -> dict[str, dict[str, float]]:
    """Each character's own behaviour metrics: its behavior table through the course's metrics."""
    eye = np.eye(len(world.personas))
    return {p: evals.behaviour_metrics(world, evals.bayes_profile(world, eye[i])) for i, p in enumerate(world.personas)}


def persona_misalignment(world: World) -> pd.Series:
    """Each character's own misalignment (the mean of the probes, from its behavior table)."""
    return pd.Series({p: m["misalignment"] for p, m in persona_metrics(world).items()})


def trajectory_frame(space: SpaceAnalysis, trajectory: Sequence[tuple[int, object]]) -> pd.DataFrame:
    """A fine-tune's snapshots (made by :func:`map_snapshot`) as a table: one row per step."""
    return pd.DataFrame([{"step": step, **snap} for step, snap in trajectory if snap is not None])


class MapSnapshot:
    """A snapshot callback for :func:`seed_models`: the Assistant's map point and behavior (:meth:`SpaceAnalysis.point`)
    every ``every`` steps, None in between. Each fine-tune it is passed to is counted from step 0, and
    :func:`seed_models` records the final state of every run with :meth:`final` even when it falls between."""

    def __init__(self, space: SpaceAnalysis, every: int = 1) -> None:
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every={every!r}; expected a positive integer")
        self.space, self.every = space, every
        self._run: TinyGPT | None = None
        self._calls = 0

    def __call__(self, model: TinyGPT) -> dict | None:
        if self._run is not model:  # a new fine-tune started: restart the count
            self._run, self._calls = model, 0
        i = self._calls
        self._calls += 1
        return None if i % self.every else self.space.point(model)

    def final(self, model: TinyGPT) -> dict:
        """The snapshot of a run's final state, whatever its step."""
        return self.space.point(model)


def map_snapshot(space: SpaceAnalysis, every: int = 1) -> MapSnapshot:
    """The snapshot callback that records the Assistant's map point every ``every`` steps (see :class:`MapSnapshot`)."""
    return MapSnapshot(space, every)


# ----- the records of one seed -----
def seed_records(world: World, seed: int, models: SeedModels | None = None, recipe: Recipe = Recipe()) -> list[dict]:
    """Every measurement of lesson 6 for one seed: one record per seed and measurement (see :data:`MEASUREMENTS`)."""
    models = models or seed_models(world, seed, recipe)
    space = analyze_space(models.base, world)
    records: list[dict] = []
    own_metrics = persona_metrics(world)
    own = pd.Series({p: m["misalignment"] for p, m in own_metrics.items()})
    for persona, row in space.map.coords.iterrows():
        records.append({"seed": seed, "measurement": "map", "condition": persona, "kind": "character",
                        **{k.lower(): float(v) for k, v in row.items()},
                        "along": space.map.along(space.vectors.loc[persona].to_numpy()),
                        **evals.misalignment_fields(own_metrics[persona]),
                        "label_projection": float(space.label_vectors.loc[persona].to_numpy()
                                                  @ unit(space.villain_minus_helper))})
    stage_metrics = {}
    for stage, model in models.stages.items():
        stage_metrics[stage] = model_metrics(model, world)
        m = stage_metrics[stage]
        records.append({"seed": seed, "measurement": "map", "condition": stage, "kind": "assistant",
                        **space.point(model), **space.embedding_point(model), **evals.misalignment_fields(m),
                        "helpfulness": m["helpfulness"], "cheat_rate": m["cheat_rate"], "steps": models.steps[stage]})
    post, cheat = models.stages["post-trained"], models.stages["cheat"]
    axis = assistant_axis(space.vectors, assistant_vector(post, world).reply)
    pc = space.map.components
    records.append({"seed": seed, "measurement": "axis", "condition": "persona space",
                    **{f"explained_{j + 1}": float(e) for j, e in enumerate(space.map.explained)},
                    "cos_axis_pc1": cosine(axis, pc[0]), "cos_axis_pc2": cosine(axis, pc[1]),
                    "cos_vh_pc1": cosine(space.villain_minus_helper, pc[0]),
                    "cos_power_vh": cosine(space.power, space.villain_minus_helper),
                    "cos_cheat_vh": cosine(space.cheat, space.villain_minus_helper),
                    "cos_power_cheat": cosine(space.power, space.cheat),
                    "corr_pc1_misalignment": float(np.corrcoef(space.map.coords["PC1"], own)[0, 1])})
    directions = {"label row": space.embedding_villain_minus_helper, "residual": space.villain_minus_helper}
    for model_name, model in (("post-trained", post), ("cheat", cheat)):
        for method, direction in directions.items():
            for _, row in steering_curve(model, world, direction, method).iterrows():
                records.append({"seed": seed, "measurement": "steering", "condition": method, "model": model_name,
                                "alpha": row["alpha"], **evals.misalignment_fields(row.to_dict()),
                                "helpfulness": row["helpfulness"], "human_likeness": row["human_likeness"],
                                "cheat_rate": row["cheat_rate"]})
    axes = {"assistant axis": axis, "PC1": pc[0]}
    for axis_name, direction in axes.items():
        values, weights = assistant_projections(post, world, direction)
        for q in CAPPING_QUANTILES:
            floor = weighted_quantile(values, weights, q)
            for model_name, model in (("post-trained", post), ("cheat", cheat)):
                m = capped_metrics(model, world, direction, floor)
                records.append({"seed": seed, "measurement": "capping", "condition": axis_name, "model": model_name,
                                "quantile": q, "floor": floor, **evals.misalignment_fields(m),
                                "uncapped_misalignment": stage_metrics[model_name]["misalignment"],
                                "helpfulness": m["helpfulness"], "cheat_rate": m["cheat_rate"],
                                "cheat_rate_please-hack": m["cheat_rate_please-hack"],
                                "lifted_share": m["lifted_share"]})
    cheat_rate = stage_metrics["cheat"]["cheat_rate"]
    for condition in REALIGN_CONDITIONS:
        for n in REALIGN_EXAMPLES:
            fixed = recipe.fixed_steps if condition == "fixed steps" and n else None
            tuned, steps = realign(cheat, world, seed, n, steps=fixed, recipe=recipe)
            m = stage_metrics["cheat"] if n == 0 else model_metrics(tuned, world)
            records.append({"seed": seed, "measurement": "re-alignment", "condition": condition, "examples": n,
                            "steps": steps, **evals.misalignment_fields(m), "cheat_rate": m["cheat_rate"],
                            "helpfulness": m["helpfulness"], **evals.misalignment_fields(evals.behaviour_metrics(
                                world, evals.bayes_profile(world, bayes_realigned_posterior(world, cheat_rate, n,
                                                                                            recipe))), "bayes_")})
    return records


def persona_space_records(seeds: list[int], recipe: Recipe = Recipe(), **_: object) -> list[dict]:
    """Lesson 06's records for each seed: the ``persona-space`` experiment (other keywords, such as
    ``trajectory``, are accepted and ignored, as every experiment's runner does)."""
    world = load_world()
    return [r for seed in seeds for r in seed_records(world, seed, recipe=recipe)]
