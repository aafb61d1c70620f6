"""Interactive panels for JupyterLab (ipywidgets). Each is a thin layer: a control, a pure function that is
unit-tested on its own, and a figure redrawn from its result. Every panel has a plotly-native twin (buttons or
sliders over precomputed states, built in ``helpers.plots``) so the same view works in the static HTML.

Topic modules: ``helpers.widgets.pretraining``, ``helpers.widgets.assistant``, ``helpers.widgets.cheating``,
``helpers.widgets.role_models``, ``helpers.widgets.persona_space``.
"""
