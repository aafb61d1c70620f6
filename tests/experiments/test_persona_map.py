"""The map of persona space: a PCA oriented to the helper, and the geometry read on it."""


import numpy as np
import pandas as pd
import pytest

from helpers.experiments import persona_map
from helpers.experiments import persona_space as ps


@pytest.fixture(scope="module")
def space(base, world):
    return ps.analyze_space(base, world)


# ----- the map -----
def test_the_map_is_a_pca_oriented_to_the_helper(space):
    pmap = space.map
    assert np.allclose(pmap.components @ pmap.components.T, np.eye(len(pmap.components)), atol=1e-6)
    assert pmap.coords.loc["helper", "PC1"] > 0
    assert list(pmap.explained) == sorted(pmap.explained, reverse=True) and pmap.explained.sum() <= 1 + 1e-9
    assert np.allclose(pmap.project(pmap.mean), 0)
    assert np.allclose(pmap.project(space.vectors), pmap.coords.to_numpy())
    assert pmap.along(space.vectors.loc["helper"].to_numpy()) == pytest.approx(0.0, abs=1e-9)
    assert pmap.along(space.vectors.loc["villain"].to_numpy()) == pytest.approx(1.0)
    assert all(pmap.nearest(space.vectors.loc[p].to_numpy()) == p for p in space.vectors.index)
    with pytest.raises(ValueError, match="width"):
        pmap.project(np.zeros(3))


def test_fit_map_rejects_bad_arguments(space):
    with pytest.raises(ValueError, match="anchor"):
        persona_map.fit_map(space.vectors, anchor="wizard")
    with pytest.raises(ValueError, match="k="):
        persona_map.fit_map(space.vectors, k=7)
    flipped = persona_map.fit_map(space.vectors.loc[::-1])
    assert np.allclose(np.abs(flipped.components[0]), np.abs(space.map.components[0]), atol=1e-6)
    assert flipped.coords.loc["helper", "PC1"] > 0


def test_vector_helpers_reject_degenerate_input():
    with pytest.raises(ValueError, match="zero"):
        persona_map.cosine(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        persona_map.cosine(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="zero"):
        persona_map.unit(np.zeros(4))
    with pytest.raises(ValueError, match="same vector"):
        persona_map.along(np.ones(2), np.ones(2), np.ones(2))
    assert persona_map.cosine(np.array([1.0, 0]), np.array([0, 2.0])) == pytest.approx(0.0)
    sim = persona_map.similarity(pd.DataFrame(np.eye(3), index=list("abc")))
    assert np.allclose(np.diag(sim), 1) and sim.loc["a", "b"] < 0
