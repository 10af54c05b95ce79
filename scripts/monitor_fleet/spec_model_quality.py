"""An endpoint's ``model_quality`` entry: a second schedule running the image's model-quality job (predictions
joined with ground truth), and alarms on the metrics it publishes.

    model_quality:
      baseline: {statistics: s3://bucket/mq-baseline/statistics.json, constraints: s3://bucket/mq-baseline/constraints.json}
      ground_truth_s3_uri: s3://bucket/ground-truth/churn
      problem_type: BinaryClassification
      probability_attribute: "0"
      probability_threshold_attribute: 0.5
      alarms: [{metric: accuracy, threshold: 0.8}, {metric: estimated_f1, threshold: 0.6}]
"""

from __future__ import annotations

from typing import Any

from monitor_fleet import checks as c
from monitor_fleet.checks import fail
from monitor_fleet.fleet_model import ModelQuality, QualityAlarm

# AWS's names for the job's settings (container/contract.py), passed to the job's environment as they are.
ATTRIBUTES = ("inference_attribute", "probability_attribute", "probability_threshold_attribute", "ground_truth_attribute")
KEYS = {"baseline", "ground_truth_s3_uri", "problem_type", "alarms", *ATTRIBUTES}
_CLASSIFICATION = ("accuracy", "precision", "recall", "f0_5", "f1", "f2", "auc")
_RATES = ("true_positive_rate", "true_negative_rate", "false_positive_rate", "false_negative_rate")
_WEIGHTED = tuple(f"weighted_{m}" for m in ("precision", "recall", "f0_5", "f1", "f2"))
# The metrics the model-quality job publishes (analyzers/model_quality: AWS's keys), and the label-free
# estimates it publishes before the labels arrive (estimated_<key>).
_ESTIMATED = {
    "BinaryClassification": ("accuracy", "precision", "recall", "f1", "auc"),
    "MulticlassClassification": ("accuracy", "weighted_precision", "weighted_recall", "weighted_f1"),
}
METRICS = {
    "BinaryClassification": (*_CLASSIFICATION, *_RATES, *(f"estimated_{m}" for m in _ESTIMATED["BinaryClassification"])),
    "MulticlassClassification": (
        "accuracy",
        *_WEIGHTED,
        *(f"estimated_{m}" for m in _ESTIMATED["MulticlassClassification"]),
    ),
    "Regression": ("mae", "mse", "rmse", "r2"),
}
# Errors and miss rates get worse upwards; every other metric downwards.
_WORSE_UPWARDS = {"mae", "mse", "rmse", "false_positive_rate", "false_negative_rate"}


def model_quality(value: Any, endpoint: str, where: str) -> ModelQuality:
    spec = c.mapping(value, KEYS, where)
    for key, example in (
        ("baseline", "{statistics: s3://…, constraints: s3://…}"),
        ("ground_truth_s3_uri", "s3://bucket/ground-truth/…"),
        ("problem_type", "BinaryClassification"),
    ):
        if key not in spec:
            fail(
                where,
                f"{key} is missing",
                fix=f"add {key}: {example} (the model-quality baseline job's outputs)"
                if key == "baseline"
                else f"add {key}: {example}",
            )
    problem = c.text(spec["problem_type"], f"{where}.problem_type", "BinaryClassification")
    if problem not in METRICS:
        fail(f"{where}.problem_type", f"must be one of {', '.join(METRICS)}", problem, "use AWS's problem type name")
    baseline = c.mapping(spec["baseline"], {"statistics", "constraints"}, f"{where}.baseline")
    uris = {}
    for key in ("statistics", "constraints"):
        if key not in baseline:
            fail(
                f"{where}.baseline",
                f"{key} is missing",
                fix=f"add {key}: s3://…/{key}.json (the model-quality baseline job's output)",
            )
        uris[key] = c.s3_uri(
            baseline[key], f"{where}.baseline.{key}", f"s3://bucket/mq-baseline/{key}.json", c.limit("sagemaker", "S3Uri")
        )
    ground_truth = c.s3_uri(
        spec["ground_truth_s3_uri"],
        f"{where}.ground_truth_s3_uri",
        f"s3://bucket/ground-truth/{endpoint}",
        c.limit("sagemaker", "S3Uri"),
    )
    attributes = tuple((key, _attribute(spec[key], f"{where}.{key}")) for key in ATTRIBUTES if key in spec)
    listed = spec.get("alarms", [])
    if not isinstance(listed, list):
        fail(f"{where}.alarms", "must be a list of model-quality alarms", listed, "write - {metric: accuracy, threshold: 0.8}")
    return ModelQuality(
        statistics=uris["statistics"],
        constraints=uris["constraints"],
        ground_truth_s3_uri=ground_truth.rstrip("/"),
        problem_type=problem,
        attributes=attributes,
        alarms=tuple(_alarm(a, problem, f"{where}.alarms[{i}]") for i, a in enumerate(listed)),
    )


def _attribute(value: Any, where: str) -> str:
    """A CSV position, a JSON key or a threshold: the job reads it as text (YAML may give a number)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        fail(where, "must be a string or a number", value, 'e.g. "0" (a CSV position) or a JSON key')
    return str(value)


def _alarm(value: Any, problem: str, where: str) -> QualityAlarm:
    spec = c.mapping(value, {"metric", "threshold", "comparison"}, where)
    for key in ("metric", "threshold"):
        if key not in spec:
            fail(
                where,
                f"{key} is missing",
                fix="a model-quality alarm names the metric and the threshold, e.g. {metric: accuracy, threshold: 0.8}",
            )
    metric = c.text(spec["metric"], f"{where}.metric", "accuracy")
    if metric not in METRICS[problem]:
        fail(
            f"{where}.metric", f"is not a {problem} metric the job publishes", metric, f"use one of {', '.join(METRICS[problem])}"
        )
    default = "GreaterThanThreshold" if metric.removeprefix("estimated_") in _WORSE_UPWARDS else "LessThanThreshold"
    comparison = spec.get("comparison", default)
    if comparison not in ("GreaterThanThreshold", "LessThanThreshold"):
        fail(
            f"{where}.comparison",
            "must be GreaterThanThreshold or LessThanThreshold",
            comparison,
            f"the default for {metric} is {default}",
        )
    return QualityAlarm(metric=metric, threshold=c.number(spec["threshold"], f"{where}.threshold", -1e300), comparison=comparison)
