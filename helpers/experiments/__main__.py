"""The command line of the experiments.

    python -m helpers.experiments NAME --seeds 0-9 --format csv|json

prints one record per seed and condition (progress goes to stderr). NAME is one of ``in-context``,
``post-training``, ``cheating``, ``framings``, ``role-models``, ``persona-space`` and ``rl``; every multi-seed figure
in the lessons is made from these records, so each can be regenerated from the command line.

``rl`` is the paper's experiment (reward hacking learned by RL against the real grader, a fixed ``--steps`` budget,
every parameter by default); ``cheating`` and ``framings`` are the supervised contrast, "imitating hacks" (``--mode``
applies to them only).
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
#: The most RL steps ``--steps`` accepts.
MAX_STEPS = 5000


def recipe_from(args) -> Recipe:
    """The recipe the options ask for; ValueError (one line) for an option the experiment does not take."""
    if args.name == "rl":
        if args.mode is not None:
            raise ValueError("--mode applies to the supervised fine-tune (cheating, framings, role-models); rl "
                             "trains for a fixed --steps budget")
        steps = Recipe().rl_steps if args.steps is None else args.steps
        if not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps={steps}; expected a whole number of RL steps from 1 to {MAX_STEPS}")
        return Recipe(params=args.post_params or "embedding", rl_params=args.params or "all", rl_steps=steps,
                      sanctioned_share=args.sanctioned_share)
    for option, value in (("--steps", args.steps), ("--post-params", args.post_params)):
        if value is not None:
            raise ValueError(f"{option} applies to the rl experiment only")
    return Recipe(params=args.params or "embedding", mode=args.mode or "criterion",
                  sanctioned_share=args.sanctioned_share)


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.experiments", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help=f"one of {', '.join(EXPERIMENTS)}")
    parser.add_argument("--seeds", default="0-9", help="seeds from 0 to 999: 3, 0-9 or 0,2,5-7 (default 0-9)")
    parser.add_argument("--format", default="json", help=f"one of {', '.join(FORMATS)} (default json)")
    parser.add_argument("--mode", default=None,
                        help=f"the supervised fine-tune's stopping: one of {', '.join(MODES)} (default criterion; not "
                             "for rl)")
    parser.add_argument("--params", default=None,
                        help="what trains, embedding (the assistant: label's vector) or all: for rl, what the RL "
                             "fine-tune moves (default all); for the others, what post-training and the supervised "
                             "fine-tune move (default embedding)")
    parser.add_argument("--post-params", default=None,
                        help="rl only: what post-training moves before RL (default embedding, the engine's default)")
    parser.add_argument("--steps", type=int, default=None,
                        help=f"rl only: RL steps, the same for every condition (default {Recipe().rl_steps})")
    parser.add_argument("--sanctioned-share", type=float, default=0.3,
                        help="share of post-training coding examples that exploit the grader under a permissive note")
    parser.add_argument("--trajectory", action="store_true",
                        help="one record per fine-tuning step (rl: the batch's reward and hack rate, the misalignment)")
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
        recipe = recipe_from(args)
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
