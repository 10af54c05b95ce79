"""Post-training bias metrics (observed and predicted labels): DPPL, DI, DCA, DCR, RD, SD, DAR, DRR,
AD, CDDPL, TE, FT, GE. Signs follow smclarify: "a minus d" except DCR, SD, DRR and TE ("d minus a")."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from analyzers.bias.inputs import BiasInputs, BiasMetricError, confusion, require_facets, safe_div
from analyzers.bias.neighbours import nearest
from analyzers.bias.pretraining import conditional_demographic_disparity, positive_proportion_difference

FT_SMALL_FACET = 9  # k = 5 neighbours when facet a has more rows than this, else k = 1
FT_NEIGHBOURS_KEPT = 40  # per d row, for resampled FlipTests (see flip_test_resampled)


def dppl(x: BiasInputs) -> float:
    """Difference in Positive Proportions in Predicted Labels (DPPL)

    DPPL = n^_a(1)/n_a - n^_d(1)/n_d.
    """
    return positive_proportion_difference(x, x.predicted())


def disparate_impact(x: BiasInputs) -> float:
    """Disparate Impact (DI)

    DI = q^_d / q^_a (parity 1; +inf when a has no positive prediction).
    """
    require_facets(x, "Facet set is empty", "Negated facet set is empty")
    yhat = x.predicted()
    return safe_div(float(yhat[x.d].mean()), float(yhat[x.a].mean()))


def _difference_of_infinities(first: float, second: float, both_infinite: float | int) -> float | int:
    if math.isinf(first) and math.isinf(second) and first == second:
        return both_infinite
    return first - second


def dca(x: BiasInputs) -> float | int:
    """Difference in Conditional Acceptance (DCA)

    c_x = n_x(1) / n^_x(1); DCA = c_a - c_d (the integer 0 when both are infinite).
    """
    require_facets(x, "DCO: Facet set is empty", "DCO: Negated Facet set is empty")
    yhat = x.predicted()
    c_a = safe_div(int(x.y[x.a].sum()), int(yhat[x.a].sum()))
    c_d = safe_div(int(x.y[x.d].sum()), int(yhat[x.d].sum()))
    return _difference_of_infinities(c_a, c_d, 0)


def dcr(x: BiasInputs) -> float | int:
    """Difference in Conditional Rejection (DCR)

    r_x = n_x(0) / n^_x(0); DCR = r_d - r_a (the integer 0 when both are infinite).
    """
    require_facets(x, "DCO: Facet set is empty", "DCO: Negated Facet set is empty")
    yhat = x.predicted()
    r_a = safe_div(int((~x.y[x.a]).sum()), int((~yhat[x.a]).sum()))
    r_d = safe_div(int((~x.y[x.d]).sum()), int((~yhat[x.d]).sum()))
    return _difference_of_infinities(r_d, r_a, 0)


def recall_difference(x: BiasInputs) -> float:
    """Recall Difference (RD)

    RD = TP_a/(TP_a + FN_a) - TP_d/(TP_d + FN_d).
    """
    require_facets(x, "DLA: Facet set is empty", "DLA: Negated Facet set is empty")
    tp_a, _, fn_a, _ = confusion(x, x.a)
    tp_d, _, fn_d, _ = confusion(x, x.d)
    return safe_div(tp_a, tp_a + fn_a) - safe_div(tp_d, tp_d + fn_d)


def specificity_difference(x: BiasInputs) -> float:
    """Specificity Difference (SD)

    SD = TN_d/(TN_d + FP_d) - TN_a/(TN_a + FP_a).
    """
    require_facets(x, "DLA: Facet set is empty", "DLA: Negated Facet set is empty")
    _, fp_a, _, tn_a = confusion(x, x.a)
    _, fp_d, _, tn_d = confusion(x, x.d)
    return safe_div(tn_d, tn_d + fp_d) - safe_div(tn_a, tn_a + fp_a)


def dar(x: BiasInputs) -> float:
    """Difference in Acceptance Rates (DAR)

    DAR = TP_a/(TP_a + FP_a) - TP_d/(TP_d + FP_d).
    """
    require_facets(x, "DLR: Facet set is empty", "DLR: Negated Facet set is empty")
    tp_a, fp_a, _, _ = confusion(x, x.a)
    tp_d, fp_d, _, _ = confusion(x, x.d)
    return safe_div(tp_a, tp_a + fp_a) - safe_div(tp_d, tp_d + fp_d)


def drr(x: BiasInputs) -> float:
    """Difference in Rejection Rates (DRR)

    DRR = TN_d/(TN_d + FN_d) - TN_a/(TN_a + FN_a).
    """
    require_facets(x, "DLR: Facet set is empty", "DLR: Negated Facet set is empty")
    _, _, fn_a, tn_a = confusion(x, x.a)
    _, _, fn_d, tn_d = confusion(x, x.d)
    return safe_div(tn_d, tn_d + fn_d) - safe_div(tn_a, tn_a + fn_a)


def accuracy_difference(x: BiasInputs) -> float:
    """Accuracy Difference (AD)

    AD = (TP_a + TN_a)/n_a - (TP_d + TN_d)/n_d.
    """
    require_facets(x, "Facet set is empty", "Negated Facet set is empty")
    tp_a, _, _, tn_a = confusion(x, x.a)
    tp_d, _, _, tn_d = confusion(x, x.d)
    return (tp_a + tn_a) / int(x.a.sum()) - (tp_d + tn_d) / int(x.d.sum())


def cddpl(x: BiasInputs) -> float:
    """Conditional Demographic Disparity in Predicted Labels (CDDPL)

    CDDL's formula on the predicted labels.
    """
    return conditional_demographic_disparity(x, x.predicted())


def treatment_equality(x: BiasInputs) -> float:
    """Treatment Equality (TE)

    TE = FN_d/FP_d - FN_a/FP_a (0.0 when both are infinite).
    """
    require_facets(x, "Facet set is empty", "Negated Facet set is empty")
    _, fp_a, fn_a, _ = confusion(x, x.a)
    _, fp_d, fn_d, _ = confusion(x, x.d)
    return float(_difference_of_infinities(safe_div(fn_d, fp_d), safe_div(fn_a, fp_a), 0.0))


def _flip_inputs(x: BiasInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The FlipTest's feature matrix and predictions, checked as smclarify checks them."""
    features = x.features
    if features is not None and not all(is_numeric_dtype(t) or is_bool_dtype(t) for t in features.dtypes):
        raise BiasMetricError("FlipTest does not support non-numeric columns")
    require_facets(x, "Facet set is empty", "Negated Facet set is empty")
    if features is None or features.shape[1] == 0:
        raise BiasMetricError("FlipTest needs feature columns")
    matrix = features.to_numpy(dtype=float, na_value=np.nan)  # nullable Int64 columns hold pd.NA
    return matrix[x.a], matrix[x.d], x.predicted()


def flip_test(x: BiasInputs) -> float:
    """Flip Test (FT)

    A k-NN classifier fit on facet a's features and predicted labels (k = 5, or 1 when n_a <= 9)
    predicts a counterfactual label for each d row; FT = (F+ - F-) / n_d with F+ the d rows predicted
    positive whose counterfactual is negative, F- the reverse.
    """
    train, queries, yhat = _flip_inputs(x)
    k = 5 if len(train) > FT_SMALL_FACET else 1
    counterfactual = yhat[x.a][nearest(train, queries, k)].sum(axis=1) * 2 > k
    actual = yhat[x.d]
    flips_positive = int(np.sum(actual & ~counterfactual))
    flips_negative = int(np.sum(~actual & counterfactual))
    return (flips_positive - flips_negative) / int(x.d.sum())


def flip_test_resampled(x: BiasInputs) -> Callable[[np.ndarray], float]:
    """FT of bootstrap resamples: ``statistic(rows)`` is FT of the rows ``rows`` (indices into x's rows,
    with repeats), without refitting the k-NN on each resample.

    Each d row's ``FT_NEIGHBOURS_KEPT`` nearest a rows are found once; in a resample an a row drawn c
    times counts c times, and d's vote goes to the first k drawn (with repeats) of its list. This is FT
    of the resampled rows exactly, except that ties between distinct equidistant a rows go to the lower
    original index (a refit would break them by resample position), and that a d row whose whole list
    was drawn fewer than k times votes with what was drawn (probability about 1e-12 per row for 40 rows).
    """
    train, queries, yhat = _flip_inputs(x)
    a_rows, d_rows = np.flatnonzero(x.a), np.flatnonzero(x.d)
    lists = nearest(train, queries, min(FT_NEIGHBOURS_KEPT, len(train)))
    list_positive = yhat[a_rows][lists]
    actual = yhat[d_rows]
    n = len(x.d)

    def statistic(rows: np.ndarray) -> float:
        drawn = np.bincount(rows, minlength=n)
        drawn_a, drawn_d = drawn[a_rows], drawn[d_rows]
        n_a, n_d = int(drawn_a.sum()), int(drawn_d.sum())
        if n_d == 0 or n_a == 0:
            raise BiasMetricError("Facet set is empty" if n_d == 0 else "Negated Facet set is empty")
        k = 5 if n_a > FT_SMALL_FACET else 1
        present = np.flatnonzero(drawn_d)
        weight = drawn_a[lists[present]]
        reach = np.cumsum(weight, axis=1)
        votes = np.minimum(reach, k) - np.minimum(reach - weight, k)
        counterfactual = (votes * list_positive[present]).sum(axis=1) * 2 > k
        mine = actual[present]
        flips = (mine & ~counterfactual).astype(np.int64) - (~mine & counterfactual)
        return float((drawn_d[present] * flips).sum() / n_d)

    return statistic


def generalized_entropy(x: BiasInputs) -> float:
    """Generalized Entropy (GE)

    b_i = yhat_i - y_i + 1; GE = sum((b_i / mean(b))^2 - 1) / (2 n), over all rows (alpha = 2).
    """
    benefit = x.predicted().astype(float) - x.y.astype(float) + 1
    mean = benefit.mean()
    if mean == 0:
        raise BiasMetricError(
            "All predicted labels are false negatives. There should be at least one prediction that is not false negative."
        )
    return float(np.sum((benefit / mean) ** 2 - 1) / (2 * len(benefit)))
