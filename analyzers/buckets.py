"""The ten equal-width histogram buckets SageMaker materialises from a KLL sketch."""

from __future__ import annotations

import itertools
import math
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
    if not (math.isfinite(minimum) and math.isfinite(maximum)):  # no min/max given: the sketch's extremes
        items, _ = sketch.weighted_items()
        minimum, maximum = float(items[0]), float(items[-1])
    bounds = _bounds(minimum, maximum)
    buckets = []
    for i, (low, high) in enumerate(itertools.pairwise(bounds)):
        last = i == NUM_BUCKETS - 1
        upper_rank = total if last else sketch.rank_below(high)
        lower_rank = 0.0 if i == 0 else sketch.rank_below(low)
        buckets.append(Bucket(lower_bound=low, upper_bound=high, count=upper_rank - lower_rank))
    return tuple(buckets)


def _bounds(minimum: float, maximum: float) -> list[float]:
    """The eleven bucket edges.

    Deequ's ``min + (max - min) * i / 10``, whose values the AWS-parity test checks, wherever the width
    is a float; near ±1e308 the width (or ``width * i``) overflows, and ``inf * 0`` made the first bound
    NaN, so there the edges are interpolated without it, and kept within ``[min, max]``.

    >>> edges = _bounds(-1.5e308, 1.5e308)
    >>> edges[0], edges[5], edges[10], all(a < b for a, b in itertools.pairwise(edges))
    (-1.5e+308, 0.0, 1.5e+308, True)
    """
    width = maximum - minimum
    if math.isfinite(width * NUM_BUCKETS):  # then no step of Deequ's formula overflows
        return [minimum + width * i / NUM_BUCKETS for i in range(NUM_BUCKETS + 1)]
    edges = [minimum * ((NUM_BUCKETS - i) / NUM_BUCKETS) + maximum * (i / NUM_BUCKETS) for i in range(NUM_BUCKETS + 1)]
    return [min(max(edge, minimum), maximum) for edge in edges]
