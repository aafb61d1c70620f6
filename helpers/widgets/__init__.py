"""Interactive panels for JupyterLab (ipywidgets). Each is a thin layer: a control, a pure function that is
unit-tested on its own, and a figure redrawn from its result. Every panel has a plotly-native twin (buttons or
sliders over precomputed states, built in ``helpers.plots``) so the same view works in the static HTML.

Topic modules: ``helpers.widgets.pretraining``, ``helpers.widgets.assistant``, ``helpers.widgets.cheating``,
``helpers.widgets.role_models``, ``helpers.widgets.persona_space``.
"""

from __future__ import annotations



import time
from typing import Callable


def redraw(output, figure) -> None:
    """Show ``figure`` in a panel's output area (only inside IPython; plain Python has nowhere to draw).

    The clear happens inside the ``with`` block: cleared outside it, nbconvert's executor can wait for its whole
    timeout after the cell.
    """
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        return
    with output:
        output.clear_output(wait=True)
        display(figure)


def seconds_taken(action: Callable[[], None]) -> float:
    """Wall-clock seconds one call of ``action`` takes (for the panels' ``measure_latency``)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
