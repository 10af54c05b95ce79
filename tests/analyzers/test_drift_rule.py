"""Statistical drift: each analyzer against scipy on exact data, invariances over all of them
(hypothesis), and the decision rule's false-alarm control and power on generated jobs."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from analyzers.drift.binning import category_shares
from analyzers.drift.correction import adjust
from analyzers.drift.effects import effect_size, jensen_shannon, psi, wasserstein
from analyzers.drift.rule import DRIFT, NO_DRIFT, NOT_ENOUGH_DATA, FeatureInput, assess
from analyzers.drift.settings import Correction, DriftSettings, Effect, MethodSettings
from analyzers.drift.significance import chi_square_test, ks_test, rank_error
from analyzers.profile import Categories, FeatureProfile, profile_column
from analyzers.types import ColumnData


def numeric(values, name="x") -> FeatureProfile:
    values = np.asarray(values, dtype=float)
    return profile_column(ColumnData(name, values, None, 0, 0, len(values), 0))


def categorical(values, name="c") -> FeatureProfile:
    return profile_column(ColumnData(name, np.empty(0), pa.array(list(values)), 0, 0, 0, len(values)))


RNG = np.random.default_rng(11)
A = RNG.normal(0, 1, 700)
B = RNG.normal(0.2, 1.1, 900)


def test_ks_matches_scipy_on_exact_data():
    result = ks_test(numeric(A).sketch, numeric(B).sketch)
    reference = stats.ks_2samp(A, B, method="asymp")
    assert result.statistic == pytest.approx(reference.statistic, abs=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)


def test_ks_on_compacted_sketches_is_never_more_significant_than_exact_data():
    a, b = RNG.normal(0, 1, 300_000), RNG.normal(0.005, 1, 300_000)
    sa, sb = numeric(a).sketch, numeric(b).sketch
    assert rank_error(sa) > 0 and rank_error(numeric(A).sketch) == 0
    assert ks_test(sa, sb).p_value >= stats.ks_2samp(a, b, method="asymp").pvalue


def test_chi_square_matches_scipy_without_merging():
    base = Categories.of({"a": 300, "b": 200, "c": 100})
    cur = Categories.of({"a": 250, "b": 260, "c": 90})
    reference = stats.chi2_contingency([[300, 200, 100], [250, 260, 90]], correction=False)
    result = chi_square_test(base, cur)
    assert (result.statistic, result.p_value) == pytest.approx((reference[0], reference[1]))


def test_chi_square_merges_rare_categories():
    base = Categories.of({"a": 500, "b": 500, "r1": 1, "r2": 2})
    cur = Categories.of({"a": 500, "b": 500, "r3": 1})
    # r1, r3 and r2 merge into one cell (3 vs 1), still expected below 5, so it joins a common one.
    merged = stats.chi2_contingency([[503, 500], [501, 500]], correction=False)
    assert chi_square_test(base, cur).p_value == pytest.approx(merged[1])


def test_psi_by_hand():
    p, q = np.array([0.5, 0.25, 0.25]), np.array([0.25, 0.25, 0.5])
    by_hand = 2 * float(Fraction(1, 4)) * np.log(2)  # (1/4) ln 2 + 0 + (1/4) ln 2
    assert psi(p, q) == pytest.approx(by_hand)


def test_jensen_shannon_matches_scipy():
    p, q = np.array([0.1, 0.4, 0.5]), np.array([0.3, 0.3, 0.4])
    assert jensen_shannon(p, q) == pytest.approx(distance.jensenshannon(p, q, base=2))


def test_wasserstein_matches_scipy():
    assert wasserstein(numeric(A), numeric(B)) == pytest.approx(stats.wasserstein_distance(A, B) / A.std())


def test_benjamini_hochberg_matches_scipy():
    p = RNG.uniform(0, 0.2, 30).tolist()
    assert adjust(p, Correction.BENJAMINI_HOCHBERG) == pytest.approx(stats.false_discovery_control(p).tolist())


def test_holm_by_hand():
    assert adjust([0.01, 0.02, 0.03], Correction.HOLM) == pytest.approx([0.03, 0.04, 0.04])


values = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=60, max_size=400)
labels = st.lists(st.sampled_from("abcde"), min_size=60, max_size=400)


@settings(max_examples=40, deadline=None)
@given(values)
def test_identical_numeric_inputs_never_drift(xs):
    p = numeric(xs)
    for effect in Effect:
        assert effect_size(effect, p, p, numeric=True) == pytest.approx(0.0, abs=1e-9)
    assert ks_test(p.sketch, p.sketch).p_value == 1.0
    [verdict] = assess({"x": FeatureInput(p, p, numeric=True)}, DriftSettings())
    assert verdict.status == NO_DRIFT


@settings(max_examples=40, deadline=None)
@given(labels, labels)
def test_categorical_invariances(xs, ys):
    a, b = categorical(xs), categorical(ys)
    for effect in (Effect.LINF, Effect.PSI, Effect.JS):
        assert effect_size(effect, a, a, numeric=False) == pytest.approx(0.0, abs=1e-9)
        assert effect_size(effect, a, b, numeric=False) == pytest.approx(effect_size(effect, b, a, numeric=False))
    assert chi_square_test(a.categories, b.categories).p_value == pytest.approx(
        chi_square_test(b.categories, a.categories).p_value
    )
    shuffled = categorical(sorted(ys))
    assert effect_size(Effect.JS, a, shuffled, numeric=False) == pytest.approx(effect_size(Effect.JS, a, b, numeric=False))


@settings(max_examples=40, deadline=None)
@given(values, values, st.randoms())
def test_numeric_order_and_symmetry(xs, ys, rnd):
    a, b = numeric(xs), numeric(ys)
    shuffled = list(ys)
    rnd.shuffle(shuffled)
    assert ks_test(a.sketch, numeric(shuffled).sketch) == ks_test(a.sketch, b.sketch)
    assert ks_test(a.sketch, b.sketch).statistic == pytest.approx(ks_test(b.sketch, a.sketch).statistic)
    assert effect_size(Effect.LINF, a, b, numeric=True) == pytest.approx(effect_size(Effect.LINF, b, a, numeric=True))


def test_category_shares_never_hit_zero():
    p, q = category_shares(Categories.of({"a": 10}), Categories.of({"b": 10}))
    assert (p > 0).all() and (q > 0).all() and p.sum() == pytest.approx(1.0)


def test_rule_needs_significance_and_size():
    base = numeric(RNG.normal(0, 1, 100_000), "big")
    tiny_shift = numeric(RNG.normal(0.02, 1, 1_000_000), "big")  # significant at this size, harmless
    real_shift = numeric(RNG.normal(0.5, 1, 500), "real")
    base_real = numeric(RNG.normal(0, 1, 100_000), "real")
    few = numeric(RNG.normal(3, 1, 20), "few")
    verdicts = assess(
        {
            "big": FeatureInput(base, tiny_shift, numeric=True),
            "real": FeatureInput(base_real, real_shift, numeric=True),
            "few": FeatureInput(numeric(RNG.normal(0, 1, 1000), "few"), few, numeric=True),
        },
        DriftSettings(),
    )
    by_name = {v.feature: v for v in verdicts}
    assert by_name["big"].adjusted_p_value < 0.01 and by_name["big"].status == NO_DRIFT
    assert by_name["real"].status == DRIFT
    assert by_name["few"].status == NOT_ENOUGH_DATA
    assert by_name["real"].min_detectable_linf == pytest.approx(
        np.sqrt(-np.log(DriftSettings().level / 2 / 2) / 2) * np.sqrt((100_000 + 500) / (100_000 * 500))
        + rank_error(base_real.sketch),
        rel=1e-9,
    )


def test_layered_settings_choose_per_feature():
    base = categorical(["a"] * 2000 + ["b"] * 2000)
    cur = categorical(["a"] * 1760 + ["b"] * 2240)  # share moved by 0.06: drift only with a lower floor
    strict = DriftSettings()
    lenient = DriftSettings(features=(("c", MethodSettings(floor=0.05)),))
    assert assess({"c": FeatureInput(base, cur, numeric=False)}, strict)[0].status == NO_DRIFT
    assert assess({"c": FeatureInput(base, cur, numeric=False)}, lenient)[0].status == DRIFT


def test_unchanged_jobs_rarely_alarm_and_shifts_are_caught():
    """A small version of scripts/bench_drift_calibration.py: 20 features, 1,000-record windows."""
    rng = np.random.default_rng(3)
    base = {f"n{i}": numeric(rng.normal(i, 1, 20_000), f"n{i}") for i in range(20)}
    alarms = 0
    for _ in range(30):
        inputs = {k: FeatureInput(b, numeric(rng.normal(i, 1, 1000), k), numeric=True) for i, (k, b) in enumerate(base.items())}
        alarms += any(v.status == DRIFT for v in assess(inputs, DriftSettings()))
    assert alarms == 0
    shift = 2 * stats.norm.ppf(0.55)  # a true L-infinity of 0.1
    caught = 0
    for _ in range(30):
        inputs = {
            k: FeatureInput(b, numeric(rng.normal(i + (shift if i == 0 else 0), 1, 1000), k), numeric=True)
            for i, (k, b) in enumerate(base.items())
        }
        caught += next(v for v in assess(inputs, DriftSettings()) if v.feature == "n0").status == DRIFT
    assert caught >= 27
