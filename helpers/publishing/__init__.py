"""Turning the executed notebooks into things to read: the static site, slides, handouts, Colab and Binder
publishing, and the accessibility checks. Reads notebooks; never imported by a lesson.

Every builder reads the lessons through :mod:`~helpers.publishing.notebooks` (which notebooks are lessons, cells by
tag, headings, outputs) and turns outputs into HTML through :mod:`~helpers.publishing.rendering` (one place)."""
