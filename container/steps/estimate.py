"""Model quality before the labels: the baseline's score calibration (``calibration_document``) and the
window's estimated metrics (``estimated_metrics``), from ``analyzers.model_quality.estimate``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analyzers.model_quality import metrics as m
from analyzers.model_quality.calibration import Calibration, fit_calibration
from analyzers.model_quality.estimate import Estimate, estimate, estimate_multiclass, expected_calibration_error
from analyzers.model_quality.report import Labelled
from container.load.quality_baseline import QualityStatistics
from container.model_quality_settings import ModelQualitySettings
from container.steps.model_quality_columns import class_scores, column, floats, texts


def calibration_document(
    settings: ModelQualitySettings, frame: pd.DataFrame, labels: pd.Series, data: Labelled
) -> dict[str, Any]:
    """The baseline's ``calibration`` section: the raw scores' calibration error and the isotonic map
    (binary), or each class's one-vs-rest map (multiclass with class score columns); empty without scores."""
    if data.score is not None:
        finite = np.isfinite(data.score)
        fitted = fit_calibration(data.y[finite], data.score[finite]) if finite.any() else None
        return {
            "expected_calibration_error": expected_calibration_error(data.y[finite], data.score[finite]),
            **({} if fitted is None else {"method": "isotonic", "blocks": _blocks(fitted)}),
        }
    if settings.problem_type == m.MULTICLASS and settings.class_probabilities:
        scores = class_scores(settings, frame)[labels.notna().to_numpy()]
        return {"method": "isotonic", "classes": _class_calibrations(settings, data.y, scores)}
    return {}


def _blocks(calibration: Calibration) -> dict[str, list[Any]]:
    return {
        "lower": list(calibration.lower),
        "upper": list(calibration.upper),
        "probability": list(calibration.probability),
        "count": list(calibration.count),
    }


def _class_calibrations(settings: ModelQualitySettings, y: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """Each class's one-vs-rest calibration; a class the baseline never scored (finitely) gets none."""
    out = {}
    for k, (label, _) in enumerate(settings.class_probabilities):
        finite = np.isfinite(scores[:, k])
        if finite.any():
            out[label] = _blocks(fit_calibration(y[finite] == label, scores[finite, k]))
    return out


def estimated_metrics(
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
    scores = floats(column(frame, settings.probability_attribute, "probability_attribute"))
    inference = column(frame, settings.inference_attribute, "inference_attribute")
    predicted = scores > settings.probability_threshold if inference is None else floats(inference) == 1
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
    scores = class_scores(settings, frame)
    finite = np.isfinite(scores).all(axis=1)
    if not finite.any():
        return {"not_available": "no row of the window has a finite score for every class"}
    index = {label: k for k, label in enumerate(labels)}
    predicted = np.array([index.get(x, -1) for x in texts(column(frame, settings.inference_attribute, "inference_attribute"))])
    calibrations = tuple(baseline.class_calibrations[label] for label in labels)
    return _estimates(estimate_multiclass(scores[finite], predicted[finite], calibrations, rng))


def _estimates(found: dict[str, Estimate]) -> dict[str, Any]:
    return {name: {"value": e.value, "lower": e.lower, "upper": e.upper} for name, e in found.items()}
