"""The AWS-parity checks together: thresholds on both sides, switches and per-feature overrides."""

import numpy as np
import pyarrow as pa
import pytest

from analyzers.constraints import (
    CategoricalDriftMethod,
    ComparisonMethod,
    Constraints,
    DistributionConstraints,
    FeatureConstraint,
    FeatureOverrides,
    MonitoringConfig,
)
from analyzers.evaluate import BaselineFeatureView, evaluate
from analyzers.findings import CheckType
from analyzers.profile import profile_column
from analyzers.types import InferredType
from container.load.columns import normalise


def _profile(name, values, texts=False):
    return profile_column(normalise(name, pa.array(values, type=pa.string()), keep_texts=texts))


RNG = np.random.default_rng(7)
BASE_X = [repr(float(v)) for v in RNG.normal(0, 1, 2000)]
SHIFTED_X = [repr(float(v)) for v in RNG.normal(0.5, 1, 2000)]
SAME_X = [repr(float(v)) for v in RNG.normal(0, 1, 2000)]


def _run(window_x, window_c, config=None, overrides=None, domains=("a", "b")):
    config = config or MonitoringConfig()
    overrides = overrides or FeatureOverrides()
    base = {
        "x": BaselineFeatureView(
            InferredType.FRACTIONAL,
            _profile("x", BASE_X),
            FeatureConstraint("x", InferredType.FRACTIONAL, completeness=1.0, is_non_negative=False, overrides=overrides),
        ),
        "c": BaselineFeatureView(
            InferredType.STRING,
            _profile("c", ["a"] * 500 + ["b"] * 500, texts=True),
            FeatureConstraint("c", InferredType.STRING, completeness=1.0, domains=domains),
        ),
    }
    window = {"x": _profile("x", window_x), "c": _profile("c", window_c, texts=True)}
    return {r.name: r for r in evaluate(base, Constraints(features=(), monitoring_config=config), window)}


def _violated(result):
    return sorted(f.check_type.value for f in result.findings if f.violated)


def test_unchanged_data_raises_nothing():
    results = _run(SAME_X, ["a"] * 480 + ["b"] * 520)
    assert _violated(results["x"]) == [] and _violated(results["c"]) == []
    assert results["x"].drift is not None and results["x"].drift < 0.1


def test_shift_missing_values_bad_types_and_new_categories_are_flagged():
    results = _run([*SHIFTED_X[:-2], "", "oops"], ["a"] * 200 + ["b"] * 700 + ["z"] * 100)
    assert _violated(results["x"]) == ["baseline_drift_check", "completeness_check", "data_type_check"]
    assert _violated(results["c"]) == ["baseline_drift_check", "categorical_values_check"]
    drift = next(f for f in results["x"].findings if f.check_type is CheckType.BASELINE_DRIFT)
    assert drift.description == f"Numerical distance: {drift.statistic} exceeds numerical threshold: 0.1"


@pytest.mark.parametrize(("threshold", "violated"), [(0.05, True), (0.5, False)])
def test_drift_threshold_both_sides(threshold, violated):
    config = MonitoringConfig(distribution=DistributionConstraints(comparison_threshold=threshold))
    results = _run(SHIFTED_X, ["a"] * 500 + ["b"] * 500, config=config)
    assert ("baseline_drift_check" in _violated(results["x"])) is violated


@pytest.mark.parametrize(("threshold", "violated"), [(1.0, True), (0.9, False)])
def test_domain_threshold_both_sides(threshold, violated):
    config = MonitoringConfig(domain_content_threshold=threshold)
    results = _run(SAME_X, ["a"] * 480 + ["b"] * 480 + ["z"] * 40, config=config)
    assert ("categorical_values_check" in _violated(results["c"])) is violated


@pytest.mark.parametrize(("threshold", "violated"), [(1.0, True), (0.99, False)])
def test_datatype_threshold_both_sides(threshold, violated):
    config = MonitoringConfig(datatype_check_threshold=threshold)
    results = _run([*SAME_X[:-1], "oops"], ["a"] * 500 + ["b"] * 500, config=config)
    assert ("data_type_check" in _violated(results["x"])) is violated


def test_simple_is_never_below_robust():
    simple = MonitoringConfig(distribution=DistributionConstraints(comparison_method=ComparisonMethod.SIMPLE))
    assert _run(SHIFTED_X, ["a"], config=simple)["x"].drift > _run(SHIFTED_X, ["a"])["x"].drift


def test_chi_squared_method_reports_a_p_value():
    config = MonitoringConfig(
        distribution=DistributionConstraints(
            categorical_drift_method=CategoricalDriftMethod.CHI_SQUARED, categorical_comparison_threshold=0.01
        )
    )
    finding = next(
        f
        for f in _run(SAME_X, ["a"] * 300 + ["b"] * 700, config=config)["c"].findings
        if f.check_type is CheckType.BASELINE_DRIFT
    )
    assert finding.violated and finding.statistic < 1e-9
    assert finding.description.startswith("Chi-squared p-value: ")


def test_switches():
    off = MonitoringConfig(distribution=DistributionConstraints(perform_comparison=False))
    assert _run(SHIFTED_X, ["a"], config=off)["x"].drift is None
    results = _run(SHIFTED_X, ["a"], overrides=FeatureOverrides(evaluate_constraints=False, emit_metrics=False))
    assert not results["x"].evaluate and not results["x"].emit_metrics
    assert results["c"].evaluate and results["c"].emit_metrics
    globally_off = _run(SHIFTED_X, ["a"], config=MonitoringConfig(evaluate_constraints=False, emit_metrics=False))
    assert not any(r.evaluate or r.emit_metrics for r in globally_off.values())
