"""The shared argument checks: each error names the argument, what it got and what was expected."""

import pandas as pd
import pytest

from helpers.engine.validation import check_choice, check_columns


def test_check_choice():
    check_choice("note", "neutral", ("neutral", "please-hack"))
    with pytest.raises(ValueError, match=r"note='be-nice'; expected one of \['neutral', 'please-hack'\]"):
        check_choice("note", "be-nice", ("neutral", "please-hack"))


def test_check_columns():
    frame = pd.DataFrame({"seed": [0], "misalignment": [0.1]})
    check_columns(frame, ["seed"], "records")
    with pytest.raises(ValueError, match=r"records lacks column\(s\) \['step'\]; expected columns \['seed', 'step'\]"):
        check_columns(frame, ["seed", "step"], "records")
