"""The row sample as a pandas frame with the baseline's types: what the expectation suite, the bias step
and the baseline's bias report read."""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow as pa

from analyzers.types import InferredType
from container.load.columns import expectation_column

log = logging.getLogger(__name__)


def window_frame(sample: pa.Table | None, types: dict[str, InferredType]) -> pd.DataFrame:
    """The sampled rows as pandas, each column with the type the profile inferred, so the bias step's
    type detection and the expectations see what Clarify's CSV reader would: Integral as integers (int64,
    pandas' nullable Int64 when a value is missing), Fractional as float64, everything else as text. In a
    numeric column a value that is not a number is missing (``expectation_column``: the native expectation
    evaluators read the same numbers); an Integral column holding a number that is not a whole int64 is read
    as float64 (with a warning), so no number is lost."""

    def kind(name: str) -> InferredType:
        return types.get(name, InferredType.STRING)

    if sample is None:
        empty = {InferredType.INTEGRAL: "int64", InferredType.FRACTIONAL: "float64"}
        return pd.DataFrame({name: pd.Series(dtype=empty.get(kind(name), "object")) for name in types})
    frame = {}
    for name in sample.column_names:
        if not kind(name).is_numeric:
            column = sample.column(name).to_pandas()
            frame[name] = column.astype(object).where(column.notna(), None)
            continue
        numbers = expectation_column(sample.column(name), numeric=True).to_pandas()
        present = numbers.dropna()
        whole = bool(((present == present.round()) & (present >= -(2.0**63)) & (present < 2.0**63)).all())
        if kind(name) is InferredType.INTEGRAL and whole:
            frame[name] = numbers.astype("int64") if len(present) == len(numbers) else numbers.astype("Int64")
        else:
            if kind(name) is InferredType.INTEGRAL:
                log.warning(
                    "Column %r is Integral in the baseline but holds numbers that are not whole in this window; "
                    "it is read as floating point.",
                    name,
                )
            frame[name] = numbers
    return pd.DataFrame(frame)
