"""Turning the executed notebooks into things to read: the static site, slides, handouts, Colab and Binder
publishing, and the accessibility checks. Reads notebooks; never imported by a lesson."""
