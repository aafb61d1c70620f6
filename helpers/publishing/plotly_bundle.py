"""The one plotly.js bundle the site, the slides and the handouts ship: the smallest that draws every lesson figure.

plotly.js publishes partial bundles on npm. The lessons draw ``bar``, ``scatter`` and ``heatmap`` traces
(:func:`notebook_trace_types` reads them from the committed outputs), so the cartesian bundle
(``plotly.js-cartesian-dist-min``, 1.5 MB, :data:`CARTESIAN_TRACES`) is the smallest that has them all: the basic
one (:data:`BASIC_TRACES`) has no heatmap. It is a third of plotly's full 4.8 MB ``plotly.min.js``, and parsing that
file was most of a lesson page's cold load.

The bundle is pinned in ``package.json`` / ``package-lock.json`` (with its integrity hash) at exactly the plotly.js
version the installed plotly package bundles (:func:`expected_version`), so a figure draws on a page as it does in
JupyterLab; ``npm ci --ignore-scripts`` (run by ``make html`` and ``make slides``) installs it into ``node_modules/``,
which is not committed. Without it (no npm), or at another version, :func:`choose_bundle` falls back to plotly's full
bundle and says why in one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from helpers import PROJECT_ROOT

#: The npm package of the bundle, and its file inside the package.
NPM_PACKAGE = "plotly.js-cartesian-dist-min"
BUNDLE_FILE = "plotly-cartesian.min.js"
#: Where ``npm ci`` installs the packages of ``package-lock.json``.
NODE_MODULES = PROJECT_ROOT / "node_modules"
#: The trace types each partial bundle registers (plotly.js's dist/README.md; the cartesian list is checked against
#: the bundle itself in the browser tests).
BASIC_TRACES = frozenset({"bar", "pie", "scatter"})
CARTESIAN_TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
                              "image", "pie", "scatter", "scatterternary", "violin"})

_VERSION = re.compile(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+[\w.+-]*)")
_PLOTLY_MIME = "application/vnd.plotly.v1+json"


def expected_version() -> str:
    """The plotly.js version the installed plotly package bundles (and draws with in JupyterLab)."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def full_bundle() -> Path:
    """plotly's own full ``plotly.min.js`` from the plotly wheel; FileNotFoundError if the wheel lacks it."""
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js not found at {path}; reinstall plotly (`make install`)")
    return path


def cartesian_bundle(node_modules: Path = NODE_MODULES) -> Path:
    """Where ``npm ci`` puts the cartesian bundle (the file may not exist)."""
    return Path(node_modules) / NPM_PACKAGE / BUNDLE_FILE


def bundle_version(path: Path) -> str:
    """The plotly.js version in a bundle's licence header (``plotly.js (cartesian - minified) v4.1.1``)."""
    with open(path, encoding="utf-8", errors="replace") as file:
        head = file.read(500)
    match = _VERSION.search(head)
    if match is None:
        raise ValueError(f"{path} has no 'plotly.js ... vX.Y.Z' header in its first 500 characters; "
                         "expected a plotly.js dist bundle")
    return match.group(1)


def choose_bundle(node_modules: Path = NODE_MODULES) -> tuple[Path, str | None]:
    """The bundle to ship and, when it is not the cartesian one, the one line that says why.

    The cartesian bundle when ``npm ci`` installed it at :func:`expected_version`; else plotly's full bundle.
    """
    small = cartesian_bundle(node_modules)
    if not small.is_file():
        return full_bundle(), (f"{NPM_PACKAGE} is not installed ({small} missing; run `npm ci --ignore-scripts`): "
                               "using plotly's full 4.8 MB bundle, pages load about three times slower")
    found, wanted = bundle_version(small), expected_version()
    if found != wanted:
        return full_bundle(), (f"{small} is plotly.js {found} but the plotly package draws with {wanted}: using "
                               f"plotly's full bundle; pin {NPM_PACKAGE} at {wanted} in package.json and run "
                               "`npm install --ignore-scripts`")
    return small, None


def trace_types(figure: Mapping) -> set[str]:
    """Every trace type a plotly figure (dict) draws: its traces, its frames' traces and any ``type`` a button or
    slider step restyles to. A trace without a type is a scatter, as in plotly."""
    def of(traces) -> set[str]:
        return {trace.get("type") or "scatter" for trace in traces or [] if isinstance(trace, Mapping)}

    found = of(figure.get("data"))
    for frame in figure.get("frames") or []:
        found |= of(frame.get("data"))
    layout = figure.get("layout") or {}
    controls = [*(layout.get("updatemenus") or []), *(layout.get("sliders") or [])]
    for control in controls:
        for item in [*(control.get("buttons") or []), *(control.get("steps") or [])]:
            for arg in item.get("args") or []:
                if isinstance(arg, Mapping) and "type" in arg:
                    types = arg["type"] if isinstance(arg["type"], list) else [arg["type"]]
                    found |= {t for t in types if isinstance(t, str)}
    return found


def notebook_trace_types(paths: Iterable[Path]) -> dict[str, set[str]]:
    """Per notebook (file name), the trace types of the plotly figures in its saved outputs."""
    found: dict[str, set[str]] = {}
    for path in paths:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
        types: set[str] = set()
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                figure = (output.get("data") or {}).get(_PLOTLY_MIME)
                if isinstance(figure, Mapping):
                    types |= trace_types(figure)
        found[Path(path).name] = types
    return found
