"""Reading baselines written by AWS's analyzer, by the SDK's tests or by this container.

Each file is decoded strictly into the frozen types of ``container.load.baseline_schema`` (a wrong type
anywhere is a ``BaselineError`` naming the file, the path, the value and what is expected), then turned
into the analyzers' objects. Every key variant the contract lists is accepted: ``version`` 0 or 0.0,
per-feature overrides as ``string_constraints.monitoring_config_overrides`` (SDK) or
``monitoringConfigOverrides`` (docs), old ``distribution_constraints`` keys (``enable_comparisons``,
``min_domain_mass``), and comparison methods spelled ``Simple``/``Robust`` or ``linf_simple``/``linf_robust``.
Model-quality and bias baselines (no ``features``) read as a baseline with no features.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from analyzers.constraints import (
    ComparisonMethod,
    Constraints,
    DistributionConstraints,
    FeatureConstraint,
    FeatureOverrides,
    MonitoringConfig,
)
from analyzers.kll import KllSketch
from analyzers.profile import Categories, FeatureProfile, Moments, TypeCounts
from analyzers.types import InferredType
from container.documents import decode, parse_json, problem
from container.errors import BaselineError
from container.load import baseline_schema as s
from container.load.near_keys import misspelt_key

T = TypeVar("T")

_METHODS = {
    "simple": ComparisonMethod.SIMPLE,
    "linf_simple": ComparisonMethod.SIMPLE,
    "robust": ComparisonMethod.ROBUST,
    "linf_robust": ComparisonMethod.ROBUST,
}
_SWITCHES = {"enabled": True, "true": True, "disabled": False, "false": False}


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
    """The parsed JSON of a baseline file; ``what`` is its env name (``baseline_statistics``)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BaselineError(f"{what} file {str(path)!r} does not exist; check the baseline S3 URI and its mount.") from None
    except OSError as exc:
        raise BaselineError(f"{what} file {str(path)!r} cannot be read ({exc.__class__.__name__}).") from None
    return parse_json(data, source=f"{what} file {str(path)!r}", error=BaselineError)


def read_document(path: Path, what: str, kind: type[T]) -> T:
    """``path`` decoded strictly into ``kind``; a misspelt key of ours is refused, other unknown keys ignored."""
    data = read_json(path, what)
    source = f"{what} {path.name}"
    document = decode(data, kind, source=source, error=BaselineError)
    if (typo := misspelt_key(data, kind)) is not None:
        where, key, meant = typo
        raise BaselineError(
            f"{source}: {where or '(top level)'} has the key {key!r}, which looks like a misspelling of {meant!r}; "
            "correct it (other keys we do not read are ignored)."
        )
    return document


def read_section(path: Path, key: str) -> Any:
    """A top-level section of ours in a baseline document, as JSON (None when the document has none)."""
    data = read_json(path, "baseline_constraints")
    return data.get(key) if isinstance(data, dict) else None


def read_statistics(path: Path) -> BaselineStatistics:
    document = read_document(path, "baseline_statistics", s.StatisticsDocument)
    source = f"baseline_statistics {path.name}"
    features = tuple(_statistics_feature(f, f"features[{i}]", source) for i, f in enumerate(document.features or ()))
    count = document.dataset.item_count if document.dataset else None
    return BaselineStatistics(item_count=count, features=features)


def _statistics_feature(raw: s.StatisticsFeature, where: str, source: str) -> BaselineFeature:
    numeric, string = raw.numerical_statistics, raw.string_statistics
    common = (numeric.common if numeric else string.common if string else None) or s.Common()
    present, missing = common.num_present, common.num_missing
    if numeric is not None:
        profile = _numeric_profile(raw.name, numeric, raw.inferred_type, (present, missing), (source, where))
        return BaselineFeature(raw.inferred_type, profile)
    categorical = string.distribution.categorical if string and string.distribution else None
    buckets = (categorical.buckets if categorical else None) or []
    counts: dict[str, int] = {}
    for i, bucket in enumerate(buckets):
        if bucket.value in counts:
            path = f"{where}.string_statistics.distribution.categorical.buckets[{i}].value"
            raise BaselineError(problem(source, path, bucket.value, "a value no other bucket has"))
        counts[bucket.value] = bucket.count
    types = TypeCounts(missing=missing, string=present)
    return BaselineFeature(raw.inferred_type, FeatureProfile(name=raw.name, types=types, categories=Categories.of(counts)))


def _numeric_profile(
    name: str, stats: s.NumericalStatistics, inferred: InferredType, counts: tuple[int, int], at: tuple[str, str]
) -> FeatureProfile:
    present, missing = counts
    integral = inferred is InferredType.INTEGRAL
    types = TypeCounts(missing=missing, integral=present if integral else 0, fractional=0 if integral else present)
    moments = Moments.from_summary(
        count=present,
        total=_float(stats.sum),
        mean=_float(stats.mean),
        std_dev=_float(stats.std_dev),
        minimum=_float(stats.min),
        maximum=_float(stats.max),
    )
    kll = stats.distribution.kll if stats.distribution else None
    sketch = (kll.sketch if kll else None) or s.Sketch()
    params = sketch.parameters or s.SketchParameters()
    if not params.k.is_integer():
        source, where = at
        path = f"{where}.numerical_statistics.distribution.kll.sketch.parameters.k"
        raise BaselineError(problem(source, path, params.k, "a whole number (Deequ's sketch size, 2048)"))
    levels = KllSketch.from_levels(sketch.data or [], k=int(params.k), c=params.c)
    return FeatureProfile(name=name, types=types, moments=moments, sketch=levels)


def _float(value: float | str) -> float:
    # Jackson's spellings of the non-finite values; the schema admits no other string.
    return float(value)


def read_constraints(path: Path) -> tuple[Constraints, Any]:
    """The constraints and the raw ``analysis_config`` section, if the file embeds one."""
    document = read_document(path, "baseline_constraints", s.ConstraintsDocument)
    source = f"baseline_constraints {path.name}"
    features = tuple(_constraint_feature(f, f"features[{i}]", source) for i, f in enumerate(document.features or ()))
    config = _monitoring_config(document.monitoring_config or s.MonitoringSettings(), source)
    return Constraints(features=features, monitoring_config=config), document.analysis_config


def _constraint_feature(raw: s.ConstraintFeature, where: str, source: str) -> FeatureConstraint:
    num, string = raw.num_constraints, raw.string_constraints
    # Later layers win key by key: the feature's own overrides (the docs' spelling over the SDK's), then
    # those inside num_constraints and string_constraints, where the SDK's set_monitoring writes them.
    layers = [
        (f"{where}.monitoring_config_overrides", raw.overrides),
        (f"{where}.monitoringConfigOverrides", raw.docs_overrides),
        (f"{where}.num_constraints.monitoring_config_overrides", num.monitoring_config_overrides if num else None),
        (f"{where}.string_constraints.monitoring_config_overrides", string.monitoring_config_overrides if string else None),
    ]
    evaluate, emit = None, None
    for at, layer in layers:
        if layer is not None:
            evaluate = _pick(_switch(layer.evaluate_constraints, source, f"{at}.evaluate_constraints"), evaluate)
            emit = _pick(_switch(layer.emit_metrics, source, f"{at}.emit_metrics"), emit)
    domains = string.domains if string else None
    return FeatureConstraint(
        name=raw.name,
        inferred_type=raw.inferred_type,
        completeness=raw.completeness,
        is_non_negative=num.is_non_negative if num else None,
        domains=None if domains is None else tuple(domains),
        overrides=FeatureOverrides(evaluate_constraints=evaluate, emit_metrics=emit),
    )


def _pick(new: bool | None, old: bool | None) -> bool | None:
    return old if new is None else new


def _monitoring_config(raw: s.MonitoringSettings, source: str) -> MonitoringConfig:
    dist = raw.distribution_constraints or s.DistributionSettings()
    at = "monitoring_config.distribution_constraints"
    if dist.perform_comparison is not None:
        perform = _switch(dist.perform_comparison, source, f"{at}.perform_comparison")
    else:
        perform = _switch(dist.enable_comparisons, source, f"{at}.enable_comparisons")
    return MonitoringConfig(
        evaluate_constraints=_switch(raw.evaluate_constraints, source, "monitoring_config.evaluate_constraints") is not False,
        emit_metrics=_switch(raw.emit_metrics, source, "monitoring_config.emit_metrics") is not False,
        datatype_check_threshold=raw.datatype_check_threshold,
        domain_content_threshold=raw.domain_content_threshold,
        distribution=DistributionConstraints(
            perform_comparison=perform is not False,
            comparison_threshold=dist.comparison_threshold,
            comparison_method=_method(dist, source, at),
            categorical_comparison_threshold=dist.categorical_comparison_threshold,
            categorical_drift_method=dist.categorical_drift_method,
        ),
    )


def _method(dist: s.DistributionSettings, source: str, at: str) -> ComparisonMethod:
    key, method = ("comparison_method", dist.comparison_method)
    if method is None:
        key, method = ("comparion_method", dist.comparion_method)
    if method is None:
        return ComparisonMethod.ROBUST
    if method.lower() not in _METHODS:
        expected = "one of 'Simple', 'Robust', 'linf_simple', 'linf_robust'"
        raise BaselineError(problem(source, f"{at}.{key}", method, expected))
    return _METHODS[method.lower()]


def _switch(value: bool | str | None, source: str, path: str) -> bool | None:
    """AWS's ``Enabled``/``Disabled``; booleans and ``"true"``/``"false"`` in any case, as read before."""
    if value is None or isinstance(value, bool):
        return value
    switch = _SWITCHES.get(value.strip().lower())
    if switch is None:
        raise BaselineError(problem(source, path, value, "'Enabled' or 'Disabled'"))
    return switch
