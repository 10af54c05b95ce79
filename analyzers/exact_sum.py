"""The exact sum of float64 values, so a feature's ``sum`` and ``mean`` do not depend on how the data was split.

A window is profiled in parts: files, blocks of files, tasks on worker processes, hosts of a cluster. A float
sum depends on the order of its additions, so the same window split another way (another worker count,
another ``ShardedByS3Key`` placement) would give a ``sum`` a few ulps away. Here each part's sum is exact, a
dyadic rational ``numerator * 2**exponent`` in a Python integer; parts add exactly, and the float reported is
the exact sum correctly rounded. Equal data gives bit-identical ``sum`` and ``mean``, however it was split.

Summing a batch exactly costs a few vector passes (``_extract``); the integer arithmetic is per batch, not
per value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Levels of ``_extract`` tried before the rest is summed exponent by exponent (data spanning hundreds of
# binades); each level takes about 53 - log2(n) bits of every value.
_LEVELS = 3
# Bins of ``np.bincount`` add float64 weights below 2**27 each: exact while a batch has fewer than 2**26 values.
_CHUNK = 1 << 25


@dataclass(frozen=True, slots=True)
class ExactSum:
    """``numerator * 2**exponent`` exactly (``numerator`` odd, or 0 with exponent 0); ``special`` is the
    float sum of the non-finite summands (inf, -inf or nan), 0.0 when there were none."""

    numerator: int = 0
    exponent: int = 0
    special: float = 0.0

    @classmethod
    def of(cls, values: np.ndarray) -> ExactSum:
        """The exact sum of finite float64 ``values``.

        >>> ExactSum.of(np.array([0.1, 0.2, -0.3])).to_float() == math.fsum([0.1, 0.2, -0.3])
        True
        """
        total = ExactSum()
        for start in range(0, values.size, _CHUNK):
            total = total + _sum_chunk(np.asarray(values[start : start + _CHUNK], dtype=np.float64))
        return total

    @classmethod
    def of_float(cls, value: float) -> ExactSum:
        """One number, as a statistics file states a sum."""
        if not math.isfinite(value):
            return cls(special=value)
        numerator, denominator = value.as_integer_ratio()
        return _normal(numerator, -(denominator.bit_length() - 1))

    def __add__(self, other: ExactSum) -> ExactSum:
        special = self.special + other.special
        low = min(self.exponent, other.exponent)
        numerator = (self.numerator << (self.exponent - low)) + (other.numerator << (other.exponent - low))
        return _normal(numerator, low, special)

    def to_float(self) -> float:
        """The exact sum rounded to the nearest float64 (ties to even): ±inf beyond float64's range."""
        return self.divided_by(1)

    def divided_by(self, count: int) -> float:
        """``sum / count`` correctly rounded: the mean of ``count`` values, the same whatever their order."""
        if self.special:
            return self.special / count
        try:
            if self.exponent >= 0:
                return (self.numerator << self.exponent) / count
            return self.numerator / (count << -self.exponent)  # int / int: correctly rounded in CPython
        except OverflowError:
            return math.inf if self.numerator > 0 else -math.inf


def _normal(numerator: int, exponent: int, special: float = 0.0) -> ExactSum:
    """One spelling for each number: trailing zero bits moved into the exponent."""
    if numerator == 0:
        return ExactSum(0, 0, special)
    zeros = (numerator & -numerator).bit_length() - 1
    return ExactSum(numerator >> zeros, exponent + zeros, special)


def _sum_chunk(values: np.ndarray) -> ExactSum:
    total = ExactSum()
    rest = values
    spare = np.empty_like(values)  # two buffers serve every level: fresh 8 MB arrays cost page faults
    for _ in range(_LEVELS):
        if rest.size == 0:
            return total
        biggest = max(-float(rest.min()), float(rest.max()))
        if biggest == 0.0:
            return total
        if not _TINY <= biggest < _HUGE:
            break  # powers of two that scale these are not all float64: see _by_exponent
        part, high = _extract(rest, biggest, spare)
        total = total + part
        rest, spare = high, (rest if rest is not values else np.empty_like(values))
    return total + _by_exponent(rest)


# Where ``_extract``'s units and their inverses are normal float64 powers of two.
_TINY, _HUGE = 2.0**-900, 2.0**900


def _extract(values: np.ndarray, biggest: float, out: np.ndarray) -> tuple[ExactSum, np.ndarray]:
    """The values' leading bits, summed exactly in float64, and the exact remainders (in ``out``).

    With ``unit = 2**e`` such that every ``|x| / unit`` is below ``2**53 / n``, ``round(x / unit)`` are
    integers whose float sum cannot round (it stays below 2**53), and ``x - round(x / unit) * unit`` is
    exact (an error-free transformation: the remainder is below ``unit / 2`` and a multiple of ``x``'s last
    bit). Scaling by a normal power of two is exact, except into subnormals, where the scaled value
    rounds to 0 either way and its remainder is the value itself.
    """
    bits = values.size.bit_length()  # 2**bits > n
    exponent = math.frexp(biggest)[1] - (53 - bits)  # |x| < 2**frexp exponent, so |x / unit| < 2**(53 - bits)
    high = np.multiply(values, math.ldexp(1.0, -exponent), out=out)
    np.rint(high, out=high)
    whole = int(high.sum())  # integers, below 2**53 in total: exact in any order
    high *= math.ldexp(1.0, exponent)
    return _normal(whole, exponent), np.subtract(values, high, out=high)


def _by_exponent(values: np.ndarray) -> ExactSum:
    """Any finite values: each is ``m * 2**(e - 53)`` with an integer ``m`` below 2**53; the ``m`` of one
    ``e`` are summed in two 26/27-bit halves with ``np.bincount``, exactly (see ``_CHUNK``)."""
    mantissas, exponents = np.frexp(values)
    scaled = mantissas * 2.0**27
    high = np.floor(scaled)
    low = (scaled - high) * 2.0**26  # exact: the 26 bits below the high part, an integer
    bins = exponents - np.int32(-1100)  # frexp exponents are at least -1073
    high_sums, low_sums = np.bincount(bins, weights=high), np.bincount(bins, weights=low)
    total = ExactSum()
    for b in np.flatnonzero((high_sums != 0) | (low_sums != 0)).tolist():
        numerator = (int(high_sums[b]) << 26) + int(low_sums[b])
        total = total + _normal(numerator, b - 1100 - 53)
    return total
