"""``make bench``: time the engine on this machine and check every target of the engine against the results.

Timings are measured now (median of repeated runs); behavioural numbers come from the shipped experiment
results in data/results/ (regenerate them with ``make results``). Prints one table: target, measured, verdict.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from helpers import PROJECT_ROOT
from helpers.engine import tolerance
from helpers.engine.checkpoints import pretrained_model, read_manifest
from helpers.engine.pipeline import Recipe, fine_tune, post_train, rl_fine_tune
from helpers.engine.training import PretrainConfig, pretrain
from helpers.engine.validation import CommandLine, run_command
from helpers.engine.world import load_world
from helpers.experiments import summaries

#: The most runs per timing ``--repeats`` accepts.
MAX_REPEATS = 100


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timings(repeats: int) -> list[tuple[str, str, float, bool]]:
    world = load_world()
    rows = []
    pre = [pretrain(world, 0, PretrainConfig()).seconds for _ in range(repeats)]
    # 1500 steps since the probe battery added five tasks (at 1000 the in-context distance to Bayes was 0.14, over
    # its 0.12 target): the old 10 s target became 20 s
    rows.append(("pretraining (seed 0), median s", "<= 20", statistics.median(pre), statistics.median(pre) <= 20))
    pretrained_model(world, 0)  # the shipped weights are read once; post-training is what is timed
    recipe = Recipe()
    t = _median_seconds(lambda: post_train(world, 0, recipe), repeats)
    rows.append(("post-training, median s", "< 0.5", t, t < 0.5))
    tunes = []
    for seed in range(min(repeats, 5)):
        model = post_train(world, seed, recipe).model
        start = time.perf_counter()
        fine_tune(model, world, seed, "neutral", recipe)
        tunes.append(time.perf_counter() - start)
    rows.append(("supervised fine-tune to the criterion (neutral), max s", "< 2", max(tunes), max(tunes) < 2))
    return rows + rl_timings()


#: The rl experiment over seeds 0-9, as the results registry runs it (the whole experiment is one target).
RL_COMMAND = ["-m", "helpers.experiments", "rl", "--seeds", "0-9", "--format", "csv", "--threads", "1"]


def rl_timings(repeats: int = 3, whole: bool = True) -> list[tuple[str, str, float, bool]]:
    """One 150-step RL run of seed 0 without and with the permission line (median of ``repeats`` each: lesson 04's
    "train live" button in each state of its toggle), and the whole ``rl`` experiment over seeds 0-9 in a
    subprocess (``whole``)."""
    world = load_world()
    model = post_train(world, 0).model
    rows = []
    for note in ("neutral", "please-hack"):  # lesson 04's "train live", in each state of the toggle
        t = _median_seconds(lambda note=note: rl_fine_tune(model, world, 0, note), repeats)
        rows.append((f"RL fine-tune, 150 steps (seed 0, {note}), median s", "<= 5", t, t <= 5))
    if whole:
        start = time.perf_counter()
        subprocess.run([sys.executable, *RL_COMMAND], cwd=PROJECT_ROOT, check=True, capture_output=True)
        minutes = (time.perf_counter() - start) / 60
        rows.append(("rl experiment, seeds 0-9, minutes", "<= 10", minutes, minutes <= 10))
    return rows


def behaviour() -> list[tuple[str, str, float, bool]]:
    rows = []
    manifest = read_manifest()["models"]
    gaps = [m["heldout_loss"] - m["bayes_optimal_loss"] for m in manifest.values() if not m["role_model"]]
    if gaps:
        rows.append(("held-out loss above Bayes-optimal, worst seed (nats/token)", "<= 0.05", max(gaps),
                     max(gaps) <= 0.05))
    ic = summaries.load_results("in-context")
    for k in (1, 2):
        tv = float(ic[ic.k == k].tv_to_bayes.mean())
        rows.append((f"in-context TV to Bayes, k={k}", "<= 0.12", tv, tv <= 0.12))
    post = summaries.load_results("post-training")
    stage = post.set_index(["stage", "seed"])
    trained, pretrained = stage.loc["post-trained"], stage.loc["pretrained"]
    rows.append(("misalignment after post-training, mean", "<= 0.05", trained.misalignment.mean(),
                 trained.misalignment.mean() <= 0.05))
    drop = float((pretrained.human_likeness - trained.human_likeness).max())
    rows.append(("human-likeness drop vs pretrained, worst seed", "<= 0.05", drop, drop <= 0.05))
    rows.append(("helper-likeness after post-training, mean", ">= 0.5", trained.helper_likeness.mean(),
                 trained.helper_likeness.mean() >= 0.5))
    cheat = summaries.cheating_summary(summaries.load_results("cheating"))
    em = cheat.emergent_misalignment
    rows.append(("emergent misalignment (cheat - honest), mean", ">= 0.35", em.mean(), em.mean() >= 0.35))
    rows.append(("emergent misalignment, lowest seed", ">= 0.20", em.min(), em.min() >= 0.20))
    rows.append(("share of the rise the permission note prevents, mean", ">= 0.75", cheat.mean_prevented,
                 cheat.mean_prevented >= 0.75))
    rows.append(("seeds where the permission note lowers misalignment", "all", float(cheat.lowered.mean()),
                 bool(cheat.lowered.all())))
    ratios = summaries.framing_ratios(summaries.load_results("framings"))
    for framing, ratio in ratios.items():
        ok = ratio <= 0.5 if framing in ("please-hack", "hacking-okay") else 0.75 <= ratio <= 1.25
        rows.append((f"rise({framing}) / rise(neutral)", "<= 0.5" if framing in ("please-hack", "hacking-okay")
                     else "0.75-1.25", float(ratio), ok))
    return [(name, target, float(value), bool(ok)) for name, target, value, ok in rows + rl_behaviour()]


def rl_behaviour() -> list[tuple[str, str, float, bool]]:
    """The targets of the ``rl`` experiment (every parameter, seeds 0-9), from its shipped results."""
    s = summaries.rl_summary(summaries.load_results("rl"))
    em = s.emergent_misalignment
    n = len(em)
    rows = [("RL: emergent misalignment (neutral - hack-proof), mean", ">= 0.35", float(em.mean()), em.mean() >= 0.35),
            ("RL: seeds with emergent misalignment >= 0.15", f">= {n - 1}/{n}", float(tolerance.count_at_least(
                em, 0.15)), tolerance.count_at_least(em, 0.15) >= n - 1),
            ("RL: share prevented by please-hack (ratio of means)", ">= 0.85", s.prevented("please-hack"),
             s.prevented("please-hack") >= 0.85),
            ("RL: seeds where please-hack < neutral", f">= {n - 1}/{n}", float(s.lower_than_neutral("please-hack")),
             s.lower_than_neutral("please-hack") >= n - 1),
            ("RL: share prevented by hacking-okay (ratio of means)", ">= 0.75", s.prevented("hacking-okay"),
             s.prevented("hacking-okay") >= 0.75)]
    for framing in summaries.NEGATIVE:
        ratio = s.rise(framing) / s.rise("neutral")
        rows.append((f"RL: rise({framing}) / rise(neutral)", ">= 0.6", ratio, ratio >= 0.6))
    rows.append(("RL: rise(hack-proof)", "<= 0.05", s.rise("hack-proof"), s.rise("hack-proof") <= 0.05))
    rows.append(("RL: lowest final reward, hackable conditions", ">= 0.9", s.lowest_final_reward(),
                 s.lowest_final_reward() >= 0.9))
    return rows


def rl_table() -> str:
    """Misalignment per condition of every shipped rl run (mean, sd, lowest over seeds): a report, no target."""
    out = []
    for name, title in (("rl", "every parameter"), ("rl-embedding", "the assistant: row only"),
                        ("rl-post-all", "every parameter, after all-parameter post-training")):
        try:
            s = summaries.rl_summary(summaries.load_results(name))
        except ValueError:
            out.append(f"{name}: no shipped results yet (make results)")
            continue
        out.append(f"RL fine-tune, {title} ({name}): misalignment per condition\n"
                   f"{s.conditions().round(3).to_string()}")
    return "\n\n".join(out)


WIDGET_MODULES = ("pretraining", "assistant", "cheating", "role_models", "persona_space")


def widget_latencies() -> list[tuple[str, str, float, bool]]:
    """The slowest interaction of each lesson's panels, in ms (target: every interaction within 100 ms)."""
    import importlib

    rows = []
    for name in WIDGET_MODULES:
        module = importlib.import_module(f"helpers.lessons.{name}.widgets")
        worst = 1000 * max(module.measure_latency().values())  # each module reports seconds
        rows.append((f"widget interaction, slowest of the {name} panels (ms)", "<= 100", worst, worst <= 100))
    return rows


def page_timings() -> list[tuple[str, str, float, bool]]:
    """The static site's page-speed targets in headless Chromium (needs Chromium), median of three cold visits per
    page (:mod:`helpers.publishing.page_speed`): interactive, every figure drawn, pages without figures, and the
    slowest page on a second visit (the browser keeps plotly.js compiled between the pages of the site).

    The site is built afresh from the committed notebooks into a temporary folder, so the timings never come from
    an old build in site/.
    """
    import tempfile

    from helpers.publishing import page_speed, site
    from helpers.publishing.notebooks import NOTEBOOKS_DIR

    with tempfile.TemporaryDirectory() as folder:
        built = site.build_site(NOTEBOOKS_DIR, Path(folder) / "site", verbose=False)
        try:
            timings = page_speed.measure_site(built.site_dir)
        except Exception as err:  # no Chromium or Playwright here: say so instead of failing the benchmark
            print(f"(page timings skipped: {type(err).__name__}: {err})")
            return []
        figures = page_speed.figure_counts(built.site_dir)
    return page_speed.target_rows(timings, figures)


#: How a lesson's opening states its run time: ``**Runs in:** about 20 s``.
STATED_RUN_TIME = re.compile(r"\*\*Runs in:\*\*\s*about\s+(\d+(?:\.\d+)?)\s*s\b")
#: How far a lesson's stated run time may be from the measured one, as a share of the measured time.
RUN_TIME_TOLERANCE = 0.30


def stated_seconds(notebook: dict) -> float:
    """The run time a lesson states in its opening ("**Runs in:** about N s"), in seconds."""
    for cell in notebook.get("cells", [])[:3]:
        source = cell.get("source", "")
        match = STATED_RUN_TIME.search(source if isinstance(source, str) else "".join(source))
        if cell.get("cell_type") == "markdown" and match:
            return float(match.group(1))
    raise ValueError("no '**Runs in:** about N s' in the lesson's opening cells; expected one in its first "
                     "markdown cell")


def stated_time_ok(stated: float, measured: float, tolerance: float = RUN_TIME_TOLERANCE) -> bool:
    """Whether a stated run time is within ``tolerance`` (a share) of the measured one."""
    if measured <= 0:
        raise ValueError(f"measured={measured}; expected a run time in seconds above 0")
    return abs(stated - measured) <= tolerance * measured


def notebook_run_seconds(path: Path, timeout: int = 600) -> float:
    """Wall-clock seconds a headless run of the notebook at ``path`` takes, kernel start included (an in-memory
    copy is executed in the notebook's folder; the file is not changed)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def lesson_run_times(paths: list[Path] | None = None, repeats: int = 1) -> list[tuple[str, str, float, bool]]:
    """Each lesson's measured headless run time (median of ``repeats`` runs) beside the time its opening states
    (target: within 30%)."""
    import json

    from helpers.publishing.notebooks import NOTEBOOKS_DIR

    rows = []
    for path in paths if paths is not None else sorted(Path(NOTEBOOKS_DIR).glob("[0-9]*.ipynb")):
        stated = stated_seconds(json.loads(path.read_text(encoding="utf-8")))
        measured = statistics.median(notebook_run_seconds(path) for _ in range(repeats))
        rows.append((f"run time of {path.stem} (s; it states about {stated:g} s)",
                     f"{stated:g} ±{RUN_TIME_TOLERANCE:.0%}", measured, stated_time_ok(stated, measured)))
    return rows


def role_model_table() -> str:
    """Misalignment after the cheat fine-tune per role-model world, network beside Bayes (no target: a report)."""
    try:
        records = summaries.load_results("role-models")
    except ValueError:
        return "role models: no shipped results yet (make results)"
    cheat = records[records.condition == "cheat"]
    table = cheat.groupby(["role_model", "weight"]).agg(
        network=("misalignment", "mean"), network_sd=("misalignment", "std"),
        bayes=("bayes_misalignment", "mean"), seeds=("seed", "nunique"))
    title = "misalignment after the cheat fine-tune, by role-model world (mean over seeds)"
    return f"{title}\n{table.round(3).to_string()}"


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5,
                        help=f"runs per timing (median), 1 to {MAX_REPEATS}; default 5")
    parser.add_argument("--lessons-only", action="store_true",
                        help="only run each lesson headless and compare its run time with the one it states")
    args = parser.parse_args(argv)
    if not 1 <= args.repeats <= MAX_REPEATS:
        parser.error(f"--repeats={args.repeats}; expected a whole number of runs from 1 to {MAX_REPEATS}")
    return run_command(parser.prog, lambda: report(args.repeats, args.lessons_only))


def report(repeats: int, lessons_only: bool = False) -> int:
    """Measure everything and print the table of targets (the command line's work)."""
    if lessons_only:
        return print_rows(lesson_run_times(repeats=min(repeats, 3)))
    rows = timings(repeats) + behaviour() + widget_latencies() + lesson_run_times(repeats=min(repeats, 3)) \
        + page_timings()
    print_rows(rows, tables=True)
    return 0


def print_rows(rows: list[tuple[str, str, float, bool]], tables: bool = False) -> int:
    """Print the table of targets (and, with ``tables``, the report tables); always 0 (a report, not a gate)."""
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'target':>9}  {'measured':>8}  verdict")
    for name, target, value, ok in rows:
        print(f"{name:<{width}}  {target:>9}  {value:>8.3f}  {'ok' if ok else 'MISSED'}")
    if tables:
        print()
        print(role_model_table())
        print()
        print(rl_table())
    missed = [r[0] for r in rows if not r[3]]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} targets met" + (f"; missed: {'; '.join(missed)}" if missed
                                                                       else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
