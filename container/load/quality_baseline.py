"""Reading a model-quality baseline (docs/contract.md #model-quality) strictly: the ``<problem>_constraints`` thresholds, and
from ``statistics.json`` the record count, each metric's ``standard_deviation`` (AWS's and ours) and the
score calibration our own baseline job adds.

A threshold is a finite number, or ``"NaN"`` when the baseline could not compute the metric (AWS's and our
writer spell it so); such a metric is never compared, as before. Operators are the two AWS writes; any
other would otherwise be read as ``LessThanThreshold``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from analyzers.model_quality.calibration import Calibration
from container.documents import Count, Finite, NonNegative, Share, decode
from container.errors import BaselineError
from container.load.baseline import read_document
from container.load.baseline_schema import Dataset, Schema, Version

Operator = Literal["GreaterThanThreshold", "LessThanThreshold"]
SECTIONS = ("binary_classification_constraints", "multiclass_classification_constraints", "regression_constraints")


class MetricRule(Schema, frozen=True):
    threshold: Finite | Literal["NaN"]
    comparison_operator: Operator


class QualityConstraintsDocument(Schema, frozen=True):
    version: Version = None
    # Metric names are the users' keys, so each section is a plain object decoded entry by entry.
    binary_classification_constraints: dict[str, Any] | None = None
    multiclass_classification_constraints: dict[str, Any] | None = None
    regression_constraints: dict[str, Any] | None = None


class CalibrationBlocks(Schema, frozen=True):
    lower: list[Finite]
    upper: list[Finite]
    probability: list[Share]
    count: list[Count]


class CalibrationSection(Schema, frozen=True):
    expected_calibration_error: NonNegative | Literal["NaN"] | None = None
    method: Literal["isotonic"] | None = None
    blocks: CalibrationBlocks | None = None  # binary
    classes: dict[str, CalibrationBlocks] | None = None  # multiclass: each class label's one-vs-rest map


class MetricSpread(Schema, frozen=True):
    standard_deviation: NonNegative | Literal["NaN"] | None = None


class QualityStatisticsDocument(Schema, frozen=True):
    version: Version = None
    dataset: Dataset | None = None
    calibration: CalibrationSection | None = None
    # Metric names are keys, and sections also hold matrices and curves: decoded entry by entry.
    binary_classification_metrics: dict[str, Any] | None = None
    multiclass_classification_metrics: dict[str, Any] | None = None
    regression_metrics: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class QualityStatistics:
    """What monitoring uses of a model-quality baseline's statistics."""

    item_count: int | None = None
    # Each metric's standard deviation over the baseline's subsamples (metrics without one are absent).
    spread: dict[str, float] = field(default_factory=dict)
    calibration_error: float | None = None  # of the raw scores; None when not measured
    calibration: Calibration | None = None  # the score-to-chance map; None when the baseline has none
    class_calibrations: dict[str, Calibration] = field(default_factory=dict)  # multiclass, per class label


@dataclass(frozen=True, slots=True)
class QualityConstraint:
    metric: str
    threshold: float  # NaN: the baseline had no value, so the metric is not compared
    comparison_operator: Operator


def read_quality_constraints(path: Path, section: str) -> tuple[QualityConstraint, ...]:
    """The rules of ``section`` (e.g. ``regression_constraints``); none when the file has no such section."""
    document = read_document(path, "baseline_constraints", QualityConstraintsDocument)
    rules = getattr(document, section) or {}
    source = f"baseline_constraints {path.name}"
    out = []
    for name, raw in rules.items():
        rule = decode(raw, MetricRule, source=source, error=BaselineError, at=f"{section}.{name}")
        out.append(QualityConstraint(name, float(rule.threshold), rule.comparison_operator))
    return tuple(out)


def read_quality_statistics(path: Path, section: str) -> QualityStatistics:
    """The count, the spreads of the metrics in ``section`` (e.g. ``binary_classification_metrics``) and
    the calibration of a baseline ``statistics.json``."""
    document = read_document(path, "baseline_statistics", QualityStatisticsDocument)
    source = f"baseline_statistics {path.name}"
    spread = {}
    for name, entry in (getattr(document, section) or {}).items():
        if isinstance(entry, dict) and "standard_deviation" in entry:
            sd = decode(entry, MetricSpread, source=source, error=BaselineError, at=f"{section}.{name}")
            if isinstance(sd.standard_deviation, float):
                spread[name] = sd.standard_deviation
    found = document.calibration or CalibrationSection()
    error = found.expected_calibration_error
    return QualityStatistics(
        item_count=document.dataset.item_count if document.dataset else None,
        spread=spread,
        calibration_error=error if isinstance(error, float) else None,
        calibration=_calibration(found.blocks, source, "calibration.blocks"),
        class_calibrations={
            label: calibration
            for label, blocks in (found.classes or {}).items()
            if (calibration := _calibration(blocks, source, f"calibration.classes.{label}")) is not None
        },
    )


def _calibration(blocks: CalibrationBlocks | None, source: str, at: str) -> Calibration | None:
    if blocks is None:
        return None
    fix = "rerun the baseline job to write it again"
    try:
        calibration = Calibration(tuple(blocks.lower), tuple(blocks.upper), tuple(blocks.probability), tuple(blocks.count))
    except ValueError as exc:
        raise BaselineError(f"{source}: {at}: {exc}; {fix}.") from None
    edges = [x for pair in zip(calibration.lower, calibration.upper, strict=True) for x in pair]
    if any(b < a for a, b in pairwise(edges)):
        raise BaselineError(f"{source}: {at} must be in increasing score order, each lower <= upper; {fix}.")
    if any(b < a for a, b in pairwise(calibration.probability)):
        raise BaselineError(f"{source}: {at}.probability must not decrease with the score; {fix}.")
    return calibration
