"""Effect sizes between a baseline profile and a window profile (no raw data needed).

Each is a small pure function; ``effect_size`` picks one by name. L-infinity is on the CDFs
(numeric) or the category shares (categorical); PSI and Jensen-Shannon are on aligned buckets
(``binning``); Wasserstein is the exact earth mover's distance between the two weighted sketches,
in units of the baseline's standard deviation.
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.drift.binning import category_shares, numeric_shares, paired_cdfs
from analyzers.drift.linf import category_distance, cdf_distance
from analyzers.drift.settings import Effect
from analyzers.profile import FeatureProfile


def psi(p: np.ndarray, q: np.ndarray) -> float:
    """Population stability index, ``sum((q - p) * ln(q / p))``; symmetric in p and q.

    >>> round(psi(np.array([0.5, 0.5]), np.array([0.25, 0.75])), 6)
    0.274653
    """
    return float(np.sum((q - p) * np.log(q / p)))


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance in base 2 (0: identical, 1: disjoint), as scipy computes it.

    >>> jensen_shannon(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    1.0
    """
    m = (p + q) / 2
    divergence = 0.5 * (_kl(p, m) + _kl(q, m))
    return float(math.sqrt(max(divergence, 0.0)))


def _kl(a: np.ndarray, b: np.ndarray) -> float:
    mask = a > 0
    return float(np.sum(a[mask] * np.log2(a[mask] / b[mask])))


def wasserstein(baseline: FeatureProfile, current: FeatureProfile) -> float:
    """Earth mover's distance between the sketched distributions over the baseline's std dev."""
    points, f, g = paired_cdfs(baseline.sketch, current.sketch)
    distance = float(np.sum(np.abs(f - g)[:-1] * np.diff(points)))
    scale = baseline.moments.std_dev
    return distance / scale if scale > 0 else distance


def effect_size(effect: Effect, baseline: FeatureProfile, current: FeatureProfile, numeric: bool) -> float:
    if effect is Effect.LINF:
        if numeric:
            return cdf_distance(baseline.sketch, current.sketch)
        return category_distance(_cats(baseline), _cats(current))
    if effect is Effect.WASSERSTEIN:
        if not numeric:
            raise ValueError("the Wasserstein distance needs a numeric feature; use linf, psi or js for categories")
        return wasserstein(baseline, current)
    p, q = numeric_shares(baseline.sketch, current.sketch) if numeric else category_shares(_cats(baseline), _cats(current))
    return psi(p, q) if effect is Effect.PSI else jensen_shannon(p, q)


def _cats(profile: FeatureProfile):  # type: ignore[no-untyped-def]
    if profile.categories is None:
        raise ValueError(f"feature {profile.name!r} has no category counts")
    return profile.categories
