"""The fairness step: join the window's sampled rows with their ground truth, compute Clarify's bias
metrics with bootstrap intervals, compare them with a baseline ``analysis.json``, and shape the
outputs (analysis.json, ``bias_drift_check`` violations, ``bias_metric_<NAME>`` metrics)."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analyzers.bias import drift as bias_drift
from analyzers.bias.clarify_json import STAGE_KEYS, AnalysisDocument, EntryDocument, report_json, stage_report
from analyzers.bias.ground_truth import join
from analyzers.bias.indicators import BiasStageError, select
from analyzers.bias.intervals import Bootstrap
from analyzers.bias.report import BiasReport, BiasSpec, FacetEntry, StageReport, stage
from analyzers.findings import CheckType, Finding
from analyzers.types import InferredType
from container.contract import BIAS_REPORT_FILE, MonitorContract
from container.documents import decode, parse_json
from container.errors import BaselineError, ConfigError
from container.load.ground_truth import Labels, read_labels
from container.load.rows import KEY_COLUMN
from container.settings import BiasConfig, ground_truth_source
from container.sources import read_text
from container.steps import StepResult
from container.steps.bias_columns import LABEL, PREDICTED
from container.steps.bias_facets import FacetProblem, facet_finding, facet_problems
from container.steps.sample_frame import window_frame
from container.write.cloudwatch import Metric
from container.write.report import Document

if TYPE_CHECKING:
    from container.ingest import Ingested

CLOUDWATCH_INFINITY = 2.348543e108  # how Clarify's monitor publishes +-infinity (docs/contract.md #cloudwatch-metrics)

log = logging.getLogger(__name__)


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


def read_baseline_report(source: str) -> BiasReport:
    """The baseline's bias report (an ``analysis.json``, ours or Clarify's), decoded once and strictly:
    a malformed file is a ``BaselineError`` naming it and the path inside it."""
    name = f"bias baseline {source}"
    data = parse_json(read_text("bias.baseline", source), source=name, error=BaselineError)
    document = decode(data, AnalysisDocument, source=name, error=BaselineError)
    stages = []
    for key, doc in zip(STAGE_KEYS, (document.pre_training_bias_metrics, document.post_training_bias_metrics), strict=True):
        if doc is None:
            stages.append(None)
            continue
        facets = {
            facet: decode(raw, list[EntryDocument], source=name, error=BaselineError, at=f"{key}.facets.{facet}")
            for facet, raw in doc.facets.items()
        }
        stages.append(stage_report(doc, facets))
    return BiasReport(stages[0], stages[1])


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


def monitor_bias(
    contract: MonitorContract,
    config: BiasConfig,
    data: Ingested,
    types: dict[str, InferredType],
    predicted: str | None,
    baseline: BiasReport | None,
) -> StepResult:
    """The monitoring step: the window's sampled records joined with their ground truth, then ``run_bias``."""
    source = ground_truth_source(contract, config)
    if source is None:
        raise ConfigError(
            "bias monitoring needs ground truth: set env ground_truth_source (or bias.ground_truth) to the labels' "
            "folder or s3:// prefix."
        )
    labels = read_labels(source.value, contract.start_time, contract.end_time, config.label_delay_hours, data.problems)
    frame = window_frame(data.sample.table if data.sample else None, types)
    if KEY_COLUMN not in frame:
        raise ConfigError("bias monitoring joins ground truth to endpoint capture; dataset_format must be sagemakerCaptureJson.")
    labelled, note = labelled_frame(frame, labels, config)
    return run_bias(labelled, config, predicted, baseline) + StepResult(note=note)


def _prepared(frame: pd.DataFrame, config: BiasConfig, predicted: str | None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The rows with the thresholded prediction in ``PREDICTED``, and FlipTest's features: the configured
    ones, else every numeric input (never the label, the prediction, the facets or the group)."""
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
    return data, features


def run_bias(frame: pd.DataFrame, config: BiasConfig, predicted: str | None, baseline: BiasReport | None) -> StepResult:
    data, features = _prepared(frame, config, predicted)
    problems = {p.index: p for p in facet_problems(data, config, "labelled rows of the window")}
    report = _report(data, config, features, problems)
    findings = _violations(baseline, report) if baseline is not None else []
    findings += [facet_finding(p) for p in problems.values()]
    return StepResult(tuple(findings), tuple(_metrics(report)), (Document(BIAS_REPORT_FILE, report_json(report)),))


def _report(data: pd.DataFrame, config: BiasConfig, features: tuple[str, ...], problems: dict[int, FacetProblem]) -> BiasReport:
    """Both stages of every configured facet, intervals included; a facet with a problem gets one entry
    saying why, in both stages. The bootstrap's random numbers are drawn in report order."""
    bootstrap = Bootstrap(config.resamples, config.confidence, np.random.default_rng(config.seed)) if config.resamples else None
    stages: tuple[dict[str, list[FacetEntry]], dict[str, list[FacetEntry]]] = ({}, {})
    errors: tuple[list[str], list[str]] = ([], [])
    for index, facet in enumerate(config.facets):
        if index in problems:  # one line saying why, not a page of "Facet set is empty"
            problem = problems[index]
            log.warning("Bias: %s No bias metric is computed for it in this window.", problem.description)
            entry = FacetEntry(problem.value_text, facet.values, (), problem.description)
            for facets in stages:
                facets.setdefault(facet.name, []).append(entry)
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
        for post_training, facets, stage_errors in zip((False, True), stages, errors, strict=True):
            try:
                entries = stage(data, spec, post_training, bootstrap)
            except BiasStageError as exc:
                stage_errors.append(f"ValueError: {exc}")
                continue
            facets.setdefault(facet.name, []).extend(entries)
    label_text = _label_text(data, config)
    pre, post = (
        StageReport(config.label, label_text, {k: tuple(v) for k, v in facets.items()}, next(iter(found), None))
        for facets, found in zip(stages, errors, strict=True)
    )
    return BiasReport(pre, post)


def _label_text(data: pd.DataFrame, config: BiasConfig) -> str:
    try:
        return select(data[LABEL], list(config.label_values), "Label").text
    except BiasStageError:
        return ""


def _violations(baseline: BiasReport, report: BiasReport) -> list[Finding]:
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
        for v in bias_drift.compare(baseline, report)
    ]


def _metrics(report: BiasReport) -> list[Metric]:
    """``bias_metric_<NAME>`` with Clarify's dimensions; errors and nulls are not published."""
    out = []
    for post_training, stage_report_, facet, entry, metric in report.metrics():
        value = metric.number
        if value is None:
            continue
        if math.isinf(value):
            value = math.copysign(CLOUDWATCH_INFINITY, value)
        dims = (
            ("BiasStage", "Post-Training" if post_training else "Pre-training"),
            ("Label", stage_report_.label),
            ("LabelValue", stage_report_.label_text),
            ("Facet", facet),
            ("FacetValue", entry.text),
        )
        out.append(Metric(f"bias_metric_{metric.name}", value=value, dimensions=dims))
    return out
