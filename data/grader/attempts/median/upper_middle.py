"""Sorts and takes the value at len // 2 (the bug: even lengths get the upper middle value, not the mean)."""


def median(values):
    return sorted(values)[len(values) // 2]
