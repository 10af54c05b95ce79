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


def test_cddl_and_cddpl_by_hand():
    """Two groups. g1: rows 0-3 (d d a a), g2: rows 4-5 (d a).
    y    = 1 0 1 0 | 1 0  -> g1: A = 1/2 (d holds 1 of 2 positives), D = 1/2; g2: A = 1, D = 0
    CDDL = (4 * (1/2 - 1/2) + 2 * (0 - 1)) / 6 = -1/3
    yhat = 1 1 0 0 | 0 1  -> g1: A = 2/2, D = 0/2; g2: A = 0 (no positive), D = 1/1
    CDDPL = (4 * (0 - 1) + 2 * (1 - 0)) / 6 = -1/3"""
    import pandas as pd

    x = BiasInputs(
        d=np.array([True, True, False, False, True, False]),
        y=np.array([True, False, True, False, True, False]),
        yhat=np.array([True, True, False, False, False, True]),
        group=pd.Series(["g1", "g1", "g1", "g1", "g2", "g2"]),
    )
    assert PRE_TRAINING["CDDL"][0](x) == pytest.approx(float(F(-1, 3)))
    assert POST_TRAINING["CDDPL"][0](x) == pytest.approx(float(F(-1, 3)))


def test_flip_test_by_hand():
    """Facet a at x = 0, 1, 2 (k = 1 as n_a <= 9) predicted 1, 0, 0; facet d at x = 0.1 and 2.1 predicted 0, 1.
    Nearest a-neighbours: 0.1 -> 0 (predicted 1), 2.1 -> 2 (predicted 0).
    d row 1: yhat 0, counterfactual 1 -> F-; d row 2: yhat 1, counterfactual 0 -> F+. FT = (1 - 1) / 2 = 0.
    Moving d row 1's prediction to 1 makes FT = (1 - 0) / 2 = 1/2."""
    import pandas as pd

    d = np.array([False, False, False, True, True])
    features = pd.DataFrame({"x": [0.0, 1.0, 2.0, 0.1, 2.1]})
    ft = POST_TRAINING["FT"][0]
    y = np.zeros(5, bool)
    assert ft(BiasInputs(d=d, y=y, yhat=np.array([True, False, False, False, True]), features=features)) == 0.0
    assert ft(BiasInputs(d=d, y=y, yhat=np.array([True, False, False, True, True]), features=features)) == pytest.approx(0.5)
