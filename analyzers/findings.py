"""What a check found, as one frozen type for every check family."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CheckType(StrEnum):
    """Values are SageMaker's ``constraint_check_type`` strings."""

    DATA_TYPE = "data_type_check"
    COMPLETENESS = "completeness_check"
    BASELINE_DRIFT = "baseline_drift_check"
    MISSING_COLUMN = "missing_column_check"
    EXTRA_COLUMN = "extra_column_check"
    CATEGORICAL_VALUES = "categorical_values_check"
    NON_NEGATIVE = "is_non_negative_check"
    EXPECTATION = "expectation_check"
    BIAS_DRIFT = "bias_drift_check"
    MODEL_QUALITY = "model_quality_check"  # written with the comparison operator as its check type
    BAD_RECORDS = "bad_record_check"  # ours: too many records could not be used
    BIAS_FACET = "bias_facet_check"  # ours: a facet that selects no row (or every row) of a window


# The ``feature_name`` of a finding about the dataset as a whole (a row width, the bad records).
# AWS documents ``feature_name`` on every violation and its visualisation groups violations by it; the
# brackets keep it apart from any real column name.
DATASET = "<dataset>"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    check_type: CheckType
    feature: str
    violated: bool
    description: str
    statistic: float | None = None
    threshold: float | None = None
    extra: tuple[tuple[str, float | str | int | None], ...] = field(default=())
