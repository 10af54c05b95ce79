"""The bias report, typed: per stage, per facet, per facet value, every metric sorted by name, each with
its bootstrap interval when one was asked for; one metric's failure recorded as its ``error`` and never
the report's. Built once, never changed; ``clarify_json`` writes it in Clarify's ``analysis.json`` layout
and reads a baseline's ``analysis.json`` back into the same types."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analyzers.bias.indicators import BiasStageError, Selection, distinct_in_order, is_continuous, select
from analyzers.bias.inputs import BiasInputs, BiasMetricError
from analyzers.bias.intervals import Bootstrap, metric_intervals
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


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One metric of one facet value: its value (``None`` with an ``error``; +-inf and NaN as floats)
    and, when bootstrapped, its interval."""

    name: str
    description: str
    value: float | int | None
    error: str | None = None
    interval: tuple[float, float] | None = None

    @property
    def number(self) -> float | None:
        """The value as a float; None when the metric has none."""
        return None if self.value is None else float(self.value)


@dataclass(frozen=True, slots=True)
class FacetEntry:
    """One facet value (or threshold) of a stage: its text in the report (``value_or_threshold``), the
    original values that select its rows (None when read back from a file, which holds only the text),
    its metrics, and the reason when it has none."""

    text: str
    values: tuple[Any, ...] | None
    metrics: tuple[MetricValue, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StageReport:
    """Pre- or post-training metrics: the label and its text, the entries by facet column, and the
    stage's error (the first facet's whose stage failed), if any."""

    label: str
    label_text: str
    facets: dict[str, tuple[FacetEntry, ...]]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class BiasReport:
    """Both stages; a stage is None only in a baseline file without it."""

    pre: StageReport | None
    post: StageReport | None

    def metrics(self) -> Iterator[tuple[bool, StageReport, str, FacetEntry, MetricValue]]:
        """Every metric with where it sits: (post-training?, stage, facet column, entry, metric)."""
        for post_training, stage_report in ((False, self.pre), (True, self.post)):
            if stage_report is None:
                continue
            for facet, entries in stage_report.facets.items():
                for entry in entries:
                    for metric in entry.metrics:
                        yield post_training, stage_report, facet, entry, metric


def _facet_selections(frame: pd.DataFrame, spec: BiasSpec) -> list[tuple[tuple[Any, ...], Selection]]:
    """Each facet value's original values and its selection."""
    if spec.facet not in frame:
        raise BiasStageError(f"Facet column {spec.facet!r} is not in the data")
    column = frame[spec.facet]
    if spec.facet_values is None and not is_continuous(column, None):
        return [((value,), select(column, [value], "Facet")) for value in distinct_in_order(column)]
    return [(tuple(spec.facet_values or ()), select(column, spec.facet_values, "Facet"))]


def _predicted(frame: pd.DataFrame, spec: BiasSpec, label: Selection) -> np.ndarray:
    if spec.predicted is None or spec.predicted not in frame:
        raise BiasStageError("Predicted label column is required for post-training bias metrics")
    predicted = select(frame[spec.predicted], spec.label_values, "Label")
    if predicted.continuous != label.continuous:
        raise BiasStageError("Predicted Label Column series datatype is not the same as Label Column series")
    if not predicted.indicator.any():
        raise BiasStageError(
            "No Label values are present in the predicted Label Column,Positive Predicted Index Series contains all False values"
        )
    return predicted.indicator


def stage(frame: pd.DataFrame, spec: BiasSpec, post_training: bool, bootstrap: Bootstrap | None = None) -> tuple[FacetEntry, ...]:
    """The ``facets[spec.facet]`` entries of one stage, with intervals when ``bootstrap`` is given;
    raises ``BiasStageError`` when the stage fails (before any metric is computed)."""
    label = select(frame[spec.label], spec.label_values, "Label")
    yhat = _predicted(frame, spec, label) if post_training else None
    group = frame[spec.group] if spec.group is not None else None
    features = frame[list(spec.features)] if spec.features else None
    registry = POST_TRAINING if post_training else PRE_TRAINING
    return tuple(
        FacetEntry(
            text=facet.text,
            values=values,
            metrics=_measured(registry, BiasInputs(facet.indicator, label.indicator, yhat, group, features), bootstrap),
        )
        for values, facet in _facet_selections(frame, spec)
    )


def _measured(
    registry: dict[str, tuple[Metric, str]], inputs: BiasInputs, bootstrap: Bootstrap | None
) -> tuple[MetricValue, ...]:
    values: dict[str, float | int | None] = {}
    errors: dict[str, str] = {}
    for name, (fn, _) in registry.items():
        try:
            values[name] = _plain(fn(inputs))
        except BiasMetricError as exc:
            values[name], errors[name] = None, str(exc)
    intervals: dict[str, tuple[float, float] | None] = {}
    if bootstrap is not None:
        points = {name: float(v) for name, v in values.items() if v is not None and math.isfinite(v)}
        intervals = metric_intervals(inputs, points, registry, bootstrap)
    return tuple(
        MetricValue(name, description, values[name], errors.get(name), intervals.get(name))
        for name, (_, description) in registry.items()
    )


def _plain(value: Any) -> float | int:
    """A Python number (numpy scalars as their ``item()``, as the JSON writer would)."""
    return value.item() if isinstance(value, np.generic) else value
