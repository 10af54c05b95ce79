"""Mergeable per-feature profiles: the one shape both the baseline and the window are turned into.

A capture window is profiled file by file and batch by batch, and the partial profiles are merged,
so memory stays bounded by the sketch and category caps, not by the number of records.
Counts, minimum and maximum merge exactly; sum, mean and variance merge by Chan's parallel formulas
(equal to a one-pass computation up to floating-point rounding); quantiles merge within the KLL
sketch's rank error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow.compute as pc

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
    """Count, sum, mean, sum of squared deviations (``m2``), min, max and how many were negative."""

    count: int = 0
    total: float = 0.0
    mean: float = float("nan")
    m2: float = 0.0
    minimum: float = float("nan")
    maximum: float = float("nan")
    negative: int = 0

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        if values.size == 0:
            return cls()
        mean = float(values.mean())
        return cls(
            count=int(values.size),
            total=float(values.sum()),
            mean=mean,
            m2=float(np.square(values - mean).sum()),
            minimum=float(values.min()),
            maximum=float(values.max()),
            negative=int(np.count_nonzero(values < 0)),
        )

    @property
    def std_dev(self) -> float:
        """Population standard deviation, as Deequ (and so AWS) reports it."""
        return float(np.sqrt(self.m2 / self.count)) if self.count else float("nan")

    def merge(self, other: Moments) -> Moments:
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        n = self.count + other.count
        delta = other.mean - self.mean
        return Moments(
            count=n,
            total=self.total + other.total,
            mean=self.mean + delta * other.count / n,
            m2=self.m2 + other.m2 + delta * delta * self.count * other.count / n,
            minimum=min(self.minimum, other.minimum),
            maximum=max(self.maximum, other.maximum),
            negative=self.negative + other.negative,
        )


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
