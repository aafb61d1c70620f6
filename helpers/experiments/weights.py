"""Pretrain and ship the model weights (``make weights``).

    python -m helpers.experiments.weights --seeds 0-9 [--role-model steward|gamer --weight 0.05]

pretrains each seed with the course's recipe, writes ``data/models/<name>.safetensors`` and records it in the
manifest (:func:`helpers.engine.checkpoints.ship`).
"""

from __future__ import annotations

import argparse
import sys

from helpers.engine.checkpoints import ship
from helpers.engine.world import load_world
from helpers.experiments.cli import parse_seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pretrain and ship model weights (data/models/).")
    parser.add_argument("--seeds", default="0-9", help="seeds to pretrain, e.g. 0-9 or 0,3")
    parser.add_argument("--role-model", default=None, help="an optional role-model character (steward, gamer)")
    parser.add_argument("--weight", type=float, default=0.0, help="its share of the documents")
    args = parser.parse_args(argv)
    try:
        world = load_world(role_model=args.role_model, weight=args.weight)
        seeds = parse_seeds(args.seeds)
    except ValueError as err:
        parser.error(str(err))
    for seed in seeds:
        entry = ship(world, seed)
        print(f"{entry['file']}: held-out loss {entry['heldout_loss']:.4f} (Bayes-optimal "
              f"{entry['bayes_optimal_loss']:.4f}), {entry['seconds']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
