"""Walks the list (the bug: a missing value gives None, not -1)."""


def search(items, target):
    for i, item in enumerate(items):
        if item == target:
            return i
