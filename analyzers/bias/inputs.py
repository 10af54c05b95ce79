"""The indicators every bias metric reads, and the safe division they share."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


class BiasMetricError(ValueError):
    """One metric cannot be computed; the report shows this message as the metric's ``error``."""


@dataclass(frozen=True, slots=True)
class BiasInputs:
    """``d``: rows of the sensitive facet; ``y``/``yhat``: positive observed/predicted labels;
    ``group``: the group variable (CDDL/CDDPL); ``features``: the FlipTest's feature columns."""

    d: np.ndarray
    y: np.ndarray
    yhat: np.ndarray | None = None
    group: pd.Series | None = None
    features: pd.DataFrame | None = None

    @property
    def a(self) -> np.ndarray:
        return ~self.d

    def predicted(self) -> np.ndarray:
        if self.yhat is None:
            raise BiasMetricError("Predicted labels are required for post-training metrics")
        return self.yhat


def safe_div(x: float, y: float) -> float:
    """x / y, with 0/0 = 0 and x/0 = +-inf (smclarify's divide).

    >>> safe_div(1, 4), safe_div(0, 0), safe_div(3, 0)
    (0.25, 0.0, inf)
    """
    if y != 0:
        return x / y
    if x == 0:
        return 0.0
    return math.inf if x > 0 else -math.inf


def require_facets(inputs: BiasInputs, d_empty: str, a_empty: str) -> None:
    """Raise the metric's own message when a facet is empty (d is checked first, as smclarify does)."""
    if not inputs.d.any():
        raise BiasMetricError(d_empty)
    if not inputs.a.any():
        raise BiasMetricError(a_empty)


def confusion(inputs: BiasInputs, facet: np.ndarray) -> tuple[int, int, int, int]:
    """TP, FP, FN, TN within a facet."""
    y, yhat = inputs.y[facet], inputs.predicted()[facet]
    return (
        int(np.sum(y & yhat)),
        int(np.sum(~y & yhat)),
        int(np.sum(y & ~yhat)),
        int(np.sum(~y & ~yhat)),
    )
