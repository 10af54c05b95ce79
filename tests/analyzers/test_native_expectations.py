"""Native expectation evaluators against Great Expectations itself, on the same rows (a differential test).

Raw columns as the readers give them (text with junk, nulls, empty strings, edge values; typed numbers), typed
once by ``expectation_column`` for the native evaluators and by ``window_frame`` for GX's frame. Every native
type with and without ``mostly``, strict flags and bounds on the data's own values; the native verdict and every
result field (counts, percentages, the first unexpected values, their row numbers and counts, observed values)
must equal GX's. The rows are also split into batches at random places and merged: the result must not depend
on the split.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pytest

from analyzers.quality.native_expectations import (
    TYPE_NAMES,
    NativeExpectation,
    Partial,
    TableFacts,
    evaluate,
    result,
)
from analyzers.types import InferredType
from container.load.columns import expectation_column
from container.steps.gx_setup import validate
from container.steps.sample_frame import window_frame

FIELDS = (
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "missing_count",
    "missing_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
    "partial_unexpected_list",
    "partial_unexpected_index_list",
    "partial_unexpected_counts",
    "observed_value",
    "details",
)
TYPES = {
    "x": InferredType.FRACTIONAL,  # float64 with NaN
    "t": InferredType.FRACTIONAL,  # numbers as text, with junk and empty strings
    "i": InferredType.INTEGRAL,  # whole numbers as text, some missing: pandas' Int64
    "k": InferredType.INTEGRAL,  # whole numbers, none missing: int64
    "j": InferredType.INTEGRAL,  # Integral in the baseline, not whole here: float64
    "c": InferredType.STRING,
    "n": InferredType.FRACTIONAL,  # no value at all
}
COLUMNS = tuple(TYPES)


def _table(seed: int, rows: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(0, 10, rows), 2)
    x[rng.random(rows) < 0.1] = np.nan
    x[:3] = [-5.0, 5.0, 0.0]  # the bounds themselves, for the strict flags
    text = [f"{v:.1f}" for v in rng.normal(0, 10, rows)]
    junk = ["", "abc", "nan", "inf", "1e999", " 5", "0x10", None]
    for place in rng.choice(rows, size=rows // 8, replace=False):
        text[place] = junk[int(place) % len(junk)]
    whole = rng.integers(-8, 9, rows)
    i = [None if rng.random() < 0.1 else str(v) for v in whole]
    j = whole.astype("float64") + (rng.random(rows) < 0.05) * 0.5
    c = rng.choice(np.array(["a", "b", "c", "d", "<e>"], dtype=object), rows)
    c[rng.random(rows) < 0.05] = None
    return pa.table(
        {
            "x": pa.array(x),
            "t": pa.array(text, pa.string()),
            "i": pa.array(i, pa.string()),
            "k": pa.array(whole),
            "j": pa.array(j),
            "c": pa.array(c.tolist(), pa.string()),
            "n": pa.nulls(rows, pa.string()),
        }
    )


def _with(mostly: float | None, kind: str, **kwargs: object) -> dict:
    extra = {} if mostly is None else {"mostly": mostly}
    return {"type": kind, "kwargs": {**kwargs, **extra}}


def _suite() -> list[dict]:
    out = []
    for mostly in (None, 0.5, 0.9, 0.95):
        for column in COLUMNS:
            out.append(_with(mostly, "expect_column_values_to_not_be_null", column=column))
        out += [
            _with(mostly, "expect_column_values_to_be_in_set", column="c", value_set=["a", "b", "c"]),
            _with(mostly, "expect_column_values_to_not_be_in_set", column="c", value_set=["<e>"]),
            _with(mostly, "expect_column_values_to_be_in_set", column="x", value_set=[0.0, 5.0, -5.0]),
            _with(mostly, "expect_column_values_to_be_in_set", column="i", value_set=[0, 1, 2, 3, 4]),
            _with(mostly, "expect_column_values_to_not_be_in_set", column="k", value_set=[7, 8]),
            _with(mostly, "expect_column_values_to_be_between", column="t", min_value=-10, max_value=10),
            _with(mostly, "expect_column_values_to_be_between", column="i", min_value=-6, max_value=6),
            _with(mostly, "expect_column_values_to_be_between", column="j", min_value=-6, max_value=6.5),
        ]
        for strict_min in (False, True):
            for strict_max in (False, True):
                bounds = {"min_value": -5.0, "max_value": 5.0}
                bounds |= {"strict_min": True} if strict_min else {}
                bounds |= {"strict_max": True} if strict_max else {}
                out.append(_with(mostly, "expect_column_values_to_be_between", column="x", **bounds))
        out += [
            _with(mostly, "expect_column_values_to_match_regex", column="c", regex="^[ab]$"),
            _with(mostly, "expect_column_values_to_match_regex", column="c", regex="<"),
            _with(mostly, "expect_column_values_to_not_match_regex", column="c", regex="e"),
            _with(mostly, "expect_column_value_lengths_to_be_between", column="c", min_value=1, max_value=1),
            _with(mostly, "expect_column_value_lengths_to_be_between", column="c", min_value=1, strict_min=True),
            _with(mostly, "expect_column_value_lengths_to_equal", column="c", value=3),
            _with(mostly, "expect_column_values_to_be_between", column="x", min_value=-5.0),
            _with(mostly, "expect_column_values_to_be_between", column="x", max_value=30.0),
        ]
    for kind in ("min", "max", "mean", "stdev"):
        for column in ("x", "t", "i", "k", "j", "n"):
            for low, high in ((-1.0, 1.0), (-20.0, 20.0), (0.0, None), (None, 9.0), (-8.0, 8.0), (0.0, 10.0)):
                bounds = {key: v for key, v in (("min_value", low), ("max_value", high)) if v is not None}
                out.append(_with(None, f"expect_column_{kind}_to_be_between", column=column, **bounds))
            strict = {"min_value": -8, "max_value": 8, "strict_min": True, "strict_max": True}
            out.append(_with(None, f"expect_column_{kind}_to_be_between", column=column, **strict))
    for column in COLUMNS:
        for name in ("float64", "str", "int64", "Int64Dtype"):
            out.append(_with(None, "expect_column_values_to_be_of_type", column=column, type_=name))
        for names in (["float64", "float32", "int64", "int32", "float", "int", "Int64Dtype"], ["str", "object", "string"]):
            out.append(_with(None, "expect_column_values_to_be_in_type_list", column=column, type_list=names))
        out.append(_with(0.5, "expect_column_values_to_be_in_type_list", column=column, type_list=["int"]))
    out += [
        _with(None, "expect_table_columns_to_match_set", column_set=list(COLUMNS)),
        _with(None, "expect_table_columns_to_match_set", column_set=["x", "c", "z"]),
        _with(None, "expect_table_columns_to_match_set", column_set=["x", "c"], exact_match=False),
        _with(None, "expect_table_columns_to_match_set", column_set=["x", "c"], exact_match=True),
        _with(None, "expect_table_columns_to_match_set", column_set=[*COLUMNS, "z"], exact_match=False),
        _with(None, "expect_table_row_count_to_be_between", min_value=10, max_value=1000),
        _with(None, "expect_table_row_count_to_be_between", min_value=37, max_value=37, strict_max=True),
        _with(None, "expect_table_row_count_to_be_between", max_value=36),
        _with(None, "expect_table_row_count_to_equal", value=400),
    ]
    return out


def _native(item: dict, table: pa.Table, rng: np.random.Generator) -> dict:
    expectation = NativeExpectation.parse(item)
    assert expectation is not None, item
    if expectation.is_table:
        return result(expectation, Partial(), InferredType.UNKNOWN, TableFacts(COLUMNS, table.num_rows))
    kind = TYPES[expectation.column]
    column = expectation_column(table.column(expectation.column), kind.is_numeric)
    rows = len(column)
    cuts = sorted(rng.choice(np.arange(1, rows), size=3, replace=False).tolist())
    merged = Partial()
    for a, b in zip([0, *cuts], [*cuts, rows], strict=True):  # batches, merged in row order
        merged = merged.then(evaluate(expectation, column.slice(a, b - a), kind))
    whole = evaluate(expectation, column, kind)
    if expectation.is_aggregate:  # the standard deviation merges by Chan's formulas: equal up to rounding
        assert _same(result(expectation, merged, kind), result(expectation, whole, kind)), item
    else:
        assert merged == whole, item
    return result(expectation, merged, kind)


@pytest.mark.parametrize("seed,rows", [(1, 400), (2, 1_000), (3, 37)])
def test_every_native_result_equals_great_expectations(seed, rows):
    table = _table(seed, rows)
    suite = _suite()
    _, full = validate({"name": "native", "expectations": suite}, window_frame(table, TYPES))
    by_config = {_key(r["expectation_config"]): r for r in full["results"]}  # GX reorders its results
    assert len(by_config) == len(suite)
    rng = np.random.default_rng(seed)
    for item in suite:
        theirs, ours = by_config[_key(item)], _native(item, table, rng)
        assert ours["success"] == theirs["success"], (item, theirs["result"], ours["result"])
        for field in FIELDS:
            if field in theirs["result"] or field in ours["result"]:
                assert _same(ours["result"].get(field), theirs["result"].get(field)), (item, field, theirs["result"])


def test_the_type_name_table_is_what_great_expectations_does():
    """Each type name alone, on a column of each dtype the step builds: the native verdict equals GX's."""
    table = pa.table({"c": ["a", None], "x": [1.5, 2.0], "k": [1, 2], "i": ["1", None]})
    types = {"c": InferredType.STRING, "x": InferredType.FRACTIONAL, "k": InferredType.INTEGRAL, "i": InferredType.INTEGRAL}
    suite = [
        _with(None, "expect_column_values_to_be_in_type_list", column=column, type_list=[name])
        for name in TYPE_NAMES
        for column in types
    ]
    _, full = validate({"name": "names", "expectations": suite}, window_frame(table, types))
    by_config = {_key(r["expectation_config"]): r["success"] for r in full["results"]}
    for item in suite:
        expectation = NativeExpectation.parse(item)
        kind = types[item["kwargs"]["column"]]
        column = expectation_column(table.column(item["kwargs"]["column"]), kind.is_numeric)
        ours = result(expectation, evaluate(expectation, column, kind), kind)["success"]
        assert ours == by_config[_key(item)], item


def test_one_bad_value_among_a_million_fails_every_time():
    values = np.random.default_rng(4).uniform(0, 100, 1_000_000)
    values[777_777] = 100.5
    expectation = NativeExpectation.parse(
        _with(None, "expect_column_values_to_be_between", column="x", min_value=0, max_value=100)
    )
    merged = Partial()
    for start in range(0, len(values), 65_536):
        merged = merged.then(evaluate(expectation, pa.array(values[start : start + 65_536]), InferredType.FRACTIONAL))
    out = result(expectation, merged, InferredType.FRACTIONAL)
    assert out["success"] is False and out["result"]["unexpected_count"] == 1
    assert out["result"]["partial_unexpected_index_list"] == [777_777] and out["result"]["partial_unexpected_list"] == [100.5]


@pytest.mark.parametrize(
    "item",
    [
        _with(None, "expect_column_values_to_match_regex", column="c", regex="a(?=b)"),  # RE2 has no lookahead
        _with(None, "expect_column_values_to_not_match_regex", column="c", regex=r"(a)\1"),  # nor backreferences
        _with(None, "expect_column_median_to_be_between", column="x", min_value=0),
        _with(None, "expect_column_mean_to_be_between", column="x"),  # GX refuses it without a bound
        _with(None, "expect_column_values_to_be_of_type", column="x", type_="DOUBLE_PRECISION"),
        _with(None, "expect_column_values_to_be_between", column="x", min_value="2024-01-01"),
        _with(None, "expect_column_values_to_not_be_null", column="x", row_condition="y>1"),
        _with(None, "expect_column_values_to_be_in_type_list", column="x", type_list=["DOUBLE_PRECISION"]),
        _with(None, "expect_column_values_to_be_between", column="x", min_value=0, strict_min="yes"),
        _with(None, "expect_table_row_count_to_be_between", min_value={"$PARAMETER": "n"}),
        _with(None, "expect_table_row_count_to_be_between"),
        _with(None, "expect_column_values_to_not_be_null", column="x", result_format="COMPLETE"),
    ],
)
def test_arguments_not_evaluated_here_go_to_great_expectations(item):
    assert NativeExpectation.parse(item) is None


def test_types_that_need_numbers_or_text_go_to_great_expectations_on_other_columns():
    between = NativeExpectation.parse(_with(None, "expect_column_values_to_be_between", column="c", min_value=0))
    regex = NativeExpectation.parse(_with(None, "expect_column_values_to_match_regex", column="x", regex="^1"))
    mean = NativeExpectation.parse(_with(None, "expect_column_mean_to_be_between", column="c", min_value=0))
    assert between.fits(InferredType.FRACTIONAL) and not between.fits(InferredType.STRING)
    assert regex.fits(InferredType.STRING) and not regex.fits(InferredType.INTEGRAL)
    assert mean.fits(InferredType.INTEGRAL) and not mean.fits(InferredType.STRING)


def _key(config: dict) -> str:
    """An expectation's identity in GX's results, which reorder them and write some whole numbers as floats."""
    kwargs = {k: _floats(v) for k, v in config["kwargs"].items()}
    kwargs.pop("batch_id", None)
    if kwargs.get("exact_match") is True:
        del kwargs["exact_match"]  # GX's default, dropped from its config
    return config["type"] + json.dumps(kwargs, sort_keys=True)


def _floats(value: object) -> object:
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return float(value) if type(value) is int else value


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
