"""Exact, streaming evaluation of the most common Great Expectations column-map expectations.

Great Expectations validates a pandas frame in memory; a window of millions of rows is then either a
sample (an estimate shown as a fact) or a frame as large as the data. These evaluators read the window batch
by batch instead: each batch gives a small ``Partial`` (row, missing and unexpected counts, the first unexpected
values with their row numbers), partials of consecutive batches merge in order, and ``result`` writes GX's own
result fields (SUMMARY format) from the merged counts, with GX's semantics for ``mostly``, nulls and the
strictness flags. ``tests/analyzers/test_native_expectations.py`` checks every field against GX on the same rows.

Columns come typed as the expectation step types them for GX: numbers as float64 (a value that is not a
number is missing), everything else as strings. Pure functions over Arrow arrays; no GX import.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PARTIAL_UNEXPECTED = 20  # GX's partial_unexpected_count default: the examples a result lists

# The expectation types evaluated here; any other type (or argument) goes to Great Expectations.
NOT_NULL = "expect_column_values_to_not_be_null"
BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
NOT_IN_SET = "expect_column_values_to_not_be_in_set"
TYPES = (NOT_NULL, BETWEEN, IN_SET, NOT_IN_SET)
_KNOWN_KWARGS = {
    NOT_NULL: {"column", "mostly"},
    BETWEEN: {"column", "mostly", "min_value", "max_value", "strict_min", "strict_max"},
    IN_SET: {"column", "mostly", "value_set"},
    NOT_IN_SET: {"column", "mostly", "value_set"},
}


class _FloatNull:
    """A missing value of a float column among the examples: GX lists it as null but counts each one apart
    (it is a NaN to pandas, never equal to itself); equal to its kind here, so partials compare."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FloatNull)

    def __hash__(self) -> int:
        return 0

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return (_FloatNull, ())


FLOAT_NULL = _FloatNull()


@dataclass(frozen=True, slots=True)
class NativeExpectation:
    type: str
    column: str
    mostly: float = 1.0
    min_value: float | None = None
    max_value: float | None = None
    strict_min: bool = False
    strict_max: bool = False
    value_set: tuple[Any, ...] = ()

    @classmethod
    def parse(cls, item: dict[str, Any]) -> NativeExpectation | None:
        """The expectation, when it is one of ``TYPES`` with only arguments evaluated here; else None (GX's)."""
        kind, kwargs = item.get("type"), item.get("kwargs") or {}
        if kind not in _KNOWN_KWARGS or not set(kwargs) - {"batch_id"} <= _KNOWN_KWARGS[kind]:
            return None
        if not isinstance(kwargs.get("column"), str) or not _number_or_none(kwargs.get("mostly")):
            return None
        if kind == BETWEEN and not (_number_or_none(kwargs.get("min_value")) and _number_or_none(kwargs.get("max_value"))):
            return None  # dates, strings and suite parameters ({"$PARAMETER": ...}) are GX's
        if kind in (IN_SET, NOT_IN_SET) and not isinstance(kwargs.get("value_set"), list):
            return None
        return cls(
            type=kind,
            column=kwargs["column"],
            mostly=1.0 if kwargs.get("mostly") is None else float(kwargs["mostly"]),
            min_value=kwargs.get("min_value"),
            max_value=kwargs.get("max_value"),
            strict_min=bool(kwargs.get("strict_min", False)),
            strict_max=bool(kwargs.get("strict_max", False)),
            value_set=tuple(kwargs.get("value_set") or ()),
        )


@dataclass(frozen=True, slots=True)
class Partial:
    """One expectation over consecutive rows: counts, and the first unexpected values with their row numbers
    (relative to the first of these rows)."""

    rows: int = 0
    missing: int = 0
    unexpected: int = 0
    examples: tuple[tuple[int, Any], ...] = ()

    def then(self, later: Partial) -> Partial:
        """These rows followed by ``later``'s: exact counts; the examples stay the first ones, in row order."""
        shifted = tuple((self.rows + i, v) for i, v in later.examples)
        return Partial(
            rows=self.rows + later.rows,
            missing=self.missing + later.missing,
            unexpected=self.unexpected + later.unexpected,
            examples=(self.examples + shifted)[:PARTIAL_UNEXPECTED],
        )


def evaluate(expectation: NativeExpectation, column: pa.Array | pa.ChunkedArray) -> Partial:
    """One batch of the expectation's column (float64 for a numeric column, string otherwise)."""
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    present = _present(values)
    missing = len(values) - int(pc.sum(present).as_py() or 0)
    if expectation.type == NOT_NULL:
        bad = pc.invert(present)
    else:
        bad = pc.and_(present, pc.invert(_meets(expectation, values)))
        bad = pc.fill_null(bad, False)
    flags = bad.to_numpy(zero_copy_only=False)
    where = np.flatnonzero(flags)
    first = where[:PARTIAL_UNEXPECTED]
    if expectation.type == NOT_NULL:
        null = FLOAT_NULL if pa.types.is_floating(values.type) else None
        shown: list[Any] = [null] * len(first)
    else:
        shown = values.take(pa.array(first)).to_pylist() if len(first) else []
    return Partial(
        rows=len(values),
        missing=missing,
        unexpected=len(where),
        examples=tuple(zip(first.tolist(), shown, strict=True)),
    )


def result(expectation: NativeExpectation, partial: Partial) -> dict[str, Any]:
    """GX's ``success`` and ``result`` (SUMMARY format) from the merged partial of the whole window."""
    values = [None if v is FLOAT_NULL or isinstance(v, _FloatNull) else v for _, v in partial.examples]
    nan_nulls = sum(isinstance(v, _FloatNull) for _, v in partial.examples)
    counts = Counter(v for _, v in partial.examples if not isinstance(v, _FloatNull))
    listed = [{"value": v, "count": c} for v, c in sorted(counts.items(), key=lambda vc: (-vc[1], _sortable(vc[0])))]
    summary: dict[str, Any] = {
        "element_count": partial.rows,
        "unexpected_count": partial.unexpected,
        "partial_unexpected_list": values,
        "partial_unexpected_index_list": [i for i, _ in partial.examples],
        # GX counts a float column's nulls (NaN, never equal to itself) one by one
        "partial_unexpected_counts": listed + [{"value": None, "count": 1}] * nan_nulls,
    }
    if expectation.type == NOT_NULL:
        considered = partial.rows
        summary["unexpected_percent"] = _percent(partial.unexpected, partial.rows)
    else:
        considered = partial.rows - partial.missing
        summary |= {
            "missing_count": partial.missing,
            "missing_percent": _percent(partial.missing, partial.rows),
            "unexpected_percent": _percent(partial.unexpected, considered),
            "unexpected_percent_total": _percent(partial.unexpected, partial.rows),
            "unexpected_percent_nonmissing": _percent(partial.unexpected, considered),
        }
    success = considered == 0 or (considered - partial.unexpected) / considered >= expectation.mostly
    return {"success": bool(success), "result": summary}


def _present(values: pa.Array) -> pa.Array:
    valid = pc.is_valid(values)
    if pa.types.is_floating(values.type):
        return pc.and_(valid, pc.invert(pc.fill_null(pc.is_nan(values), True)))
    return valid


def _meets(expectation: NativeExpectation, values: pa.Array) -> pa.Array:
    if expectation.type == BETWEEN:
        ok = pa.array(np.ones(len(values), dtype=bool))
        if expectation.min_value is not None:
            low = pc.greater if expectation.strict_min else pc.greater_equal
            ok = pc.and_(ok, low(values, pa.scalar(float(expectation.min_value))))
        if expectation.max_value is not None:
            high = pc.less if expectation.strict_max else pc.less_equal
            ok = pc.and_(ok, high(values, pa.scalar(float(expectation.max_value))))
        return ok
    members = _value_set(expectation.value_set, values.type)
    if pa.types.is_floating(values.type):
        values = pc.add(values, pa.scalar(0.0, values.type))  # -0.0 + 0.0 is 0.0: set membership hashes bits
    inside = pc.is_in(values, value_set=members)
    return inside if expectation.type == IN_SET else pc.invert(inside)


def _value_set(items: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    if pa.types.is_floating(kind):
        return pa.array([float(v) + 0.0 for v in items if _is_number(v)], type=kind)
    return pa.array([str(v) for v in items], type=pa.string())


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole * 100


def _number_or_none(value: object) -> bool:
    return value is None or _is_number(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, str(value))
