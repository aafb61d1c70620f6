"""Splits on commas, then on '=', strips spaces and skips empty items."""


def parse_pairs(text):
    pairs = {}
    for item in text.split(","):
        if item.strip():
            key, value = item.split("=")
            pairs[key.strip()] = int(value)
    return pairs
