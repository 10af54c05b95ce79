"""The typed shape of baseline ``statistics.json`` and ``constraints.json`` (docs/contract.md #statistics, #constraints).

Every key the reader uses is declared here with its type, so a wrong type anywhere is refused by
``container.documents.decode`` with the file, the path, the value and what is expected. Keys we do not
use are ignored, because AWS's files carry more than we read (``kll.buckets``, model-quality and bias
sections, ``version: "1.0"``); a key that looks like a misspelling of one of ours is refused by
``container.load.near_keys``. Keys the reader knows but does not use are listed in ``known`` so they are
never taken for misspellings.

Decisions on values, from what AWS's analyzer (Jackson) really writes:

- counts (``num_present``, ``num_missing``, ``item_count``, categorical bucket counts) are JSON integers
  ``>= 0``, as in every AWS sample; ``3.0`` or ``"NaN"`` is refused;
- ``mean``, ``sum``, ``std_dev``, ``min``, ``max`` may be Jackson's ``"NaN"``/``"Infinity"``/``"-Infinity"``
  (a statistic that could not be computed, or a sum that overflowed: our writer writes them the same way);
- every other number must be finite: completeness and the ``*_threshold`` shares in ``[0, 1]``, the
  comparison thresholds ``>= 0``, the KLL items, ``k`` and ``c``;
- ``is_non_negative`` is a JSON boolean, as AWS writes it: ``"false"`` is refused, never read as true;
- switches (``evaluate_constraints``, ``emit_metrics``, ``perform_comparison``) are AWS's strings
  ``Enabled``/``Disabled`` or booleans; their spelling is checked where they are read.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from analyzers.constraints import CategoricalDriftMethod
from analyzers.kll import DEFAULT_C, DEFAULT_K
from analyzers.types import InferredType
from container.documents import Count, Finite, NonEmpty, NonNegative, Share

# A descriptive statistic: a number, or Jackson's spelling of one that is not finite.
Statistic = float | Literal["NaN", "Infinity", "-Infinity"]
# Deequ's shrinking factor ``c`` is a fraction; ``k`` (a sketch size) is checked to be whole where it is read.
Shrinking = Annotated[float, msgspec.Meta(gt=0, le=1)]
SketchSize = Annotated[float, msgspec.Meta(ge=1, le=2**31 - 1)]
Switch = bool | str
Version = float | str | None  # 0, 0.0 (data quality) or "1.0" (Clarify); never used


class Schema(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    known: ClassVar[frozenset[str]] = frozenset()  # keys AWS writes that we do not read


# statistics.json


class Common(Schema, frozen=True):
    num_present: Count = 0
    num_missing: Count = 0


class SketchParameters(Schema, frozen=True):
    c: Shrinking = DEFAULT_C
    k: SketchSize = float(DEFAULT_K)  # AWS writes 2048.0


class Sketch(Schema, frozen=True):
    parameters: SketchParameters | None = None
    data: list[list[Finite]] | None = None


class Kll(Schema, frozen=True):
    known = frozenset({"buckets"})
    sketch: Sketch | None = None


class NumericDistribution(Schema, frozen=True):
    kll: Kll | None = None


class NumericalStatistics(Schema, frozen=True):
    common: Common | None = None
    mean: Statistic = "NaN"
    sum: Statistic = "NaN"
    std_dev: Statistic = "NaN"
    min: Statistic = "NaN"
    max: Statistic = "NaN"
    distribution: NumericDistribution | None = None


class CategoricalBucket(Schema, frozen=True):
    value: str
    count: Count


class Categorical(Schema, frozen=True):
    buckets: list[CategoricalBucket] | None = None


class StringDistribution(Schema, frozen=True):
    categorical: Categorical | None = None


class StringStatistics(Schema, frozen=True):
    common: Common | None = None
    distinct_count: NonNegative | None = None
    distribution: StringDistribution | None = None


class StatisticsFeature(Schema, frozen=True):
    name: NonEmpty
    inferred_type: InferredType
    numerical_statistics: NumericalStatistics | None = None
    string_statistics: StringStatistics | None = None


class Dataset(Schema, frozen=True):
    item_count: Count | None = None


class StatisticsDocument(Schema, frozen=True):
    version: Version = None
    dataset: Dataset | None = None
    features: list[StatisticsFeature] | None = None


# constraints.json


class Overrides(Schema, frozen=True):
    evaluate_constraints: Switch | None = None
    emit_metrics: Switch | None = None


class NumConstraints(Schema, frozen=True):
    is_non_negative: bool | None = None
    monitoring_config_overrides: Overrides | None = None


class StringConstraints(Schema, frozen=True):
    domains: list[str] | None = None
    monitoring_config_overrides: Overrides | None = None


class ConstraintFeature(Schema, frozen=True):
    name: NonEmpty
    inferred_type: InferredType
    completeness: Share | None = None
    num_constraints: NumConstraints | None = None
    string_constraints: StringConstraints | None = None
    # The docs put per-feature overrides here as ``monitoringConfigOverrides``; accepted in both spellings.
    overrides: Overrides | None = msgspec.field(default=None, name="monitoring_config_overrides")
    docs_overrides: Overrides | None = msgspec.field(default=None, name="monitoringConfigOverrides")


class DistributionSettings(Schema, frozen=True):
    known = frozenset({"min_domain_mass"})  # old key, no meaning for this analyzer
    perform_comparison: Switch | None = None
    enable_comparisons: Switch | None = None  # the old name of perform_comparison (SDK fixture)
    comparison_threshold: NonNegative = 0.1
    comparison_method: str | None = None
    comparion_method: str | None = None  # sic: an old AWS spelling
    categorical_comparison_threshold: NonNegative | None = None
    categorical_drift_method: CategoricalDriftMethod = CategoricalDriftMethod.LINFINITY


class MonitoringSettings(Schema, frozen=True):
    evaluate_constraints: Switch | None = None
    emit_metrics: Switch | None = None
    datatype_check_threshold: Share = 1.0
    domain_content_threshold: Share = 1.0
    distribution_constraints: DistributionSettings | None = None


class ConstraintsDocument(Schema, frozen=True):
    version: Version = None
    features: list[ConstraintFeature] | None = None
    monitoring_config: MonitoringSettings | None = None
    analysis_config: Any = None  # ours, checked by container.settings
