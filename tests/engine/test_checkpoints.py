"""Unit tests for helpers/engine/checkpoints.py: shipping weights with a manifest and loading them back, verified.

Everything is written to pytest's tmp directories with a tiny configuration (5 steps, d_model 16, one thread):
the shipped data/models/ is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import torch

from helpers.engine import bayes, checkpoints, seeds
from helpers.engine.checkpoints import (
    config_hash,
    load_pretrained,
    model_name,
    pretrained_model,
    read_manifest,
    ship,
)
from helpers.engine.model import TinyGPT
from helpers.engine.training import (
    PretrainConfig,
    PretrainResult,
    pretrain,
)
from helpers.engine.validation import InputError
from helpers.engine.world import WORLD_DIR, World, load_world

TINY = PretrainConfig(n_documents=200, steps=5, batch_size=8, heldout_documents=50, d_model=16, n_heads=2, threads=1)


@pytest.fixture(autouse=True)
def empty_weight_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """load_pretrained caches verified tensors per (file, sha256); a fresh cache keeps tests independent."""
    monkeypatch.setattr(checkpoints, "_loaded", {})


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


@pytest.fixture(scope="module")
def trained(world: World) -> PretrainResult:
    """One tiny pretraining run (seed 0), shared by the tests that only need some weights to ship."""
    return pretrain(world, 0, TINY)


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_ship_then_load_returns_a_model_with_identical_weights(world, trained, tmp_path: Path) -> None:
    ship(world, 0, TINY, tmp_path, result=trained)
    model = load_pretrained(world, 0, TINY, tmp_path)
    assert isinstance(model, TinyGPT) and not model.training
    assert model.config == trained.model.config
    assert same_weights(model, trained.model)


def test_manifest_entry_describes_the_shipped_file(world, trained, tmp_path: Path) -> None:
    entry = ship(world, 0, TINY, tmp_path, result=trained)
    blob = (tmp_path / entry["file"]).read_bytes()
    assert entry["file"] == "pretrained-seed0.safetensors"
    assert entry["sha256"] == hashlib.sha256(blob).hexdigest()
    assert entry["world_hash"] == world.table_hash
    assert entry["config_hash"] == config_hash(TINY)
    assert entry["model_config"] == trained.model.config.to_dict()
    assert entry["heldout_loss"] == pytest.approx(trained.heldout_loss, abs=1e-5)
    heldout = world.sample_documents(TINY.heldout_documents, seeds.heldout_documents(0))
    assert entry["bayes_optimal_loss"] == pytest.approx(bayes.bayes_optimal_loss(world, heldout), abs=1e-5)
    assert entry["command"] == "python -m helpers.experiments.weights --seeds 0"
    assert read_manifest(tmp_path)["models"] == {"pretrained-seed0": entry}
    assert json.loads((tmp_path / "manifest.json").read_text())["models"]["pretrained-seed0"] == entry


def test_manifest_final_train_loss_is_the_mean_of_the_last_losses(world, trained, tmp_path: Path) -> None:
    entry = ship(world, 0, TINY, tmp_path, result=trained)
    last = trained.losses[-20:]
    assert entry["final_train_loss"] == pytest.approx(sum(last) / len(last), abs=1e-5)


def test_shipping_another_seed_keeps_earlier_entries_sorted(world, trained, tmp_path: Path) -> None:
    ship(world, 2, TINY, tmp_path, result=trained)
    ship(world, 1, TINY, tmp_path, result=trained)
    assert list(read_manifest(tmp_path)["models"]) == ["pretrained-seed1", "pretrained-seed2"]


def test_read_manifest_of_an_empty_directory_has_no_models(tmp_path: Path) -> None:
    manifest = read_manifest(tmp_path)
    assert manifest["models"] == {} and "python -m helpers.experiments.weights" in manifest["regenerate"]


def test_model_name_includes_role_model_and_weight(world: World) -> None:
    assert model_name(3, world) == "pretrained-seed3"
    assert model_name(3, load_world(role_model="gamer", weight=0.15)) == "pretrained-gamer0.15-seed3"


def test_config_hash_is_stable_and_changes_with_the_config() -> None:
    assert config_hash(TINY) == config_hash(PretrainConfig(**TINY.to_dict()))
    assert config_hash(TINY) != config_hash(PretrainConfig(**{**TINY.to_dict(), "steps": 6}))


def test_load_pretrained_returns_none_when_nothing_matches_was_shipped(world, trained, tmp_path: Path) -> None:
    assert load_pretrained(world, 0, TINY, tmp_path / "nowhere") is None
    ship(world, 0, TINY, tmp_path, result=trained)
    assert load_pretrained(world, 1, TINY, tmp_path) is None  # another seed
    assert load_pretrained(world, 0, PretrainConfig(**{**TINY.to_dict(), "steps": 6}), tmp_path) is None  # config
    assert load_pretrained(load_world(role_model="gamer", weight=0.15), 0, TINY, tmp_path) is None  # world


def test_corrupted_weights_file_raises_value_error_mentioning_sha256(world, trained, tmp_path: Path) -> None:
    entry = ship(world, 0, TINY, tmp_path, result=trained)
    path = tmp_path / entry["file"]
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(ValueError, match=r"pretrained-seed0\.safetensors: sha256 \w+ does not match the manifest's "
                                         r"\w+; .*`python -m helpers\.experiments\.weights --seeds 0`"):
        load_pretrained(world, 0, TINY, tmp_path)


def test_a_missing_weights_file_names_it_and_the_retrain_command(world, trained, tmp_path: Path) -> None:
    entry = ship(world, 0, TINY, tmp_path, result=trained)
    (tmp_path / entry["file"]).unlink()
    with pytest.raises(InputError, match=r"pretrained-seed0\.safetensors: the weights file the manifest lists cannot "
                                         r"be read \(No such file or directory\); .*`python -m helpers\.experiments\."
                                         r"weights --seeds 0`"):
        load_pretrained(world, 0, TINY, tmp_path)


@pytest.mark.parametrize("text, fragment", [
    ("", "not a weights manifest (empty)"),
    ("{not json", "not a weights manifest (Expecting property name"),
    ("[]", "no 'models' table"),
    ('{"models": {"pretrained-seed0": {"file": "x.safetensors"}}}', "the entry 'pretrained-seed0' lacks seed, sha256"),
])
def test_a_broken_manifest_names_the_file_and_what_to_do(world, tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "manifest.json").write_text(text)
    with pytest.raises(InputError) as info:
        load_pretrained(world, 0, TINY, tmp_path)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'manifest.json'}: ") and fragment in message, message
    assert "python -m helpers.experiments.weights --seeds 0-9" in message and "\n" not in message


def test_weights_refuse_to_load_after_the_world_tables_change(trained, tmp_path: Path) -> None:
    """Weights trained on other tables would silently mean other things; the error says how to retrain."""
    tables = Path(shutil.copytree(WORLD_DIR, tmp_path / "world"))
    models = tmp_path / "models"
    ship(load_world(tables), 0, TINY, models, result=trained)  # the copy's tables equal those `trained` saw
    assert load_pretrained(load_world(tables), 0, TINY, models) is not None
    with (tables / "tasks.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["description"] += " (edited)"
    with (tables / "tasks.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    edited = load_world(tables)  # only a task's description changed: the tables are still valid
    with pytest.raises(ValueError, match=r"trained on other world tables .* Retrain them with "
                                         r"`python -m helpers\.experiments\.weights --seeds 0`"):
        load_pretrained(edited, 0, TINY, models)


def test_pretrained_model_falls_back_to_training_when_nothing_is_shipped(world, trained, tmp_path: Path) -> None:
    model = pretrained_model(world, 0, TINY, directory=tmp_path)
    assert same_weights(model, trained.model)  # pretraining is deterministic for a seed and thread count
    assert list(tmp_path.iterdir()) == []  # falling back does not ship anything


def test_pretrained_model_uses_shipped_weights_without_training(world, trained, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ship(world, 0, TINY, tmp_path, result=trained)

    def no_training(*args, **kwargs):
        raise AssertionError("pretrained_model trained although weights were shipped")

    monkeypatch.setattr(checkpoints, "pretrain", no_training)
    assert same_weights(pretrained_model(world, 0, TINY, directory=tmp_path), trained.model)


def test_pretrained_model_live_trains_even_when_weights_are_shipped(world, trained, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ship(world, 0, TINY, tmp_path, result=trained)
    calls = []
    monkeypatch.setattr(checkpoints, "pretrain", lambda *args, **kwargs: calls.append(args) or trained)
    assert pretrained_model(world, 0, TINY, live=True, directory=tmp_path) is trained.model
    assert len(calls) == 1
