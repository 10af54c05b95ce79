"""Reading baselines written by AWS's analyzer, by the SDK's tests or by this container.

Every key variant the contract lists is accepted: ``version`` 0 or 0.0, per-feature overrides as
``string_constraints.monitoring_config_overrides`` (SDK) or ``monitoringConfigOverrides`` (docs),
old ``distribution_constraints`` keys (``enable_comparisons``, ``min_domain_mass``), and
comparison methods spelled ``Simple``/``Robust`` or ``linf_simple``/``linf_robust``.
Model-quality baselines (no ``features``) read as a baseline with no features.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzers.constraints import (
    CategoricalDriftMethod,
    ComparisonMethod,
    Constraints,
    DistributionConstraints,
    FeatureConstraint,
    FeatureOverrides,
    MonitoringConfig,
)
from analyzers.kll import DEFAULT_C, DEFAULT_K, KllSketch
from analyzers.profile import Categories, FeatureProfile, Moments, TypeCounts
from analyzers.types import InferredType
from container.errors import BaselineError


@dataclass(frozen=True, slots=True)
class BaselineFeature:
    inferred_type: InferredType
    profile: FeatureProfile


@dataclass(frozen=True, slots=True)
class BaselineStatistics:
    item_count: int | None
    features: tuple[BaselineFeature, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.profile.name for f in self.features)


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise BaselineError(f"{what} file {str(path)!r} does not exist; check the baseline S3 URI and its mount.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{what} file {str(path)!r} cannot be read ({exc.__class__.__name__}).") from None
    except ValueError as exc:
        raise BaselineError(
            f"{what} file {str(path)!r} is not valid JSON ({str(exc)[:80]}); regenerate it with a baseline job."
        ) from None


def read_statistics(path: Path) -> BaselineStatistics:
    data = read_json(path, "baseline_statistics")
    if not isinstance(data, dict):
        raise BaselineError(f"baseline_statistics {str(path)!r} must hold a JSON object with 'features'.")
    features = []
    for i, raw in enumerate(data.get("features") or []):
        where = f"baseline_statistics {path.name}: features[{i}]"
        features.append(_statistics_feature(_obj(raw, where), where))
    dataset = data.get("dataset") if isinstance(data.get("dataset"), dict) else {}
    count = dataset.get("item_count")
    return BaselineStatistics(item_count=int(count) if isinstance(count, int | float) else None, features=tuple(features))


def _statistics_feature(raw: dict[str, Any], where: str) -> BaselineFeature:
    name = _name(raw, where)
    inferred = _inferred_type(raw.get("inferred_type"), where)
    numeric = raw.get("numerical_statistics")
    string = raw.get("string_statistics")
    stats = _obj(numeric if numeric is not None else string or {}, where)
    common = _obj(stats.get("common", {}), where)
    present = int(_number(common.get("num_present", 0), f"{where}.common.num_present"))
    missing = int(_number(common.get("num_missing", 0), f"{where}.common.num_missing"))
    if numeric is not None:
        return BaselineFeature(inferred, _numeric_profile(name, stats, inferred, present, missing, where))
    buckets = (((stats.get("distribution") or {}).get("categorical") or {}).get("buckets")) or []
    categories = Categories.of({str(b.get("value")): int(_number(b.get("count", 0), where)) for b in buckets})
    types = TypeCounts(missing=missing, string=present)
    return BaselineFeature(inferred, FeatureProfile(name=name, types=types, categories=categories))


def _numeric_profile(
    name: str, stats: dict[str, Any], inferred: InferredType, present: int, missing: int, where: str
) -> FeatureProfile:
    integral = inferred is InferredType.INTEGRAL
    types = TypeCounts(missing=missing, integral=present if integral else 0, fractional=0 if integral else present)
    std = _number(stats.get("std_dev", math.nan), f"{where}.std_dev")
    moments = Moments(
        count=present,
        total=_number(stats.get("sum", math.nan), f"{where}.sum"),
        mean=_number(stats.get("mean", math.nan), f"{where}.mean"),
        m2=std * std * present if math.isfinite(std) else 0.0,
        minimum=_number(stats.get("min", math.nan), f"{where}.min"),
        maximum=_number(stats.get("max", math.nan), f"{where}.max"),
    )
    kll = ((stats.get("distribution") or {}).get("kll") or {}).get("sketch") or {}
    params = kll.get("parameters") or {}
    data = kll.get("data") or []
    if not isinstance(data, list) or not all(
        isinstance(level, list) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in level) for level in data
    ):
        raise BaselineError(f"{where}: distribution.kll.sketch.data must be a list of lists of numbers.")
    sketch = KllSketch.from_levels(
        data,
        k=int(_number(params.get("k", DEFAULT_K), f"{where}.k")),
        c=_number(params.get("c", DEFAULT_C), f"{where}.c"),
    )
    return FeatureProfile(name=name, types=types, moments=moments, sketch=sketch)


def read_constraints(path: Path) -> tuple[Constraints, Any]:
    """The constraints and the raw ``analysis_config`` section, if the file embeds one."""
    data = read_json(path, "baseline_constraints")
    if not isinstance(data, dict):
        raise BaselineError(f"baseline_constraints {str(path)!r} must hold a JSON object with 'features'.")
    features = []
    for i, raw in enumerate(data.get("features") or []):
        where = f"baseline_constraints {path.name}: features[{i}]"
        features.append(_constraint_feature(_obj(raw, where), where))
    config = _monitoring_config(_obj(data.get("monitoring_config") or {}, "monitoring_config"))
    return Constraints(features=tuple(features), monitoring_config=config), data.get("analysis_config")


def _constraint_feature(raw: dict[str, Any], where: str) -> FeatureConstraint:
    num = raw.get("num_constraints") or {}
    string = raw.get("string_constraints") or {}
    overrides = raw.get("monitoringConfigOverrides") or raw.get("monitoring_config_overrides") or {}
    for section in (num, string):
        overrides = {**overrides, **(section.get("monitoring_config_overrides") or {})}
    domains = string.get("domains")
    completeness = raw.get("completeness")
    non_negative = num.get("is_non_negative")
    return FeatureConstraint(
        name=_name(raw, where),
        inferred_type=_inferred_type(raw.get("inferred_type"), where),
        completeness=None if completeness is None else _number(completeness, f"{where}.completeness"),
        is_non_negative=None if non_negative is None else bool(non_negative),
        domains=None if domains is None else tuple(str(d) for d in domains),
        overrides=FeatureOverrides(
            evaluate_constraints=_switch(overrides.get("evaluate_constraints"), where),
            emit_metrics=_switch(overrides.get("emit_metrics"), where),
        ),
    )


def _monitoring_config(raw: dict[str, Any]) -> MonitoringConfig:
    where = "baseline_constraints monitoring_config"
    dist = raw.get("distribution_constraints") or {}
    perform = _switch(dist.get("perform_comparison", dist.get("enable_comparisons")), where)
    method = str(dist.get("comparison_method", dist.get("comparion_method", "Robust")))
    methods = {
        "simple": ComparisonMethod.SIMPLE,
        "linf_simple": ComparisonMethod.SIMPLE,
        "robust": ComparisonMethod.ROBUST,
        "linf_robust": ComparisonMethod.ROBUST,
    }
    if method.lower() not in methods:
        raise BaselineError(f"{where}: comparison_method {method!r} is not Simple or Robust.")
    categorical_method = str(dist.get("categorical_drift_method", "LInfinity"))
    try:
        cat_method = CategoricalDriftMethod(categorical_method)
    except ValueError:
        raise BaselineError(f"{where}: categorical_drift_method {categorical_method!r} is not LInfinity or ChiSquared.") from None
    cat_threshold = dist.get("categorical_comparison_threshold")
    defaults = MonitoringConfig()
    return MonitoringConfig(
        evaluate_constraints=_switch(raw.get("evaluate_constraints"), where) is not False,
        emit_metrics=_switch(raw.get("emit_metrics"), where) is not False,
        datatype_check_threshold=_number(raw.get("datatype_check_threshold", defaults.datatype_check_threshold), where),
        domain_content_threshold=_number(raw.get("domain_content_threshold", defaults.domain_content_threshold), where),
        distribution=DistributionConstraints(
            perform_comparison=perform is not False,
            comparison_threshold=_number(dist.get("comparison_threshold", 0.1), where),
            comparison_method=methods[method.lower()],
            categorical_comparison_threshold=None if cat_threshold is None else _number(cat_threshold, where),
            categorical_drift_method=cat_method,
        ),
    )


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BaselineError(f"{where} must be a JSON object, not {type(value).__name__}.")
    return value


def _name(raw: dict[str, Any], where: str) -> str:
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise BaselineError(f"{where} has no 'name'; every feature needs one.")
    return name


def _inferred_type(value: Any, where: str) -> InferredType:
    try:
        return InferredType(value)
    except ValueError:
        allowed = ", ".join(t.value for t in InferredType)
        raise BaselineError(f"{where}: inferred_type {value!r} is not one of {allowed}.") from None


def _number(value: Any, where: str) -> float:
    # Jackson writes NaN as the string "NaN"; the model-quality docs mention scientific notation.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BaselineError(f"{where}: {value!r} is not a number.")
    try:
        return float(value)
    except ValueError:
        raise BaselineError(f"{where}: {value!r} is not a number.") from None


def _switch(value: Any, where: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("enabled", "disabled", "true", "false"):
        return value.strip().lower() in ("enabled", "true")
    raise BaselineError(f"{where}: {value!r} is not Enabled or Disabled.")
