"""The background Kernel SHAP replaces absent features with, when the config gives none (Clarify's
``methods.shap.baseline`` absent): the centres of ``k`` clusters of the dataset's rows, as Clarify computes it
with K-means. Rows that are not all numbers (a category, a missing value) cannot be averaged into a centre, so
a mixed dataset gets ``k`` rows drawn from its own, seeded: every value is one the model has seen.
"""

from __future__ import annotations

import numpy as np


def numeric(rows: np.ndarray) -> np.ndarray | None:
    """``rows`` (text or numbers) as floats, or None when any value is not a finite number."""
    try:
        values = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return values if np.isfinite(values).all() else None


def background(rows: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """At most ``k`` background rows of ``rows`` (n x m): K-means centres when every value is a number."""
    rows = np.asarray(rows)
    if len(rows) <= k:
        return rows
    values = numeric(rows)
    if values is None:
        return rows[np.sort(np.random.default_rng(seed).choice(len(rows), size=k, replace=False))]
    from sklearn.cluster import KMeans  # imported here: only a baseline without a background needs it

    distinct = len(np.unique(values, axis=0))
    fitted = KMeans(n_clusters=min(k, distinct), n_init=10, random_state=seed).fit(values)
    return fitted.cluster_centers_
