"""Comparing floats so that every laptop shows the same integers and yes/no answers.

Torch and NumPy pick different CPU kernels on different machines (AVX-512, AVX2, plain SSE), so one computation
gives floats that differ in their last digits from one laptop to the next. Measured on the shipped seed-0 runs,
across torch's three x86 kernel sets (``ATEN_CPU_CAPABILITY=avx512|avx2|default``) and NumPy's:

- a network's metrics (probabilities, misalignment, cheat rate), even after 100 training steps: at most 6e-6;
- the weights of the persona mixture that best fits the Assistant: up to 8.3e-4. That fit is nearly flat (mixtures
  that differ in the third decimal fit equally well), so its weights are less determined than its distance.

A rank, a count or a yes/no computed from such floats flips when two values that are equal in exact arithmetic
(a live run and its own shipped row, a difference that is zero because nothing trained) land on different sides
of each other. The rule here: values within a stated tolerance of each other are *equal*. So a difference within
``DRIFT`` of zero is neither lower nor higher, ties share the better rank, and a value within ``DRIFT`` of a
threshold counts as reaching it. Two values that really differ but sit closer than the drift to an edge could
still split; CI runs the lessons on every kernel set to catch that.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

#: Two computations of a network's metric that agree in exact arithmetic agree within this on any CPU
#: (about 15 times the largest drift measured, 6e-6).
DRIFT = 1e-4
#: The same for the weights of a best-fitting persona mixture (largest drift measured: 8.3e-4).
MIXTURE_DRIFT = 5e-3


def _floats(values: Iterable[float] | float) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if np.isnan(array).any():
        raise ValueError("values contain NaN; expected numbers (drop missing values first)")
    return array


def _check_tolerance(tol: float) -> float:
    tol = float(tol)
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol={tol}; expected a finite number >= 0")
    return tol


def same(a: Iterable[float] | float, b: Iterable[float] | float, tol: float = DRIFT) -> bool:
    """Whether every value of ``a`` is within ``tol`` of the matching value of ``b`` (absolute; NaN equals NaN)."""
    tol = _check_tolerance(tol)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes {a.shape} and {b.shape} differ; expected matching values")
    return bool(np.allclose(a, b, rtol=0.0, atol=tol, equal_nan=True))


def signs(differences: Iterable[float] | float, tol: float = DRIFT) -> np.ndarray:
    """-1, 0 or +1 per difference: 0 when it is within ``tol`` of zero."""
    tol = _check_tolerance(tol)
    d = _floats(differences)
    return np.where(d < -tol, -1, np.where(d > tol, 1, 0))


def count_lower(differences: Iterable[float], tol: float = DRIFT) -> int:
    """How many differences are below zero by more than ``tol``."""
    return int((signs(differences, tol) < 0).sum())


def count_higher(differences: Iterable[float], tol: float = DRIFT) -> int:
    """How many differences are above zero by more than ``tol``."""
    return int((signs(differences, tol) > 0).sum())


def count_at_least(values: Iterable[float], threshold: float, tol: float = DRIFT) -> int:
    """How many values reach ``threshold``; a value within ``tol`` below it counts as reaching it."""
    return int((signs(_floats(values) - float(threshold), tol) >= 0).sum())


def count_above(values: Iterable[float], threshold: float, tol: float = DRIFT) -> int:
    """How many values are above ``threshold`` by more than ``tol``."""
    return int((signs(_floats(values) - float(threshold), tol) > 0).sum())


def count_below(values: Iterable[float], threshold: float, tol: float = DRIFT) -> int:
    """How many values are below ``threshold`` by more than ``tol`` (the complement of :func:`count_at_least`)."""
    return int((signs(_floats(values) - float(threshold), tol) < 0).sum())


def rank(value: float, values: Iterable[float], largest_first: bool = True, tol: float = DRIFT) -> int:
    """The rank of ``value`` among ``values`` (1 = the largest, or the smallest if ``largest_first`` is False).

    Ties within ``tol`` share the better rank ("1, 2, 2, 4"), so a live value ranked among shipped values that
    include its own row ranks the same on every CPU.
    """
    ahead = signs(_floats(values) - float(_floats(value)), tol)
    return 1 + int((ahead > 0).sum() if largest_first else (ahead < 0).sum())
