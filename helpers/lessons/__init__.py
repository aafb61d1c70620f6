"""One folder per topic, holding everything a lesson's notebook imports: its analysis, figures, widgets and the
self-checks of its exercises.

Lessons build on the engine, the experiments and the shared ui; nothing outside the lessons imports them.
"""
