"""The fairness step: join the window's sampled rows with their ground truth, compute Clarify's bias
metrics with bootstrap intervals, compare them with a baseline ``analysis.json``, and shape the
outputs (analysis.json, ``bias_drift_check`` violations, ``bias_metric_<NAME>`` metrics)."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyzers.bias import drift as bias_drift
from analyzers.bias.bootstrap import normal_intervals
from analyzers.bias.ground_truth import join
from analyzers.bias.indicators import BiasStageError, select
from analyzers.bias.inputs import BiasInputs, BiasMetricError
from analyzers.bias.posttraining import flip_test_resampled
from analyzers.bias.registry import POST_TRAINING, PRE_TRAINING
from analyzers.bias.registry import Metric as BiasMetric
from analyzers.bias.report import BiasSpec, stage_or_error
from analyzers.findings import CheckType, Finding
from container.config import BiasConfig
from container.errors import ConfigError
from container.load.ground_truth import Labels
from container.load.rows import KEY_COLUMN
from container.remote import read_s3_text
from container.write.cloudwatch import Metric

LABEL, PREDICTED = "__label", "__predicted_label"
CLOUDWATCH_INFINITY = 2.348543e108  # how Clarify's monitor publishes +-infinity (CONTRACT §3)
HELD_VALUES_SHOWN = 12  # distinct values a facet message lists one by one

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FacetProblem:
    """A configured facet value that selects no row, or every row, so no metric can compare d with a."""

    index: int  # in the config's facet list
    facet: str
    value_text: str
    selected: int
    rows: int
    description: str


@dataclass(frozen=True, slots=True)
class BiasRun:
    report: dict[str, Any]
    findings: list[Finding]
    metrics: list[Metric]
    note: str


def check_columns(config: BiasConfig, columns: list[str], predicted: str | None) -> None:
    """Every column the bias config names must be in the baseline; checked before reading data."""
    known = set(columns)
    named = [(f"facet {f.name!r}", f.name) for f in config.facets]
    named += [("group_variable", config.group_variable), ("predicted_label", predicted)]
    named += [("features", name) for name in config.features or ()]
    for what, column in named:
        if column is not None and column not in known:
            raise ConfigError(
                f"bias config: {what} names column {column!r}, which the baseline does not have "
                f"(columns: {', '.join(columns[:20])}). Fix the name in the analysis config's bias section."
            )


def read_baseline_report(source: str) -> dict[str, Any]:
    try:
        text = (
            read_s3_text(source, what="bias baseline") if source.startswith("s3://") else Path(source).read_text(encoding="utf-8")
        )
        report = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"bias baseline {source!r} cannot be read as JSON ({exc.__class__.__name__}).") from None
    if not isinstance(report, dict):
        raise ConfigError(f"bias baseline {source!r} must be an analysis.json object.")
    return report


def labelled_frame(frame: pd.DataFrame, labels: Labels | None, config: BiasConfig) -> tuple[pd.DataFrame, str]:
    """The sampled rows that have a label, with the label in ``LABEL``; and a note on the join."""
    if labels is None:  # a baseline dataset carries its labels
        if config.label not in frame:
            raise ConfigError(f"bias config: label column {config.label!r} is not in the dataset.")
        problems = facet_problems(frame, config, "sampled baseline rows")
        if problems:
            raise ConfigError(
                f"bias config: {problems[0].description} Fix the facet's value_or_threshold in the analysis config's "
                "bias section (a categorical facet takes the column's values, a continuous one a threshold)."
            )
        return frame.assign(**{LABEL: _typed(frame[config.label])}), ""
    keys = frame[KEY_COLUMN].tolist()
    result = join(keys, labels.keys, labels.values)
    joined = frame.assign(**{LABEL: list(result.labels)})
    joined = joined[joined[LABEL].notna()].reset_index(drop=True)
    joined[LABEL] = _typed(joined[LABEL])
    note = (
        f" Ground truth: {result.matched} of {len(keys)} sampled records labelled, {result.orphan_labels} label(s)"
        f" without a capture, {result.duplicate_labels} duplicate(s)."
    )
    return joined, note


def _typed(column: pd.Series) -> pd.Series:
    """Label texts as numbers when they all are (so type detection sees what a CSV reader would)."""
    numbers = pd.to_numeric(column, errors="coerce")
    if len(numbers) and numbers.notna().all():
        whole = (numbers == numbers.round()).all()
        return numbers.astype("int64") if whole else numbers
    return column.astype(object)


def facet_problems(data: pd.DataFrame, config: BiasConfig, rows_name: str) -> list[FacetProblem]:
    """The facets whose configured value selects no row, or every row, of ``data`` (none when it is empty).
    The selection is the stage's own (Clarify's type rule on the column's type)."""
    out: list[FacetProblem] = []
    if not len(data):
        return out
    for index, facet in enumerate(config.facets):
        if facet.values is None or facet.name not in data:
            continue  # one-vs-all selects each value it finds; a missing column is the stage's error
        column, values = data[facet.name], list(facet.values)
        try:
            selection = select(column, values, "Facet")
        except BiasStageError:
            continue  # the stage reports it in Clarify's words
        selected = int(selection.indicator.sum())
        if 0 < selected < len(data):
            continue
        shown = json.dumps(values, default=str)
        if selection.continuous:
            rule = f"continuous, so the facet is the rows where {facet.name} > {values[0]}"
        else:
            rule = f"categorical, so the facet is the rows where {facet.name} is one of {shown}"
        what = "no row" if selected == 0 else "every row"
        left = "" if selected == 0 else " (no row is left to compare it with)"
        description = (
            f"Facet {facet.name!r} with value_or_threshold {shown} selects {what} of the {len(data)} {rows_name}{left}. "
            f"Clarify's type rule calls the column ({column.dtype}, {column.nunique()} distinct of "
            f"{int(column.notna().sum())} values) {rule}; the column holds {_held(column)}."
        )
        text = selection.text or ",".join(str(v) for v in values)
        out.append(FacetProblem(index, facet.name, text, selected, len(data), description))
    return out


def _held(column: pd.Series) -> str:
    counts = column.dropna().value_counts()
    if counts.empty:
        return "no value"
    if len(counts) > HELD_VALUES_SHOWN:
        if pd.api.types.is_numeric_dtype(column):
            return f"{len(counts)} distinct values from {column.min()} to {column.max()}"
        top = ", ".join(f"{v} ({n})" for v, n in counts.head(5).items())
        return f"{len(counts)} distinct values, the most common {top}"
    items = list(counts.items())
    try:
        items.sort(key=lambda kv: kv[0])
    except TypeError:
        items.sort(key=lambda kv: str(kv[0]))
    return ", ".join(f"{v} ({n} row{'s' if n != 1 else ''})" for v, n in items)


def run_bias(frame: pd.DataFrame, config: BiasConfig, predicted: str | None, baseline: dict[str, Any] | None) -> BiasRun:
    data = frame.copy()
    if predicted is not None and predicted in data:
        scores = data[predicted]
        if config.probability_threshold is not None:
            data[PREDICTED] = (pd.to_numeric(scores, errors="coerce") > config.probability_threshold).astype("int64")
        else:
            data[PREDICTED] = _typed(scores)
    # A baseline dataset keeps its label column beside LABEL: ground truth is no FlipTest feature.
    features = config.features or tuple(
        c
        for c in data.columns
        if c not in {LABEL, PREDICTED, KEY_COLUMN, predicted, config.group_variable, config.label}
        and c not in {f.name for f in config.facets}
        and pd.api.types.is_numeric_dtype(data[c])
    )
    rng = np.random.default_rng(config.seed)
    pre: dict[str, list[Any]] = {}
    post: dict[str, list[Any]] = {}
    intervals: dict[tuple[str, str, str], tuple[float, float]] = {}
    problems = {p.index: p for p in facet_problems(data, config, "labelled rows of the window")}
    for index, facet in enumerate(config.facets):
        if index in problems:  # one line saying why, not a page of "Facet set is empty"
            problem = problems[index]
            log.warning("Bias: %s No bias metric is computed for it in this window.", problem.description)
            entry = {"value_or_threshold": problem.value_text, "error": problem.description, "metrics": []}
            pre.setdefault(facet.name, []).append(entry)
            post.setdefault(facet.name, []).append(dict(entry))
            continue
        spec = BiasSpec(
            label=LABEL,
            label_values=list(config.label_values),
            facet=facet.name,
            facet_values=None if facet.values is None else list(facet.values),
            predicted=PREDICTED if PREDICTED in data else None,
            group=config.group_variable,
            features=features,
        )
        for target, post_training in ((pre, False), (post, True)):
            entries = stage_or_error(data, spec, post_training)
            if isinstance(entries, dict):
                target.setdefault("__error__", []).append(entries["report_error"])
                continue
            for entry in entries:
                _add_intervals(data, spec, entry, post_training, config, rng, intervals)
            target.setdefault(facet.name, []).extend(entries)
    label_text = _label_text(data, config)
    report = {
        "version": "1.0",
        "pre_training_bias_metrics": _stage_doc(pre, config.label, label_text),
        "post_training_bias_metrics": _stage_doc(post, config.label, label_text),
    }
    findings = _violations(baseline, report, intervals) if baseline is not None else []
    findings += [_facet_finding(p) for p in problems.values()]
    return BiasRun(report, findings, _metrics(report), "")


def _facet_finding(problem: FacetProblem) -> Finding:
    return Finding(
        check_type=CheckType.BIAS_FACET,
        feature=problem.facet,
        violated=True,
        description=problem.description,
        statistic=problem.selected,
        extra=(("facet", problem.facet), ("facet_value", problem.value_text), ("selected_rows", problem.selected)),
    )


def _stage_doc(facets: dict[str, list[Any]], label: str, label_text: str) -> dict[str, Any]:
    errors = facets.pop("__error__", [])
    doc: dict[str, Any] = {"label": label, "label_value_or_threshold": label_text, "facets": facets}
    if errors:
        doc["error"] = errors[0]
    return doc


def _label_text(data: pd.DataFrame, config: BiasConfig) -> str:
    try:
        return select(data[LABEL], list(config.label_values), "Label").text
    except BiasStageError:
        return ""


def _add_intervals(
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


def _violations(
    baseline: dict[str, Any], report: dict[str, Any], intervals: dict[tuple[str, str, str], tuple[float, float]]
) -> list[Finding]:
    return [
        Finding(
            check_type=CheckType.BIAS_DRIFT,
            feature=v.facet,
            violated=True,
            description=v.description,
            statistic=v.current,
            threshold=v.baseline,
            extra=(("facet", v.facet), ("facet_value", v.facet_value), ("metric_name", v.metric_name)),
        )
        for v in bias_drift.compare(baseline, report, intervals)
    ]


def _metrics(report: dict[str, Any]) -> list[Metric]:
    """``bias_metric_<NAME>`` with Clarify's dimensions; errors and nulls are not published."""
    out = []
    for stage_key, stage_name in (("pre_training_bias_metrics", "Pre-training"), ("post_training_bias_metrics", "Post-Training")):
        stage = report[stage_key]
        for facet, entries in stage["facets"].items():
            for entry in entries:
                for metric in entry["metrics"]:
                    value = bias_drift.number(metric.get("value"))
                    if value is None:
                        continue
                    if math.isinf(value):
                        value = math.copysign(CLOUDWATCH_INFINITY, value)
                    dims = (
                        ("BiasStage", stage_name),
                        ("Label", stage["label"]),
                        ("LabelValue", stage["label_value_or_threshold"]),
                        ("Facet", facet),
                        ("FacetValue", entry["value_or_threshold"]),
                    )
                    out.append(Metric(f"bias_metric_{metric['name']}", value=value, dimensions=dims))
    return out
