"""Lessons and notebooks the publishing and browser tests build from: a copy of the committed lessons, and a
throwaway demo lesson (made and executed in a temp folder, never in notebooks/) that carries every kind of output the
site converts. Imported by tests/publishing/ and tests/test_live_lab.py; not a test module."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import PROJECT_ROOT
from helpers.publishing import notebooks as nbs
from helpers.publishing.notebooks import PLOTLY_MIME, SOLUTION_TAG, find_lessons

DEMO_NAME = "99_demo_lesson.ipynb"


#: Labels of the demo's permission toggle (plotly buttons) and its ipywidgets twin.
DEMO_TOGGLE_LABELS = ("Permission note: off", "Permission note: on")


_DEMO_CELLS = [
    ("markdown", "# 99 · Demo lesson\n\nA throwaway lesson that carries every kind of output the site converts.\n\n"
                 "**Time:** 1 min · **Needs:** nothing · **Runs in:** about 2 s\n\n"
                 "1. Figures · 2. Try it · 3. Exercise"),
    ("code", "import ipywidgets as widgets\nimport pandas as pd\nimport plotly.graph_objects as go\n"
             "from IPython.display import display\n\n"
             "RATES = {'Permission note: off': [0.10, 0.55], 'Permission note: on': [0.10, 0.20]}\n\n\n"
             "def rate_figure(label):\n"
             "    fig = go.Figure(go.Bar(x=['honest', 'cheat'], y=RATES[label], name=label))\n"
             "    return fig.update_layout(title=f'Misalignment ({label})', yaxis_title='share of answers',\n"
             "                             xaxis_title='fine-tune', yaxis_range=[0, 1])"),
    ("markdown", "## 1. Figures\n\nA figure with a slider over precomputed states."),
    ("code", "steps = [dict(label=str(k), method='restyle', args=[{'y': [[k, k * k, 2 * k]]}]) for k in range(4)]\n"
             "slider = go.Figure(go.Scatter(x=[0, 1, 2], y=[0, 0, 0], mode='lines+markers'))\n"
             "slider.update_layout(title='A slider over precomputed states', sliders=[dict(steps=steps)],\n"
             "                     xaxis_title='step', yaxis_title='value (units)')\n"
             "slider"),
    ("markdown", "## 2. Try it\n\nThe live control (it needs a kernel) and, under it, its static twin."),
    ("code", "toggle = widgets.ToggleButton(description='Permission note', value=False)\n"
             "out = widgets.Output()\n\n\n"
             "def redraw(change=None):\n"
             "    out.clear_output(wait=True)\n"
             "    with out:\n"
             "        display(rate_figure(DEMO_LABELS[toggle.value]))\n\n\n"
             "DEMO_LABELS = {False: 'Permission note: off', True: 'Permission note: on'}\n"
             "toggle.observe(redraw, names='value')\n"
             "redraw()\n"
             "display(widgets.VBox([toggle, out]))"),
    ("markdown", "Its static twin: the permission toggle as plotly buttons."),
    ("code", "twin = rate_figure('Permission note: off')\n"
             "twin.update_layout(updatemenus=[dict(type='buttons', direction='right', x=0.0, y=1.15, active=0,\n"
             "    buttons=[dict(label=label, method='update', args=[{'y': [RATES[label]]},\n"
             "                  {'title.text': f'Misalignment ({label})'}]) for label in RATES])])\n"
             "twin"),
    ("code", "print('Figure: misalignment with and without the permission note.')\n"
             "pd.DataFrame(RATES, index=['honest', 'cheat'])"),
    ("markdown", "## 3. Exercise\n\nWhat does the note change?"),
    ("solution", "<details open><summary>Solution</summary>\n\nThe note makes cheating say nothing about "
                 "character.\n\n</details>"),
    ("markdown", "A [link to the paper](https://example.org/paper) is fine: it loads nothing until clicked."),
]


#: Code and displayed text of :func:`hidden_cells_lesson`'s cells (the code must never reach a page or a slide).
HIDDEN_CODE = ("display(Markdown(f'SECRET_CODE_BY_TAG {rate:.2f}'))", "display(Markdown(f'SECRET_CODE_BY_METADATA'))")
HIDDEN_SHOWN = ("The rate rose to **0.53** on questions never trained on, a sentence built from a cell so that "
                "its number is never typed by hand in the lesson prose.", "Shown by the metadata-marked cell.")
COLLAPSED_TEXT = "Figure: a collapsed static twin's text alternative."


def hidden_cells_lesson() -> nbformat.NotebookNode:
    """A small lesson (not executed: its outputs are written by hand) with the cells lesson authors hide in
    JupyterLab: two sentence-building cells whose input is hidden (one by the ``hide-input`` tag, one by
    ``metadata.jupyter.source_hidden`` only) and one cell whose outputs are collapsed
    (``metadata.jupyter.outputs_hidden``), a figure and its text alternative."""
    def markdown_output(text: str) -> nbformat.NotebookNode:
        return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"})

    figure = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {"title": {"text": "Collapsed twin"}}}
    return new_notebook(cells=[
        new_markdown_cell("# 96 · Hidden cells\n\nOne line.\n\n**Time:** 1 min\n\n1. Sentences"),
        new_markdown_cell("## 1. Sentences\n\nA short lead-in."),
        new_code_cell(HIDDEN_CODE[0], metadata={"tags": ["hide-input"]}, outputs=[markdown_output(HIDDEN_SHOWN[0])]),
        new_code_cell(HIDDEN_CODE[1], metadata={"jupyter": {"source_hidden": True}},
                      outputs=[markdown_output(HIDDEN_SHOWN[1])]),
        new_code_cell("twin_figure()", metadata={"jupyter": {"outputs_hidden": True}}, outputs=[
            nbformat.v4.new_output("display_data", data={PLOTLY_MIME: figure, "text/plain": "Figure()"}),
            nbformat.v4.new_output("stream", name="stdout", text=COLLAPSED_TEXT + "\n")]),
        new_markdown_cell("## 2. Summary\n\n- one point"),
    ])


def write_demo_notebook(folder: Path, execute: bool = True) -> Path:
    """Write the demo notebook into ``folder`` (executed in a kernel when ``execute``) and return its path."""
    nb = new_notebook(cells=[new_code_cell(src) if kind == "code" else new_markdown_cell(src)
                             for kind, src in _DEMO_CELLS])
    for cell, (kind, _) in zip(nb.cells, _DEMO_CELLS, strict=True):
        if kind == "solution":
            cell.metadata["tags"] = [SOLUTION_TAG]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    if execute:
        from nbclient import NotebookClient

        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
                       ).execute()
    path = Path(folder) / DEMO_NAME
    nbformat.write(nb, path)
    return path


_CACHE: dict[str, Path] = {}


def demo_notebook() -> Path:
    """The executed demo notebook, made once per test session in a temp folder (a fresh copy is yours to use)."""
    if "demo" not in _CACHE:
        folder = Path(tempfile.mkdtemp(prefix="site-demo-"))
        _CACHE["demo"] = write_demo_notebook(folder)
    return _CACHE["demo"]


def copy_demo(folder: Path) -> Path:
    """A copy of the executed demo notebook in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(demo_notebook(), folder / DEMO_NAME))


def real_notebooks() -> list[Path]:
    return find_lessons(PROJECT_ROOT / "notebooks")


def snapshot_lessons(folder: Path) -> Path:
    """A copy of the committed lessons in ``folder`` (returned), for tests that build from them: lesson authors may
    rewrite a notebook while the tests run. Skips the calling test while the course has no lesson."""
    lessons = nbs.find_lessons()
    if not lessons:
        pytest.skip("no lesson notebooks yet")
    folder.mkdir(parents=True, exist_ok=True)
    for path in lessons:
        shutil.copy(path, folder / path.name)
    return folder


# A figure's visible state: its SVG layers without the controls (menus, sliders) and hover labels.
SNAPSHOT_JS = """(gd) => Array.from(gd.querySelectorAll('svg.main-svg')).map((svg) => {
    const copy = svg.cloneNode(true);
    copy.querySelectorAll('.menulayer, .hoverlayer, .slider-container').forEach((el) => el.remove());
    return copy.outerHTML;
}).join('\\n')"""


def lesson_04() -> Path | None:
    found = [path for path in find_lessons(PROJECT_ROOT / "notebooks") if path.name.startswith("04_")]
    return found[0] if found else None
