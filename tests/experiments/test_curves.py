"""helpers.experiments.curves: the shipped pretraining curve, smoothing, and the per-seed losses vs the floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.engine.checkpoints import read_manifest
from helpers.engine.training import PretrainConfig
from helpers.experiments import curves


def test_shipped_curve_is_the_shipped_run():
    """The CSV's last 20 losses average to the manifest's final training loss for seed 0: the same run."""
    curve = curves.load_curve()
    assert list(curve.columns) == ["seed", "step", "train_loss"]
    assert len(curve) == PretrainConfig().steps and (curve["seed"] == 0).all()
    assert list(curve["step"]) == list(range(1, len(curve) + 1))
    entry = read_manifest()["models"]["pretrained-seed0"]
    assert round(curve["train_loss"].tail(20).mean(), 5) == pytest.approx(entry["final_train_loss"], abs=2e-5)
    first_line = curves.CURVE_PATH.read_text().splitlines()[0]
    assert first_line == "# " + curves.COMMAND.format(seed=0)


def test_shipped_curve_falls():
    curve = curves.load_curve()
    assert curve["train_loss"].head(20).mean() > 3 * curve["train_loss"].tail(20).mean()


def test_smooth():
    assert curves.smooth([1.0, 3.0, 5.0, 7.0], window=2) == pytest.approx([1.0, 2.0, 4.0, 6.0])
    assert len(curves.smooth(np.ones(50))) == 50
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="window"):
            curves.smooth([1.0], window=bad)
    with pytest.raises(ValueError, match="losses"):
        curves.smooth([])


def test_curve_from_losses_and_roundtrip(tmp_path):
    frame = curves.curve_from_losses([2.0, 1.5, 1.25], seed=7)
    assert list(frame["step"]) == [1, 2, 3] and (frame["seed"] == 7).all()
    path = curves.write_curve(frame, tmp_path / "curve.csv")
    assert path.read_text().startswith("# python -m helpers.experiments.curves --seed 7\n")
    pd.testing.assert_frame_equal(curves.load_curve(path), frame, check_dtype=False)
    with pytest.raises(ValueError, match="losses"):
        curves.curve_from_losses([], seed=0)
    with pytest.raises(ValueError, match="losses"):
        curves.curve_from_losses([1.0, float("nan")], seed=0)
    with pytest.raises(ValueError, match="one seed"):
        curves.write_curve(pd.concat([frame, frame.assign(seed=8)]), tmp_path / "two.csv")
    with pytest.raises(ValueError, match="no loss curve"):
        curves.load_curve(tmp_path / "missing.csv")
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="missing column"):
        curves.load_curve(tmp_path / "bad.csv")


def test_pretraining_curve_is_deterministic():
    config = PretrainConfig(n_documents=200, steps=6, batch_size=8, heldout_documents=20)
    a = curves.pretraining_curve(3, config)
    b = curves.pretraining_curve(3, config)
    assert len(a) == 6
    pd.testing.assert_frame_equal(a, b)


def test_seed_losses_never_beat_the_floor():
    table = curves.seed_losses()
    assert list(table["seed"]) == list(range(10))
    assert (table["gap"] > 0).all(), "a network beat the Bayes-optimal loss: the floor or the loss is wrong"
    assert (table["excess"] < 0.1).all()
    assert table["gap"].to_numpy() == pytest.approx((table["heldout_loss"] - table["bayes_optimal_loss"]).to_numpy())


def test_seed_losses_without_weights(tmp_path):
    with pytest.raises(ValueError, match="no shipped"):
        curves.seed_losses(tmp_path)


def test_main_rejects_a_negative_seed():
    with pytest.raises(SystemExit):
        curves.main(["--seed", "-1"])
