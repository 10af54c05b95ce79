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
    # Model quality: AWS writes the comparison operator as the check type (MonitoringCustomMetrics format).
    LESS_THAN_THRESHOLD = "LessThanThreshold"
    GREATER_THAN_THRESHOLD = "GreaterThanThreshold"
    BAD_RECORDS = "bad_record_check"  # ours: too many records could not be used
    BIAS_FACET = "bias_facet_check"  # ours: a facet that selects no row (or every row) of a window
    MULTIVARIATE_DRIFT = "multivariate_drift_check"  # ours: features drifted together (analyzers/multivariate)
    FEATURE_ATTRIBUTION_DRIFT = "feature_attribution_drift_check"  # Clarify's: nDCG of global SHAP below 0.9
    ATTRIBUTION_INCOMPLETE = "feature_attribution_incomplete_check"  # ours: rows whose attributions failed


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    check_type: CheckType
    feature: str | None  # None: the dataset as a whole (a row width, the bad records, a table expectation)
    violated: bool
    description: str
    statistic: float | None = None
    threshold: float | None = None
    extra: tuple[tuple[str, float | str | int | None], ...] = field(default=())
