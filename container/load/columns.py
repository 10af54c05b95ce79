"""The one place that classifies raw values: missing, integral, fractional or string.

Deequ (AWS's analyzer) classifies each value by its text: an optional sign and digits is
Integral, a decimal or exponent number is Fractional, anything else is String. We do the same
with vectorised pyarrow kernels, trying whole-column casts first because most columns are clean.
Empty strings count as missing; "nan" and "inf" are strings (they match neither pattern).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analyzers.types import ColumnData

_INTEGRAL = r"^[+-]?\d+$"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_NOT_INTEGRAL_TEXT = r"[.eE]"


def normalise(name: str, array: pa.Array | pa.ChunkedArray, *, keep_texts: bool, classify: bool = True) -> ColumnData:
    """Classify every value of one column. ``classify=False`` is for features the baseline types as
    String: every present value matches that type, so parsing numbers would be wasted work."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return _typed_numbers(name, array, keep_texts)
    if pa.types.is_boolean(kind):
        array = pc.if_else(array, "true", "false")
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        array = array.cast(pa.string()) if not pa.types.is_null(kind) else pa.nulls(len(array), pa.string())
    return _texts(name, array, keep_texts, classify)


def _texts(name: str, array: pa.Array, keep_texts: bool, classify: bool) -> ColumnData:
    present = array.filter(pc.and_(pc.is_valid(array), pc.not_equal(pc.utf8_length(array), 0)))
    n_missing = len(array) - len(present)
    texts = present if keep_texts else None
    if not classify:
        return ColumnData(name, np.empty(0), texts, n_missing, 0, 0, len(present))
    try:
        # A failed cast costs far more than a successful one: look at a few values first.
        pc.cast(present.slice(0, 64), pa.float64())
        # Casting to float64 is the fast check (a failed int64 cast costs 20x a float one).
        floats = pc.cast(present, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _mixed(name, present, texts, n_missing)
    if not np.isfinite(floats).all():
        return _mixed(name, present, texts, n_missing)  # "inf", "nan" or a number too large: judged by its text
    whole = np.floor(floats) == floats
    if whole.all():
        n_integral = _integral_or_all(present, len(floats))
    else:
        # Only whole values can be integral; "3.0" is fractional text, as Deequ's patterns say.
        candidates = present.filter(pa.array(whole))
        n_integral = len(candidates) - _count_fractional_text(candidates)
    return ColumnData(name, floats, texts, n_missing, n_integral, len(floats) - n_integral, 0)


def _integral_or_all(present: pa.Array, n_numbers: int) -> int:
    try:
        pc.cast(present, pa.int64())
        return n_numbers
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _count_integral_text(present)


def _count_integral_text(present: pa.Array) -> int:
    return int(pc.sum(pc.match_substring_regex(present, _INTEGRAL)).as_py() or 0)


def _count_fractional_text(present: pa.Array) -> int:
    return int(pc.sum(pc.match_substring_regex(present, _NOT_INTEGRAL_TEXT)).as_py() or 0)


def _mixed(name: str, present: pa.Array, texts: pa.Array | None, n_missing: int) -> ColumnData:
    """Some values are not numbers at all: classify each by its text. Number text too large for a double
    ("1e999", a 400-digit integer) is a String: it has no usable value."""
    numeric_text = present.filter(pc.match_substring_regex(present, _NUMBER))
    numbers = pc.cast(numeric_text, pa.float64()).to_numpy(zero_copy_only=False)
    finite = np.isfinite(numbers)
    integral = pc.match_substring_regex(numeric_text, _INTEGRAL).to_numpy(zero_copy_only=False)
    n_integral = int(np.count_nonzero(integral & finite))
    n_fractional = int(np.count_nonzero(finite)) - n_integral
    if not finite.all():
        numbers = numbers[finite]
    return ColumnData(name, numbers, texts, n_missing, n_integral, n_fractional, len(present) - n_integral - n_fractional)


def _typed_numbers(name: str, array: pa.Array, keep_texts: bool) -> ColumnData:
    # Unsafe: integers beyond 2**53 (uint64 ids, say) round to the nearest double instead of failing.
    values = pc.cast(array, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    present = ~np.isnan(values)  # nulls come out as NaN; a NaN in a float column means missing too
    numbers = values[present]
    n_missing = int(values.size - numbers.size)
    finite = np.isfinite(numbers)
    n_infinite = int(numbers.size - np.count_nonzero(finite))
    numbers = numbers[finite]
    texts = None
    if keep_texts:
        texts = pc.cast(array.filter(pc.is_valid(array)), pa.string())
    integral = pa.types.is_integer(array.type)
    return ColumnData(
        name,
        numbers,
        texts,
        n_missing,
        numbers.size if integral else 0,
        0 if integral else numbers.size,
        n_infinite,
    )


def expectation_column(array: pa.Array | pa.ChunkedArray, numeric: bool) -> pa.Array:
    """A column as expectations see it (natively, and through GX's frame): a numeric feature as float64 where
    a value that is not a number (by the profile's rules: "nan" and "inf" text are not) is missing, any other
    feature as strings."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    if not numeric:
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return array
        return pa.nulls(len(array), pa.string()) if pa.types.is_null(kind) else array.cast(pa.string())
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        floats = pc.cast(array, pa.float64(), safe=False)  # integers beyond 2**53 round, as in the profile
        return pc.if_else(pc.is_nan(floats), pa.scalar(None, pa.float64()), floats)
    if pa.types.is_boolean(kind) or pa.types.is_null(kind):
        return pa.nulls(len(array), pa.float64())
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        array = array.cast(pa.string())
    try:
        floats = pc.cast(array, pa.float64())  # the usual clean column: one cast
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = pc.match_substring_regex(array, _NUMBER)
        floats = pc.cast(pc.if_else(numbers, array, pa.scalar(None, array.type)), pa.float64())
    return pc.if_else(pc.is_finite(floats), floats, pa.scalar(None, pa.float64()))
