"""Pretrain and ship the model weights (``make weights``).

    python -m helpers.experiments.weights --seeds 0-9 [--role-model steward|gamer --weight 0.05]

pretrains each seed with the course's recipe, writes ``data/models/<name>.safetensors`` and records it in the
manifest (:func:`helpers.engine.checkpoints.ship`).
"""

from __future__ import annotations

import sys

from helpers.engine.checkpoints import ship
from helpers.engine.validation import CommandLine, run_command
from helpers.engine.world import load_world
from helpers.experiments.cli import parse_seeds


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.experiments.weights",
                         description="Pretrain and ship model weights (data/models/).")
    parser.add_argument("--seeds", default="0-9", help="seeds to pretrain, from 0 to 999: e.g. 0-9 or 0,3")
    parser.add_argument("--role-model", default=None, help="an optional role-model character (steward, gamer)")
    parser.add_argument("--weight", type=float, default=0.0, help="its share of the documents")
    args = parser.parse_args(argv)
    try:
        seeds = parse_seeds(args.seeds)
        world = load_world(role_model=args.role_model, weight=args.weight)
    except ValueError as err:  # a bad argument, or a bad world table: one line, before any training
        parser.error(str(err))

    def work() -> int:
        for seed in seeds:
            entry = ship(world, seed)
            print(f"{entry['file']}: held-out loss {entry['heldout_loss']:.4f} (Bayes-optimal "
                  f"{entry['bayes_optimal_loss']:.4f}), {entry['seconds']:.1f} s", file=sys.stderr)
        return 0

    return run_command(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
