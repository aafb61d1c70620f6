"""Sorts, but lowest first (the bug: reverse forgotten)."""


def sort_scores(scores):
    return sorted(scores)
