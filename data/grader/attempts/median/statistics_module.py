"""Calls the standard library."""
import statistics


def median(values):
    return statistics.median(values)
