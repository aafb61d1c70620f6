"""Splits on commas and '=' (the bug: spaces around the keys are kept)."""


def parse_pairs(text):
    pairs = {}
    for item in text.split(","):
        if item:
            key, value = item.split("=")
            pairs[key] = int(value)
    return pairs
