"""Uses the built-in sort, highest first."""


def sort_scores(scores):
    return sorted(scores, reverse=True)
