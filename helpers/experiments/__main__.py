"""The command line of the experiments.

    python -m helpers.experiments NAME --seeds 0-9 --format csv|json

prints one record per seed and condition (progress goes to stderr). NAME is one of ``in-context``,
``post-training``, ``cheating``, ``framings``, ``role-models`` and ``persona-space``; every multi-seed figure in
the lessons is made from these records, so each can be regenerated from the command line.
"""

from __future__ import annotations

import sys

import torch

from helpers.engine.pipeline import MODES, Recipe
from helpers.engine.runtime import THREADS
from helpers.engine.validation import CommandLine, run_command
from helpers.experiments.catalog import EXPERIMENTS, RUNNERS, run
from helpers.experiments.cli import FORMATS, format_records, parse_seeds

#: The most torch threads ``--threads`` accepts.
MAX_THREADS = 256


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.experiments", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help=f"one of {', '.join(EXPERIMENTS)}")
    parser.add_argument("--seeds", default="0-9", help="seeds from 0 to 999: 3, 0-9 or 0,2,5-7 (default 0-9)")
    parser.add_argument("--format", default="json", help=f"one of {', '.join(FORMATS)} (default json)")
    parser.add_argument("--mode", default="criterion", help=f"one of {', '.join(MODES)}")
    parser.add_argument("--params", default="embedding", help="embedding (the label's vector) or all")
    parser.add_argument("--sanctioned-share", type=float, default=0.3,
                        help="share of post-training coding examples that exploit the grader under a permissive note")
    parser.add_argument("--trajectory", action="store_true", help="one record per fine-tuning step")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help=f"torch threads (default {THREADS}, as in the lessons: results are deterministic for a "
                             "seed and a thread count)")
    args = parser.parse_args(argv)
    try:
        if args.name not in RUNNERS:
            raise ValueError(f"experiment {args.name!r}; expected one of {', '.join(EXPERIMENTS)}")
        if args.format not in FORMATS:
            raise ValueError(f"format {args.format!r}; expected one of {', '.join(FORMATS)}")
        seeds = parse_seeds(args.seeds)
        if not 1 <= args.threads <= MAX_THREADS:
            raise ValueError(f"threads={args.threads}; expected a whole number from 1 to {MAX_THREADS}")
        recipe = Recipe(params=args.params, mode=args.mode, sanctioned_share=args.sanctioned_share)
    except ValueError as err:
        parser.error(str(err))
    torch.set_num_threads(args.threads)

    def work() -> int:  # a missing or tampered weights file, or a bad world table, is one line, not a traceback
        records = []
        for seed in seeds:
            print(f"{args.name}: seed {seed}", file=sys.stderr)
            records += run(args.name, [seed], recipe, args.trajectory)
        print(format_records(records, args.format))
        return 0

    return run_command(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
