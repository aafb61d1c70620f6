"""An insertion sort, highest first."""


def sort_scores(scores):
    out = []
    for score in scores:
        i = 0
        while i < len(out) and out[i] >= score:
            i += 1
        out.insert(i, score)
    return out
