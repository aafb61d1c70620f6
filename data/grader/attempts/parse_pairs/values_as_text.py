"""Splits and strips (the bug: values stay strings, never converted to numbers)."""


def parse_pairs(text):
    pairs = {}
    for item in text.split(","):
        if item.strip():
            key, value = item.split("=")
            pairs[key.strip()] = value.strip()
    return pairs
