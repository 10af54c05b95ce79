"""AWS's ``baseline_drift_check``: L-infinity distance, as Deequ's ``Distance`` computes it.

Numeric: the largest gap between the two CDFs, rebuilt from the KLL sketches (on exact data, the
two-sample Kolmogorov-Smirnov statistic). Categorical: the largest gap between category shares.
``Robust`` subtracts the KS critical value ``c * sqrt((n + m) / (n * m))`` (c = 1.8 by default,
Deequ's choice, alpha about 0.003), so small samples do not look drifted by chance alone.
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.constraints import ComparisonMethod
from analyzers.drift.binning import paired_cdfs
from analyzers.kll import KllSketch
from analyzers.profile import Categories

DEFAULT_C_ALPHA = 1.8  # Deequ Distance: "c(alpha) = 1.8 for alpha = 0.003" (Knuth)


def cdf_distance(baseline: KllSketch, current: KllSketch) -> float:
    """Sup-norm distance between two sketched CDFs.

    >>> a = KllSketch.empty().update(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> b = KllSketch.empty().update(np.array([3.0, 4.0, 5.0, 6.0]))
    >>> cdf_distance(a, b)
    0.5
    """
    if baseline.count == 0 or current.count == 0:
        return math.nan
    _, f, g = paired_cdfs(baseline, current)
    return float(np.max(np.abs(f - g)))


def category_distance(baseline: Categories, current: Categories) -> float:
    """Largest difference between the shares of any category (in either profile).

    >>> category_distance(Categories.of({"a": 1, "b": 1}), Categories.of({"a": 3, "b": 1}))
    0.25
    """
    p, q = baseline.as_dict(), current.as_dict()
    n, m = sum(p.values()) + baseline.overflow, sum(q.values()) + current.overflow
    if n == 0 or m == 0:
        return math.nan
    return max(abs(p.get(k, 0) / n - q.get(k, 0) / m) for k in p.keys() | q.keys())


def robust(distance: float, n: int, m: int, c_alpha: float = DEFAULT_C_ALPHA) -> float:
    """Distance minus the KS critical value for samples of ``n`` and ``m``, floored at 0.

    >>> round(robust(0.5, 100, 100), 6)
    0.245442
    """
    if n <= 0 or m <= 0:  # a baseline whose counts disagree with its sketch: nothing to compare
        return math.nan
    return max(0.0, distance - c_alpha * math.sqrt((n + m) / (n * m)))


def linf(distance: float, n: int, m: int, method: ComparisonMethod) -> float:
    return robust(distance, n, m) if method is ComparisonMethod.ROBUST else distance
