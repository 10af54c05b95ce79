"""Mergeable per-feature profiles: the one shape both the baseline and the window are turned into.

A capture window is profiled file by file and batch by batch, and the partial profiles are merged,
so memory stays bounded by the sketch and category caps, not by the number of records.
Counts, minimum, maximum, sum and mean merge exactly (the same bits however the data was split); variance
merges by Chan's parallel formulas (equal to a one-pass computation up to floating-point rounding, and finite
for any finite values);
quantiles merge within the KLL sketch's rank error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyarrow.compute as pc

from analyzers.exact_sum import ExactSum
from analyzers.kll import KllSketch
from analyzers.types import ColumnData

# Distinct values kept per categorical feature. Beyond it the rarest values are folded into
# ``overflow`` so that a free-text or ID column cannot grow memory with the window.
MAX_CATEGORIES = 10_000


@dataclass(frozen=True, slots=True)
class TypeCounts:
    """How many entries were missing, integral, fractional or other strings."""

    missing: int = 0
    integral: int = 0
    fractional: int = 0
    string: int = 0

    @property
    def present(self) -> int:
        return self.integral + self.fractional + self.string

    @property
    def total(self) -> int:
        return self.missing + self.present

    def merge(self, other: TypeCounts) -> TypeCounts:
        return TypeCounts(
            missing=self.missing + other.missing,
            integral=self.integral + other.integral,
            fractional=self.fractional + other.fractional,
            string=self.string + other.string,
        )


@dataclass(frozen=True, slots=True)
class Moments:
    """Count, exact sum, mean, sum of squared deviations (``m2``), min, max and how many were negative.

    ``exact`` is the sum without rounding (analyzers/exact_sum.py), so ``sum`` and ``mean`` are the same
    bits however the data was split into parts and in whatever order the parts merged. ``m2`` is kept in
    units of ``scale**2``, where ``scale`` is a power of two that is 1 unless the values are beyond 2**±400:
    then squares would leave float64 (values near 1e308 gave a NaN standard deviation). Dividing by a power
    of two is exact, so scaled results are the unscaled ones bit for bit wherever those are finite. Read it
    through ``std_dev``; it merges by Chan's formulas, equal up to float rounding (not bit for bit) across splits.
    """

    count: int = 0
    exact: ExactSum = field(default_factory=ExactSum)
    mean: float = float("nan")
    m2: float = 0.0
    minimum: float = float("nan")
    maximum: float = float("nan")
    negative: int = 0
    scale: float = 1.0

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        if values.size == 0:
            return cls()
        minimum, maximum = float(values.min()), float(values.max())
        scale = _scale(max(-minimum, maximum))
        scaled = values if scale == 1.0 else values / scale
        exact = ExactSum.of(values)
        mean = exact.divided_by(values.size)  # correctly rounded, so between min and max
        return cls(
            count=int(values.size),
            exact=exact,
            mean=mean,
            m2=float(np.square(scaled - mean / scale).sum()),
            minimum=minimum,
            maximum=maximum,
            negative=int(np.count_nonzero(values < 0)),
            scale=scale,
        )

    @classmethod
    def from_summary(
        cls, count: int, total: float, mean: float, std_dev: float, minimum: float, maximum: float, negative: int = 0
    ) -> Moments:
        """Moments from a statistics file's numbers; a standard deviation near 1e308 squares safely."""
        sizes = [abs(v) for v in (minimum, maximum, std_dev) if math.isfinite(v)]
        scale = _scale(max(sizes, default=0.0))
        m2 = (std_dev / scale) ** 2 * count if math.isfinite(std_dev) else 0.0
        return cls(count, ExactSum.of_float(total), mean, m2, minimum, maximum, negative, scale)

    @property
    def sum(self) -> float:
        """The exact sum rounded to float64: ±inf when it is beyond float64 (IEEE rounding of it)."""
        return self.exact.to_float()

    @property
    def std_dev(self) -> float:
        """Population standard deviation, as Deequ (and so AWS) reports it."""
        return float(np.sqrt(self.m2 / self.count)) * self.scale if self.count else float("nan")

    def merge(self, other: Moments) -> Moments:
        """Exact sums add exactly; ``m2`` by Chan's parallel formulas, in the larger of the two scales (the
        other part's tiniest contributions may round away there, far below the result's own rounding)."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        minimum, maximum = min(self.minimum, other.minimum), max(self.maximum, other.maximum)
        # The scale of the merged values, not of either part: a part of zeros (scale 1) must not pull
        # tiny values up to a scale where their squares underflow.
        scale = _scale(max(-minimum, maximum))
        a, b = self.scale / scale, other.scale / scale
        n = self.count + other.count
        delta = other.mean / scale - self.mean / scale  # never overflows, unlike other.mean - self.mean
        exact = self.exact + other.exact
        return Moments(
            count=n,
            exact=exact,
            mean=_between(exact.divided_by(n), minimum, maximum),
            m2=self.m2 * a * a + other.m2 * b * b + delta * delta * self.count * other.count / n,
            minimum=minimum,
            maximum=maximum,
            negative=self.negative + other.negative,
            scale=scale,
        )


# Magnitudes where float64 squares and sums of up to 2**63 values stay finite and normal.
_SMALL, _LARGE = 2.0**-400, 2.0**400


def _scale(biggest: float) -> float:
    """1, or the power of two that brings ``biggest`` into [1, 2).

    >>> _scale(3.0), _scale(1e308) == 2.0**1023, _scale(1e-300) == 2.0**-997
    (1.0, True, True)
    """
    if biggest == 0 or _SMALL <= biggest < _LARGE:
        return 1.0
    return math.ldexp(1.0, math.frexp(biggest)[1] - 1)


def _between(value: float, low: float, high: float) -> float:
    # A mean lies between min and max; rounding can step just outside, and past float64 at the edge.
    return min(max(value, low), high)


@dataclass(frozen=True, slots=True)
class Categories:
    """Value counts sorted by value, plus how many entries fell beyond ``MAX_CATEGORIES``."""

    counts: tuple[tuple[str, int], ...] = ()
    overflow: int = 0

    @classmethod
    def of(cls, counts: dict[str, int]) -> Categories:
        return cls._capped(counts, overflow=0)

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)

    def merge(self, other: Categories) -> Categories:
        merged = self.as_dict()
        for value, count in other.counts:
            merged[value] = merged.get(value, 0) + count
        return Categories._capped(merged, overflow=self.overflow + other.overflow)

    @classmethod
    def _capped(cls, counts: dict[str, int], overflow: int) -> Categories:
        if len(counts) > MAX_CATEGORIES:
            kept = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CATEGORIES]
            overflow += sum(counts.values()) - sum(c for _, c in kept)
            counts = dict(kept)
        return cls(counts=tuple(sorted(counts.items())), overflow=overflow)


@dataclass(frozen=True, slots=True)
class FeatureProfile:
    """Everything we keep about one feature; ``merge`` combines two disjoint parts of a dataset."""

    name: str
    types: TypeCounts = field(default_factory=TypeCounts)
    moments: Moments = field(default_factory=Moments)
    sketch: KllSketch = field(default_factory=KllSketch.empty)
    categories: Categories | None = None

    def merge(self, other: FeatureProfile) -> FeatureProfile:
        if other.name != self.name:
            raise ValueError(f"cannot merge profiles of features {self.name!r} and {other.name!r}")
        categories = self.categories
        if other.categories is not None:
            categories = other.categories if categories is None else categories.merge(other.categories)
        return FeatureProfile(
            name=self.name,
            types=self.types.merge(other.types),
            moments=self.moments.merge(other.moments),
            sketch=self.sketch.merge(other.sketch),
            categories=categories,
        )


def profile_column(column: ColumnData) -> FeatureProfile:
    """Profile one batch of one column.

    >>> import numpy as np, pyarrow as pa
    >>> col = ColumnData("x", np.array([1.0, 2.0]), pa.array(["1", "2", "a"]), 1, 2, 0, 1)
    >>> p = profile_column(col)
    >>> p.types.present, p.moments.mean, p.categories.counts
    (3, 1.5, (('1', 1), ('2', 1), ('a', 1)))
    """
    categories = None
    if column.texts is not None:
        counted = pc.value_counts(column.texts)
        categories = Categories.of(
            dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True))
        )
    return FeatureProfile(
        name=column.name,
        types=TypeCounts(
            missing=column.n_missing,
            integral=column.n_integral,
            fractional=column.n_fractional,
            string=column.n_string,
        ),
        moments=Moments.of(column.numbers),
        sketch=KllSketch.empty().update(column.numbers),
        categories=categories,
    )
