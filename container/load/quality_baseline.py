"""Reading a model-quality baseline (CONTRACT §6.1) strictly: the ``<problem>_constraints`` thresholds and
the calibration error our own baseline job adds to ``statistics.json``.

A threshold is a finite number, or ``"NaN"`` when the baseline could not compute the metric (AWS's and our
writer spell it so); such a metric is never compared, as before. Operators are the two AWS writes; any
other would otherwise be read as ``LessThanThreshold``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from container.documents import Finite, NonNegative, decode
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


class Calibration(Schema, frozen=True):
    expected_calibration_error: NonNegative | Literal["NaN"] | None = None


class QualityStatisticsDocument(Schema, frozen=True):
    version: Version = None
    dataset: Dataset | None = None
    calibration: Calibration | None = None


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


def read_calibration_error(path: Path) -> float | None:
    """The baseline's expected calibration error; ``None`` when it was not measured (absent or ``"NaN"``)."""
    document = read_document(path, "baseline_statistics", QualityStatisticsDocument)
    value = document.calibration.expected_calibration_error if document.calibration else None
    return value if isinstance(value, float) else None
