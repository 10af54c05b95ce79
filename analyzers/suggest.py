"""Suggest a baseline from profiles: inferred types and constraints, as AWS's analyzer does."""

from __future__ import annotations

from analyzers.constraints import Constraints, FeatureConstraint, MonitoringConfig
from analyzers.profile import FeatureProfile, TypeCounts
from analyzers.types import InferredType

# A String feature with at most this many distinct values gets a ``domains`` constraint, so that
# unseen categories are flagged; above it the column looks like free text or an identifier.
MAX_SUGGESTED_DOMAIN = 20


def infer_type(types: TypeCounts) -> InferredType:
    """The narrowest type that holds every present value (Deequ's DataType rule).

    >>> infer_type(TypeCounts(integral=3)), infer_type(TypeCounts(integral=3, fractional=1))
    (<InferredType.INTEGRAL: 'Integral'>, <InferredType.FRACTIONAL: 'Fractional'>)
    >>> infer_type(TypeCounts(integral=3, string=1)), infer_type(TypeCounts(missing=2))
    (<InferredType.STRING: 'String'>, <InferredType.UNKNOWN: 'Unknown'>)
    """
    if types.string:
        return InferredType.STRING
    if types.fractional:
        return InferredType.FRACTIONAL
    if types.integral:
        return InferredType.INTEGRAL
    return InferredType.UNKNOWN


def suggest_feature(profile: FeatureProfile, inferred: InferredType) -> FeatureConstraint:
    types = profile.types
    completeness = types.present / types.total if types.total else 0.0
    is_non_negative = None
    domains = None
    if inferred.is_numeric:
        is_non_negative = profile.moments.count > 0 and profile.moments.minimum >= 0
    elif inferred is InferredType.STRING and profile.categories is not None:
        cats = profile.categories
        if cats.overflow == 0 and 0 < len(cats.counts) <= MAX_SUGGESTED_DOMAIN:
            domains = tuple(value for value, _ in cats.counts)
    return FeatureConstraint(
        name=profile.name,
        inferred_type=inferred,
        completeness=completeness,
        is_non_negative=is_non_negative,
        domains=domains,
    )


def suggest(profiles: list[FeatureProfile], inferred: dict[str, InferredType]) -> Constraints:
    """Constraints for every profiled feature, in the given order, with AWS's default config."""
    return Constraints(
        features=tuple(suggest_feature(p, inferred[p.name]) for p in profiles),
        monitoring_config=MonitoringConfig(),
    )
