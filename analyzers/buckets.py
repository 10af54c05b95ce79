"""The ten equal-width histogram buckets SageMaker materialises from a KLL sketch."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.kll import KllSketch

NUM_BUCKETS = 10  # "the distribution is materialized in 10 buckets. You can't change this." (AWS docs)


@dataclass(frozen=True, slots=True)
class Bucket:
    lower_bound: float
    upper_bound: float
    count: float


def kll_buckets(sketch: KllSketch, minimum: float, maximum: float) -> tuple[Bucket, ...]:
    """Equal-width buckets over ``[minimum, maximum]``, counted from the sketch's ranks.

    Each bucket counts the values in ``[lower, upper)``; the last one also counts ``maximum``
    (as Deequ's ``KLLSketch.computeMetricFrom`` does).

    >>> import numpy as np
    >>> s = KllSketch.empty().update(np.array([1.0, 1.0, 2.0, 3.0]))
    >>> [b.count for b in kll_buckets(s, 1.0, 3.0)]
    [2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    """
    if sketch.count == 0:
        return ()
    total = float(sketch.count)
    buckets = []
    for i in range(NUM_BUCKETS):
        low = minimum + (maximum - minimum) * i / NUM_BUCKETS
        high = minimum + (maximum - minimum) * (i + 1) / NUM_BUCKETS
        last = i == NUM_BUCKETS - 1
        upper_rank = total if last else sketch.rank_below(high)
        lower_rank = 0.0 if i == 0 else sketch.rank_below(low)
        buckets.append(Bucket(lower_bound=low, upper_bound=high, count=upper_rank - lower_rank))
    return tuple(buckets)
