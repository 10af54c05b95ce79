"""``data_type_check``: the share of present values that have the baseline's type.

An Integral feature matches integral values; a Fractional one matches integral and fractional
values; a String feature matches anything. Flags when the share is below
``datatype_check_threshold`` (1.0 in AWS's suggested baselines: every value must match).
"""

from __future__ import annotations

from analyzers.findings import CheckType, Finding
from analyzers.profile import TypeCounts
from analyzers.types import InferredType


def type_match(expected: InferredType, types: TypeCounts) -> float | None:
    """Share of present values of the expected type; None when nothing is present.

    >>> type_match(InferredType.INTEGRAL, TypeCounts(integral=3, fractional=1))
    0.75
    >>> type_match(InferredType.FRACTIONAL, TypeCounts(integral=3, fractional=1))
    1.0
    """
    if not types.present:
        return None
    if expected is InferredType.INTEGRAL:
        matching = types.integral
    elif expected is InferredType.FRACTIONAL:
        matching = types.integral + types.fractional
    else:
        matching = types.present
    return matching / types.present


def data_type_check(feature: str, expected: InferredType, types: TypeCounts, *, threshold: float) -> Finding | None:
    """
    >>> f = data_type_check("x", InferredType.INTEGRAL, TypeCounts(integral=1, string=1), threshold=1.0)
    >>> f.violated
    True
    >>> f.description[:60]
    'Data type match requirement is not met. Expected data type: '
    >>> f.description[60:]
    'Integral, Expected match: 100.0%. Observed: Only 50.0% of data is Integral.'
    """
    match = type_match(expected, types)
    if match is None or expected is InferredType.UNKNOWN:
        return None
    return Finding(
        check_type=CheckType.DATA_TYPE,
        feature=feature,
        violated=match < threshold,
        description=(
            f"Data type match requirement is not met. Expected data type: {expected.value}, "
            f"Expected match: {threshold * 100}%. Observed: Only {match * 100}% of data is {expected.value}."
        ),
        statistic=match,
        threshold=threshold,
    )
