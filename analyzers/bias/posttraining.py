"""Post-training bias metrics (observed and predicted labels): DPPL, DI, DCA, DCR, RD, SD, DAR, DRR,
AD, CDDPL, TE, FT, GE. Signs follow smclarify: "a minus d" except DCR, SD, DRR and TE ("d minus a")."""

from __future__ import annotations

import math

import numpy as np
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from analyzers.bias.inputs import BiasInputs, BiasMetricError, confusion, require_facets, safe_div
from analyzers.bias.pretraining import conditional_demographic_disparity, positive_proportion_difference

FT_SMALL_FACET = 9  # k = 5 neighbours when facet a has more rows than this, else k = 1


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


def flip_test(x: BiasInputs) -> float:
    """Flip Test (FT)

    A k-NN classifier fit on facet a's features and predicted labels (k = 5, or 1 when n_a <= 9)
    predicts a counterfactual label for each d row; FT = (F+ - F-) / n_d with F+ the d rows predicted
    positive whose counterfactual is negative, F- the reverse.
    """
    features = x.features
    if features is not None and not all(is_numeric_dtype(t) or is_bool_dtype(t) for t in features.dtypes):
        raise BiasMetricError("FlipTest does not support non-numeric columns")
    require_facets(x, "Facet set is empty", "Negated Facet set is empty")
    if features is None or features.shape[1] == 0:
        raise BiasMetricError("FlipTest needs feature columns")
    yhat = x.predicted()
    matrix = features.to_numpy(dtype=float, na_value=np.nan)  # nullable Int64 columns hold pd.NA
    train, labels, queries = matrix[x.a], yhat[x.a], matrix[x.d]
    k = 5 if len(train) > FT_SMALL_FACET else 1
    counterfactual = np.empty(len(queries), dtype=bool)
    for start in range(0, len(queries), 1024):
        chunk = queries[start : start + 1024]
        distances = ((chunk[:, None, :] - train[None, :, :]) ** 2).sum(axis=2)
        nearest = np.argsort(distances, axis=1, kind="stable")[:, :k]
        counterfactual[start : start + len(chunk)] = labels[nearest].sum(axis=1) * 2 > k
    actual = yhat[x.d]
    flips_positive = int(np.sum(actual & ~counterfactual))
    flips_negative = int(np.sum(~actual & counterfactual))
    return (flips_positive - flips_negative) / int(x.d.sum())


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
