"""The model-quality job (``analysis_type=MODEL_QUALITY``, as AWS's own job definitions set it).

Baseline: a labelled validation set holding the prediction, the score and the label gives AWS's metrics
and a ``<problem>_constraints`` file. Monitoring: the window's predictions (endpoint output) joined with
ground truth give the same metrics, a violation per metric that crosses its constraint, and CloudWatch
metrics named after the metric keys. Binary classifiers with scores also get an estimate of their quality
from the scores alone (calibrated on the baseline's labels), clearly named, before the labels arrive.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from analyzers.bias.ground_truth import join
from analyzers.findings import Finding
from analyzers.model_quality import metrics as m
from analyzers.model_quality.report import (
    Noise,
    constraints_key,
    metrics_section,
    statistics_document,
    suggest_constraints,
    violations,
)
from container.contract import CONSTRAINTS_FILE, STATISTICS_FILE, FormatKind, MonitorContract
from container.errors import ConfigError
from container.ingest import PartReader, ingest
from container.load.ground_truth import read_labels
from container.load.problems import ProblemLog
from container.load.quality_baseline import QualityStatistics, read_quality_constraints, read_quality_statistics
from container.load.rows import KEY_COLUMN
from container.model_quality_settings import ModelQualitySettings
from container.settings import AnalysisConfig
from container.steps.estimate import calibration_document, estimated_metrics
from container.steps.model_quality_columns import column, labelled
from container.write.cloudwatch import Metric
from container.write.message import Status
from container.write.report import (
    NO_VIOLATIONS,
    Document,
    Outcome,
    bad_record_metrics,
    bad_records,
    finish,
    refuse_bad_baseline,
    run_records,
    skipped,
    write_documents,
)


def run_model_quality(
    contract: MonitorContract, config: AnalysisConfig, settings: ModelQualitySettings, cluster: PartReader | None = None
) -> Outcome:
    capture = contract.dataset_format.kind is FormatKind.CAPTURE
    if capture:  # only the model's output is needed; its columns are named by position or by key
        contract = replace(contract, dataset_format=replace(contract.dataset_format, capture_parts=("endpointOutput",)))
    data = ingest(
        contract,
        config,
        names=None,
        types=None,
        sample_rows=settings.row_budget,
        seed=settings.seed,
        record_keys=capture,
        cluster=cluster,
    )
    frame = data.sample.table.to_pandas() if data.sample is not None and data.sample.table is not None else pd.DataFrame()
    rng = np.random.default_rng(settings.seed)
    bad = bad_records(data, config)
    if contract.is_baseline_job:
        refuse_bad_baseline(bad)
        return Outcome(_baseline(contract, settings, frame, rng) + skipped(data.problems.total), records=run_records(data))
    if contract.ground_truth_source is None:
        raise ConfigError(
            "model-quality monitoring needs ground truth: set env ground_truth_source to its folder or s3:// prefix."
        )
    if frame.empty:
        # Nothing to join with labels: a window of bad records only is still never green.
        note = skipped(data.problems.total)
        write_documents(contract, [Document(STATISTICS_FILE, {"version": 0.0, "dataset": {"item_count": 0}})])
        quiet = Status.COMPLETED.says("No predictions in the window; nothing was compared.")
        return finish(contract, [bad] if bad else [], bad_record_metrics(bad), note, records=run_records(data), quiet=quiet)
    findings, metrics, note = _monitor(contract, settings, frame, rng)
    note += skipped(data.problems.total)
    return finish(contract, findings + ([bad] if bad else []), metrics + bad_record_metrics(bad), note, records=run_records(data))


def _baseline(contract: MonitorContract, settings: ModelQualitySettings, frame: pd.DataFrame, rng: np.random.Generator) -> str:
    labels = column(frame, settings.ground_truth_attribute, "ground_truth_attribute")
    if labels is None:
        raise ConfigError("a model-quality baseline needs ground_truth_attribute: the label column of the dataset.")
    data = labelled(settings, frame, labels)
    section = metrics_section(data, rng)
    document = statistics_document(settings.problem_type, len(data.y), section)
    calibration = calibration_document(settings, frame, labels, data)
    if calibration:
        document["calibration"] = calibration
    constraints = suggest_constraints(settings.problem_type, section)
    write_documents(contract, [Document(STATISTICS_FILE, document), Document(CONSTRAINTS_FILE, constraints)])
    return NO_VIOLATIONS


def _monitor(
    contract: MonitorContract, settings: ModelQualitySettings, frame: pd.DataFrame, rng: np.random.Generator
) -> tuple[list[Finding], list[Metric], str]:
    """The window's metrics against the baseline's constraints: violations, metrics and a note on the labels."""
    found = read_labels(
        contract.ground_truth_source, contract.start_time, contract.end_time, settings.label_delay_hours, ProblemLog()
    )
    joined = join(frame[KEY_COLUMN].tolist(), found.keys, found.values)
    labels = pd.Series(list(joined.labels), dtype=object)
    note = f" {joined.matched} of {len(frame)} predictions in the window have a label so far."
    document: dict[str, Any] = {"version": 0.0, "dataset": {"item_count": joined.matched}}
    metrics: list[Metric] = []
    baseline = _baseline_statistics(contract, settings.problem_type)
    estimated = estimated_metrics(settings, frame, baseline, rng)
    if estimated:
        document[f"estimated_{m.SECTION[settings.problem_type]}"] = estimated
        metrics += [Metric(f"estimated_{k}", value=v["value"]) for k, v in estimated.items() if isinstance(v, dict)]
    found_violations = []
    if joined.matched < settings.min_labelled:
        note += f" Not enough data: {settings.min_labelled} labelled predictions are needed; no metric was compared."
    else:
        data = labelled(settings, frame, labels)
        section = metrics_section(data, rng)
        document[m.SECTION[settings.problem_type]] = section
        metrics += [Metric(k, value=float(v["value"])) for k, v in section.items() if isinstance(v, dict) and "value" in v]
        if estimated:
            document["estimate_gap"] = {
                k: section[k]["value"] - v["value"] for k, v in estimated.items() if isinstance(v, dict) and k in section
            }
        key = constraints_key(settings.problem_type)
        rules = read_quality_constraints(contract.baseline_constraints, key) if contract.baseline_constraints else ()
        constraints = {key: {r.metric: {"threshold": r.threshold, "comparison_operator": r.comparison_operator} for r in rules}}
        spread = {name: {"standard_deviation": sd} for name, sd in baseline.spread.items()}
        margin = Noise(len(data.y), spread, baseline.item_count or None)
        found_violations = violations(settings.problem_type, constraints, section, margin)
    write_documents(contract, [Document(STATISTICS_FILE, document)])
    return found_violations, [x for x in metrics if x.value is not None and math.isfinite(x.value)], note


def _baseline_statistics(contract: MonitorContract, problem: str) -> QualityStatistics:
    """The baseline's count, metric spreads (they size the noise margin of metrics that are not proportions;
    without them that margin is 0, AWS's own rule) and calibration; empty without baseline statistics."""
    if contract.baseline_statistics is None:
        return QualityStatistics()
    return read_quality_statistics(contract.baseline_statistics, m.SECTION[problem])
