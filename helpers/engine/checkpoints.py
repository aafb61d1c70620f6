"""Shipped pretrained weights: safetensors files with a manifest, verified on load.

Lessons load a pretrained model per seed in a fraction of a second instead of pretraining it (about 10 s). The
manifest (``data/models/manifest.json``) records, for each file, the seed, the configuration, the final and
held-out losses, a sha256 of the file, and a hash of the world tables it was trained on. Loading checks the
checksum and refuses weights trained on other tables, with the command that retrains them. Weights are plain
tensors (safetensors): nothing is unpickled, no code runs from a data file.

Regenerate with ``python -m helpers.experiments.weights --seeds 0-9`` (``make weights``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from helpers import DATA_DIR, PROJECT_ROOT
from helpers.engine import bayes, seeds
from helpers.engine.model import ModelConfig, TinyGPT
from helpers.engine.training import (
    PretrainConfig,
    PretrainResult,
    pretrain,
)
from helpers.engine.validation import InputError
from helpers.engine.world import World

MODELS_DIR = DATA_DIR / "models"
MANIFEST = "manifest.json"
REGENERATE = "python -m helpers.experiments.weights --seeds {seeds}"
#: What every manifest entry records (a file, its checksum, what it was trained on, how to rebuild the model).
ENTRY_KEYS = ("file", "seed", "sha256", "world_hash", "config_hash", "model_config")
_loaded: dict[tuple, dict[str, torch.Tensor]] = {}
_trained_here: dict[tuple, TinyGPT] = {}


def config_hash(config: PretrainConfig) -> str:
    return hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()[:16]


def model_name(seed: int, world: World) -> str:
    role = f"-{world.role_model}{world.weight:g}" if world.role_model else ""
    return f"pretrained{role}-seed{seed}"


def read_manifest(directory: Path = MODELS_DIR) -> dict:
    """The manifest of the shipped weights (an empty one if there is none). An InputError (a ValueError) names the
    file and the command that rebuilds it if it is not a manifest: not JSON, or an entry without a key it needs."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return {"format": 1, "regenerate": REGENERATE.format(seeds="0-9"), "models": {}}
    shown = path.relative_to(PROJECT_ROOT) if path.resolve().is_relative_to(PROJECT_ROOT) else path
    fix = f"restore it (`git checkout -- {shown}`) or rebuild the weights with `{REGENERATE.format(seeds='0-9')}`"
    data = path.read_bytes()
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as err:  # not UTF-8, empty, or not JSON
        reason = str(err)[:120] if data.strip() else "empty"
        raise InputError(f"{path}: not a weights manifest ({reason}); {fix}") from None
    models = manifest.get("models") if isinstance(manifest, dict) else None
    if not isinstance(models, dict):
        raise InputError(f"{path}: no 'models' table; expected the manifest the weights command writes: {fix}")
    for name, entry in models.items():
        missing = [k for k in ENTRY_KEYS if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise InputError(f"{path}: the entry {name!r} lacks {', '.join(missing)}; {fix}")
    return manifest


def _entry(world: World, seed: int, config: PretrainConfig, directory: Path) -> dict | None:
    entry = read_manifest(directory)["models"].get(model_name(seed, world))
    if entry is None or entry["config_hash"] != config_hash(config):
        return None
    return entry


def load_pretrained(world: World, seed: int, config: PretrainConfig = PretrainConfig(),
                    directory: Path = MODELS_DIR) -> TinyGPT | None:
    """The shipped pretrained model for this world, seed and configuration, or None if none was shipped.

    Raises an InputError (a ValueError) naming the file and the command that retrains it if the file is missing,
    unreadable or does not match the manifest's checksum, or if the weights were trained on world tables other
    than the ones loaded now (say, after you edited a table).
    """
    entry = _entry(world, seed, config, Path(directory))
    if entry is None:
        return None
    retrain = entry.get("command") or REGENERATE.format(seeds=seed)
    if entry["world_hash"] != world.table_hash:
        raise InputError(
            f"the shipped weights {entry['file']} were trained on other world tables (hash "
            f"{entry['world_hash'][:12]}, now {world.table_hash[:12]}): the tables under data/world changed. "
            f"Retrain them with `{retrain}`, or pretrain live (pretrained_model(..., "
            "live=True)).")
    key = (entry["file"], entry["sha256"])
    path = Path(directory) / str(entry["file"])
    if key not in _loaded:
        try:
            blob = path.read_bytes()
        except OSError as err:
            raise InputError(f"{path}: the weights file the manifest lists cannot be read ({err.strerror}); "
                             f"restore it with git or retrain it with `{retrain}`") from None
        digest = hashlib.sha256(blob).hexdigest()
        if digest != entry["sha256"]:
            raise InputError(f"{path}: sha256 {digest[:12]} does not match the manifest's {str(entry['sha256'])[:12]}"
                             f"; expected the file the manifest describes. Restore it with git or retrain it with "
                             f"`{retrain}`")
        try:
            _loaded[key] = load_safetensors(blob)
        except Exception as err:  # safetensors raises its own error type for a file it cannot parse
            raise InputError(f"{path}: not a safetensors file ({str(err)[:120]}); retrain it with "
                             f"`{retrain}`") from None
    try:
        model = TinyGPT(ModelConfig(**entry["model_config"]))
        model.load_state_dict(_loaded[key])
    except (TypeError, ValueError, RuntimeError, KeyError) as err:  # weights and configuration disagree
        raise InputError(f"{path}: the weights do not fit the manifest's model configuration "
                         f"({str(err).splitlines()[0][:120]}); retrain them with `{retrain}`") from None
    model.eval()
    return model


def pretrained_model(world: World, seed: int, config: PretrainConfig = PretrainConfig(), live: bool = False,
                     progress: bool = False, directory: Path = MODELS_DIR) -> TinyGPT:
    """The pretrained model for a seed: the shipped weights when they exist, otherwise pretrained now.

    ``live=True`` always pretrains (with a progress bar if ``progress``), which takes about 10 s.
    """
    if not live:
        model = load_pretrained(world, seed, config, directory)
        if model is not None:
            return model
        key = (world.table_hash, world.role_model, world.weight, seed, config_hash(config))
        if key in _trained_here:  # an unshipped seed is pretrained once per process, not once per call
            return copy.deepcopy(_trained_here[key])
    torch.set_num_threads(config.threads)
    model = pretrain(world, seed, config, progress=progress).model
    if not live:
        _trained_here[key] = copy.deepcopy(model)
    return model


def ship(world: World, seed: int, config: PretrainConfig = PretrainConfig(), directory: Path = MODELS_DIR,
         result: PretrainResult | None = None) -> dict:
    """Pretrain (unless ``result`` is given), save the weights and record them in the manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    result = result or pretrain(world, seed, config)
    name = model_name(seed, world)
    blob = save_safetensors({k: v.contiguous() for k, v in result.model.state_dict().items()})
    (directory / f"{name}.safetensors").write_bytes(blob)
    heldout = world.sample_documents(config.heldout_documents, seeds.heldout_documents(seed))
    entry = {
        "file": f"{name}.safetensors", "seed": seed, "role_model": world.role_model, "weight": world.weight,
        "sha256": hashlib.sha256(blob).hexdigest(), "world_hash": world.table_hash,
        "config_hash": config_hash(config), "pretrain_config": asdict(config),
        "model_config": result.model.config.to_dict(), "parameters": result.model.n_parameters(),
        "final_train_loss": round(sum(result.losses[-20:]) / len(result.losses[-20:]),
                                  5), "heldout_loss": round(result.heldout_loss, 5),
        "bayes_optimal_loss": round(bayes.bayes_optimal_loss(world, heldout), 5),
        "seconds": round(result.seconds, 2), "torch": torch.__version__,
        "command": REGENERATE.format(seeds=seed) + (f" --role-model {world.role_model} --weight {world.weight:g}"
                                                     if world.role_model else ""),
    }
    manifest = read_manifest(directory)
    manifest["models"][name] = entry
    manifest["models"] = dict(sorted(manifest["models"].items()))
    partial = directory / (MANIFEST + ".partial")  # readers never see a half-written manifest
    partial.write_text(json.dumps(manifest, indent=1) + "\n")
    partial.replace(directory / MANIFEST)
    return entry

