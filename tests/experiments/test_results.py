"""Every shipped results file says which command made it, and that command is the registered one."""

import pytest

from helpers.experiments import results


def test_every_results_file_is_registered_with_its_command():
    files = sorted(p.stem for p in results.RESULTS_DIR.glob("*.csv"))
    assert set(files) <= set(results.COMMANDS), f"unregistered results: {set(files) - set(results.COMMANDS)}"
    for name in files:
        first = (results.RESULTS_DIR / f"{name}.csv").read_text().splitlines()[0]
        assert first == results.header(name), name


def test_remake_rejects_an_unknown_name():
    with pytest.raises(ValueError, match="expected one of"):
        results.remake("nonsense")
    with pytest.raises(SystemExit):
        results.main(["nonsense"])


def test_every_results_file_ends_with_one_newline():
    for path in results.RESULTS_DIR.glob("*.csv"):
        text = path.read_text()
        assert text.endswith("\n") and not text.endswith("\n\n"), path.name
