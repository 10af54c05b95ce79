"""Native expectation evaluators against Great Expectations itself, on the same rows (a differential test).

Generated columns with nulls and edge values, every native type with and without ``mostly``, strict flags and
bounds on the data's own values; the native verdict and every result field (counts, percentages, the first
unexpected values, their row numbers and counts) must equal GX's. The rows are also split into batches at
random places and merged: the result must not depend on the split.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analyzers.quality.native_expectations import NativeExpectation, Partial, evaluate, result
from container.steps.gx_setup import validate

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
)


def _frame(seed: int, rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(0, 10, rows), 2)
    x[rng.random(rows) < 0.1] = np.nan
    x[:3] = [-5.0, 5.0, 0.0]  # the bounds themselves, for the strict flags
    c = rng.choice(np.array(["a", "b", "c", "d", "<e>"], dtype=object), rows)
    c[rng.random(rows) < 0.05] = None
    return pd.DataFrame({"x": x.astype("float64"), "c": c})


def _suite() -> list[dict]:
    out = []
    for mostly in (None, 0.5, 0.9, 0.95):
        extra = {} if mostly is None else {"mostly": mostly}
        out += [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x", **extra}},
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "c", **extra}},
            {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "c", "value_set": ["a", "b", "c"], **extra}},
            {"type": "expect_column_values_to_not_be_in_set", "kwargs": {"column": "c", "value_set": ["<e>"], **extra}},
            {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "x", "value_set": [0.0, 5.0, -5.0], **extra}},
        ]
        for strict_min in (False, True):
            for strict_max in (False, True):
                bounds = {"min_value": -5.0, "max_value": 5.0}
                bounds |= {"strict_min": True} if strict_min else {}
                bounds |= {"strict_max": True} if strict_max else {}
                out.append({"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", **bounds, **extra}})
        out += [
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "min_value": -5.0, **extra}},
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "max_value": 30.0, **extra}},
        ]
    return out


def _arrow(frame: pd.DataFrame, name: str) -> pa.Array:
    """The column as the expectation step types it: float64, or strings with nulls."""
    column = frame[name]
    if pd.api.types.is_float_dtype(column):
        return pa.array(column.to_numpy(dtype="float64"))
    return pa.array([None if pd.isna(v) else str(v) for v in column], type=pa.string())


@pytest.mark.parametrize("seed,rows", [(1, 400), (2, 1_000), (3, 37)])
def test_every_native_result_equals_great_expectations(seed, rows):
    frame = _frame(seed, rows)
    suite = _suite()
    _, full = validate({"name": "native", "expectations": suite}, frame)
    by_config = {_key(r["expectation_config"]): r for r in full["results"]}  # GX reorders its results
    assert len(by_config) == len(suite)
    rng = np.random.default_rng(seed)
    for item in suite:
        theirs = by_config[_key(item)]
        expectation = NativeExpectation.parse(item)
        assert expectation is not None, item
        column = _arrow(frame, expectation.column)
        cuts = sorted(rng.choice(np.arange(1, rows), size=3, replace=False).tolist())
        merged = Partial()
        for a, b in zip([0, *cuts], [*cuts, rows], strict=True):  # batches, merged in row order
            merged = merged.then(evaluate(expectation, column.slice(a, b - a)))
        assert merged == evaluate(expectation, column), item
        ours = result(expectation, merged)
        assert ours["success"] == theirs["success"], (item, theirs["result"])
        for field in FIELDS:
            if field in theirs["result"] or field in ours["result"]:
                assert _same(ours["result"].get(field), theirs["result"].get(field)), (item["type"], item["kwargs"], field)


def test_one_bad_value_among_a_million_fails_every_time():
    values = np.random.default_rng(4).uniform(0, 100, 1_000_000)
    values[777_777] = 100.5
    expectation = NativeExpectation.parse(
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "min_value": 0, "max_value": 100}}
    )
    merged = Partial()
    for start in range(0, len(values), 65_536):
        merged = merged.then(evaluate(expectation, pa.array(values[start : start + 65_536])))
    out = result(expectation, merged)
    assert out["success"] is False and out["result"]["unexpected_count"] == 1
    assert out["result"]["partial_unexpected_index_list"] == [777_777] and out["result"]["partial_unexpected_list"] == [100.5]


def test_arguments_not_evaluated_here_go_to_great_expectations():
    assert (
        NativeExpectation.parse({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "c", "regex": "a"}}) is None
    )
    assert (
        NativeExpectation.parse(
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "min_value": "2024-01-01"}}
        )
        is None
    )
    assert (
        NativeExpectation.parse(
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x", "row_condition": "y>1"}}
        )
        is None
    )


def _key(config: dict) -> str:
    kwargs = {k: v for k, v in config["kwargs"].items() if k != "batch_id"}
    return config["type"] + json.dumps(kwargs, sort_keys=True)


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b
