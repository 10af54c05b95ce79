"""The bias report in Clarify's ``analysis.json`` layout: per facet value, every metric sorted by name,
one metric's failure recorded as its ``error`` and never the report's."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analyzers.bias.indicators import BiasStageError, Selection, distinct_in_order, is_continuous, select
from analyzers.bias.inputs import BiasInputs, BiasMetricError
from analyzers.bias.registry import POST_TRAINING, PRE_TRAINING, Metric


@dataclass(frozen=True, slots=True)
class BiasSpec:
    """What to measure, in Clarify's analysis-config terms."""

    label: str
    label_values: list[Any]
    facet: str
    facet_values: list[Any] | None  # None: one-vs-all over the facet's values
    predicted: str | None = None
    group: str | None = None
    features: tuple[str, ...] = ()


INFINITY_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}  # JSON has no infinities; Clarify writes these


def json_value(value: float | int) -> float | int | str:
    """A metric value as Clarify writes it: infinities as the strings "Infinity" and "-Infinity"."""
    if isinstance(value, float) and math.isinf(value):
        return INFINITY_TEXT[value]
    return value


def _metric_entries(metrics: dict[str, tuple[Metric, str]], inputs: BiasInputs) -> list[dict[str, Any]]:
    out = []
    for name, (fn, description) in metrics.items():
        entry: dict[str, Any] = {"name": name, "description": description}
        try:
            entry["value"] = json_value(fn(inputs))
        except BiasMetricError as exc:
            entry |= {"value": None, "error": str(exc)}
        out.append(entry)
    return out


def _facet_selections(frame: pd.DataFrame, spec: BiasSpec) -> list[Selection]:
    if spec.facet not in frame:
        raise BiasStageError(f"Facet column {spec.facet!r} is not in the data")
    column = frame[spec.facet]
    if spec.facet_values is None and not is_continuous(column, None):
        return [select(column, [value], "Facet") for value in distinct_in_order(column)]
    return [select(column, spec.facet_values, "Facet")]


def stage(frame: pd.DataFrame, spec: BiasSpec, post_training: bool) -> list[dict[str, Any]]:
    """The ``facets[spec.facet]`` list of one stage; raises ``BiasStageError`` when the stage fails."""
    label = select(frame[spec.label], spec.label_values, "Label")
    yhat = None
    if post_training:
        if spec.predicted is None or spec.predicted not in frame:
            raise BiasStageError("Predicted label column is required for post-training bias metrics")
        predicted = select(frame[spec.predicted], spec.label_values, "Label")
        if predicted.continuous != label.continuous:
            raise BiasStageError("Predicted Label Column series datatype is not the same as Label Column series")
        if not predicted.indicator.any():
            raise BiasStageError(
                "No Label values are present in the predicted Label Column,"
                "Positive Predicted Index Series contains all False values"
            )
        yhat = predicted.indicator
    group = frame[spec.group] if spec.group is not None else None
    features = frame[list(spec.features)] if spec.features else None
    metrics = POST_TRAINING if post_training else PRE_TRAINING
    return [
        {
            "value_or_threshold": facet.text,
            "metrics": _metric_entries(metrics, BiasInputs(facet.indicator, label.indicator, yhat, group, features)),
        }
        for facet in _facet_selections(frame, spec)
    ]


def stage_or_error(frame: pd.DataFrame, spec: BiasSpec, post_training: bool) -> list[dict[str, Any]] | dict[str, str]:
    try:
        return stage(frame, spec, post_training)
    except BiasStageError as exc:
        return {"report_error": f"ValueError: {exc}"}
