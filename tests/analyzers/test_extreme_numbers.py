"""Finite values anywhere in float64's range, near ±1e308 and near 5e-324 included, give finite means,
standard deviations and bucket bounds; checked against exact rational arithmetic (fractions)."""

from __future__ import annotations

import itertools
import json
import math
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analyzers.buckets import NUM_BUCKETS, kll_buckets
from analyzers.kll import KllSketch
from analyzers.profile import FeatureProfile, Moments
from analyzers.types import InferredType
from container.write._json import dumps
from container.write.statistics import statistics_document

EPS = sys.float_info.epsilon
BIGGEST = sys.float_info.max

huge = st.floats(min_value=1e300, max_value=BIGGEST) | st.floats(min_value=-BIGGEST, max_value=-1e300)
tiny = st.floats(min_value=-1e-300, max_value=1e-300, allow_subnormal=True)
any_finite = st.floats(allow_nan=False, allow_infinity=False)
values = st.lists(huge | tiny | any_finite, min_size=1, max_size=60)


def _exact(xs: list[float]) -> tuple[Fraction, Fraction, Fraction]:
    """Sum, mean and population variance, exactly."""
    total = sum(map(Fraction, xs), Fraction(0))
    mean = total / len(xs)
    return total, mean, sum(((Fraction(x) - mean) ** 2 for x in xs), Fraction(0)) / len(xs)


def _exact_std(variance: Fraction, biggest: float) -> float:
    # sqrt of a rational that may exceed float64: in units of the data's magnitude, then scaled back.
    exponent = math.frexp(biggest)[1] - 1 if biggest else 0
    return math.ldexp(math.sqrt(float(variance / Fraction(2) ** (2 * exponent))), exponent)


def _check(m: Moments, xs: list[float]) -> None:
    total, mean, variance = _exact(xs)
    n, biggest = len(xs), max(abs(x) for x in xs)
    # Rounding of the pairwise sum is at most n·eps of the summed magnitudes: the tolerance, in exact arithmetic.
    slack = Fraction(4 * n * EPS) * Fraction(biggest)
    assert math.isfinite(m.mean) and math.isfinite(m.std_dev)
    assert min(xs) <= m.mean <= max(xs)
    assert abs(Fraction(m.mean) - mean) <= slack
    assert abs(m.std_dev - _exact_std(variance, biggest)) <= 4 * n * EPS * biggest
    if abs(total) > BIGGEST * (1 + 4 * n * EPS):
        assert m.sum == math.copysign(math.inf, total)  # beyond float64: IEEE rounds the exact sum to ±inf
    elif math.isfinite(m.sum):
        assert abs(Fraction(m.sum) - total) <= slack
    else:
        assert abs(total) >= BIGGEST * (1 - 4 * n * EPS)  # overflowed only when the sum is at the edge


@settings(max_examples=400, deadline=None)
@given(values)
@example([BIGGEST, BIGGEST, -BIGGEST])
@example([1e308, -1e308])
@example([5e-324, 1e-320, 0.0])
@example([BIGGEST] * 7)
def test_moments_of_extreme_values_are_finite_and_exact_enough(xs):
    _check(Moments.of(np.array(xs)), xs)


@settings(max_examples=400, deadline=None)
@given(values, values, values)
@example([1e308, 1e308], [-1e308, -1e308], [1.0])
@example([1e-310], [1e300], [-1e308])
def test_merged_moments_equal_the_whole(a, b, c):
    merged = Moments.of(np.array(a)).merge(Moments.of(np.array(b))).merge(Moments.of(np.array(c)))
    assert merged.count == len(a + b + c)
    assert (merged.minimum, merged.maximum) == (min(a + b + c), max(a + b + c))
    _check(merged, a + b + c)


def test_the_old_formulas_failed_here():
    # The values of the issue: an unscaled mean of these is inf and their deviations square to inf.
    xs = np.array([1.5e308, 1.6e308, -1.7e308, 1.0e308])
    with np.errstate(over="ignore"):
        assert not np.isfinite(xs.mean())
    _check(Moments.of(xs), xs.tolist())


def test_scaling_changes_nothing_in_the_ordinary_range():
    xs = np.random.default_rng(0).normal(3.0, 2.0, 1001)
    m = Moments.of(xs)
    assert (m.scale, m.sum) == (1.0, math.fsum(xs))
    assert m.mean == pytest.approx(float(xs.mean()), rel=1e-15)
    assert m.std_dev == float(np.sqrt(np.square(xs - xs.mean()).sum() / xs.size))


@settings(max_examples=300, deadline=None)
@given(values)
@example([-BIGGEST, BIGGEST])
@example([0.0, BIGGEST])
@example([-1e308, 1e308, 0.0])
def test_bucket_bounds_are_never_nan(xs):
    sketch = KllSketch.empty().update(np.array(xs))
    buckets = kll_buckets(sketch, min(xs), max(xs))
    edges = [buckets[0].lower_bound] + [b.upper_bound for b in buckets]
    assert len(buckets) == NUM_BUCKETS and all(math.isfinite(e) for e in edges)
    assert edges[0] == min(xs) and abs(edges[-1] - max(xs)) <= 4 * EPS * max(map(abs, xs))  # Deequ's rounding
    assert all(a <= b for a, b in itertools.pairwise(edges))
    assert sum(b.count for b in buckets) == len(xs)


def test_statistics_json_of_values_near_the_float64_limit():
    xs = np.array([1.7e308, 1.7e308, -1.0e308, 1.0])
    profile = FeatureProfile(name="x", moments=Moments.of(xs), sketch=KllSketch.empty().update(xs))
    stats = json.loads(dumps(statistics_document(4, [(profile, InferredType.FRACTIONAL)])))
    numbers = stats["features"][0]["numerical_statistics"]
    total, mean, variance = _exact(xs.tolist())
    assert total > Fraction(BIGGEST)  # 2.4e308 has no float64: IEEE rounds it to infinity, and
    assert numbers["sum"] == "Infinity"  # JSON says so as Jackson (AWS's analyzer) does
    assert abs(Fraction(numbers["mean"]) - mean) <= Fraction(16 * EPS) * Fraction(1.7e308)
    assert math.isclose(numbers["std_dev"], _exact_std(variance, 1.7e308), rel_tol=1e-14)
    bounds = [b["lower_bound"] for b in numbers["distribution"]["kll"]["buckets"]]
    assert all(isinstance(b, float) and math.isfinite(b) for b in bounds)
