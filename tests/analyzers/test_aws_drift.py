"""AWS-parity drift: L-infinity against scipy's KS statistic, the robust correction by its formula,
chi-square p-values against scipy, and a case each side of every threshold."""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from analyzers.constraints import ComparisonMethod
from analyzers.drift.chi_squared import chi_squared_p_value
from analyzers.drift.linf import category_distance, cdf_distance, linf, robust
from analyzers.kll import KllSketch
from analyzers.profile import Categories


def _sketch(values):
    return KllSketch.empty().update(np.asarray(values, dtype=float))


@pytest.mark.parametrize("seed", range(5))
def test_linf_of_exact_sketches_is_the_ks_statistic(seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(0, 1, 800)
    b = rng.normal(0.3, 1.2, 600)
    assert cdf_distance(_sketch(a), _sketch(b)) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)


def test_linf_with_ties():
    a, b = [1, 1, 2, 3, 3, 3], [1, 2, 2, 2]
    assert cdf_distance(_sketch(a), _sketch(b)) == pytest.approx(stats.ks_2samp(a, b).statistic)


def test_robust_correction_by_its_formula():
    n, m, d = 300, 500, 0.2
    assert robust(d, n, m) == pytest.approx(d - 1.8 * math.sqrt((n + m) / (n * m)))
    assert robust(0.01, n, m) == 0.0
    assert linf(d, n, m, ComparisonMethod.SIMPLE) == d


def test_categorical_linf_by_hand():
    base = Categories.of({"a": 50, "b": 30, "c": 20})
    cur = Categories.of({"a": 20, "b": 30, "d": 10})
    # shares: a 1/2 vs 1/3, b 3/10 vs 1/2, c 1/5 vs 0, d 0 vs 1/6: the largest gap is 1/5
    assert category_distance(base, cur) == pytest.approx(float(Fraction(1, 5)))


def test_chi_squared_matches_scipy_without_merging():
    base = Categories.of({"a": 400, "b": 350, "c": 250})
    cur = Categories.of({"a": 230, "b": 150, "c": 120})
    expected = np.array([400, 350, 250]) / 1000 * 500
    assert chi_squared_p_value(base, cur) == pytest.approx(stats.chisquare([230, 150, 120], expected).pvalue)


def test_chi_squared_merges_small_cells():
    base = Categories.of({"a": 490, "b": 490, "c": 10, "d": 10})
    cur = Categories.of({"a": 40, "b": 50, "c": 5, "e": 5})
    # Expected a 49, b 49, c 1, d 1, e 0. Merging smallest first while more than 20% of cells expect
    # fewer than 5: e+c, then d, then that cell (2 expected, 10 seen) with a, leaving [49, 51] vs [50, 50].
    assert chi_squared_p_value(base, cur) == pytest.approx(stats.chisquare([50, 50], [49, 51]).pvalue)
    assert chi_squared_p_value(base, base) == pytest.approx(1.0)


def test_chi_squared_undefined_with_one_category():
    assert math.isnan(chi_squared_p_value(Categories.of({"a": 10}), Categories.of({"a": 5})))
