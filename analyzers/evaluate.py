"""Run every AWS-parity check for every feature, honouring ``monitoring_config`` and its overrides.

``evaluate_constraints`` (global, or per feature) decides whether a feature can raise violations;
``emit_metrics`` whether it gets CloudWatch metrics; ``distribution_constraints.perform_comparison``
whether drift is computed at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from analyzers.constraints import (
    CategoricalDriftMethod,
    Constraints,
    DistributionConstraints,
    FeatureConstraint,
    MonitoringConfig,
)
from analyzers.drift.chi_squared import chi_squared_p_value
from analyzers.drift.linf import category_distance, cdf_distance, linf
from analyzers.findings import CheckType, Finding
from analyzers.profile import FeatureProfile
from analyzers.quality.categorical_values import categorical_values_check
from analyzers.quality.completeness import completeness_check
from analyzers.quality.data_type import data_type_check
from analyzers.quality.non_negative import non_negative_check
from analyzers.types import InferredType


@dataclass(frozen=True, slots=True)
class FeatureResult:
    name: str
    findings: tuple[Finding, ...]
    drift: float | None  # the value behind baseline_drift_check, for the drift metric
    evaluate: bool
    emit_metrics: bool


@dataclass(frozen=True, slots=True)
class BaselineFeatureView:
    """What the baseline says about one feature: its type, its profile (if statistics were given)
    and its constraint (if constraints were given)."""

    inferred_type: InferredType
    profile: FeatureProfile | None
    constraint: FeatureConstraint | None


def evaluate(
    baseline: dict[str, BaselineFeatureView], constraints: Constraints | None, window: dict[str, FeatureProfile]
) -> list[FeatureResult]:
    config = constraints.monitoring_config if constraints else MonitoringConfig()
    results = []
    for name, view in baseline.items():
        current = window.get(name)
        if current is None:
            continue
        overrides = view.constraint.overrides if view.constraint else None
        evaluate_on = _pick(overrides.evaluate_constraints if overrides else None, config.evaluate_constraints)
        emit_on = _pick(overrides.emit_metrics if overrides else None, config.emit_metrics)
        findings = _quality(name, view, current, config)
        drift = None
        if config.distribution.perform_comparison and view.profile is not None:
            drift_finding = _drift(name, view, current, config.distribution)
            if drift_finding is not None:
                findings.append(drift_finding)
                drift = drift_finding.statistic
        results.append(FeatureResult(name, tuple(findings), drift, evaluate_on, emit_on))
    return results


def _pick(override: bool | None, default: bool) -> bool:
    return default if override is None else override


def _quality(name: str, view: BaselineFeatureView, current: FeatureProfile, config: MonitoringConfig) -> list[Finding]:
    found = [data_type_check(name, view.inferred_type, current.types, threshold=config.datatype_check_threshold)]
    c = view.constraint
    if c is not None and c.completeness is not None:
        found.append(completeness_check(name, current.types, expected=c.completeness))
    if c is not None and c.domains is not None and current.categories is not None:
        found.append(categorical_values_check(name, current.categories, c.domains, threshold=config.domain_content_threshold))
    if c is not None and c.is_non_negative and view.inferred_type.is_numeric:
        found.append(non_negative_check(name, current.moments))
    return [f for f in found if f is not None]


def _drift(name: str, view: BaselineFeatureView, current: FeatureProfile, dist: DistributionConstraints) -> Finding | None:
    base = view.profile
    if base is None:
        return None
    if view.inferred_type.is_numeric:
        n, m = base.sketch.count, current.sketch.count
        if not n or not m:
            return None
        value = linf(cdf_distance(base.sketch, current.sketch), n, m, dist.comparison_method)
        return _drift_finding(name, "Numerical", value, dist.comparison_threshold, value > dist.comparison_threshold)
    if base.categories is None or current.categories is None:
        return None
    threshold = dist.categorical_comparison_threshold
    threshold = dist.comparison_threshold if threshold is None else threshold
    if dist.categorical_drift_method is CategoricalDriftMethod.CHI_SQUARED:
        p_value = chi_squared_p_value(base.categories, current.categories)
        if math.isnan(p_value):
            return None
        return Finding(
            check_type=CheckType.BASELINE_DRIFT,
            feature=name,
            violated=p_value < threshold,
            description=f"Chi-squared p-value: {p_value} is below categorical threshold: {threshold}",
            statistic=p_value,
            threshold=threshold,
        )
    n, m = base.types.present, current.types.present
    distance = category_distance(base.categories, current.categories)
    if math.isnan(distance):
        return None
    value = linf(distance, n, m, dist.comparison_method)
    if math.isnan(value):  # the baseline's present count disagrees with its buckets
        return None
    return _drift_finding(name, "Categorical", value, threshold, value > threshold)


def _drift_finding(name: str, kind: str, value: float, threshold: float, violated: bool) -> Finding:
    # AWS's own visualisation parses the number with re.search("distance: (.+) exceeds", description).
    return Finding(
        check_type=CheckType.BASELINE_DRIFT,
        feature=name,
        violated=violated,
        description=f"{kind} distance: {value} exceeds {kind.lower()} threshold: {threshold}",
        statistic=value,
        threshold=threshold,
    )
