"""An endpoint's ``alarms`` entry: drift, violations and expectation thresholds, and the bias alarms."""

from __future__ import annotations

import math
from typing import Any

from monitor_fleet import checks as c
from monitor_fleet.checks import fail
from monitor_fleet.fleet_model import Alarms, BiasAlarm

ALARM_KEYS = {"drift_features", "drift_threshold", "violations_threshold", "expectation_success_min", "bias"}
BIAS_ALARM_KEYS = {"metric", "facet", "facet_value", "label", "label_value", "threshold", "comparison", "stage"}
_BIAS_ALARM_REQUIRED = ("metric", "facet", "facet_value", "label", "label_value", "threshold")
_BIAS_DIMENSIONS = ("facet", "facet_value", "label", "label_value")
# The container's bias metrics by stage (analyzers/bias/registry.py) and its BiasStage dimension values.
BIAS_METRICS = {
    "Pre-training": ("CDDL", "CI", "DPL", "JS", "KL", "KS", "LP", "TVD"),
    "Post-Training": ("AD", "CDDPL", "DAR", "DCA", "DCR", "DI", "DPPL", "DRR", "FT", "GE", "RD", "SD", "TE"),
}
# TwoSided (the default): alarm when the metric is further than the threshold from its fair value, either way.
_COMPARISONS = ("TwoSided", "GreaterThanThreshold", "LessThanThreshold")


def alarms(value: Any, where: str) -> Alarms:
    spec = c.mapping(value, ALARM_KEYS, where)
    violations = spec.get("violations_threshold")
    if violations is not None:
        violations = c.integer(violations, f"{where}.violations_threshold", 0, 1_000_000)
    success = spec.get("expectation_success_min")
    if success is not None:
        success = c.number(success, f"{where}.expectation_success_min", 0.0, 1.0)
    bias = spec.get("bias", [])
    if not isinstance(bias, list):
        fail(
            f"{where}.bias",
            "must be a list of bias alarms",
            bias,
            'write - {metric: DPPL, facet: sex, facet_value: F, label: label, label_value: "1", threshold: 0.1}',
        )
    return Alarms(
        drift_features=c.string_list(spec.get("drift_features", []), f"{where}.drift_features"),
        drift_threshold=c.number(spec.get("drift_threshold", 0.1), f"{where}.drift_threshold", 0.0),
        violations_threshold=violations,
        expectation_success_min=success,
        bias=tuple(bias_alarm(b, f"{where}.bias[{i}]") for i, b in enumerate(bias)),
    )


def bias_alarm(value: Any, where: str) -> BiasAlarm:
    spec = c.mapping(value, BIAS_ALARM_KEYS, where)
    missing = [k for k in _BIAS_ALARM_REQUIRED if k not in spec]
    if missing:
        fail(
            where,
            f"{missing[0]} is missing",
            fix="a bias alarm names the metric, facet, facet_value, label, label_value and threshold",
        )
    stage = _bias_stage(spec.get("stage", "Post-Training"), f"{where}.stage")
    metric = _bias_metric(spec["metric"], stage, f"{where}.metric")
    dimensions = {key: _dimension_value(spec[key], f"{where}.{key}") for key in _BIAS_DIMENSIONS}
    comparison = _comparison(spec.get("comparison", "TwoSided"), f"{where}.comparison")
    return BiasAlarm(
        metric=metric,
        facet=dimensions["facet"],
        facet_value=dimensions["facet_value"],
        label=dimensions["label"],
        label_value=dimensions["label_value"],
        threshold=c.number(spec["threshold"], f"{where}.threshold", 0.0 if comparison == "TwoSided" else -math.inf),
        comparison=comparison,
        stage=stage,
    )


def _bias_stage(value: Any, where: str) -> str:
    stage = c.text(value, where, "Post-Training")
    if stage not in BIAS_METRICS:
        fail(
            where,
            "must be Pre-training or Post-Training (the container's BiasStage values)",
            stage,
            "use Pre-training or Post-Training",
        )
    return stage


def _bias_metric(value: Any, stage: str, where: str) -> str:
    metric = c.text(value, where, "DPPL")
    if metric not in BIAS_METRICS[stage]:
        other = next((s for s, names in BIAS_METRICS.items() if metric in names), None)
        fix = f"set stage: {other}" if other else f"use one of {', '.join(BIAS_METRICS[stage])}"
        fail(where, f"is not a {stage} bias metric", metric, fix)
    return metric


def _dimension_value(value: Any, where: str) -> str:
    """A facet or label name or value: it becomes a CloudWatch dimension value of the bias metric."""
    dim_max = c.limit("cloudwatch", "DimensionValue")
    dimension = c.text(value, where, "sex")
    if len(dimension) > dim_max:
        fail(where, f"is over CloudWatch's dimension value limit of {dim_max} characters", dimension, "shorten it")
    return dimension


def _comparison(value: Any, where: str) -> str:
    if value not in _COMPARISONS:
        fail(
            where,
            "must be TwoSided, GreaterThanThreshold or LessThanThreshold",
            value,
            "use TwoSided (the default: either direction away from the fair value), GreaterThanThreshold or LessThanThreshold",
        )
    return str(value)
