"""Takes the middle of the list as given (the bug: it never sorts)."""


def median(values):
    mid = len(values) // 2
    if len(values) % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2
