"""Global attributions from local ones, as Clarify aggregates them, and nDCG's sampling interval.

Clarify's ``methods.shap.agg_method``: ``mean_abs`` (the default: mean of absolute SHAP values), ``median``
(median of the absolute values) or ``mean_sq`` (mean of squares). A window's nDCG is a statistic of its sample
of rows: resampling the rows (bootstrap) gives its interval, so that a small window, whose ranking is noisy,
alarms only when even the upper bound is below the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analyzers.attribution.ndcg import ndcg

AGG_METHODS = ("mean_abs", "median", "mean_sq")


def global_values(local: np.ndarray, names: tuple[str, ...], agg_method: str = "mean_abs") -> dict[str, float]:
    """``local``: rows x features SHAP values, columns in ``names``' order."""
    if agg_method not in AGG_METHODS:
        raise ValueError(f"agg_method must be one of {', '.join(AGG_METHODS)}; got {agg_method!r}")
    return dict(zip(names, (float(v) for v in _aggregate(np.asarray(local, dtype=np.float64), agg_method)), strict=True))


def _aggregate(local: np.ndarray, agg_method: str, axis: int = 0) -> np.ndarray:
    if agg_method == "mean_abs":
        return np.abs(local).mean(axis=axis)
    if agg_method == "median":
        return np.median(np.abs(local), axis=axis)
    return np.square(local).mean(axis=axis)


@dataclass(frozen=True, slots=True)
class NdcgEstimate:
    value: float  # on the window's rows as they are
    low: float
    high: float
    confidence: float
    rows: int


def ndcg_interval(
    local: np.ndarray,
    names: tuple[str, ...],
    baseline: dict[str, float],
    agg_method: str = "mean_abs",
    resamples: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
) -> NdcgEstimate:
    """nDCG of the window's global attributions against ``baseline``, with a basic bootstrap interval over the
    window's rows."""
    local = np.asarray(local, dtype=np.float64)
    value = ndcg(baseline, global_values(local, names, agg_method))
    n = len(local)
    if n < 2:
        return NdcgEstimate(value, math.nan, math.nan, confidence, n)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(resamples):
        rows = local[rng.integers(0, n, n)]
        draws.append(ndcg(baseline, dict(zip(names, _aggregate(rows, agg_method), strict=True))))
    tail = (1 - confidence) / 2
    q_low, q_high = np.quantile(draws, [tail, 1 - tail])
    # The basic (reverse percentile) interval: resampled rankings are noisier than the window's own, so
    # resampled nDCG sits below it; reflecting the quantiles about the estimate corrects that bias. When every
    # resample ranks worse than the window, the reflection lies wholly above the estimate: the interval is
    # widened to hold the estimate itself (conservative, and never an interval that excludes its own value).
    low, high = 2 * value - float(q_high), 2 * value - float(q_low)
    return NdcgEstimate(value, max(0.0, min(low, value)), min(1.0, max(high, value)), confidence, n)


def drift_description(value: float, threshold: float) -> str:
    """AWS's words for the violation (its monitor writes them, with the value as Python prints it)."""
    return f"Feature attribution drift {value!r} exceeds threshold {threshold!r}"
