"""Loss curves of pretraining, and the losses of every shipped seed beside the Bayes-optimal floor.

The shipped weights (data/models/) come with their final losses in the manifest, but not the loss at every step.
This module records that curve for one seed by pretraining it again with the shipped recipe (pretraining is
deterministic for a seed and a thread count, so it is the same run):

    python -m helpers.experiments.curves --seed 0

writes ``data/results/pretraining-curve.csv`` (about 10 s); its first line is that command. Lessons load it with
:func:`load_curve`, or build the same table from a live run with :func:`curve_from_losses`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import DATA_DIR
from helpers.engine.checkpoints import MODELS_DIR, read_manifest
from helpers.engine.seeds import MAX_SEED, check_seed
from helpers.engine.training import PretrainConfig, pretrain
from helpers.engine.validation import CommandLine, run_command
from helpers.engine.world import load_world

CURVE_PATH = DATA_DIR / "results" / "pretraining-curve.csv"
COMMAND = "python -m helpers.experiments.curves --seed {seed}"
#: Steps in the running mean that smooths the per-batch losses (each batch is only 32 documents).
SMOOTHING = 25


def curve_from_losses(losses: Sequence[float], seed: int) -> pd.DataFrame:
    """One row per training step: the seed, the step (1-based) and the training loss on that step's batch."""
    losses = [float(x) for x in losses]
    if not losses or not np.isfinite(losses).all():
        raise ValueError(f"losses with {len(losses)} values; expected a non-empty list of finite losses")
    return pd.DataFrame({"seed": int(seed), "step": np.arange(1, len(losses) + 1), "train_loss": losses})


def pretraining_curve(seed: int, config: PretrainConfig = PretrainConfig(), progress: bool = False) -> pd.DataFrame:
    """Pretrain ``seed`` with ``config`` (the shipped recipe by default) and return its per-step training losses."""
    result = pretrain(load_world(), seed, config, progress=progress)
    return curve_from_losses(result.losses, seed)


def smooth(losses: Sequence[float] | pd.Series, window: int = SMOOTHING) -> np.ndarray:
    """Running mean over the last ``window`` steps (fewer at the start), the same length as ``losses``."""
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window={window!r}; expected a positive number of steps")
    values = np.asarray(losses, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"losses with shape {values.shape}; expected a non-empty 1-D sequence")
    return pd.Series(values).rolling(window, min_periods=1).mean().to_numpy()


def write_curve(frame: pd.DataFrame, path: Path | str = CURVE_PATH) -> Path:
    """Write a curve as CSV, its first line the command that regenerates it."""
    seeds = frame["seed"].unique()
    if len(seeds) != 1:
        raise ValueError(f"a curve with seeds {list(seeds)}; expected the steps of one seed")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# {COMMAND.format(seed=int(seeds[0]))}\n")
        frame.to_csv(handle, index=False, float_format="%.6g", lineterminator="\n")
    return path


def load_curve(path: Path | str = CURVE_PATH) -> pd.DataFrame:
    """The shipped per-step training losses (seed, step, train_loss)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no loss curve; expected the file `{COMMAND.format(seed=0)}` writes")
    frame = pd.read_csv(path, comment="#")
    missing = {"seed", "step", "train_loss"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}; expected seed, step, train_loss")
    return frame


def seed_losses(directory: Path | str = MODELS_DIR) -> pd.DataFrame:
    """Every shipped base-world seed's held-out loss beside the Bayes-optimal loss on the same documents.

    ``gap`` is how far above the floor the network stays (nats per token); ``excess`` is that gap as a share of
    the floor.
    """
    models = read_manifest(Path(directory))["models"]
    rows = [{"seed": e["seed"], "heldout_loss": e["heldout_loss"], "bayes_optimal_loss": e["bayes_optimal_loss"],
             "final_train_loss": e["final_train_loss"]}
            for e in models.values() if e.get("role_model") is None]
    if not rows:
        raise ValueError(f"{directory}: no shipped base-world weights in the manifest; expected `make weights`")
    frame = pd.DataFrame(rows).sort_values("seed").reset_index(drop=True)
    frame["gap"] = frame["heldout_loss"] - frame["bayes_optimal_loss"]
    frame["excess"] = frame["gap"] / frame["bayes_optimal_loss"]
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.experiments.curves",
                         description="Record the per-step pretraining losses of one seed "
                                     "(data/results/pretraining-curve.csv).")
    parser.add_argument("--seed", type=int, default=0, help=f"the seed to pretrain, 0 to {MAX_SEED} (default 0)")
    parser.add_argument("--output", default=str(CURVE_PATH), help="where to write the CSV")
    args = parser.parse_args(argv)
    try:
        check_seed(args.seed, "--seed")
    except ValueError as err:
        parser.error(str(err))
    output = Path(args.output)
    if output.is_dir():
        parser.error(f"--output={args.output!r} is a folder; expected the path of the CSV file to write")

    def work() -> int:
        path = write_curve(pretraining_curve(args.seed, progress=True), output)
        print(f"wrote {path}", file=sys.stderr)
        return 0

    return run_command(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
