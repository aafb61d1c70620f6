"""Sorts highest first, but through a set (the bug: equal scores collapse into one)."""


def sort_scores(scores):
    return sorted(set(scores), reverse=True)
