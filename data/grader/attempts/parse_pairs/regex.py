"""Finds every key=number pair with a regular expression."""
import re


def parse_pairs(text):
    return {key: int(value) for key, value in re.findall(r"(\w+)\s*=\s*(-?\d+)", text)}
