"""Repository-wide pytest configuration: how nbval compares the committed notebooks' outputs.

Text and tables are compared (after tests/nbval_sanitize.cfg blanks out numbers that may differ in the last
digit); rich views are skipped: plotly figures, HTML, widget views and images carry ids or are checked by the
browser tests instead.
"""

SKIP_COMPARE = (
    "text/html",
    "application/javascript",
    "application/vnd.plotly.v1+json",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/svg+xml",
)


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += SKIP_COMPARE
