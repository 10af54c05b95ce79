"""Pre-training bias metrics (observed labels only): CI, DPL, KL, JS, LP, TVD, KS, CDDL.

Facet d is the sensitive group, a everything else; differences read "a minus d" unless said.
KL, JS, LP, TVD and KS compare the distributions of the binary label indicator within a and d, over
the values both facets have (not renormalised), exactly as smclarify does.
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.bias.inputs import BiasInputs, BiasMetricError, require_facets

_NO_COMMON = "No instance of common facet found, dataset may be too small"


def class_imbalance(x: BiasInputs) -> float:
    """Class Imbalance (CI)

    CI = (n_a - n_d) / (n_a + n_d).

    >>> class_imbalance(BiasInputs(d=np.array([True, False, False, False]), y=np.zeros(4, bool)))
    0.5
    """
    require_facets(
        x,
        "CI: facet set is empty. Check that x[facet] has non-zero length.",
        "CI: negated facet set is empty. Check that x[~facet] has non-zero length.",
    )
    n_a, n_d = int(x.a.sum()), int(x.d.sum())
    return (n_a - n_d) / (n_a + n_d)


def dpl(x: BiasInputs) -> float:
    """Difference in Positive Proportions in Labels (DPL)

    DPL = n_a(1)/n_a - n_d(1)/n_d.
    """
    return positive_proportion_difference(x, x.y)


def positive_proportion_difference(x: BiasInputs, positive: np.ndarray) -> float:
    require_facets(x, "Facet set is empty.", "Negative facet set is empty.")
    return float(positive[x.a].mean() - positive[x.d].mean())


def _aligned(x: BiasInputs) -> tuple[np.ndarray, np.ndarray]:
    """P_a and P_d of the label indicator over the values both facets have."""
    if not x.d.any() or not x.a.any():
        raise BiasMetricError(_NO_COMMON)
    p_a = np.array([1 - x.y[x.a].mean(), x.y[x.a].mean()])
    p_d = np.array([1 - x.y[x.d].mean(), x.y[x.d].mean()])
    common = (p_a > 0) & (p_d > 0)
    if not common.any():
        raise BiasMetricError(_NO_COMMON)
    return p_a[common], p_d[common]


def kl_divergence(x: BiasInputs) -> float:
    """Kullback-Liebler Divergence (KL)

    KL = sum_v P_a(v) ln(P_a(v) / P_d(v)); can be negative when one facet has a single outcome.
    """
    p_a, p_d = _aligned(x)
    return float(np.sum(p_a * np.log(p_a / p_d)))


def js_divergence(x: BiasInputs) -> float:
    """Jensen-Shannon Divergence (JS)

    JS = (KL(P_a || M) + KL(P_d || M)) / 2 with M = (P_a + P_d) / 2.
    """
    p_a, p_d = _aligned(x)
    m = (p_a + p_d) / 2
    return float(0.5 * (np.sum(p_a * np.log(p_a / m)) + np.sum(p_d * np.log(p_d / m))))


def lp_norm(x: BiasInputs) -> float:
    """L-p Norm (LP)

    LP = (sum_v (P_a(v) - P_d(v))^2)^(1/2).
    """
    p_a, p_d = _aligned(x)
    return float(math.sqrt(np.sum((p_a - p_d) ** 2)))


def total_variation_distance(x: BiasInputs) -> float:
    """Total Variation Distance (TVD)

    TVD = sum_v |P_a(v) - P_d(v)| / 2.
    """
    p_a, p_d = _aligned(x)
    return float(0.5 * np.sum(np.abs(p_a - p_d)))


def kolmogorov_smirnov(x: BiasInputs) -> float:
    """Kolmogorov-Smirnov Distance (KS)

    KS = max_v |P_a(v) - P_d(v)|.
    """
    p_a, p_d = _aligned(x)
    return float(np.max(np.abs(p_a - p_d)))


def cddl(x: BiasInputs) -> float:
    """Conditional Demographic Disparity in Labels (CDDL)

    CDD = sum_i n_i DD_i / sum_i n_i over the sorted groups i, DD_i = D_i - A_i, where A_i is d's share
    of group i's positives and D_i its share of the group's negatives (0 when a group has none).
    """
    return conditional_demographic_disparity(x, x.y)


def conditional_demographic_disparity(x: BiasInputs, positive: np.ndarray) -> float:
    if x.group is None:
        raise BiasMetricError("Group variable is empty or not provided")
    if not positive.any():
        raise BiasMetricError("No positive labels in set")
    if positive.all():
        raise BiasMetricError("No negative labels in set")
    values = x.group.to_numpy()
    try:
        groups = sorted(set(values.tolist()))
    except TypeError as exc:
        raise BiasMetricError(str(exc)) from None
    weighted, total = 0.0, 0
    for g in groups:
        in_group = values == g
        n_pos, n_neg = int(np.sum(positive & in_group)), int(np.sum(~positive & in_group))
        share_pos = np.sum(positive & in_group & x.d) / n_pos if n_pos else 0.0
        share_neg = np.sum(~positive & in_group & x.d) / n_neg if n_neg else 0.0
        n_i = int(in_group.sum())
        weighted += n_i * (share_neg - share_pos)
        total += n_i
    return float(weighted / total)
