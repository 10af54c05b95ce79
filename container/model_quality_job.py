"""The model-quality job (``analysis_type=MODEL_QUALITY``, as AWS's own job definitions set it).

Baseline: a labelled validation set holding the prediction, the score and the label gives AWS's metrics
and a ``<problem>_constraints`` file. Monitoring: the window's predictions (endpoint output) joined with
ground truth give the same metrics, a violation per metric that crosses its constraint, and CloudWatch
metrics named after the metric keys. Binary classifiers with scores also get an estimate of their quality
from the scores alone (calibrated on the baseline's labels), clearly named, before the labels arrive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analyzers.bias.ground_truth import join
from analyzers.findings import Finding
from analyzers.model_quality import metrics as m
from analyzers.model_quality.calibration import Calibration, fit_calibration
from analyzers.model_quality.estimate import Estimate, estimate, estimate_multiclass, expected_calibration_error
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
from container.load.quality_baseline import QualityStatistics, read_quality_constraints, read_quality_statistics
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
    class_probabilities: tuple[tuple[str, str], ...] = ()  # (class label, score column), multiclass only


def settings_from_env(env: dict[str, str], section: dict[str, Any] | None = None) -> ModelQualitySettings:
    """AWS's names (``problem_type``, ``inference_attribute``, ...), as the SDK sets them in the environment,
    over the analysis config's ``model_quality`` section (which also holds our own keys)."""
    section = dict(section or {})
    classes = section.pop("class_probability_attributes", None) or {}
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
        class_probabilities=tuple(classes.items()),
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
    # A column's own name first (a header may name a column "1"), else a CSV position.
    name = attribute if attribute in frame or not attribute.isdigit() else f"_c{attribute}"
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
        finite = np.isfinite(data.score)
        fitted = fit_calibration(data.y[finite], data.score[finite]) if finite.any() else None
        document["calibration"] = {
            "expected_calibration_error": expected_calibration_error(data.y[finite], data.score[finite]),
            **({} if fitted is None else {"method": "isotonic", "blocks": _blocks(fitted)}),
        }
    if settings.problem_type == m.MULTICLASS and settings.class_probabilities:
        scores = _class_scores(settings, frame)[labels.notna().to_numpy()]
        document["calibration"] = {"method": "isotonic", "classes": _class_calibrations(settings, data.y, scores)}
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
    baseline = _baseline_statistics(contract, settings.problem_type)
    estimated = _estimate(settings, frame, baseline, rng)
    if estimated:
        document[f"estimated_{m.SECTION[settings.problem_type]}"] = estimated
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
        spread = {name: {"standard_deviation": sd} for name, sd in baseline.spread.items()}
        margin = Noise(len(data.y), spread, baseline.item_count or None)
        found_violations = violations(settings.problem_type, constraints, section, margin)
    write_text(contract.statistics_file, dumps(document))
    return found_violations, [x for x in metrics if x.value is not None and math.isfinite(x.value)], note


def _blocks(calibration: Calibration) -> dict[str, list[Any]]:
    return {
        "lower": list(calibration.lower),
        "upper": list(calibration.upper),
        "probability": list(calibration.probability),
        "count": list(calibration.count),
    }


def _baseline_statistics(contract: MonitorContract, problem: str) -> QualityStatistics:
    """The baseline's count, metric spreads (they size the noise margin of metrics that are not proportions;
    without them that margin is 0, AWS's own rule) and calibration; empty without baseline statistics."""
    if contract.baseline_statistics is None:
        return QualityStatistics()
    return read_quality_statistics(contract.baseline_statistics, m.SECTION[problem])


def _class_scores(settings: ModelQualitySettings, frame: pd.DataFrame) -> np.ndarray:
    """One column of scores per class named in ``class_probability_attributes``, in that order."""
    return np.column_stack(
        [_floats(_column(frame, a, f"class_probability_attributes[{c!r}]")) for c, a in settings.class_probabilities]
    )


def _class_calibrations(settings: ModelQualitySettings, y: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """Each class's one-vs-rest calibration; a class the baseline never scored (finitely) gets none."""
    out = {}
    for k, (label, _) in enumerate(settings.class_probabilities):
        finite = np.isfinite(scores[:, k])
        if finite.any():
            out[label] = _blocks(fit_calibration(y[finite] == label, scores[finite, k]))
    return out


def _estimate(
    settings: ModelQualitySettings, frame: pd.DataFrame, baseline: QualityStatistics, rng: np.random.Generator
) -> dict[str, Any]:
    """Quality estimated from the scores: calibrated by the baseline's map, or as they are when an older
    binary baseline without a map measured them calibrated within ``calibration_tolerance``."""
    if settings.problem_type == m.MULTICLASS and settings.class_probabilities:
        return _estimate_multiclass(settings, frame, baseline, rng)
    if settings.problem_type != m.BINARY or settings.probability_attribute is None:
        return {}
    error, tolerance = baseline.calibration_error, settings.calibration_tolerance
    if baseline.calibration is None and (error is None or error > tolerance):
        reason = "no calibration measured on the baseline" if error is None else f"baseline calibration error {error:.3f}"
        why = f"the baseline has no score calibration and {reason} (tolerance {tolerance}); rerun the baseline job"
        return {"not_available": why}
    scores = _floats(_column(frame, settings.probability_attribute, "probability_attribute"))
    inference = _column(frame, settings.inference_attribute, "inference_attribute")
    predicted = scores > settings.probability_threshold if inference is None else _floats(inference) == 1
    finite = np.isfinite(scores)
    if not finite.any():
        return {"not_available": "the window has no finite score"}
    return _estimates(estimate(scores[finite], predicted[finite], baseline.calibration, rng))


def _estimate_multiclass(
    settings: ModelQualitySettings, frame: pd.DataFrame, baseline: QualityStatistics, rng: np.random.Generator
) -> dict[str, Any]:
    labels = [label for label, _ in settings.class_probabilities]
    missing = [label for label in labels if label not in baseline.class_calibrations]
    if missing:
        shown = ", ".join(repr(x) for x in missing)
        return {"not_available": f"the baseline has no score calibration for class {shown}; rerun the baseline job"}
    scores = _class_scores(settings, frame)
    finite = np.isfinite(scores).all(axis=1)
    if not finite.any():
        return {"not_available": "no row of the window has a finite score for every class"}
    index = {label: k for k, label in enumerate(labels)}
    predicted = np.array([index.get(x, -1) for x in _texts(_column(frame, settings.inference_attribute, "inference_attribute"))])
    calibrations = tuple(baseline.class_calibrations[label] for label in labels)
    return _estimates(estimate_multiclass(scores[finite], predicted[finite], calibrations, rng))


def _estimates(found: dict[str, Estimate]) -> dict[str, Any]:
    return {name: {"value": e.value, "lower": e.lower, "upper": e.upper} for name, e in found.items()}
