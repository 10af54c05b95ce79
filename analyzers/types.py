"""Value types shared by the analyzers: inferred types and the normalised column."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pyarrow as pa


class InferredType(StrEnum):
    """The ``inferred_type`` strings of SageMaker's ``statistics.json`` and ``constraints.json``."""

    INTEGRAL = "Integral"
    FRACTIONAL = "Fractional"
    STRING = "String"
    UNKNOWN = "Unknown"

    @property
    def is_numeric(self) -> bool:
        return self in (InferredType.INTEGRAL, InferredType.FRACTIONAL)


@dataclass(frozen=True, slots=True)
class ColumnData:
    """One column of one batch, already classified value by value at the container's edge.

    ``numbers`` holds the finite values of entries that parse as numbers; ``texts`` the
    non-missing entries as strings (only when categories are tracked, else ``None``).
    Every entry is counted in exactly one of missing, integral, fractional or string.
    """

    name: str
    numbers: np.ndarray
    texts: pa.Array | None
    n_missing: int
    n_integral: int
    n_fractional: int
    n_string: int

    @property
    def n_total(self) -> int:
        return self.n_missing + self.n_integral + self.n_fractional + self.n_string
