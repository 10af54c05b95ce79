"""The baseline constraints (``constraints.json``) as typed, frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from analyzers.types import InferredType


class ComparisonMethod(StrEnum):
    SIMPLE = "Simple"
    ROBUST = "Robust"


class CategoricalDriftMethod(StrEnum):
    LINFINITY = "LInfinity"
    CHI_SQUARED = "ChiSquared"


@dataclass(frozen=True, slots=True)
class DistributionConstraints:
    perform_comparison: bool = True
    comparison_threshold: float = 0.1
    comparison_method: ComparisonMethod = ComparisonMethod.ROBUST
    categorical_comparison_threshold: float | None = None  # None: same as comparison_threshold
    categorical_drift_method: CategoricalDriftMethod = CategoricalDriftMethod.LINFINITY


@dataclass(frozen=True, slots=True)
class MonitoringConfig:
    """``monitoring_config``; defaults are what AWS's analyzer suggests in real baselines."""

    evaluate_constraints: bool = True
    emit_metrics: bool = True
    datatype_check_threshold: float = 1.0
    domain_content_threshold: float = 1.0
    distribution: DistributionConstraints = field(default_factory=DistributionConstraints)


@dataclass(frozen=True, slots=True)
class FeatureOverrides:
    """Per-feature ``monitoring_config_overrides``; ``None`` inherits the global switch."""

    evaluate_constraints: bool | None = None
    emit_metrics: bool | None = None


@dataclass(frozen=True, slots=True)
class FeatureConstraint:
    name: str
    inferred_type: InferredType
    completeness: float | None = None
    is_non_negative: bool | None = None
    domains: tuple[str, ...] | None = None
    overrides: FeatureOverrides = field(default_factory=FeatureOverrides)


@dataclass(frozen=True, slots=True)
class Constraints:
    features: tuple[FeatureConstraint, ...]
    monitoring_config: MonitoringConfig = field(default_factory=MonitoringConfig)

    def feature(self, name: str) -> FeatureConstraint | None:
        return next((f for f in self.features if f.name == name), None)
