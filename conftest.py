"""Repository-wide pytest configuration: how the notebook tests compare the committed outputs.

Words are compared exactly and numbers within a stated tolerance; rich views (plotly figures, HTML, widget views,
images) are skipped, because they carry ids or the browser tests check them. See helpers/tools/nbval_numbers.py.
"""

pytest_plugins = ("helpers.tools.nbval_numbers",)
