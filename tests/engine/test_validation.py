"""The shared argument checks: each error names the argument, what it got and what was expected."""

import pandas as pd
import pytest

from helpers.engine.validation import (
    INPUT_ERROR,
    USAGE_ERROR,
    CommandLine,
    InputError,
    check_choice,
    check_columns,
    run_command,
)


def test_check_choice():
    check_choice("note", "neutral", ("neutral", "please-hack"))
    with pytest.raises(ValueError, match=r"note='be-nice'; expected one of \['neutral', 'please-hack'\]"):
        check_choice("note", "be-nice", ("neutral", "please-hack"))


def test_check_columns():
    frame = pd.DataFrame({"seed": [0], "misalignment": [0.1]})
    check_columns(frame, ["seed"], "records")
    with pytest.raises(ValueError, match=r"records lacks column\(s\) \['step'\]; expected columns \['seed', 'step'\]"):
        check_columns(frame, ["seed", "step"], "records")


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


def test_command_line_errors_are_one_line(capsys):
    parser = CommandLine(prog="python -m demo")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as done:
        parser.parse_args(["--n", "x"])
    assert done.value.code == USAGE_ERROR
    assert capsys.readouterr().err == ("python -m demo: error: argument --n: invalid int value: 'x' "
                                       "(see `python -m demo --help`)\n")


def test_run_command_turns_expected_errors_into_one_line(capsys):
    def bad_file():
        open("/nonexistent/folder/file.txt")

    def bad_table():
        raise InputError("world/personas.csv, row 3: byte 0xff is not UTF-8;\nexpected UTF-8")

    def interrupted():
        raise KeyboardInterrupt

    assert run_command("demo", bad_file) == INPUT_ERROR
    assert capsys.readouterr().err.startswith("demo: error: [Errno 2] No such file or directory")
    assert run_command("demo", bad_table, status=7) == 7
    assert capsys.readouterr().err == "demo: error: world/personas.csv, row 3: byte 0xff is not UTF-8; expected UTF-8\n"
    assert run_command("demo", interrupted) == 130 and capsys.readouterr().err == "demo: interrupted\n"
    assert run_command("demo", lambda: 0) == 0
    with pytest.raises(ZeroDivisionError):  # a bug keeps its traceback
        run_command("demo", lambda: 1 / 0)
