"""Finds where target would go (the bug: returns that slot even when target is not there)."""
import bisect


def search(items, target):
    return bisect.bisect_left(items, target)
