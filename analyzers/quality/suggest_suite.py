"""A Great Expectations 1.x suite suggested from the baseline (GE 1.x no longer suggests one itself).

Plain JSON in the suite's own form; Great Expectations is not imported here. Every expectation is
chosen to hold on the baseline itself: ``mostly`` is the observed completeness rounded down, ranges
are the observed ones widened by a tolerance, value sets are every observed value.
"""

from __future__ import annotations

import math
from typing import Any

from analyzers.constraints import FeatureConstraint
from analyzers.profile import FeatureProfile
from analyzers.types import InferredType

RANGE_TOLERANCE = 0.1  # share of the observed range added on each side of a numeric range
# "Int64Dtype": pandas' nullable integer, how an Integral column with missing values reaches the suite.
NUMERIC_TYPES = ["float64", "float32", "int64", "int32", "float", "int", "Int64Dtype"]
STRING_TYPES = ["str", "object", "string"]


def _expectation(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {"source": "suggested from the baseline"}}


def suggest_suite(features: list[tuple[FeatureProfile, FeatureConstraint]], name: str) -> dict[str, Any]:
    """
    >>> from analyzers.profile import TypeCounts
    >>> p = FeatureProfile(name="c", types=TypeCounts(missing=1, string=3))
    >>> c = FeatureConstraint("c", InferredType.STRING, completeness=0.75, domains=("a", "b"))
    >>> for e in suggest_suite([(p, c)], "s")["expectations"]:
    ...     print(e["type"], e["kwargs"].get("mostly", "-"))
    expect_table_columns_to_match_set -
    expect_column_values_to_not_be_null 0.75
    expect_column_values_to_be_in_type_list -
    expect_column_values_to_be_in_set -
    """
    expectations = [_expectation("expect_table_columns_to_match_set", column_set=[p.name for p, _ in features], exact_match=True)]
    for profile, constraint in features:
        expectations.extend(_for_feature(profile, constraint))
    return {"name": name, "expectations": expectations, "meta": {"great_expectations_version": "1.24.1"}}


def _for_feature(profile: FeatureProfile, constraint: FeatureConstraint) -> list[dict[str, Any]]:
    column = profile.name
    out = []
    completeness = constraint.completeness if constraint.completeness is not None else 1.0
    if completeness >= 1.0:
        out.append(_expectation("expect_column_values_to_not_be_null", column=column))
    else:
        mostly = math.floor(completeness * 1e6) / 1e6  # rounded down, so the baseline itself passes
        out.append(_expectation("expect_column_values_to_not_be_null", column=column, mostly=mostly))
    inferred = constraint.inferred_type
    if inferred.is_numeric:
        out.append(_expectation("expect_column_values_to_be_in_type_list", column=column, type_list=NUMERIC_TYPES))
        m = profile.moments
        if m.count:
            width = (m.maximum - m.minimum) or abs(m.maximum) or 1.0
            out.append(
                _expectation(
                    "expect_column_values_to_be_between",
                    column=column,
                    min_value=m.minimum - RANGE_TOLERANCE * width,
                    max_value=m.maximum + RANGE_TOLERANCE * width,
                )
            )
    elif inferred is InferredType.STRING:
        out.append(_expectation("expect_column_values_to_be_in_type_list", column=column, type_list=STRING_TYPES))
        if constraint.domains is not None:
            out.append(_expectation("expect_column_values_to_be_in_set", column=column, value_set=list(constraint.domains)))
    return out
