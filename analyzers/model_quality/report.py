"""Model-quality statistics, suggested constraints and violations in AWS's formats (docs/contract.md #model-quality)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzers.findings import CheckType, Finding
from analyzers.model_quality import metrics as m
from analyzers.model_quality import noise

STD_MIN_RECORDS = 200  # AWS: a standard deviation only with at least 200 samples
STD_SUBSAMPLES, STD_SHARE = 5, 0.8  # ... from five random 80% subsamples


@dataclass(frozen=True, slots=True)
class Labelled:
    """Ground truth and predictions of the labelled records (``score`` for binary only, optional)."""

    problem: str
    y: np.ndarray
    yhat: np.ndarray
    score: np.ndarray | None = None


def compute(data: Labelled) -> dict[str, Any]:
    if data.problem == m.REGRESSION:
        return m.regression(data.y.astype(float), data.yhat.astype(float))
    if data.problem == m.BINARY:
        return m.binary(data.y.astype(bool), data.yhat.astype(bool), data.score)
    return m.multiclass(data.y, data.yhat)


def _subset(data: Labelled, rows: np.ndarray) -> Labelled:
    return Labelled(data.problem, data.y[rows], data.yhat[rows], None if data.score is None else data.score[rows])


def metrics_section(data: Labelled, rng: np.random.Generator) -> dict[str, Any]:
    """``<problem>_metrics``: scalars as ``{"value", "standard_deviation"}``, matrices and curves as they are."""
    values = compute(data)
    spreads: dict[str, float] = {}
    n = len(data.y)
    if n >= STD_MIN_RECORDS:
        runs = [compute(_subset(data, rng.choice(n, int(n * STD_SHARE), replace=False))) for _ in range(STD_SUBSAMPLES)]
        for name, value in values.items():
            if isinstance(value, float | int):
                spreads[name] = float(np.std([run[name] for run in runs], ddof=1))
    return {
        name: {"value": value, "standard_deviation": spreads.get(name, float("nan"))} if isinstance(value, float | int) else value
        for name, value in values.items()
    }


def statistics_document(problem: str, item_count: int, section: dict[str, Any]) -> dict[str, Any]:
    return {"version": 0.0, "dataset": {"item_count": item_count}, m.SECTION[problem]: section}


def constraints_key(problem: str) -> str:
    return m.SECTION[problem].replace("_metrics", "_constraints")


# A best-constant-classifier score is what always predicting one class would score: it depends on the
# label mix alone, so a constraint on it would alarm when the share of positives moves, never when the
# model gets worse. It stays in statistics.json, the yardstick the model's own scores are read against.
BEST_CONSTANT_SUFFIX = "_best_constant_classifier"


def suggest_constraints(problem: str, section: dict[str, Any]) -> dict[str, Any]:
    """Each metric's threshold a practical floor worse than the baseline's value (``noise.suggested_threshold``),
    in AWS's format; no constraint on the best-constant-classifier scores.

    >>> section = {"accuracy": {"value": 0.8}, "accuracy_best_constant_classifier": {"value": 0.6}}
    >>> suggest_constraints("BinaryClassification", section)["binary_classification_constraints"]
    {'accuracy': {'threshold': 0.78, 'comparison_operator': 'LessThanThreshold'}}
    """
    rules = {}
    for name, entry in section.items():
        if isinstance(entry, dict) and "value" in entry and not name.endswith(BEST_CONSTANT_SUFFIX):
            threshold, operator = noise.suggested_threshold(name, float(entry["value"]))
            rules[name] = {"threshold": threshold, "comparison_operator": operator}
    return {"version": 0.0, constraints_key(problem): rules}


@dataclass(frozen=True, slots=True)
class Noise:
    """What the noise margin needs: the window's labelled count, the baseline's metrics section (for its
    ``standard_deviation``) and record count, and the false-alarm level shared over the metrics checked."""

    window_count: int
    baseline: dict[str, Any] | None = None
    baseline_count: int | None = None
    level: float = noise.LEVEL


def violations(problem: str, constraints: dict[str, Any], section: dict[str, Any], margin: Noise | None = None) -> list[Finding]:
    """One violation per metric on the wrong side of its constraint (AWS's MonitoringCustomMetrics format);
    with ``margin``, only when it is past the threshold by more than the window's noise (``noise``).

    >>> c = {"regression_constraints": {"mae": {"threshold": 0.5, "comparison_operator": "GreaterThanThreshold"}}}
    >>> [f.description for f in violations("Regression", c, {"mae": {"value": 0.7}})]
    ['Metric mae with 0.7 was GreaterThanThreshold 0.5']
    """
    checked = []
    for name, rule in (constraints.get(constraints_key(problem)) or {}).items():
        entry = section.get(name)
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        value, threshold = float(entry["value"]), float(rule["threshold"])
        if math.isfinite(value) and math.isfinite(threshold):
            checked.append((name, value, threshold, rule["comparison_operator"]))
    found = []
    for name, value, threshold, operator in checked:
        se, z = 0.0, 0.0
        if margin:
            se = noise.standard_error(name, threshold, section, margin.window_count, margin.baseline, margin.baseline_count)
            df = noise.SUBSAMPLE_DF if noise.from_baseline_spread(name, section) else None
            z = noise.critical_z(len(checked), margin.level, df) if se else 0.0
        if noise.beyond_noise(value, threshold, operator, se, z):
            found.append(
                Finding(
                    check_type=CheckType(operator),
                    feature=name,  # the metric: what the violation is grouped by, as a feature's would be
                    violated=True,
                    description=f"Metric {name} with {value} was {operator} {threshold}",
                    statistic=value,
                    threshold=threshold,
                    extra=(("metric_name", name),),
                )
            )
    return found
