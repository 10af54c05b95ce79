"""Aligned proportions of two profiles: the one place that decides buckets and empty buckets.

Numeric features use the baseline's deciles (read from its sketch) as bucket edges, so each bucket
holds about a tenth of the baseline and the current shares are read from the current sketch at the
same edges. Categorical features use the union of both profiles' categories, with values folded
into overflow as one more category. Shares never reach zero: ``EMPTY_SHARE`` stands in for an empty
bucket (the usual PSI convention), so logarithms stay finite and an empty bucket still counts.
"""

from __future__ import annotations

import numpy as np

from analyzers.kll import KllSketch
from analyzers.profile import Categories

NUM_BINS = 10
EMPTY_SHARE = 1e-4


def cdf_at(sketch: KllSketch, points: np.ndarray) -> np.ndarray:
    """Share of the sketched values at or below each point."""
    items, weights = sketch.weighted_items()
    return _weighted_cdf(items, weights, points)


def paired_cdfs(baseline: KllSketch, current: KllSketch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every item of either sketch (sorted), and each sketch's CDF at those points."""
    xs, ws = baseline.weighted_items()
    ys, vs = current.weighted_items()
    points = np.union1d(xs, ys)
    return points, _weighted_cdf(xs, ws, points), _weighted_cdf(ys, vs, points)


def _weighted_cdf(items: np.ndarray, weights: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Share of the weight at or below each point, ``items`` sorted. The weights are whole powers of
    two, so the running sum's last value is their exact total."""
    cumulative = np.concatenate(([0.0], np.cumsum(weights)))
    return cumulative[np.searchsorted(items, points, side="right")] / cumulative[-1]


def quantile_edges(sketch: KllSketch, bins: int = NUM_BINS) -> np.ndarray:
    """Distinct inner bucket edges at the sketch's ``1/bins ... (bins-1)/bins`` quantiles."""
    items, weights = sketch.weighted_items()
    ranks = np.cumsum(weights) / weights.sum()
    targets = np.arange(1, bins) / bins
    return np.unique(items[np.minimum(np.searchsorted(ranks, targets, side="left"), len(items) - 1)])


def numeric_shares(baseline: KllSketch, current: KllSketch) -> tuple[np.ndarray, np.ndarray]:
    edges = quantile_edges(baseline)
    p = np.diff(np.concatenate(([0.0], cdf_at(baseline, edges), [1.0])))
    q = np.diff(np.concatenate(([0.0], cdf_at(current, edges), [1.0])))
    return _floored(p), _floored(q)


def category_counts(baseline: Categories, current: Categories) -> tuple[np.ndarray, np.ndarray]:
    """Counts over the union of categories (sorted), overflow as a last category when present."""
    b, c = baseline.as_dict(), current.as_dict()
    keys = sorted(b.keys() | c.keys())
    base = [b.get(k, 0) for k in keys]
    cur = [c.get(k, 0) for k in keys]
    if baseline.overflow or current.overflow:
        base.append(baseline.overflow)
        cur.append(current.overflow)
    return np.array(base, dtype=float), np.array(cur, dtype=float)


def category_shares(baseline: Categories, current: Categories) -> tuple[np.ndarray, np.ndarray]:
    base, cur = category_counts(baseline, current)
    return _floored(base / base.sum()), _floored(cur / cur.sum())


def _floored(shares: np.ndarray) -> np.ndarray:
    shares = np.maximum(shares, EMPTY_SHARE)
    return shares / shares.sum()
