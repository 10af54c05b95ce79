"""Bootstrap intervals of the bias metrics: every metric of a report entry evaluated on the same
resamples, each drawn once (``normal_intervals``), FT without refitting its k-NN."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analyzers.bias import drift as bias_drift
from analyzers.bias.bootstrap import normal_intervals
from analyzers.bias.indicators import select
from analyzers.bias.inputs import BiasInputs, BiasMetricError
from analyzers.bias.posttraining import flip_test_resampled
from analyzers.bias.registry import POST_TRAINING, PRE_TRAINING
from analyzers.bias.registry import Metric as BiasMetric
from analyzers.bias.report import BiasSpec
from container.settings import BiasConfig
from container.steps.bias_columns import LABEL, PREDICTED


def add_intervals(
    data: pd.DataFrame,
    spec: BiasSpec,
    entry: dict[str, Any],
    post_training: bool,
    config: BiasConfig,
    rng: np.random.Generator,
    intervals: dict[tuple[str, str, str], tuple[float, float]],
) -> None:
    """Attach ``confidence_interval`` (our field) to each metric that has a value.

    Every metric of the entry is evaluated on the same resamples, each drawn once; a resample's subset
    holds only the indicator arrays and the group (no feature frame). FT is resampled without refitting
    its k-NN (``flip_test_resampled``), so its interval costs milliseconds per resample at any size."""
    if config.resamples == 0:
        return
    facet_values = [entry["value_or_threshold"]] if spec.facet_values is None else spec.facet_values
    facet = select(data[spec.facet], _facet_values(data, spec, facet_values), "Facet").indicator
    label = select(data[LABEL], list(config.label_values), "Label").indicator
    yhat = select(data[PREDICTED], list(config.label_values), "Label").indicator if post_training else None
    group = data[spec.group].to_numpy() if spec.group else None
    registry = POST_TRAINING if post_training else PRE_TRAINING
    resampled = _Resampled(facet, label, yhat, group)
    statistics: dict[str, Callable[[np.ndarray], float]] = {}
    points: dict[str, float] = {}
    for metric in entry["metrics"]:
        value = bias_drift.number(metric.get("value"))
        if value is None or not math.isfinite(value):
            continue
        name = metric["name"]
        if name == "FT":
            features = data[list(spec.features)] if spec.features else None
            try:
                statistics[name] = flip_test_resampled(BiasInputs(facet, label, yhat, None, features))
            except BiasMetricError:
                continue
        else:
            statistics[name] = resampled.metric(registry[name][0])
        points[name] = value
    found = normal_intervals(statistics, points, len(data), resamples=config.resamples, confidence=config.confidence, rng=rng)
    for metric in entry["metrics"]:
        interval = found.get(metric["name"])
        if interval is not None:
            metric["confidence_interval"] = list(interval)
            intervals[(spec.facet, entry["value_or_threshold"], metric["name"])] = interval


class _Resampled:
    """One resample's ``BiasInputs``, built once and shared by every metric evaluated on it."""

    def __init__(self, facet: np.ndarray, label: np.ndarray, yhat: np.ndarray | None, group: np.ndarray | None) -> None:
        self._columns = (facet, label, yhat, group)
        self._rows: np.ndarray | None = None
        self._inputs: BiasInputs | None = None

    def inputs(self, rows: np.ndarray) -> BiasInputs:
        if self._inputs is None or rows is not self._rows:
            facet, label, yhat, group = self._columns
            self._rows = rows
            self._inputs = BiasInputs(
                d=facet[rows],
                y=label[rows],
                yhat=None if yhat is None else yhat[rows],
                group=None if group is None else pd.Series(group[rows]),
            )
        return self._inputs

    def metric(self, fn: BiasMetric) -> Callable[[np.ndarray], float]:
        def statistic(rows: np.ndarray) -> float:
            try:
                return float(fn(self.inputs(rows)))
            except BiasMetricError as exc:
                raise ValueError(str(exc)) from None

        return statistic


def _facet_values(data: pd.DataFrame, spec: BiasSpec, shown: list[Any]) -> list[Any]:
    if spec.facet_values is not None:
        return spec.facet_values
    # one-vs-all: find the original value whose text is shown
    return [next(v for v in pd.unique(data[spec.facet].dropna()) if str(v) == shown[0])]
