"""The experiments' command line: bad input is refused in one line, records are printed as asked."""

import json

import pytest
import torch

from helpers.experiments import __main__ as experiments_cli
from helpers.experiments import catalog


def test_cli_rejects_bad_input(capsys):
    for argv, word in [(["nonsense"], "expected one of"), (["framings", "--seeds", "x"], "seeds"),
                       (["framings", "--format", "xml"], "format"), (["framings", "--mode", "often"], "mode")]:
        with pytest.raises(SystemExit) as exit_info:
            experiments_cli.main(argv)
        assert exit_info.value.code == 2
        assert word in capsys.readouterr().err


def test_format_of_cli_output(capsys, monkeypatch):
    monkeypatch.setitem(catalog.RUNNERS, "framings", lambda seeds, **kw: [{"seed": s, "x": 0.5} for s in seeds])
    experiments_cli.main(["framings", "--seeds", "1-2"])
    assert json.loads(capsys.readouterr().out) == [{"seed": 1, "x": 0.5}, {"seed": 2, "x": 0.5}]
    experiments_cli.main(["framings", "--seeds", "3", "--format", "csv"])
    assert capsys.readouterr().out.splitlines()[:2] == ["seed,x", "3,0.5"]


def test_the_threads_option_is_applied_and_checked(monkeypatch, capsys):
    calls = []

    def fake(seeds, **_):
        calls.extend(seeds)
        return [{"seed": s, "measurement": "axis", "threads": torch.get_num_threads()} for s in seeds]

    monkeypatch.setitem(catalog.RUNNERS, "persona-space", fake)
    threads = torch.get_num_threads()
    try:
        assert experiments_cli.main(["persona-space", "--seeds", "0-2", "--format", "csv", "--threads", "1"]) == 0
    finally:
        torch.set_num_threads(threads)
    assert calls == [0, 1, 2]
    assert capsys.readouterr().out.startswith("seed,measurement,threads\n0,axis,1")
    for bad in (["--format", "xml"], ["--seeds", "3-1"], ["--threads", "0"]):
        with pytest.raises(SystemExit):
            experiments_cli.main(["persona-space", *bad])


def test_rl_options_default_to_every_parameter_and_refuse_what_does_not_apply(monkeypatch, capsys):
    seen = []
    monkeypatch.setitem(catalog.RUNNERS, "rl", lambda seeds, recipe, **kw: seen.append(recipe) or [{"seed": 0}])
    monkeypatch.setitem(catalog.RUNNERS, "framings", lambda seeds, recipe, **kw: seen.append(recipe) or [{"seed": 0}])
    assert experiments_cli.main(["rl", "--seeds", "0"]) == 0
    assert (seen[-1].rl_params, seen[-1].params, seen[-1].rl_steps) == ("all", "embedding", 150)
    experiments_cli.main(["rl", "--seeds", "0", "--params", "embedding", "--steps", "20", "--post-params", "all"])
    assert (seen[-1].rl_params, seen[-1].params, seen[-1].rl_steps) == ("embedding", "all", 20)
    experiments_cli.main(["framings", "--seeds", "0"])
    assert (seen[-1].params, seen[-1].mode) == ("embedding", "criterion")
    capsys.readouterr()
    for argv, word in [(["rl", "--mode", "fixed"], "--mode applies to the supervised fine-tune"),
                       (["rl", "--steps", "0"], "steps=0"), (["rl", "--params", "lora"], "params='lora'"),
                       (["framings", "--steps", "10"], "--steps applies to the rl experiment only"),
                       (["cheating", "--post-params", "all"], "--post-params applies to the rl experiment only")]:
        with pytest.raises(SystemExit) as exit_info:
            experiments_cli.main(argv)
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and word in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):
        experiments_cli.main(["--help"])
    assert "(default all)" in " ".join(capsys.readouterr().out.split())
