"""Column aggregates for the native expectations: min, max, mean and standard deviation, from mergeable moments.

GX computes them with pandas on the frame (NaN skipped; the standard deviation with ``ddof=1``); here from
``Moments`` of each batch's finite values (the exact sum for the mean, Chan's merge for the deviation), plus
the count of infinite values, which pandas lets through: a column with ``inf`` has ``inf`` as its max and
mean. The mean is exact; min and max are exact; the deviation equals pandas' up to float rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from analyzers.profile import Moments

COLUMN_MIN = "expect_column_min_to_be_between"
COLUMN_MAX = "expect_column_max_to_be_between"
COLUMN_MEAN = "expect_column_mean_to_be_between"
COLUMN_STDEV = "expect_column_stdev_to_be_between"
AGGREGATE_TYPES = (COLUMN_MIN, COLUMN_MAX, COLUMN_MEAN, COLUMN_STDEV)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The moments of a column's finite values, and its infinite values by sign."""

    moments: Moments = field(default_factory=Moments)
    plus_inf: int = 0
    minus_inf: int = 0

    @classmethod
    def of(cls, present: np.ndarray) -> Aggregate:
        finite = np.isfinite(present)
        if finite.all():
            return cls(Moments.of(present))
        return cls(
            Moments.of(present[finite]), int(np.count_nonzero(present == np.inf)), int(np.count_nonzero(present == -np.inf))
        )

    def then(self, later: Aggregate) -> Aggregate:
        return Aggregate(self.moments.merge(later.moments), self.plus_inf + later.plus_inf, self.minus_inf + later.minus_inf)

    def observed(self, kind: str) -> float | None:
        """pandas' value of the aggregate (None where pandas gives NaN: no value, or infinities that cancel)."""
        m = self.moments
        if m.count + self.plus_inf + self.minus_inf == 0:
            return None
        if kind == COLUMN_MIN:
            return -math.inf if self.minus_inf else (math.inf if not m.count else m.minimum)
        if kind == COLUMN_MAX:
            return math.inf if self.plus_inf else (-math.inf if not m.count else m.maximum)
        if kind == COLUMN_MEAN:
            if self.plus_inf and self.minus_inf:
                return None
            return math.inf if self.plus_inf else (-math.inf if self.minus_inf else m.mean)
        if self.plus_inf or self.minus_inf or m.count < 2:
            return None
        return math.sqrt(m.m2 / (m.count - 1)) * m.scale
