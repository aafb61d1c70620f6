"""Integers and yes/no answers computed from floats: ties within the tolerance behave the same on every CPU."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.engine import tolerance


def test_values_within_the_drift_are_the_same():
    assert tolerance.same([0.5, 0.25], [0.5 + 5e-5, 0.25 - 5e-5])
    assert not tolerance.same([0.5], [0.5 + 2e-4])
    assert tolerance.same(float("nan"), float("nan"))
    with pytest.raises(ValueError, match="shapes"):
        tolerance.same([1.0, 2.0], [1.0])


def test_differences_within_the_drift_are_neither_lower_nor_higher():
    d = [-0.3, -5e-5, 0.0, 5e-5, 0.2]
    assert tolerance.signs(d).tolist() == [-1, 0, 0, 0, 1]
    assert (tolerance.count_lower(d), tolerance.count_higher(d)) == (1, 1)


def test_a_value_within_the_drift_of_a_threshold_reaches_it():
    values = [0.9 - 5e-5, 0.9, 0.95, 0.8]
    assert tolerance.count_at_least(values, 0.9) == 3
    assert tolerance.count_below(values, 0.9) == 1
    assert tolerance.count_above(values, 0.9) == 1


def test_a_live_value_ranks_the_same_as_its_own_shipped_row():
    shipped = pd.Series([-0.869, -0.5, 0.1])
    for drift in (-3e-6, 0.0, 3e-6):   # the live run of the first seed, on three CPUs
        assert tolerance.rank(-0.869 + drift, shipped, largest_first=False) == 1
    assert tolerance.rank(0.1, shipped) == 1
    assert tolerance.rank(-0.5, [0.3, 0.3, -0.5]) == 3          # ties share the better rank: 1, 1, 3
    assert tolerance.rank(0.3, [0.3, 0.3 + 1e-6, -0.5]) == 1


@pytest.mark.parametrize("bad", [-1e-4, float("nan"), float("inf")])
def test_a_bad_tolerance_is_refused(bad):
    with pytest.raises(ValueError, match="tol="):
        tolerance.count_lower([0.1], tol=bad)


def test_nan_values_are_refused_not_counted():
    with pytest.raises(ValueError, match="NaN"):
        tolerance.count_lower([0.1, np.nan])
