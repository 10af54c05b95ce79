"""The model-quality job (``analysis_type=MODEL_QUALITY``, as AWS's own job definitions set it).

Baseline: a labelled validation set holding the prediction, the score and the label gives AWS's metrics
and a ``<problem>_constraints`` file. Monitoring: the window's predictions (endpoint output) joined with
ground truth give the same metrics, a violation per metric that crosses its constraint, and CloudWatch
metrics named after the metric keys. Binary classifiers with calibrated scores also get an estimate of
their quality from the scores alone, clearly named, before the labels arrive.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyzers.bias.ground_truth import join
from analyzers.findings import Finding
from analyzers.model_quality import metrics as m
from analyzers.model_quality.estimate import estimate, expected_calibration_error
from analyzers.model_quality.report import (
    Labelled,
    Noise,
    constraints_key,
    metrics_section,
    statistics_document,
    suggest_constraints,
    violations,
)
from container.config import AnalysisConfig, finite_number
from container.contract import FormatKind, MonitorContract
from container.errors import ConfigError
from container.ingest import ingest
from container.load.ground_truth import read_labels
from container.load.problems import ProblemLog
from container.load.quality_baseline import read_calibration_error, read_quality_constraints
from container.load.rows import KEY_COLUMN
from container.write._json import dumps
from container.write.atomic import write_text
from container.write.cloudwatch import Metric
from container.write.report import (
    NO_VIOLATIONS,
    Outcome,
    bad_record_metrics,
    bad_records,
    finish,
    refuse_bad_baseline,
    skipped,
)

PROBLEMS = (m.BINARY, m.MULTICLASS, m.REGRESSION)


@dataclass(frozen=True, slots=True)
class ModelQualitySettings:
    problem_type: str
    inference_attribute: str | None = None
    probability_attribute: str | None = None
    probability_threshold: float = 0.5
    ground_truth_attribute: str | None = None
    min_labelled: int = 30
    label_delay_hours: int = 24
    row_budget: int = 200_000
    calibration_tolerance: float = 0.05
    seed: int = 0


def settings_from_env(env: dict[str, str], section: dict[str, Any] | None = None) -> ModelQualitySettings:
    """AWS's names (``problem_type``, ``inference_attribute``, ...), as the SDK sets them in the environment,
    over the analysis config's ``model_quality`` section (which also holds our own keys)."""
    section = section or {}
    env = {**{k: str(v) for k, v in section.items()}, **env}
    problem = env.get("problem_type", "")
    if problem not in PROBLEMS:
        raise ConfigError(f"problem_type={problem!r} is not one of {', '.join(PROBLEMS)}.")
    threshold = env.get("probability_threshold_attribute") or "0.5"
    probability_threshold = finite_number(threshold, "probability_threshold_attribute")
    return ModelQualitySettings(
        problem_type=problem,
        inference_attribute=env.get("inference_attribute") or None,
        probability_attribute=env.get("probability_attribute") or None,
        probability_threshold=probability_threshold,
        ground_truth_attribute=env.get("ground_truth_attribute") or None,
        min_labelled=_integer(env, "min_labelled", 30),
        label_delay_hours=_integer(env, "label_delay_hours", 24),
        row_budget=_integer(env, "row_budget", 200_000),
        calibration_tolerance=finite_number(env.get("calibration_tolerance", "0.05"), "calibration_tolerance"),
        seed=_integer(env, "seed", 0),
    )


def _integer(values: dict[str, str], key: str, default: int) -> int:
    raw = values.get(key, default)
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"model_quality.{key}={raw!r} is not an integer.") from None
    if number < 0:
        raise ConfigError(f"model_quality.{key} must be >= 0. Got {number}.")
    return number


def run_model_quality(contract: MonitorContract, config: AnalysisConfig, settings: ModelQualitySettings) -> Outcome:
    capture = contract.dataset_format.kind is FormatKind.CAPTURE
    if capture:  # only the model's output is needed; its columns are named by position or by key
        contract = replace(contract, dataset_format=replace(contract.dataset_format, capture_parts=("endpointOutput",)))
    data = ingest(
        contract, config, names=None, types=None, sample_rows=settings.row_budget, seed=settings.seed, record_keys=capture
    )
    frame = data.sample.table.to_pandas() if data.sample is not None and data.sample.table is not None else pd.DataFrame()
    rng = np.random.default_rng(settings.seed)
    bad = bad_records(data, config)
    if contract.is_baseline_job:
        refuse_bad_baseline(bad)
        return Outcome(_baseline(contract, settings, frame, rng) + skipped(data.problems.total))
    if contract.ground_truth_source is None:
        raise ConfigError(
            "model-quality monitoring needs ground truth: set env ground_truth_source to its folder or s3:// prefix."
        )
    if frame.empty:
        # Nothing to join with labels: a window of bad records only is still never green.
        note = skipped(data.problems.total)
        write_text(contract.statistics_file, dumps({"version": 0.0, "dataset": {"item_count": 0}}))
        quiet = "Completed: No predictions in the window; nothing was compared."
        return finish(contract, [bad] if bad else [], bad_record_metrics(bad), note, quiet=quiet)
    findings, metrics, note = _monitor(contract, settings, frame, rng)
    note += skipped(data.problems.total)
    return finish(contract, findings + ([bad] if bad else []), metrics + bad_record_metrics(bad), note)


def _column(frame: pd.DataFrame, attribute: str | None, what: str) -> pd.Series | None:
    if attribute is None:
        return None
    name = f"_c{attribute}" if attribute.isdigit() else attribute
    if name not in frame:
        shown = ", ".join(c for c in frame.columns if c != KEY_COLUMN)[:200]
        raise ConfigError(f"{what}={attribute!r} names no column of the data (columns: {shown}). Fix the attribute.")
    return frame[name]


def _labelled(settings: ModelQualitySettings, frame: pd.DataFrame, labels: pd.Series) -> Labelled:
    """Typed ground truth, predictions and (binary) scores of the labelled rows."""
    keep = labels.notna().to_numpy()
    score = _column(frame, settings.probability_attribute, "probability_attribute")
    inference = _column(frame, settings.inference_attribute, "inference_attribute")
    if inference is None and score is None:
        raise ConfigError("set inference_attribute (the predicted label or value) or probability_attribute (the score).")
    if inference is None and settings.problem_type != m.BINARY:
        raise ConfigError(
            f"problem_type={settings.problem_type} needs inference_attribute (the predicted label or value); "
            "a score gives a prediction only for BinaryClassification."
        )
    scores = None if score is None else pd.to_numeric(score, errors="coerce").to_numpy(dtype=float)
    if settings.problem_type == m.REGRESSION:
        return Labelled(m.REGRESSION, _floats(labels)[keep], _floats(inference)[keep])
    if settings.problem_type == m.BINARY:
        y = _floats(labels)[keep] == 1
        yhat = scores[keep] > settings.probability_threshold if inference is None else _floats(inference)[keep] == 1
        return Labelled(m.BINARY, y, yhat, None if scores is None else scores[keep])
    return Labelled(m.MULTICLASS, _texts(labels)[keep], _texts(inference)[keep])


def _floats(column: pd.Series | None) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)  # type: ignore[arg-type]


def _texts(column: pd.Series | None) -> np.ndarray:
    column = pd.Series(column)  # a lone value (one labelled row) reads as a scalar
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().all() and (numbers == numbers.round()).all():
        return numbers.astype("int64").astype(str).to_numpy()
    return column.astype(str).to_numpy()  # type: ignore[union-attr]


def _baseline(contract: MonitorContract, settings: ModelQualitySettings, frame: pd.DataFrame, rng: np.random.Generator) -> str:
    labels = _column(frame, settings.ground_truth_attribute, "ground_truth_attribute")
    if labels is None:
        raise ConfigError("a model-quality baseline needs ground_truth_attribute: the label column of the dataset.")
    data = _labelled(settings, frame, labels)
    section = metrics_section(data, rng)
    document = statistics_document(settings.problem_type, len(data.y), section)
    if data.score is not None:
        document["calibration"] = {"expected_calibration_error": expected_calibration_error(data.y, data.score)}
    write_text(contract.statistics_file, dumps(document))
    write_text(contract.constraints_file, dumps(suggest_constraints(settings.problem_type, section)))
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
    estimated = _estimate(contract, settings, frame, rng)
    if estimated:
        document["estimated_binary_classification_metrics"] = estimated
        metrics += [Metric(f"estimated_{k}", value=v["value"]) for k, v in estimated.items() if isinstance(v, dict)]
    found_violations = []
    if joined.matched < settings.min_labelled:
        note += f" Not enough data: {settings.min_labelled} labelled predictions are needed; no metric was compared."
    else:
        data = _labelled(settings, frame, labels)
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
        margin = Noise(len(data.y), *_baseline_spread(contract, settings.problem_type))
        found_violations = violations(settings.problem_type, constraints, section, margin)
    write_text(contract.statistics_file, dumps(document))
    return found_violations, [x for x in metrics if x.value is not None and math.isfinite(x.value)], note


def _baseline_spread(contract: MonitorContract, problem: str) -> tuple[dict[str, Any] | None, int | None]:
    """The baseline's ``<problem>_metrics`` (for each metric's ``standard_deviation``) and its record count,
    which size the noise margin of metrics that are not proportions; ``(None, None)`` when the statistics are
    absent or do not hold them (the margin of those metrics is then 0, AWS's own rule)."""
    if contract.baseline_statistics is None:
        return None, None
    try:
        document = json.loads(Path(contract.baseline_statistics).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    section = document.get(m.SECTION[problem]) if isinstance(document, dict) else None
    dataset = document.get("dataset") if isinstance(document, dict) else None
    count = dataset.get("item_count") if isinstance(dataset, dict) else None
    if not isinstance(section, dict) or not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        return None, None
    return section, count


def _estimate(
    contract: MonitorContract, settings: ModelQualitySettings, frame: pd.DataFrame, rng: np.random.Generator
) -> dict[str, Any]:
    """Quality estimated from calibrated scores (binary only), once the baseline shows calibration."""
    if settings.problem_type != m.BINARY or settings.probability_attribute is None:
        return {}
    ece = None
    if contract.baseline_statistics is not None:
        ece = read_calibration_error(contract.baseline_statistics)
    if ece is None or ece > settings.calibration_tolerance:
        reason = "no calibration measured on the baseline" if ece is None else f"baseline calibration error {ece:.3f}"
        return {"not_available": f"scores not shown to be calibrated ({reason}; tolerance {settings.calibration_tolerance})"}
    scores = _floats(_column(frame, settings.probability_attribute, "probability_attribute"))
    scores = scores[np.isfinite(scores)]
    return {
        name: {"value": e.value, "lower": e.lower, "upper": e.upper}
        for name, e in estimate(scores, settings.probability_threshold, rng).items()
    }
