"""Running the course on Google Colab: a guarded install that only ever acts on Colab.

On Colab a lesson opens alone, without the rest of the repository: no ``helpers`` package, no ``data/`` folder, and
the runtime's own package versions. Once the course is published, ``python -m helpers.publishing.publish URL`` puts
three lines (:func:`first_cell` returns them) just before each lesson's first code cell; **on Colab only** they

1. clone the course repository into ``/content/persona-course`` (once per runtime),
2. put the clone on ``sys.path`` and call :func:`colab_setup`, which installs the clone with its pinned packages
   (:func:`install_command`), turns on Colab's custom widget manager so the ipywidgets panels work, and says
   whether the runtime must be restarted once because an already imported package changed version.

Everywhere else (JupyterLab, nbval, ``make execute``) the three lines do nothing (the static site and the slides
leave them out): they test
``"google.colab" in sys.modules`` (:func:`in_colab`) before anything else. The data folder is why the course is
cloned rather than ``pip install``-ed from its repository: ``data/`` (the world tables, shipped weights and results)
is not part of the Python package, and ``helpers`` finds it next to itself (``helpers.PROJECT_ROOT``).

What can be tested here is the guard and the commands (tests/publishing/test_colab.py); Colab itself cannot (no
network, no Google runtime): notebooks/instructor_guide.md lists what to check by hand on Colab and Binder.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers.project import PYPROJECT, published_url, read_pins

#: The branch or tag the Colab cell clones and the badges open.
REPOSITORY_REF = "main"
#: Where the Colab cell clones the course (Colab's working folder is /content).
COLAB_DIR = Path("/content/persona-course")
#: PyTorch's CPU-only wheels: the lessons never use a GPU, and the CPU build of the pinned torch is much smaller.
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Packages a lesson imports at run time whose version must match the pins (a change needs a runtime restart).
RUNTIME_PACKAGES = ("numpy", "pandas", "torch", "plotly", "ipywidgets", "safetensors", "tqdm")


def in_colab() -> bool:
    """True inside a Google Colab runtime (its ``google.colab`` module is already imported there)."""
    return "google.colab" in sys.modules


def repository_url(pyproject: Path = PYPROJECT) -> str:
    """The repository to clone: ``PERSONA_COURSE_REPO`` if set, else the published address (:func:`published_url`).

    Raises RuntimeError before the course is published (no address anywhere) and ValueError for an address that is
    not a URL or a path git can clone.
    """
    url = os.environ.get("PERSONA_COURSE_REPO", "").strip() or published_url(pyproject)
    if url is None:
        raise RuntimeError("the course has no public repository address yet: once it is published, run "
                           "`python -m helpers.publishing.publish https://github.com/OWNER/NAME` "
                           "(or set PERSONA_COURSE_REPO)")
    if not url.startswith(("https://", "git@", "file://", "/")):
        raise ValueError(f"repository address {url!r}; expected an https:// or git@ URL, a file:// URL or a path")
    return url


def clone_command(target: Path = COLAB_DIR, url: str | None = None, ref: str = REPOSITORY_REF) -> list[str]:
    """The ``git clone`` that fetches the course (shallow, one branch) into ``target``."""
    if not ref or any(c.isspace() for c in ref):
        raise ValueError(f"ref={ref!r}; expected a branch or tag name without spaces, e.g. 'main'")
    return ["git", "clone", "--quiet", "--depth", "1", "--branch", ref, url or repository_url(), str(target)]


def install_command(target: Path = COLAB_DIR, python: str | None = None) -> list[str]:
    """The pip command that installs the course from its cloned repository, with its pinned packages.

    Editable (``-e``), so ``helpers`` finds ``data/`` in the clone. PyTorch's CPU index is added so the pinned
    ``torch`` comes as the small CPU build (the lessons never use a GPU). Returns an argument list; ``" ".join``
    or :func:`shlex.join` of it is the shell command.
    """
    return [python or sys.executable, "-m", "pip", "install", "--quiet", "--extra-index-url", TORCH_CPU_INDEX,
            "--editable", str(target)]


def first_cell(target: Path = COLAB_DIR, url: str | None = None, ref: str = REPOSITORY_REF) -> str:
    """The exact three-line cell every lesson starts with: a no-op everywhere but on Colab.

    It cannot import ``helpers`` before the course is there, so the guard and the clone are spelled out with the
    standard library; everything else happens in :func:`colab_setup`.
    """
    clone = shlex.join(clone_command(target, url, ref))
    return (f'import os, sys  # On Google Colab only: fetch the course and its pinned packages (elsewhere this '
            f'cell does nothing)\n'
            f'if "google.colab" in sys.modules and not os.path.isdir("{target}"): os.system({clone!r})\n'
            f'if "google.colab" in sys.modules: sys.path.insert(0, "{target}"); '
            f'from helpers.publishing.colab import colab_setup; colab_setup("{target}")')


def stale_imports(pins: dict[str, str], loaded: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Runtime packages already imported at a version other than the pinned one: name -> (loaded, pinned).

    ``loaded`` maps a package to the version the running kernel has imported. A package that is not imported yet
    is fine: the next import picks up the installed pin. Local version labels (``2.13.0+cpu``) are ignored.
    """
    stale = {}
    for name in RUNTIME_PACKAGES:
        if name in loaded and name in pins and loaded[name].split("+")[0] != pins[name]:
            stale[name] = (loaded[name], pins[name])
    return stale


def loaded_versions() -> dict[str, str]:
    """Version of each of :data:`RUNTIME_PACKAGES` that the running kernel has already imported."""
    versions = {}
    for name in RUNTIME_PACKAGES:
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = str(getattr(module, "__version__", ""))
    return versions


def colab_setup(target: Path = COLAB_DIR, run: Callable[[Sequence[str]], int] | None = None) -> str:
    """On Colab: install the clone's pinned packages, turn on widgets, and report; elsewhere: do nothing.

    Returns a short status ("not colab", "ready" or "restart"), and prints what the reader should do. ``run``
    executes a command and returns its exit status (default: :func:`subprocess.call`; tests pass a recorder).
    """
    if not in_colab():
        return "not colab"
    target = Path(target)
    if not (target / "pyproject.toml").is_file():
        raise RuntimeError(f"the course is not in {target}: the clone failed (is the runtime online, and does the "
                           f"first cell clone the course's repository?)")
    run = run or (lambda argv: subprocess.call(list(argv)))
    if str(target) not in sys.path:
        sys.path.insert(0, str(target))
    status = run(install_command(target))
    if status != 0:
        raise RuntimeError(f"installing the course failed (exit status {status}): "
                           f"{shlex.join(install_command(target))}")
    _enable_widgets()
    stale = stale_imports(read_pins(target / "pyproject.toml"), loaded_versions())
    if stale:
        names = ", ".join(f"{n} {old} -> {new}" for n, (old, new) in sorted(stale.items()))
        print(f"Installed the course's pinned packages ({names}). Restart once: Runtime -> Restart session, then run "
              "this cell again (it will not download anything a second time).")
        return "restart"
    print(f"Course ready in {target}: pinned packages installed, interactive widgets on.")
    return "ready"


def _enable_widgets() -> None:
    """Colab draws ipywidgets 8 only with its custom widget manager turned on (once per runtime)."""
    try:
        from google.colab import output  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - only on Colab
        return
    output.enable_custom_widget_manager()


def colab_url(notebook: str, url: str | None = None, ref: str = REPOSITORY_REF) -> str:
    """The "Open in Colab" link of a lesson, e.g. ``colab_url("notebooks/01_pretraining_is_autocomplete.ipynb")``."""
    repo = (url or repository_url()).removesuffix(".git")
    prefix = "https://github.com/"
    if not repo.startswith(prefix):
        raise ValueError(f"url={repo!r}; Colab opens notebooks from GitHub, expected {prefix}OWNER/NAME")
    return f"https://colab.research.google.com/github/{repo[len(prefix):]}/blob/{ref}/{notebook.lstrip('/')}"


def binder_url(notebook: str = "notebooks/00_start_here.ipynb", url: str | None = None,
               ref: str = REPOSITORY_REF) -> str:
    """The Binder link that builds the repository from environment.yml and opens ``notebook`` in JupyterLab."""
    repo = (url or repository_url()).removesuffix(".git")
    prefix = "https://github.com/"
    if not repo.startswith(prefix):
        raise ValueError(f"url={repo!r}; this link form is for GitHub repositories, expected {prefix}OWNER/NAME")
    return f"https://mybinder.org/v2/gh/{repo[len(prefix):]}/{ref}?urlpath=lab/tree/{notebook.lstrip('/')}"


if __name__ == "__main__":  # pragma: no cover - a convenience for the person preparing the notebooks
    try:
        print(first_cell())
    except RuntimeError as error:
        sys.exit(f"error: {error}")
