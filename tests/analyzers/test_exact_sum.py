"""Exact sums against Python's exact rational arithmetic: any values, any split, any order, the same bits."""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analyzers.exact_sum import ExactSum
from analyzers.profile import Moments

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
lists = st.lists(st.one_of(finite, moderate, st.integers(-1000, 1000).map(float)), max_size=80)


def _value(s: ExactSum) -> Fraction:
    return Fraction(s.numerator) * Fraction(2) ** s.exponent


def _truth(xs: list[float]) -> Fraction:
    return sum(map(Fraction, xs), Fraction(0))


def _rounded(exact: Fraction) -> float:
    try:
        return float(exact)  # Fraction -> float is correctly rounded
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


@settings(max_examples=500, deadline=None)
@given(lists)
@example([sys.float_info.max] * 3 + [-sys.float_info.max])
@example([5e-324, -5e-324, 5e-324, 1e-310])
@example([2.0**53, 1.0, 1.0, -(2.0**53)])
@example([1e300, 1e-300, -1e300])
def test_the_sum_is_exact_and_correctly_rounded(xs):
    s = ExactSum.of(np.array(xs, dtype=np.float64))
    assert _value(s) == _truth(xs)
    assert s.to_float() == _rounded(_truth(xs))
    if xs:
        assert s.divided_by(len(xs)) == _rounded(_truth(xs) / len(xs))


@settings(max_examples=300, deadline=None)
@given(lists, st.data())
def test_any_split_in_any_order_gives_the_same_bits(xs, data):
    cuts = sorted(data.draw(st.lists(st.integers(0, len(xs)), max_size=5)))
    parts = [xs[a:b] for a, b in zip([0, *cuts], [*cuts, len(xs)], strict=True)]
    order = data.draw(st.permutations(range(len(parts))))
    merged = ExactSum()
    for i in order:
        merged = merged + ExactSum.of(np.array(parts[i], dtype=np.float64))
    assert merged == ExactSum.of(np.array(xs, dtype=np.float64))


def test_a_large_batch_takes_every_path():
    rng = np.random.default_rng(3)
    for xs in (
        rng.normal(50, 20, 300_000),  # three extraction levels, then the rest by exponent
        rng.integers(-100, 100, 300_000).astype(float),  # one level
        rng.lognormal(0, 30, 300_000),  # hundreds of binades
    ):
        assert _value(ExactSum.of(xs)) == _truth(xs.tolist())


def test_a_statistics_file_sum_is_taken_as_written():
    assert ExactSum.of_float(0.1).to_float() == 0.1
    assert math.isnan(ExactSum.of_float(math.nan).to_float())
    assert (ExactSum.of_float(math.inf) + ExactSum.of_float(1.0)).to_float() == math.inf


def test_moments_sum_and_mean_do_not_depend_on_the_split():
    xs = np.random.default_rng(7).normal(1e3, 1e-3, 100_003)
    whole = Moments.of(xs)
    merged = Moments()
    for part in np.array_split(xs, 13)[::-1]:
        merged = merged.merge(Moments.of(part))
    assert (merged.sum, merged.mean) == (whole.sum, whole.mean)
    assert merged.sum == math.fsum(xs)
    assert merged.std_dev == pytest.approx(float(xs.std()), rel=1e-9)
