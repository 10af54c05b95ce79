"""Bootstrap intervals of one facet value's bias metrics: every metric evaluated on the same resamples,
each drawn once (``normal_intervals``), FT without refitting its k-NN."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzers.bias.bootstrap import normal_intervals
from analyzers.bias.inputs import BiasInputs, BiasMetricError
from analyzers.bias.posttraining import flip_test_resampled
from analyzers.bias.registry import Metric


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """How to bootstrap: ``resamples`` (at least 1) at ``confidence``, drawn from ``rng``, which every
    facet value of a report shares in report order (pre-training facets first, then post-training)."""

    resamples: int
    confidence: float
    rng: np.random.Generator


def metric_intervals(
    inputs: BiasInputs, points: Mapping[str, float], registry: Mapping[str, tuple[Metric, str]], bootstrap: Bootstrap
) -> dict[str, tuple[float, float] | None]:
    """The interval of each metric in ``points`` (its finite value, by name, in report order).

    A resample's subset holds only the indicator arrays and the group (no feature frame). FT is resampled
    without refitting its k-NN (``flip_test_resampled``), so its interval costs milliseconds per resample
    at any size. The resamples are drawn even when no metric has a value, so that the facet values after
    this one see the same random numbers whatever this one's metrics did."""
    group = None if inputs.group is None else inputs.group.to_numpy()
    resampled = _Resampled(inputs.d, inputs.y, inputs.yhat, group)
    statistics: dict[str, Callable[[np.ndarray], float]] = {}
    kept: dict[str, float] = {}
    for name, point in points.items():
        if name == "FT":
            try:
                statistics[name] = flip_test_resampled(BiasInputs(inputs.d, inputs.y, inputs.yhat, None, inputs.features))
            except BiasMetricError:
                continue
        else:
            statistics[name] = resampled.metric(registry[name][0])
        kept[name] = point
    return normal_intervals(
        statistics, kept, len(inputs.d), resamples=bootstrap.resamples, confidence=bootstrap.confidence, rng=bootstrap.rng
    )


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

    def metric(self, fn: Metric) -> Callable[[np.ndarray], float]:
        def statistic(rows: np.ndarray) -> float:
            try:
                return float(fn(self.inputs(rows)))
            except BiasMetricError as exc:
                raise ValueError(str(exc)) from None

        return statistic
