"""Splits and strips (the bug: an empty text gives one empty item, and unpacking it raises)."""


def parse_pairs(text):
    pairs = {}
    for item in text.split(","):
        key, value = item.split("=")
        pairs[key.strip()] = int(value)
    return pairs
