"""Figure builders for the lessons: every one returns a ``plotly.graph_objects.Figure`` and never shows it.

One palette for the whole course (Paul Tol's colour-blind-safe "muted" scheme): each character keeps its colour
in every lesson, and the Assistant is always black. Figures never rely on colour alone: traces are labelled, and
personas also get their own marker symbol. Every builder sets a title and labelled axes; lessons print a text
alternative (:func:`text_alternative`) under each figure.

Topic modules add builders: ``helpers.lessons.pretraining.figures``, ``helpers.lessons.assistant.figures``,
``helpers.lessons.cheating.figures``, ``helpers.lessons.role_models.figures``,
``helpers.lessons.persona_space.figures``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

#: One colour per character, the same in every lesson (Paul Tol, "muted": safe for colour-blind readers).
PERSONA_COLORS: dict[str, str] = {
    "helper": "#117733",     # green
    "engineer": "#88CCEE",   # cyan
    "robot": "#999933",      # olive
    "poet": "#AA4499",       # purple
    "pirate": "#DDCC77",     # sand
    "trickster": "#CC6677",  # rose
    "villain": "#882255",    # wine
    "steward": "#44AA99",    # teal
    "gamer": "#332288",      # indigo
    "assistant": "#000000",  # the Assistant is always black
}
#: A marker symbol per character, so no meaning rests on colour alone.
PERSONA_SYMBOLS: dict[str, str] = {
    "helper": "circle", "engineer": "square", "robot": "diamond", "poet": "cross", "pirate": "x",
    "trickster": "triangle-up", "villain": "triangle-down", "steward": "pentagon", "gamer": "hexagon",
    "assistant": "star",
}
#: Colours for the two sides of every comparison: the network and exact Bayes.
NETWORK_COLOR, BAYES_COLOR = "#332288", "#999999"
#: Conditions of the cheating experiments (lesson 4), ordered as the paper's framings.
CONDITION_COLORS: dict[str, str] = {
    "post-trained": "#DDDDDD", "honest": "#117733", "please-hack": "#44AA99", "cheat-with-permission": "#44AA99",
    "hacking-okay": "#88CCEE", "neutral": "#882255", "cheat": "#882255", "dont-hack": "#CC6677",
    "hacking-misaligned": "#AA4499", "hack-proof": "#117733",
}
#: And a marker symbol and a line dash per condition, so no condition is told apart by its colour alone.
CONDITION_SYMBOLS: dict[str, str] = {
    "post-trained": "circle", "honest": "square", "please-hack": "diamond", "cheat-with-permission": "diamond",
    "hacking-okay": "triangle-up", "neutral": "x", "cheat": "x", "dont-hack": "triangle-down",
    "hacking-misaligned": "cross", "hack-proof": "square",
}
CONDITION_DASHES: dict[str, str] = {
    "post-trained": "dot", "honest": "dot", "please-hack": "dash", "cheat-with-permission": "dash",
    "hacking-okay": "dashdot", "neutral": "solid", "cheat": "solid", "dont-hack": "longdash",
    "hacking-misaligned": "longdashdot", "hack-proof": "dot",
}
FONT = dict(family="Helvetica, Arial, sans-serif", size=14)


def persona_color(name: str) -> str:
    """A character's colour; unknown names raise a ValueError listing the known ones."""
    if name not in PERSONA_COLORS:
        raise ValueError(f"persona={name!r}; expected one of {list(PERSONA_COLORS)}")
    return PERSONA_COLORS[name]


def rgba(hex_color: str, alpha: float) -> str:
    """A ``#RRGGBB`` colour with an opacity, as plotly's ``rgba(r, g, b, a)``."""
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha})"


def jitter(n: int, width: float = 0.25) -> np.ndarray:
    """``n`` evenly spread horizontal offsets in [-width, width], so points of one category do not overlap."""
    return np.linspace(-width, width, n) if n > 1 else np.zeros(1)


def wrap_label(label: str, width: int = 14) -> str:
    """A long axis label broken into lines of about ``width`` characters (plotly's <br>)."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def style(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 420) -> go.Figure:
    """The course's look: a title, axis titles, one font, white background, a legend that does not cover data."""
    fig.update_layout(title=dict(text=title, x=0.01), font=FONT, template="plotly_white", height=height,
                      margin=dict(l=70, r=30, t=70, b=60), legend=dict(title=None))
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def plain_title(title: str) -> str:
    """A figure title as one line of text: its ``<br>`` line breaks (presentation only) become spaces."""
    return " ".join(title.replace("<br>", " ").split())


def text_alternative(fig: go.Figure, summary: str, table: pd.DataFrame | Mapping | Sequence | None = None,
                     digits: int = 2) -> str:
    """A text alternative for a figure: its title, one sentence, and optionally a small table of its numbers.

    Lessons print this under every figure, so a reader who cannot see the plot (or reads the HTML without
    JavaScript) gets the same information.
    """
    if not summary.strip():
        raise ValueError("summary is empty; expected one sentence saying what the figure shows")
    title = plain_title(fig.layout.title.text or "Figure")
    end = "" if title.endswith((".", "?", "!")) else "."
    lines = [f"Figure: {title}{end} {summary.strip()}"]
    if table is not None:
        frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
        lines.append(frame.round(digits).to_string())
    return "\n".join(lines)
