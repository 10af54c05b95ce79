"""Two-sample significance tests on profiles: KS for numeric features, chi-square for categories.

Both compare two samples (the baseline is a sample too), so a small baseline does not make a large
window look drifted. Sketched CDFs carry a rank error; the KS test subtracts both sketches' error
bounds from the observed distance before computing its p-value, so sketching never adds false alarms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analyzers.drift.binning import category_counts
from analyzers.drift.linf import cdf_distance
from analyzers.kll import KllSketch
from analyzers.profile import Categories

# DataSketches' KLL bound at 99% confidence for one-sided rank queries: eps ~ 2.296 / k^0.9723.
# Used for sketches read from files, whose compaction history is unknown.
_KLL_EPS_A, _KLL_EPS_B = 2.296, 0.9723
CHI2_MIN_EXPECTED = 5.0


@dataclass(frozen=True, slots=True)
class TestResult:
    statistic: float
    p_value: float


def rank_error(sketch: KllSketch) -> float:
    """An upper bound on the sketch's error in any CDF value (0 when it holds every value).

    Each compaction of level ``h`` moves any rank by at most ``2**h``; for sketches whose history
    is unknown (read from a file) DataSketches' bound for ``k`` is used instead.
    """
    n = sketch.count
    if n == 0 or all(len(level) == 0 for level in sketch.levels[1:]):
        return 0.0
    if any(sketch.compactions):
        return min(1.0, sum(c << h for h, c in enumerate(sketch.compactions)) / n)
    return _KLL_EPS_A / sketch.k**_KLL_EPS_B


def ks_test(baseline: KllSketch, current: KllSketch) -> TestResult:
    """Two-sample Kolmogorov-Smirnov on sketches; the p-value uses the distance minus rank errors.

    >>> a = KllSketch.empty().update(np.arange(100.0))
    >>> r = ks_test(a, a)
    >>> r.statistic, r.p_value
    (0.0, 1.0)
    """
    from scipy import stats  # imported here: scipy.stats costs ~1 s to import

    n, m = baseline.count, current.count
    distance = cdf_distance(baseline, current)
    lower = max(0.0, distance - rank_error(baseline) - rank_error(current))
    effective_n = round(n * m / (n + m))
    p_value = 1.0 if lower == 0 else float(stats.kstwo.sf(lower, effective_n))
    return TestResult(statistic=distance, p_value=p_value)


def chi_square_test(baseline: Categories, current: Categories) -> TestResult:
    """Chi-square test of homogeneity on the 2 x K table of counts, rarest categories merged until
    every expected count is at least 5 (Cochran's rule); p = 1 when one category remains.

    >>> chi_square_test(Categories.of({"a": 50, "b": 50}), Categories.of({"a": 50, "b": 50})).p_value
    1.0
    """
    from scipy import stats

    base, cur = category_counts(baseline, current)
    table = _merged(np.vstack([base, cur]))
    if table.shape[1] < 2 or table.sum(axis=1).min() == 0:
        return TestResult(statistic=0.0, p_value=1.0)
    statistic, p_value, _, _ = stats.chi2_contingency(table, correction=False)
    return TestResult(statistic=float(statistic), p_value=float(p_value))


def _merged(table: np.ndarray) -> np.ndarray:
    table = table[:, table.sum(axis=0) > 0]
    while table.shape[1] > 1:
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
        if expected.min() >= CHI2_MIN_EXPECTED:
            break
        order = np.argsort(table.sum(axis=0), kind="stable")
        merged = table[:, order[0]] + table[:, order[1]]
        table = np.column_stack([np.delete(table, order[:2], axis=1), merged])
    return table


def min_detectable_linf(n: int, m: int, alpha: float, sketch_error: float) -> float:
    """The smallest L-infinity distance significant at ``alpha`` for samples of ``n`` and ``m``
    (asymptotic KS critical value ``sqrt(-ln(alpha / 2) / 2) * sqrt((n + m) / (n m))``)."""
    if n == 0 or m == 0:
        return math.inf
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m)) + sketch_error
