"""What the lessons' figures share: one palette, one style, text alternatives, and small layout helpers."""

import plotly.graph_objects as go
import pytest

from helpers.ui.figures import (
    PERSONA_COLORS,
    PERSONA_SYMBOLS,
    jitter,
    persona_color,
    plain_title,
    rgba,
    style,
    text_alternative,
    wrap_label,
)


def test_every_character_has_a_colour_and_a_symbol():
    assert set(PERSONA_COLORS) == set(PERSONA_SYMBOLS)
    assert len(set(PERSONA_COLORS.values())) == len(PERSONA_COLORS)
    assert persona_color("villain") == PERSONA_COLORS["villain"]
    with pytest.raises(ValueError, match="persona='nobody'"):
        persona_color("nobody")


def test_style_sets_the_title_and_both_axes():
    fig = style(go.Figure(), "A title", "x (units)", "y (units)")
    assert fig.layout.title.text == "A title"
    assert fig.layout.xaxis.title.text == "x (units)" and fig.layout.yaxis.title.text == "y (units)"


def test_text_alternative_has_the_title_the_summary_and_the_table():
    fig = style(go.Figure(), "Rates", "x", "y")
    text = text_alternative(fig, "Two rates.", {"rate": [0.123, 0.456]})
    assert text.startswith("Figure: Rates. Two rates.") and "0.12" in text
    with pytest.raises(ValueError, match="summary"):
        text_alternative(fig, " ")


def test_small_helpers():
    assert rgba("#117733", 0.5) == "rgba(17, 119, 51, 0.5)"
    assert list(jitter(3)) == [-0.25, 0.0, 0.25] and list(jitter(1)) == [0.0]
    assert wrap_label("misalignment after the fine-tune", 14) == "misalignment<br>after the<br>fine-tune"


def test_plain_title_joins_the_lines_of_a_title():
    assert plain_title("RL for 150 steps<br>hacks  100%") == "RL for 150 steps hacks 100%"
    fig = go.Figure(layout=dict(title=dict(text="line one<br>line two")))
    assert text_alternative(fig, "One sentence.").startswith("Figure: line one line two. One sentence.")
