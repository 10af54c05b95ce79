"""The FlipTest's neighbour search against the dense formula it replaced, and its resampled form against
refitting on each resample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzers.bias import neighbours
from analyzers.bias.inputs import BiasInputs
from analyzers.bias.neighbours import nearest
from analyzers.bias.posttraining import flip_test, flip_test_resampled


def _dense(train: np.ndarray, queries: np.ndarray, count: int) -> np.ndarray:
    """The dense distance matrix and stable argsort that FlipTest used before (the reference)."""
    distances = ((queries[:, None, :] - train[None, :, :]) ** 2).sum(axis=2)
    return np.argsort(distances, axis=1, kind="stable")[:, :count]


@pytest.mark.parametrize("levels", [2, 3, 6, None])  # few levels: ties everywhere; None: continuous
@pytest.mark.parametrize("count", [1, 5, 40])
def test_nearest_is_the_dense_stable_order(levels, count):
    rng = np.random.default_rng(levels or 0)
    shape = (700, 3)
    train = rng.integers(0, levels, shape).astype(float) if levels else rng.normal(size=shape)
    queries = rng.integers(0, levels, (300, 3)).astype(float) if levels else rng.normal(size=(300, 3))
    assert np.array_equal(nearest(train, queries, count), _dense(train, queries, count))


def test_nearest_with_missing_values_and_small_chunks(monkeypatch):
    monkeypatch.setattr(neighbours, "BRUTE_CELLS", 50)
    rng = np.random.default_rng(3)
    train, queries = rng.integers(0, 3, (60, 2)).astype(float), rng.integers(0, 3, (25, 2)).astype(float)
    assert np.array_equal(nearest(train, queries, 5), _dense(train, queries, 5))
    train[4, 1], queries[2, 0] = np.nan, np.nan
    assert np.array_equal(nearest(train, queries, 5), _dense(train, queries, 5))


def _inputs(rng: np.random.Generator, n: int, levels: int) -> BiasInputs:
    features = pd.DataFrame({"u": rng.integers(0, levels, n), "v": rng.integers(0, levels, n), "w": rng.normal(size=n)})
    d = rng.random(n) < 0.4
    yhat = rng.random(n) < 0.3 + 0.2 * (features["u"].to_numpy() > levels / 2)
    return BiasInputs(d=d, y=np.zeros(n, bool), yhat=yhat, features=features)


@pytest.mark.parametrize("n", [14, 300])
def test_flip_test_is_the_dense_formula(n):
    x = _inputs(np.random.default_rng(n), n, 4)
    matrix = x.features.to_numpy(dtype=float)
    k = 5 if x.a.sum() > 9 else 1
    counterfactual = x.yhat[x.a][_dense(matrix[x.a], matrix[x.d], k)].sum(axis=1) * 2 > k
    actual = x.yhat[x.d]
    expected = (int(np.sum(actual & ~counterfactual)) - int(np.sum(~actual & counterfactual))) / int(x.d.sum())
    assert flip_test(x) == expected


def test_resampled_flip_test_is_flip_test_of_the_resample():
    """With a continuous feature there are no distance ties, so the shortcut equals a refit exactly."""
    rng = np.random.default_rng(5)
    x = _inputs(rng, 400, 1_000_000)
    statistic = flip_test_resampled(x)
    assert statistic(np.arange(400)) == flip_test(x)
    for _ in range(20):
        rows = rng.integers(0, 400, 400)
        resample = BiasInputs(d=x.d[rows], y=x.y[rows], yhat=x.yhat[rows], features=x.features.iloc[rows])
        assert statistic(rows) == pytest.approx(flip_test(resample), abs=1e-12)
