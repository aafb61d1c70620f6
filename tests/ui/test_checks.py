"""The verdicts of the exercise self-checks: a stub gets a nudge, a badly shaped answer a hint, never a traceback."""

import pytest

from helpers.publishing.accessibility import needs_emoji_font
from helpers.ui.checks import HINT, LABELS, PASS, TODO, Verdict, as_number, run_check, verdict


def _judge(answer):
    return as_number(answer) == 0.5, "right", "not 0.5"


@pytest.mark.parametrize("answer, status", [(None, TODO), (..., TODO), (0.5, PASS), (0.4, HINT), ("0.5", HINT),
                                            (True, HINT), (float("nan"), HINT), ([0.5], HINT)])
def test_run_check(answer, status, capsys):
    result = run_check(answer, _judge, "write a number")
    assert result.status == status
    assert str(result) in capsys.readouterr().out        # every verdict is printed as well as returned


def test_a_hint_for_a_badly_shaped_answer_says_what_went_wrong(capsys):
    result = run_check("abc", _judge, "write a number")
    assert "str" in result.message and "write a number" in result.message


def test_verdict_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="status"):
        verdict("maybe", "?")


@pytest.mark.parametrize("status", [PASS, HINT, TODO])
def test_verdicts_show_without_an_emoji_font_and_say_their_word(status):
    text = str(Verdict(status, "message"))
    assert needs_emoji_font(text) == [], "an emoji shows as an empty box on a machine without an emoji font"
    assert text.startswith(LABELS[status]) and LABELS[status].split(" ", 1)[1] in ("Correct", "Not yet",
                                                                                    "Not attempted yet")


def test_the_three_verdicts_start_with_three_different_marks():
    assert len({label[0] for label in LABELS.values()}) == 3
