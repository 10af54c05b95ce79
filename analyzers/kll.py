"""A deterministic KLL quantile sketch in the layout SageMaker's analyzer (Deequ) writes.

``statistics.json`` stores a numeric feature's distribution as
``{"parameters": {"c": 0.64, "k": 2048.0}, "data": [[level 0 items], [level 1 items], ...]}``,
where an item at level ``i`` stands for ``2**i`` observations. AWS's visualisations and our own
drift checks rebuild the CDF from exactly that, so we keep the sketch in the same shape.

Why not Apache DataSketches: its KLL compaction is randomised and cannot be seeded
(apache/datasketches-cpp#361) and it exposes no compactor levels, so it can neither give
byte-identical outputs for identical inputs nor write this layout. This compactor picks the
kept half of a level by a counter instead of a coin, which keeps KLL's weight bookkeeping (the
total weight is always the exact count) and its rank-error behaviour on realistic data.

Level capacities follow KLL: level ``h`` of ``H`` holds ``max(2, ceil(k * c**(H - h - 1)))``
items, so the top level holds ``k`` and lower ones shrink geometrically by ``c``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_K = 2048  # Deequ DEFAULT_SKETCH_SIZE, seen as "k": 2048.0 in AWS files
DEFAULT_C = 0.64  # Deequ DEFAULT_SHRINKING_FACTOR, seen as "c": 0.64


@dataclass(frozen=True, slots=True)
class KllSketch:
    """Immutable KLL sketch; ``update`` and ``merge`` return new sketches.

    >>> s = KllSketch.empty().update(np.array([3.0, 1.0, 2.0]))
    >>> s.count, s.rank_below(2.0), s.rank_at_or_below(2.0)
    (3, 1.0, 2.0)
    """

    levels: tuple[np.ndarray, ...]
    compactions: tuple[int, ...]
    k: int = DEFAULT_K
    c: float = DEFAULT_C

    @classmethod
    def empty(cls, k: int = DEFAULT_K, c: float = DEFAULT_C) -> KllSketch:
        return cls(levels=(np.empty(0),), compactions=(0,), k=k, c=c)

    @classmethod
    def from_levels(cls, data: list[list[float]], k: int = DEFAULT_K, c: float = DEFAULT_C) -> KllSketch:
        """Rebuild a sketch from the ``data`` lists of a ``statistics.json``."""
        levels = tuple(np.asarray(level, dtype=np.float64) for level in data) or (np.empty(0),)
        return cls(levels=levels, compactions=(0,) * len(levels), k=k, c=c)

    @property
    def count(self) -> int:
        """Total weight, which equals the number of values sketched."""
        return int(sum(len(level) << h for h, level in enumerate(self.levels)))

    def update(self, values: np.ndarray) -> KllSketch:
        """Sketch more values (float64, finite)."""
        if values.size == 0:
            return self
        first = np.concatenate((self.levels[0], values.astype(np.float64, copy=False)))
        return self._with(levels=(first, *self.levels[1:]))._compacted()

    def merge(self, other: KllSketch) -> KllSketch:
        """The sketch of both inputs; order of the arguments does not change the weights."""
        height = max(len(self.levels), len(other.levels))
        levels = tuple(np.concatenate((_level(self.levels, h), _level(other.levels, h))) for h in range(height))
        counts = tuple(_count(self.compactions, h) + _count(other.compactions, h) for h in range(height))
        return KllSketch(levels=levels, compactions=counts, k=self.k, c=self.c)._compacted()

    def weighted_items(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted items and their weights, the sketch's view of the distribution."""
        items = np.concatenate(self.levels)
        weights = np.concatenate([np.full(len(level), float(1 << h)) for h, level in enumerate(self.levels)])
        order = np.argsort(items, kind="stable")
        return items[order], weights[order]

    def rank_below(self, x: float) -> float:
        """Estimated number of values strictly below ``x``."""
        return float(sum(np.count_nonzero(level < x) << h for h, level in enumerate(self.levels)))

    def rank_at_or_below(self, x: float) -> float:
        """Estimated number of values at or below ``x``."""
        return float(sum(np.count_nonzero(level <= x) << h for h, level in enumerate(self.levels)))

    def to_data(self) -> list[list[float]]:
        """The ``sketch.data`` lists, level 0 first."""
        return [level.tolist() for level in self.levels]

    def _with(self, levels: tuple[np.ndarray, ...]) -> KllSketch:
        counts = self.compactions + (0,) * (len(levels) - len(self.compactions))
        return KllSketch(levels=levels, compactions=counts, k=self.k, c=self.c)

    def _capacity(self, h: int, height: int) -> int:
        return max(2, math.ceil(self.k * self.c ** (height - h - 1)))

    def _compacted(self) -> KllSketch:
        levels = list(self.levels)
        counts = list(self.compactions)
        h = 0
        while h < len(levels):
            if len(levels[h]) > self._capacity(h, len(levels)):
                grew = h + 1 == len(levels)
                if grew:
                    levels.append(np.empty(0))
                    counts.append(0)
                kept, promoted = _halve(levels[h], offset=counts[h] % 2)
                counts[h] += 1
                levels[h] = kept
                levels[h + 1] = np.concatenate((levels[h + 1], promoted))
                # A new top level shrinks every lower capacity: look at all of them again.
                h = 0 if grew else h + 1
                continue
            h += 1
        return KllSketch(levels=tuple(levels), compactions=tuple(counts), k=self.k, c=self.c)


def _halve(level: np.ndarray, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort a level; every other item of an even-sized run moves up, an odd item stays."""
    ordered = np.sort(level)  # SIMD quicksort: ten times a stable sort on random data
    if len(ordered) % 2:
        kept, ordered = ordered[-1:], ordered[:-1]
    else:
        kept = np.empty(0)
    return kept, ordered[offset::2].copy()


def _level(levels: tuple[np.ndarray, ...], h: int) -> np.ndarray:
    return levels[h] if h < len(levels) else np.empty(0)


def _count(counts: tuple[int, ...], h: int) -> int:
    return counts[h] if h < len(counts) else 0
