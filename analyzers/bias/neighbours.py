"""Exact nearest neighbours for the FlipTest, in memory flat in the number of rows.

``nearest(train, queries, count)`` returns, for each query row, the ``count`` train rows that a stable
sort of the squared Euclidean distances puts first: the nearest, ties broken by the lower train index.
That is the order a dense ``argsort(kind="stable")`` of the full distance matrix gives, without building
that matrix (n_a x n_d x features doubles, 8 GB for a 20k-row window): a k-d tree (scipy's cKDTree)
proposes a few more candidates than asked for, their distances are recomputed exactly as the dense
formula does, and a row whose tie at the last place might reach past the candidates is redone by brute
force in bounded chunks. Data with a missing value (NaN) takes the brute-force path, which is the
dense formula itself.
"""

from __future__ import annotations

import numpy as np

EXTRA_CANDIDATES = 8  # asked of the tree beyond ``count``; ties longer than this are redone by brute force
QUERY_BLOCK = 4096  # query rows per tree call
BRUTE_CELLS = 4_000_000  # doubles of one brute-force chunk (rows x train rows x features): 32 MB
_MARGIN = 1e-9  # relative; far above the rounding difference between the tree's distances and ours


def nearest(train: np.ndarray, queries: np.ndarray, count: int) -> np.ndarray:
    """Indices into ``train`` of each query's ``count`` nearest rows, shape (len(queries), count).

    >>> train = np.array([[0.0], [2.0], [1.0], [1.0]])
    >>> nearest(train, np.array([[1.0], [1.9]]), 2).tolist()  # ties (rows 2, 3; rows 2, 3) by index
    [[2, 3], [1, 2]]
    """
    if not 0 < count <= len(train):
        raise ValueError(f"count must be in 1..{len(train)}, got {count}")
    out = np.empty((len(queries), count), dtype=np.int64)
    if len(queries) == 0:
        return out
    if not (np.isfinite(train).all() and np.isfinite(queries).all()):
        for rows in _brute_chunks(len(queries), train.shape):
            out[rows] = _brute(train, queries[rows], count)
        return out
    from scipy.spatial import cKDTree  # imported here, like scipy.stats: only FlipTest runs need it

    tree = cKDTree(train)
    candidates = min(count + EXTRA_CANDIDATES, len(train))
    for start in range(0, len(queries), QUERY_BLOCK):
        block = queries[start : start + QUERY_BLOCK]
        distance, index = tree.query(block, candidates)
        distance, index = distance.reshape(len(block), candidates), index.reshape(len(block), candidates)
        index = np.sort(index, axis=1)  # lower index first, so a stable sort breaks ties by index
        exact = ((block[:, None, :] - train[index]) ** 2).sum(axis=2)
        order = np.argsort(exact, axis=1, kind="stable")
        out[start : start + len(block)] = np.take_along_axis(index, order[:, :count], axis=1)
        if candidates == len(train):
            continue  # every train row was a candidate
        last = np.sqrt(np.take_along_axis(exact, order[:, count - 1 : count], axis=1)[:, 0])
        unsure = np.flatnonzero(~(last < distance[:, -1] * (1 - _MARGIN)))
        for rows in _brute_chunks(len(unsure), train.shape):
            out[start + unsure[rows]] = _brute(train, block[unsure[rows]], count)
    return out


def _brute_chunks(n: int, shape: tuple[int, ...]) -> list[slice]:
    step = max(1, BRUTE_CELLS // max(1, shape[0] * shape[1]))
    return [slice(i, i + step) for i in range(0, n, step)]


def _brute(train: np.ndarray, queries: np.ndarray, count: int) -> np.ndarray:
    """The dense formula: squared distances to every train row, stable order (NaN last)."""
    distances = ((queries[:, None, :] - train[None, :, :]) ** 2).sum(axis=2)
    if np.isnan(distances).any():
        return np.argsort(distances, axis=1, kind="stable")[:, :count]
    # The first ``count`` of a stable sort, in O(train rows): everything below the count-th value,
    # then the lowest-indexed rows equal to it.
    kth = np.partition(distances, count - 1, axis=1)[:, count - 1 : count]
    below = distances < kth
    room = count - below.sum(axis=1, keepdims=True)
    equal = distances == kth
    take = below | (equal & (np.cumsum(equal, axis=1) <= room))
    index = np.nonzero(take)[1].reshape(len(queries), count)  # ascending index within each row
    order = np.argsort(np.take_along_axis(distances, index, axis=1), axis=1, kind="stable")
    return np.take_along_axis(index, order, axis=1)
