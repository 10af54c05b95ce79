"""Exact, streaming evaluation of the most common Great Expectations column-map expectations.

Great Expectations validates a pandas frame in memory; a window of millions of rows is then either a
sample (an estimate shown as a fact) or a frame as large as the data. These evaluators read the window batch
by batch instead: each batch gives a small ``Partial`` (row, missing and unexpected counts, the first unexpected
values with their row numbers), partials of consecutive batches merge in order, and ``result`` writes GX's own
result fields (SUMMARY format) from the merged counts, with GX's semantics for ``mostly``, nulls and the
strictness flags. ``tests/analyzers/test_native_expectations.py`` checks every field against GX on the same rows.

Columns come typed as the expectation step types them for GX: numbers as float64 (a value that is not a
number is missing), everything else as strings; an Integral column is float64 here and int64 in GX's frame
when every value is whole (``integral``: its examples are then ints, and its dtype int64 or, with missing
values, pandas' Int64). Table expectations (row count, column set) are decided from ``TableFacts`` at the
end. Pure functions over Arrow arrays; no GX import.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analyzers.quality.native_aggregates import AGGREGATE_TYPES, Aggregate
from analyzers.quality.native_types import STR, TYPE_NAMES, accepted_dtypes, frame_dtype
from analyzers.types import InferredType

PARTIAL_UNEXPECTED = 20  # GX's partial_unexpected_count default: the examples a result lists

# The expectation types evaluated here; any other type (or argument) goes to Great Expectations.
NOT_NULL = "expect_column_values_to_not_be_null"
BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
NOT_IN_SET = "expect_column_values_to_not_be_in_set"
IN_TYPE_LIST = "expect_column_values_to_be_in_type_list"
OF_TYPE = "expect_column_values_to_be_of_type"
MATCH_REGEX = "expect_column_values_to_match_regex"
NOT_MATCH_REGEX = "expect_column_values_to_not_match_regex"
LENGTHS_BETWEEN = "expect_column_value_lengths_to_be_between"
LENGTHS_EQUAL = "expect_column_value_lengths_to_equal"
COLUMNS_MATCH_SET = "expect_table_columns_to_match_set"
ROW_COUNT_BETWEEN = "expect_table_row_count_to_be_between"
ROW_COUNT_EQUAL = "expect_table_row_count_to_equal"
TABLE_TYPES = (COLUMNS_MATCH_SET, ROW_COUNT_BETWEEN, ROW_COUNT_EQUAL)
_KNOWN_KWARGS = {
    NOT_NULL: {"column", "mostly"},
    BETWEEN: {"column", "mostly", "min_value", "max_value", "strict_min", "strict_max"},
    IN_SET: {"column", "mostly", "value_set"},
    NOT_IN_SET: {"column", "mostly", "value_set"},
    IN_TYPE_LIST: {"column", "mostly", "type_list"},
    OF_TYPE: {"column", "mostly", "type_"},
    MATCH_REGEX: {"column", "mostly", "regex"},
    NOT_MATCH_REGEX: {"column", "mostly", "regex"},
    LENGTHS_BETWEEN: {"column", "mostly", "min_value", "max_value", "strict_min", "strict_max"},
    LENGTHS_EQUAL: {"column", "mostly", "value"},
    **{kind: {"column", "min_value", "max_value", "strict_min", "strict_max"} for kind in AGGREGATE_TYPES},
    COLUMNS_MATCH_SET: {"column_set", "exact_match"},
    ROW_COUNT_BETWEEN: {"min_value", "max_value", "strict_min", "strict_max"},
    ROW_COUNT_EQUAL: {"value"},
}
TYPES = tuple(_KNOWN_KWARGS)
# Types that need a numeric column, and types that need a text one; on another column they are GX's.
_NUMERIC_ONLY = (BETWEEN, *AGGREGATE_TYPES)
_TEXT_ONLY = (MATCH_REGEX, NOT_MATCH_REGEX, LENGTHS_BETWEEN, LENGTHS_EQUAL)


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
    type_list: tuple[str, ...] = ()
    column_set: tuple[str, ...] = ()
    exact_match: bool = True
    value: int | None = None
    regex: str = ""

    @property
    def is_table(self) -> bool:
        return self.type in TABLE_TYPES

    @property
    def is_aggregate(self) -> bool:
        return self.type in AGGREGATE_TYPES

    def fits(self, kind: InferredType) -> bool:
        """Whether it is evaluated natively on a column of the baseline's ``kind`` (else GX takes it)."""
        if self.type in _NUMERIC_ONLY:
            return kind.is_numeric
        if self.type in _TEXT_ONLY:
            return not kind.is_numeric
        return True

    @classmethod
    def parse(cls, item: dict[str, Any]) -> NativeExpectation | None:
        """The expectation, when it is one of ``TYPES`` with only arguments evaluated here; else None (GX's)."""
        kind, kwargs = item.get("type"), item.get("kwargs") or {}
        if kind not in _KNOWN_KWARGS or not set(kwargs) - {"batch_id"} <= _KNOWN_KWARGS[kind] or not _parsable(kind, kwargs):
            return None
        return cls(
            type=kind,
            column=kwargs.get("column", ""),
            mostly=1.0 if kwargs.get("mostly") is None else float(kwargs["mostly"]),
            min_value=kwargs.get("min_value"),
            max_value=kwargs.get("max_value"),
            strict_min=bool(kwargs.get("strict_min", False)),
            strict_max=bool(kwargs.get("strict_max", False)),
            value_set=tuple(kwargs.get("value_set") or ()),
            type_list=tuple(kwargs.get("type_list") or ([kwargs["type_"]] if "type_" in kwargs else ())),
            regex=kwargs.get("regex", ""),
            column_set=tuple(kwargs.get("column_set") or ()),
            exact_match=kwargs.get("exact_match", True) is not False,
            value=kwargs.get("value"),
        )


def _parsable(kind: str, kwargs: dict[str, Any]) -> bool:
    """Arguments evaluated here exactly as GX would; anything else (dates, strings, suite parameters such as
    ``{"$PARAMETER": ...}``) is GX's."""
    if kind in TABLE_TYPES:
        if kind == COLUMNS_MATCH_SET:
            names = kwargs.get("column_set")
            return isinstance(names, list) and all(isinstance(n, str) for n in names) and _bool_or_none(kwargs.get("exact_match"))
        if kind == ROW_COUNT_EQUAL:
            return _is_number(kwargs.get("value"))
        bounds = (kwargs.get("min_value"), kwargs.get("max_value"))
        return any(b is not None for b in bounds) and all(_number_or_none(b) for b in bounds) and _strict_flags(kwargs)
    if not isinstance(kwargs.get("column"), str) or not _number_or_none(kwargs.get("mostly")):
        return False
    if kind in (BETWEEN, LENGTHS_BETWEEN, *AGGREGATE_TYPES):
        bounds = (kwargs.get("min_value"), kwargs.get("max_value"))
        some = kind == BETWEEN or any(b is not None for b in bounds)  # GX refuses the others without a bound
        return some and all(_number_or_none(b) for b in bounds) and _strict_flags(kwargs)
    if kind == LENGTHS_EQUAL:
        return _is_number(kwargs.get("value"))
    if kind in (MATCH_REGEX, NOT_MATCH_REGEX):
        return isinstance(kwargs.get("regex"), str) and _re2_compiles(kwargs["regex"])
    if kind == OF_TYPE:
        return isinstance(kwargs.get("type_"), str) and kwargs["type_"] in TYPE_NAMES
    if kind in (IN_SET, NOT_IN_SET):
        return isinstance(kwargs.get("value_set"), list)
    if kind == IN_TYPE_LIST:
        names = kwargs.get("type_list")
        return isinstance(names, list) and bool(names) and all(isinstance(n, str) and n in TYPE_NAMES for n in names)
    return True


@dataclass(frozen=True, slots=True)
class Partial:
    """One column expectation over consecutive rows: counts, the first unexpected values with their row numbers
    (relative to the first of these rows), and whether every present value is a whole int64 (an Integral
    column's dtype in GX's frame)."""

    rows: int = 0
    missing: int = 0
    unexpected: int = 0
    examples: tuple[tuple[int, Any], ...] = ()
    whole: bool = True
    aggregate: Aggregate | None = None  # the column's moments, for the aggregate types

    def then(self, later: Partial) -> Partial:
        """These rows followed by ``later``'s: exact counts; the examples stay the first ones, in row order."""
        shifted = tuple((self.rows + i, v) for i, v in later.examples)
        return Partial(
            rows=self.rows + later.rows,
            missing=self.missing + later.missing,
            unexpected=self.unexpected + later.unexpected,
            examples=(self.examples + shifted)[:PARTIAL_UNEXPECTED],
            whole=self.whole and later.whole,
            aggregate=later.aggregate if self.aggregate is None else self.aggregate.then(later.aggregate or Aggregate()),
        )


@dataclass(frozen=True, slots=True)
class TableFacts:
    """What the table expectations read: the window's columns, in the frame's order, and its row count."""

    columns: tuple[str, ...]
    rows: int


def evaluate(expectation: NativeExpectation, column: pa.Array | pa.ChunkedArray, kind: InferredType) -> Partial:
    """One batch of a column expectation's column: float64 when the baseline's ``kind`` is numeric, else
    strings."""
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    floating = pa.types.is_floating(values.type)
    present = _present(values)
    missing = len(values) - int(pc.sum(present).as_py() or 0)
    whole = _whole(values) if kind is InferredType.INTEGRAL and floating else True
    if expectation.is_aggregate:
        numbers = values.filter(present).to_numpy(zero_copy_only=False)
        return Partial(rows=len(values), missing=missing, whole=whole, aggregate=Aggregate.of(numbers))
    if expectation.type == NOT_NULL:
        bad = pc.invert(present)
    elif expectation.type in (IN_TYPE_LIST, OF_TYPE):
        if floating:  # GX checks the dtype, not the values: decided in ``result``
            return Partial(rows=len(values), missing=missing, whole=whole)
        bad = present if STR not in _accepted(expectation) else pa.array(np.zeros(len(values), dtype=bool))
    else:
        bad = pc.fill_null(pc.and_(present, pc.invert(_meets(expectation, values))), False)
    flags = bad.to_numpy(zero_copy_only=False)
    where = np.flatnonzero(flags)
    first = where[:PARTIAL_UNEXPECTED]
    if expectation.type == NOT_NULL:
        shown: list[Any] = [FLOAT_NULL if floating else None] * len(first)
    else:
        shown = values.take(pa.array(first)).to_pylist() if len(first) else []
    return Partial(len(values), missing, len(where), tuple(zip(first.tolist(), shown, strict=True)), whole)


def result(
    expectation: NativeExpectation, partial: Partial, kind: InferredType, facts: TableFacts | None = None
) -> dict[str, Any]:
    """GX's ``success`` and ``result`` (SUMMARY format): a column expectation's from the merged partial of the
    whole window (``kind`` as in ``evaluate``), a table expectation's from ``facts``."""
    if expectation.is_table:
        assert facts is not None, "a table expectation is decided from the table's facts"
        return _table_result(expectation, facts)
    integral = kind is InferredType.INTEGRAL
    if expectation.is_aggregate:
        return _aggregate_result(expectation, partial, integral)
    if expectation.type in (IN_TYPE_LIST, OF_TYPE) and kind.is_numeric:
        dtype = frame_dtype(integral and partial.whole, partial.missing > 0)
        return {"success": dtype in _accepted(expectation), "result": {"observed_value": dtype.lower()}}
    as_int = integral and partial.whole
    values = [_shown(v, as_int) for _, v in partial.examples]
    nan_nulls = sum(isinstance(v, _FloatNull) for _, v in partial.examples)
    counts = Counter(_shown(v, as_int) for _, v in partial.examples if not isinstance(v, _FloatNull))
    listed = [{"value": v, "count": c} for v, c in sorted(counts.items(), key=lambda vc: (-vc[1], _sortable(vc[0])))]
    if not (integral and as_int):
        listed += [{"value": None, "count": 1}] * nan_nulls  # GX counts a float column's NaNs one by one
    elif nan_nulls:
        listed += [{"value": None, "count": nan_nulls}]  # pandas' Int64 nulls are one value, <NA>
    summary: dict[str, Any] = {
        "element_count": partial.rows,
        "unexpected_count": partial.unexpected,
        "partial_unexpected_list": values,
        "partial_unexpected_index_list": [i for i, _ in partial.examples],
        "partial_unexpected_counts": listed,
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


def _aggregate_result(expectation: NativeExpectation, partial: Partial, integral: bool) -> dict[str, Any]:
    observed = (partial.aggregate or Aggregate()).observed(expectation.type)
    if observed is not None and integral and partial.whole and expectation.type in (AGGREGATE_TYPES[0], AGGREGATE_TYPES[1]):
        observed = int(observed) if math.isfinite(observed) else observed  # min/max of an int64 column are ints
    return {"success": observed is not None and _within(expectation, observed), "result": {"observed_value": observed}}


def _within(expectation: NativeExpectation, value: float) -> bool:
    low, high = expectation.min_value, expectation.max_value
    above = low is None or (value > low if expectation.strict_min else value >= low)
    below = high is None or (value < high if expectation.strict_max else value <= high)
    return above and below


def _shown(value: Any, as_int: bool) -> Any:
    if isinstance(value, _FloatNull):
        return None
    return int(value) if as_int and isinstance(value, float) else value


def _table_result(expectation: NativeExpectation, facts: TableFacts) -> dict[str, Any]:
    if expectation.type == COLUMNS_MATCH_SET:
        observed, expected = set(facts.columns), set(expectation.column_set)
        out: dict[str, Any] = {"observed_value": sorted(observed)}
        unexpected, missing = sorted(observed - expected), sorted(expected - observed)
        if not unexpected and not missing:
            return {"success": True, "result": out}
        out["details"] = {"mismatched": {"unexpected": unexpected} if unexpected else {}}
        if missing:
            out["details"]["mismatched"]["missing"] = missing
        return {"success": not missing and not (unexpected and expectation.exact_match), "result": out}
    rows = facts.rows
    if expectation.type == ROW_COUNT_EQUAL:
        return {"success": rows == expectation.value, "result": {"observed_value": rows}}
    return {"success": _within(expectation, rows), "result": {"observed_value": rows}}


def _accepted(expectation: NativeExpectation) -> frozenset[str]:
    return accepted_dtypes(expectation.type_list, scalar_type=expectation.type == OF_TYPE)


def _whole(values: pa.Array) -> bool:
    """Every present value is a whole number that fits int64, as GX's frame needs to hold it as integers."""
    numbers = values.to_numpy(zero_copy_only=False)
    numbers = numbers[~np.isnan(numbers)]
    return bool(((numbers == np.floor(numbers)) & (numbers >= -(2.0**63)) & (numbers < 2.0**63)).all())


def _present(values: pa.Array) -> pa.Array:
    valid = pc.is_valid(values)
    if pa.types.is_floating(values.type):
        return pc.and_(valid, pc.invert(pc.fill_null(pc.is_nan(values), True)))
    return valid


def _meets(expectation: NativeExpectation, values: pa.Array) -> pa.Array:
    if expectation.type == BETWEEN:
        return _bounded(expectation, values)
    if expectation.type in (MATCH_REGEX, NOT_MATCH_REGEX):
        found = pc.match_substring_regex(values, pattern=expectation.regex)
        return found if expectation.type == MATCH_REGEX else pc.invert(found)
    if expectation.type in (LENGTHS_BETWEEN, LENGTHS_EQUAL):
        lengths = pc.utf8_length(values)
        if expectation.type == LENGTHS_EQUAL:
            return pc.equal(lengths, pa.scalar(int(expectation.value or 0)))
        return _bounded(expectation, pc.cast(lengths, pa.float64()))
    members = _value_set(expectation.value_set, values.type)
    if pa.types.is_floating(values.type):
        values = pc.add(values, pa.scalar(0.0, values.type))  # -0.0 + 0.0 is 0.0: set membership hashes bits
    inside = pc.is_in(values, value_set=members)
    return inside if expectation.type == IN_SET else pc.invert(inside)


def _bounded(expectation: NativeExpectation, values: pa.Array) -> pa.Array:
    ok = pa.array(np.ones(len(values), dtype=bool))
    if expectation.min_value is not None:
        low = pc.greater if expectation.strict_min else pc.greater_equal
        ok = pc.and_(ok, low(values, pa.scalar(float(expectation.min_value))))
    if expectation.max_value is not None:
        high = pc.less if expectation.strict_max else pc.less_equal
        ok = pc.and_(ok, high(values, pa.scalar(float(expectation.max_value))))
    return ok


def _value_set(items: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    if pa.types.is_floating(kind):
        return pa.array([float(v) + 0.0 for v in items if _is_number(v)], type=kind)
    return pa.array([str(v) for v in items], type=pa.string())


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole * 100


def _re2_compiles(regex: str) -> bool:
    """Arrow matches with RE2, which lacks lookarounds and backreferences: such a pattern is GX's (Python's re)."""
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern=regex)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _strict_flags(kwargs: dict[str, Any]) -> bool:
    return _bool_or_none(kwargs.get("strict_min")) and _bool_or_none(kwargs.get("strict_max"))


def _bool_or_none(value: object) -> bool:
    return value is None or isinstance(value, bool)


def _number_or_none(value: object) -> bool:
    return value is None or _is_number(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, str(value))
