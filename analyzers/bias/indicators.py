"""Turning label, predicted-label and facet columns into indicators, as smclarify's report does.

Type detection (smclarify ``series_datatype``): categorical if several values are given or the dtype is
category or bool; float columns are continuous; integer and text columns are continuous when they hold
integers and at least 5% of their values are distinct. Categorical: a row is selected when it equals
one of the values (retrying with the values converted to the column's type). Continuous: when it is
strictly greater than the single threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype, is_object_dtype, is_string_dtype

UNIQUENESS_THRESHOLD = 0.05


class BiasStageError(ValueError):
    """A whole stage (pre- or post-training) cannot be computed."""


@dataclass(frozen=True, slots=True)
class Selection:
    indicator: np.ndarray
    continuous: bool
    text: str  # the value_or_threshold string of analysis.json


def is_continuous(series: pd.Series, values: list[Any] | None) -> bool:
    if isinstance(series.dtype, pd.CategoricalDtype) or (values is not None and len(values) > 1) or is_bool_dtype(series):
        return False
    present = series.dropna()
    unique_enough = len(present) > 0 and present.nunique() / len(present) >= UNIQUENESS_THRESHOLD
    if is_float_dtype(series):
        return True
    if is_integer_dtype(series):
        return unique_enough
    if is_object_dtype(series) or is_string_dtype(series):
        try:
            series.astype("int64")
        except (ValueError, TypeError):
            return False
        return unique_enough
    return False


def select(series: pd.Series, values: list[Any] | None, what: str) -> Selection:
    """Rows selected by ``values`` (labels: positives; facets: the sensitive group d)."""
    if is_continuous(series, values):
        if not values:
            raise BiasStageError("Threshold values must be provided for continuous features")
        try:
            threshold = float(values[0])
        except (TypeError, ValueError):
            raise BiasStageError("Facet/label value provided must be a single numeric threshold for continuous data") from None
        numeric = pd.to_numeric(series, errors="coerce")
        indicator = (numeric > threshold).fillna(False).to_numpy(dtype=bool)
        top = numeric.max()
        text = "" if not top > threshold else str(pd.Interval(values[0], top, closed="right"))
        return Selection(indicator, True, text)
    if not values:
        raise BiasStageError(f"{what} values must be provided")
    indicator = series.isin(values).to_numpy(dtype=bool)
    if not indicator.any() and len(series):
        indicator = series.isin(_converted(values, series.iloc[0])).to_numpy(dtype=bool)
    return Selection(indicator, False, ",".join(str(v) for v in values))


def _converted(values: list[Any], example: Any) -> list[Any]:
    kind = type(example)
    out = []
    for v in values:
        try:
            out.append(kind(v))
        except (TypeError, ValueError):
            try:
                out.append(float(v))
            except (TypeError, ValueError):
                out.append(v)
    return out


def distinct_in_order(series: pd.Series) -> list[Any]:
    """Distinct values in order of first appearance (one-vs-all facets)."""
    return list(pd.unique(series.dropna()))
