"""Each bias metric on a five-row case worked out by hand with exact fractions.

Rows (d?, y, yhat): (d,1,1) (d,0,1) (a,1,1) (a,1,0) (a,0,0).
a: TP 1, FN 1, TN 1, FP 0; d: TP 1, FP 1, FN 0, TN 0.
"""

from __future__ import annotations

import math
from fractions import Fraction as F  # noqa: N817 - reads like the fractions on paper

import numpy as np
import pytest

from analyzers.bias.inputs import BiasInputs
from analyzers.bias.registry import POST_TRAINING, PRE_TRAINING

X = BiasInputs(
    d=np.array([True, True, False, False, False]),
    y=np.array([True, False, True, True, False]),
    yhat=np.array([True, True, True, False, False]),
)

EXPECTED = {
    "CI": F(3 - 2, 5),
    "DPL": F(2, 3) - F(1, 2),
    "KL": F(1, 3) * math.log(F(1, 3) / F(1, 2)) + F(2, 3) * math.log(F(2, 3) / F(1, 2)),
    "LP": math.sqrt(2) / 6,
    "TVD": F(1, 6),
    "KS": F(1, 6),
    "DPPL": F(1, 3) - 1,
    "DI": F(1) / F(1, 3),
    "DCA": F(2, 1) - F(1, 2),  # c_a = 2 positives / 1 predicted; c_d = 1 / 2
    "DCR": math.inf,  # r_d = 1 negative / 0 predicted negatives
    "RD": F(1, 2) - 1,
    "SD": 0 - F(1, 1),
    "DAR": 1 - F(1, 2),
    "DRR": 0 - F(1, 2),  # npv_d = 0/0 = 0
    "AD": F(2, 3) - F(1, 2),
    "TE": -math.inf,  # tau_d = 0/1, tau_a = 1/0
    "GE": F(2, 2 * 5),  # benefits 1,2,1,0,1 with mean 1: sum(b^2 - 1) = 2
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metric_by_hand(name):
    fn = {**PRE_TRAINING, **POST_TRAINING}[name][0]
    assert fn(X) == pytest.approx(float(EXPECTED[name]), rel=1e-12)


def test_js_by_hand():
    p_a, p_d = np.array([1 / 3, 2 / 3]), np.array([1 / 2, 1 / 2])
    m = (p_a + p_d) / 2
    expected = 0.5 * (np.sum(p_a * np.log(p_a / m)) + np.sum(p_d * np.log(p_d / m)))
    assert PRE_TRAINING["JS"][0](X) == pytest.approx(expected, rel=1e-12)
