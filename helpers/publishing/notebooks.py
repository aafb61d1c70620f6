"""Reading the lessons, in one place: which notebooks are lessons, their cells by tag, their headings and outputs.

Every builder of the publishing layer (the site, the slides, the handouts, the accessibility checks, publishing)
reads the committed notebooks through this module and nothing else:

- **lessons**: :func:`find_lessons` lists the lesson notebooks of a folder (:data:`LESSON_GLOB`, ``NN_name.ipynb``,
  in file-name order); :func:`read_notebook` reads one;
- **cells by tag**: :func:`cells_with_tag` and :func:`without_tags` select cells by their ``metadata.tags``, the
  Jupyter convention that nbconvert's ``TagRemovePreprocessor``, Jupyter Book and nbgrader understand. An exercise
  solution is a markdown cell tagged :data:`SOLUTION_TAG` (its text a ``<details><summary>Solution</summary> ...
  </details>`` block, so it stays folded in JupyterLab); the Colab install cell that publishing adds is tagged
  :data:`COLAB_TAG`, and :func:`for_readers` leaves it out;
- **hidden input**: :func:`hides_input` is true for a cell whose code readers should not see, only its output (a
  cell that only builds a sentence with ``display(Markdown(f"..."))``): tagged :data:`HIDE_INPUT_TAG` (Jupyter
  Book's convention) or with ``metadata.jupyter.source_hidden`` (JupyterLab's collapsed input); either marker is
  enough. Collapsed *outputs* (``metadata.jupyter.outputs_hidden``, :func:`hides_outputs`) are a JupyterLab view
  setting only: every builder still shows them, since a page or a slide has no kernel to show the live panel they
  would repeat;
- **markdown**: :func:`headings` (``#`` lines outside fenced code), :func:`paragraphs`, :func:`plain_text`;
- **outputs**: :func:`code_outputs`, :func:`figures`, :func:`figure_title`, :func:`count_outputs` and
  :func:`text_alternatives` (the printed ``Figure: ...`` lines that describe a figure).

Turning outputs into HTML is :mod:`helpers.publishing.rendering`'s job.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import nbformat

from helpers import PROJECT_ROOT
from helpers.engine.validation import InputError
from helpers.ui.figures import plain_title

#: Where the lessons live.
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
#: Lesson notebooks only (the instructor guide and scratch notebooks are not lessons).
LESSON_GLOB = "[0-9][0-9]_*.ipynb"

#: The tag of an exercise solution's cell.
SOLUTION_TAG = "solution"
#: The tag of a cell whose code the site and the slides do not show (only its output); see :func:`hides_input`.
HIDE_INPUT_TAG = "hide-input"
#: The tag of the Colab install cell that ``python -m helpers.publishing.publish`` puts at the top of a lesson.
COLAB_TAG = "colab-setup"

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")

#: A markdown heading line, ``## 2. Title`` (level = number of ``#``), and a code fence (inside it no heading).
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
#: The summary line of a solution block: ``<summary>Solution``, ``<summary><b>Solution</b> (worked)``.
SOLUTION_SUMMARY = re.compile(r"<summary\b[^>]*>\s*(?:<[^>]+>\s*)*Solution\b", re.IGNORECASE)


# ----------------------------------------------------------------------------------------------------------------
# Lessons
# ----------------------------------------------------------------------------------------------------------------

def find_lessons(notebooks_dir: Path = NOTEBOOKS_DIR, required: bool = False) -> list[Path]:
    """Every lesson notebook (``NN_name.ipynb``) of a folder, in file-name order.

    Raises ValueError for a folder that does not exist, and, with ``required``, for one that holds no lesson.
    """
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir={str(notebooks_dir)!r} is not a folder; expected the folder that holds "
                         f"the lesson notebooks (default {NOTEBOOKS_DIR})")
    lessons = sorted(notebooks_dir.glob(LESSON_GLOB))
    if required and not lessons:
        raise ValueError(f"notebooks_dir={str(notebooks_dir)!r} holds no lesson notebooks; expected at least one "
                         f"named like {LESSON_GLOB} (e.g. 01_intro.ipynb)")
    return lessons


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """One notebook as nbformat version 4; an InputError (a ValueError) naming the file if it is missing or is not
    a notebook."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such notebook; expected the path of a .ipynb file")
    try:
        return nbformat.read(path, as_version=4)
    except (ValueError, KeyError, TypeError, AttributeError) as err:  # nbformat's NotJSONError is a ValueError
        reason = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise InputError(f"{path}: not a readable Jupyter notebook ({reason}); expected a .ipynb file saved by "
                         "Jupyter (restore it with git if it was committed)") from None


# ----------------------------------------------------------------------------------------------------------------
# Cells by tag
# ----------------------------------------------------------------------------------------------------------------

def has_tag(cell: Mapping, tag: str) -> bool:
    """True if the cell's ``metadata.tags`` holds ``tag``."""
    return tag in (cell.get("metadata") or {}).get("tags", [])


def cells_with_tag(nb: nbformat.NotebookNode, tag: str) -> list[nbformat.NotebookNode]:
    """The cells tagged ``tag``, in order (the notebook's own cells: changing one changes the notebook)."""
    return [cell for cell in nb.cells if has_tag(cell, tag)]


def without_tags(nb: nbformat.NotebookNode, *tags: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` without the cells tagged with any of ``tags`` (``nb`` is not changed)."""
    kept = copy.deepcopy(nb)
    kept.cells = [cell for cell in kept.cells if not any(has_tag(cell, tag) for tag in tags)]
    return kept


def for_readers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without its Colab install cell: readers of the static site and the slides have nothing to
    install, and the cell would only puzzle them."""
    return without_tags(nb, COLAB_TAG)


def hides_input(cell: Mapping) -> bool:
    """True for a code cell whose code readers should not see, only its output: tagged :data:`HIDE_INPUT_TAG`, or
    with ``metadata.jupyter.source_hidden`` true (JupyterLab's collapsed input). Either marker is enough."""
    if cell.get("cell_type") != "code":
        return False
    jupyter = (cell.get("metadata") or {}).get("jupyter") or {}
    return has_tag(cell, HIDE_INPUT_TAG) or (isinstance(jupyter, Mapping) and jupyter.get("source_hidden") is True)


def hides_outputs(cell: Mapping) -> bool:
    """True for a code cell whose outputs JupyterLab shows collapsed (``metadata.jupyter.outputs_hidden``): a static
    twin or a text alternative that would repeat a live panel. The builders show these outputs all the same."""
    jupyter = (cell.get("metadata") or {}).get("jupyter") or {}
    return cell.get("cell_type") == "code" and isinstance(jupyter, Mapping) and jupyter.get("outputs_hidden") is True


def is_solution(cell: Mapping) -> bool:
    """True for an exercise solution's cell (tagged :data:`SOLUTION_TAG`)."""
    return has_tag(cell, SOLUTION_TAG)


def untagged_solutions(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of markdown cells that hold a ``<summary>Solution`` block but are not tagged as a solution."""
    return [i for i, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown" and not is_solution(cell) and SOLUTION_SUMMARY.search(cell.source)]


def require_tagged_solutions(nb: nbformat.NotebookNode, name: str = "the notebook") -> None:
    """Raise ValueError if a solution block sits in a cell without the solution tag: the builders find solutions by
    their tag, so an untagged one would leak into a handout or onto a slide."""
    untagged = untagged_solutions(nb)
    if untagged:
        raise ValueError(f"{name}: cell(s) {untagged} hold a <summary>Solution block but are not tagged "
                         f"{SOLUTION_TAG!r}; expected each solution in its own markdown cell with "
                         f"metadata.tags = [{SOLUTION_TAG!r}]")


# ----------------------------------------------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------------------------------------------

def heading_lines(markdown: str) -> Iterator[tuple[str, re.Match | None]]:
    """Each line of a markdown text with its heading match (None for a line that is not a heading, and for every
    line of a fenced code block, fences included)."""
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            yield line, None
            continue
        yield line, None if fenced else HEADING.match(line)


def headings(nb: nbformat.NotebookNode) -> list[tuple[int, int, str]]:
    """(cell index, level, text) of every markdown heading (``#`` lines outside fenced code), in order."""
    return [(i, len(m.group(1)), m.group(2)) for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
            for _, m in heading_lines(cell.source) if m]


def paragraphs(markdown: str) -> list[str]:
    """The text's paragraphs (split at blank lines), stripped, without empty ones."""
    return [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]


def plain_text(markdown: str) -> str:
    """Markdown inline text without its markup (for a page's ``<title>`` and the like): links become their text,
    ``*``, ``_`` and backticks go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*_`]", "", text).strip()


# ----------------------------------------------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------------------------------------------

def code_outputs(nb: nbformat.NotebookNode) -> Iterator[tuple[int, int, dict]]:
    """(cell index, output index, output) of every output of every code cell, in order."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for k, output in enumerate(cell.get("outputs", [])):
                yield i, k, output


def is_figure(output: Mapping) -> bool:
    """A plotly figure or an image."""
    data = output.get("data") or {}
    return PLOTLY_MIME in data or any(mime in data for mime in IMAGE_MIMES)


def figures(nb: nbformat.NotebookNode) -> Iterator[tuple[int, int, dict]]:
    """(cell index, output index, output) of every figure output (plotly figure or image), in order."""
    return ((i, k, output) for i, k, output in code_outputs(nb) if is_figure(output))


def plotly_figures(nb: nbformat.NotebookNode) -> Iterator[tuple[int, int, dict]]:
    """(cell index, output index, figure JSON) of every plotly output, in order."""
    for i, k, output in code_outputs(nb):
        figure = (output.get("data") or {}).get(PLOTLY_MIME)
        if isinstance(figure, dict):
            yield i, k, figure


def figure_title(figure: Mapping) -> str | None:
    """The title of a plotly figure's JSON (``layout.title`` or ``layout.title.text``) as one line of text
    (:func:`helpers.ui.figures.plain_title`), or None if it has none."""
    title = (figure.get("layout") or {}).get("title")
    title = title.get("text") if isinstance(title, dict) else title
    return plain_title(str(title)) if title else None


def count_outputs(nb: nbformat.NotebookNode) -> dict[str, int]:
    """How many plotly figures and ipywidgets views a notebook's committed outputs hold."""
    counts = {"figures": 0, "widgets": 0}
    for _, _, output in code_outputs(nb):
        data = output.get("data") or {}
        counts["figures"] += PLOTLY_MIME in data
        counts["widgets"] += PLOTLY_MIME not in data and WIDGET_MIME in data
    return counts


def output_text(output: Mapping) -> str:
    """The text a reader sees for one output (stream text, or a result's markdown or plain text)."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data") or {}
    return str(data.get("text/markdown") or data.get("text/plain") or "")


def displayed_markdown(cell: Mapping) -> str:
    """The Markdown a code cell displays (its ``text/markdown`` outputs, joined by blank lines): the prose of a
    sentence-building cell (:func:`hides_input`). Empty for a markdown cell or a cell that displays none."""
    if cell.get("cell_type") != "code":
        return ""
    texts = []
    for output in cell.get("outputs", []):
        value = (output.get("data") or {}).get("text/markdown")
        text = "".join(value) if isinstance(value, list) else value
        if isinstance(text, str) and text.strip():
            texts.append(text.strip())
    return "\n\n".join(texts)


def text_alternatives(nb: nbformat.NotebookNode, cell: int, index: int) -> list[str]:
    """The printed ``Figure: ...`` lines that describe the figure at output ``index`` of cell ``cell``.

    They follow the figure in the same cell, or (when the cell has no such line and no later figure) in the next
    cell if it is a code cell; the search stops at the next figure. Empty if there is none.
    """
    def lines(outputs: list) -> list[str]:
        found = []
        for output in outputs:
            if is_figure(output):
                break
            found += [line for line in output_text(output).splitlines() if line.startswith("Figure:")]
        return found

    after = nb.cells[cell].get("outputs", [])[index + 1:]
    found = lines(after)
    if not found and not any(is_figure(o) for o in after) and cell + 1 < len(nb.cells) \
            and nb.cells[cell + 1].cell_type == "code":
        found = lines(nb.cells[cell + 1].get("outputs", []))
    return found
