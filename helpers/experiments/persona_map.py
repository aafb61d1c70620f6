"""A map of persona space (Lu et al., 2026): the principal components of the characters' persona vectors, and
the geometry the lesson reads positions with (where a point lies between two characters, cosines, unit vectors).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: The two ends of the steering direction and of the "along" coordinate: 0 at the helper, 1 at the villain.
GOOD, BAD = "helper", "villain"


@dataclass(frozen=True)
class PersonaMap:
    """Principal components of the characters' persona vectors: a map of persona space.

    PC1 is oriented so that the helper (the character post-training aims at) lies on its positive side, the
    "Assistant-like" end in Lu et al.'s picture; every later component so that its largest character coordinate
    is positive.
    """

    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray
    coords: pd.DataFrame
    vectors: pd.DataFrame = field(repr=False)

    def project(self, vectors: np.ndarray | pd.DataFrame | pd.Series) -> np.ndarray:
        """Map coordinates of one vector (shape (k,)) or of the rows of a table (shape (n, k))."""
        arr = np.asarray(vectors, dtype=float)
        if arr.shape[-1] != self.mean.shape[0]:
            raise ValueError(f"vectors of width {arr.shape[-1]}; expected {self.mean.shape[0]} (the map's dimension)")
        return (arr - self.mean) @ self.components.T

    def along(self, vector: np.ndarray) -> float:
        """How far a vector lies from the helper (0) to the villain (1), projected on the line between them."""
        return along(vector, self.vectors.loc[GOOD].to_numpy(), self.vectors.loc[BAD].to_numpy())

    def nearest(self, vector: np.ndarray) -> str:
        """The character whose persona vector is closest (Euclidean, in the full space)."""
        distances = np.linalg.norm(self.vectors.to_numpy() - np.asarray(vector)[None], axis=1)
        return str(self.vectors.index[int(np.argmin(distances))])


def fit_map(vectors: pd.DataFrame, k: int = 3, anchor: str = GOOD) -> PersonaMap:
    """PCA of the characters' persona vectors (rows of ``vectors``), keeping ``k`` components."""
    if anchor not in vectors.index:
        raise ValueError(f"anchor={anchor!r}; expected one of the vectors' rows {list(vectors.index)}")
    if not 1 <= k < len(vectors):
        raise ValueError(f"k={k}; expected 1..{len(vectors) - 1} components for {len(vectors)} vectors")
    x = vectors.to_numpy(dtype=float)
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    components = vt[:k].copy()
    scores = (x - mean) @ components.T
    anchor_row = list(vectors.index).index(anchor)
    for j in range(k):
        flip = scores[anchor_row, j] < 0 if j == 0 else scores[np.argmax(np.abs(scores[:, j])), j] < 0
        if flip:
            components[j] *= -1
            scores[:, j] *= -1
    explained = (s ** 2 / (s ** 2).sum())[:k]
    coords = pd.DataFrame(scores, index=vectors.index, columns=[f"PC{j + 1}" for j in range(k)])
    return PersonaMap(mean, components, explained, coords, vectors)


def along(vector: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """The position of ``vector`` projected on the line from ``start`` (0) to ``end`` (1)."""
    gap = np.asarray(end, dtype=float) - np.asarray(start, dtype=float)
    norm2 = float(gap @ gap)
    if norm2 == 0:
        raise ValueError("start and end are the same vector; expected two different points")
    return float((np.asarray(vector, dtype=float) - start) @ gap / norm2)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"vectors of shapes {a.shape} and {b.shape}; expected the same shape")
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        raise ValueError("a zero vector has no direction; expected non-zero vectors")
    return float(a @ b / norms)


def assistant_axis(vectors: pd.DataFrame, assistant: np.ndarray) -> np.ndarray:
    """The toy's Assistant direction: the post-trained Assistant's point minus the mean of the characters'."""
    return np.asarray(assistant, dtype=float) - vectors.to_numpy(dtype=float).mean(axis=0)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    if norm == 0:
        raise ValueError("a zero vector has no direction; expected a non-zero vector")
    return np.asarray(vector, dtype=float) / norm


def similarity(vectors: pd.DataFrame, centered: bool = True) -> pd.DataFrame:
    """Cosine similarity between the rows of ``vectors`` (after subtracting their mean, if ``centered``: what
    sets the characters apart, rather than what every reply shares)."""
    x = vectors.to_numpy(dtype=float)
    if centered:
        x = x - x.mean(axis=0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError("a vector is zero (or equal to the mean); expected distinct vectors")
    x = x / norms
    return pd.DataFrame(x @ x.T, index=vectors.index, columns=vectors.index)
