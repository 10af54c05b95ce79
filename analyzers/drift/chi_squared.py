"""AWS's categorical ``ChiSquared`` drift: goodness of fit of the window's category counts to the
baseline's shares, with small cells merged first, as Deequ's ``Distance.categoricalChiSquareTest``:
expected counts are the baseline shares scaled to the window total; with two categories the test
needs every expected count >= 10 (Cochran), with more, cells are merged smallest first until at
most 20% have an expected count below 5 (Yates). Returns the p-value; NaN when fewer than two cells
remain.
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.profile import Categories

YATES_MIN_EXPECTED = 5.0
YATES_MAX_SHARE = 0.2
COCHRAN_MIN_EXPECTED = 10.0


def merged_cells(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge the smallest expected cells until the chi-square approximation is trustworthy.

    >>> o, e = merged_cells(np.array([50., 48., 1., 1.]), np.array([49., 49., 1., 1.]))
    >>> o.tolist(), e.tolist()
    ([50.0, 50.0], [49.0, 51.0])
    """
    order = np.argsort(expected, kind="stable")
    obs, exp = list(observed[order]), list(expected[order])
    while len(exp) > 2 and sum(e < YATES_MIN_EXPECTED for e in exp) / len(exp) > YATES_MAX_SHARE:
        obs = [obs[0] + obs[1], *obs[2:]]
        exp = [exp[0] + exp[1], *exp[2:]]
        pairs = sorted(zip(exp, obs, strict=True))
        exp, obs = [p[0] for p in pairs], [p[1] for p in pairs]
    if len(exp) == 2 and min(exp) < COCHRAN_MIN_EXPECTED:
        return np.array([sum(obs)]), np.array([sum(exp)])
    return np.array(obs), np.array(exp)


def chi_squared_p_value(baseline: Categories, current: Categories) -> float:
    """
    >>> a = Categories.of({"x": 500, "y": 500})
    >>> chi_squared_p_value(a, a)
    1.0
    """
    p, q = baseline.as_dict(), current.as_dict()
    keys = sorted(p.keys() | q.keys())
    base = np.array([p.get(k, 0) for k in keys], dtype=float)
    observed = np.array([q.get(k, 0) for k in keys], dtype=float)
    if base.sum() == 0 or observed.sum() == 0:
        return math.nan
    expected = base / base.sum() * observed.sum()
    obs, exp = merged_cells(observed, expected)
    if len(exp) < 2:
        return math.nan
    from scipy import stats  # imported here: scipy.stats costs ~1 s to import and most runs never need it

    return float(stats.chisquare(obs, exp).pvalue)
