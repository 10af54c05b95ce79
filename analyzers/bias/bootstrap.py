"""Normal bootstrap intervals for bias metrics (the interval Clarify's monitor builds, whose settings
it does not publish: ours are explicit, seeded and configurable)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def normal_interval(
    statistic: Callable[[np.ndarray], float],
    n: int,
    *,
    resamples: int = 200,
    confidence: float = 0.95,
    rng: np.random.Generator,
) -> tuple[float, float] | None:
    """``statistic(rows) +- z * sd`` of the statistic over ``resamples`` resamples of the row indices.

    Resamples where the statistic fails or is infinite are left out; None when fewer than ten remain.

    >>> rows = np.arange(100) < 30
    >>> low, high = normal_interval(lambda idx: float(rows[idx].mean()), 100, rng=np.random.default_rng(0))
    >>> round(low, 2), round(high, 2)
    (0.22, 0.38)
    """
    point = _safe(statistic, np.arange(n))
    if point is None:
        return None
    draws = [_safe(statistic, rng.integers(0, n, n)) for _ in range(resamples)]
    finite = np.array([d for d in draws if d is not None])
    if len(finite) < 10:
        return None
    from scipy import stats  # imported here: scipy.stats costs ~0.7 s and only bias runs need it

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    spread = z * float(finite.std(ddof=1))
    return point - spread, point + spread


def _safe(statistic: Callable[[np.ndarray], float], rows: np.ndarray) -> float | None:
    try:
        value = float(statistic(rows))
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None
