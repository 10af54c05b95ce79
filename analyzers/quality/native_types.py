"""GX 1.x's type names, as its pandas type checks match them against the columns the expectation step builds.

The frame holds text as ``str`` values (an object column) and numbers as float64, int64 or pandas' nullable
Int64. ``expect_column_values_to_be_in_type_list`` compares the column's dtype with each name's dtype;
``expect_column_values_to_be_of_type`` compares the dtype's scalar type. Measured against GX (the differential
test checks the table); a name not here (SQL or Spark spellings GX also maps) goes to GX.
"""

from __future__ import annotations

from collections.abc import Iterable

STR, FLOAT, INT, NULLABLE_INT = "str", "float64", "int64", "Int64"
TYPE_NAMES: dict[str, frozenset[str]] = {
    "str": frozenset({STR}),
    "float64": frozenset({FLOAT}),
    "float": frozenset({FLOAT}),
    "double": frozenset({FLOAT}),
    "FLOAT": frozenset({FLOAT}),
    "int": frozenset({INT}),
    "int64": frozenset({INT}),
    "Int64Dtype": frozenset({NULLABLE_INT}),
    **{
        name: frozenset()
        for name in (
            "string", "object", "unicode", "str_", "bytes", "float32", "float_", "float16", "int32", "int8",
            "uint64", "Int64", "integer", "number", "bool", "boolean", "StringDtype", "complex",
        )
    },
}  # fmt: skip


def frame_dtype(whole: bool, missing: bool) -> str:
    """A numeric column's dtype in GX's frame: float64, or for an Integral column of whole values int64
    (pandas' nullable Int64 when a value is missing)."""
    if not whole:
        return FLOAT
    return NULLABLE_INT if missing else INT


def accepted_dtypes(names: Iterable[str], scalar_type: bool) -> frozenset[str]:
    """The dtypes (and ``str`` values) any of ``names`` matches; ``scalar_type``: by the of-type rule."""
    accepted = frozenset().union(*(TYPE_NAMES[name] for name in names))
    if scalar_type:
        # GX compares the dtype's scalar type there: pandas' Int64 holds numpy int64s, and its own name
        # (a dtype class, not a scalar type) matches nothing
        accepted -= {NULLABLE_INT}
        if INT in accepted:
            accepted |= {NULLABLE_INT}
    return accepted
