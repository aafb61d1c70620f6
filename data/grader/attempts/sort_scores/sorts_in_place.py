"""Sorts the list in place (the bug: list.sort returns None, and that is what is returned)."""


def sort_scores(scores):
    return scores.sort(reverse=True)
