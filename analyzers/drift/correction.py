"""Multiple-testing correction across every feature (and prediction) tested in one job."""

from __future__ import annotations

import numpy as np

from analyzers.drift.settings import Correction


def adjust(p_values: list[float], method: Correction) -> list[float]:
    """Adjusted p-values: reject where ``adjusted <= level``.

    Benjamini-Hochberg controls the false discovery rate (and, when nothing drifted, the chance of
    any alarm); Holm controls the family-wise error rate. NaN p-values (untested) stay NaN.

    >>> [round(p, 3) for p in adjust([0.01, 0.04, 0.03, 0.5], Correction.BENJAMINI_HOCHBERG)]
    [0.04, 0.053, 0.053, 0.5]
    >>> [round(p, 3) for p in adjust([0.01, 0.04, 0.03, 0.5], Correction.HOLM)]
    [0.04, 0.09, 0.09, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    if m == 0:
        return out.tolist()
    order = tested[np.argsort(p[tested], kind="stable")]
    ranked = p[order]
    if method is Correction.BENJAMINI_HOCHBERG:
        scaled = ranked * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    else:
        scaled = ranked * (m - np.arange(m))
        adjusted = np.maximum.accumulate(scaled)
    out[order] = np.minimum(adjusted, 1.0)
    return out.tolist()
