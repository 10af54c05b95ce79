"""AWS's model-quality metrics (docs/contract.md #model-quality) as pure functions over label arrays.

Binary: the confusion matrix as ``{actual: {predicted: count}}``, rates, F-scores, ROC and
precision-recall curves, AUC, and the same scores for the *best constant classifier*, which AWS takes
to be the one that always predicts the positive class (it reproduces AWS's sample file exactly).
Multiclass: support-weighted scores, and the constant classifier predicting the most frequent class.
Regression: MAE, MSE, RMSE, R2. Divisions by zero give 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

BINARY, MULTICLASS, REGRESSION = "BinaryClassification", "MulticlassClassification", "Regression"
SECTION = {
    BINARY: "binary_classification_metrics",
    MULTICLASS: "multiclass_classification_metrics",
    REGRESSION: "regression_metrics",
}
# Metrics where a lower value is better: constraints use GreaterThanThreshold for them.
LOWER_IS_BETTER = {"mae", "mse", "rmse", "false_positive_rate", "false_negative_rate"}


def _div(x: float, y: float) -> float:
    return float(x) / float(y) if y else 0.0


def f_beta(precision: float, recall: float, beta: float) -> float:
    """
    >>> f_beta(0.5, 1.0, 1.0)
    0.6666666666666666
    """
    b2 = beta * beta
    return _div((1 + b2) * precision * recall, b2 * precision + recall)


def regression(y: np.ndarray, yhat: np.ndarray) -> dict[str, float]:
    error = yhat - y
    mse = float(np.mean(error**2))
    total = float(np.sum((y - y.mean()) ** 2))
    return {
        "mae": float(np.mean(np.abs(error))),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "r2": 1.0 - float(np.sum(error**2)) / total if total else 0.0,
    }


def _binary_scores(y: np.ndarray, yhat: np.ndarray) -> dict[str, float]:
    tp, fp = int(np.sum(y & yhat)), int(np.sum(~y & yhat))
    fn, tn = int(np.sum(y & ~yhat)), int(np.sum(~y & ~yhat))
    precision, recall = _div(tp, tp + fp), _div(tp, tp + fn)
    return {
        "accuracy": _div(tp + tn, len(y)),
        "precision": precision,
        "recall": recall,
        "f0_5": f_beta(precision, recall, 0.5),
        "f1": f_beta(precision, recall, 1.0),
        "f2": f_beta(precision, recall, 2.0),
        "true_positive_rate": recall,
        "true_negative_rate": _div(tn, tn + fp),
        "false_positive_rate": _div(fp, fp + tn),
        "false_negative_rate": _div(fn, fn + tp),
    }


def binary(y: np.ndarray, yhat: np.ndarray, score: np.ndarray | None = None) -> dict[str, Any]:
    """All binary metrics; ``y`` and ``yhat`` boolean, ``score`` the positive-class probability."""
    scores = _binary_scores(y, yhat)
    constant = _binary_scores(y, np.ones_like(y))
    out: dict[str, Any] = dict(scores)
    for name in ("accuracy", "precision", "recall", "f0_5", "f1", "f2"):
        out[f"{name}_best_constant_classifier"] = constant[name]
    out["confusion_matrix"] = {
        "0": {"0": int(np.sum(~y & ~yhat)), "1": int(np.sum(~y & yhat))},
        "1": {"0": int(np.sum(y & ~yhat)), "1": int(np.sum(y & yhat))},
    }
    if score is not None:
        fpr, tpr, precisions, recalls = curves(y, score)
        out["receiver_operating_characteristic_curve"] = {"false_positive_rates": fpr, "true_positive_rates": tpr}
        out["precision_recall_curve"] = {"precisions": precisions, "recalls": recalls}
        out["auc"] = float(np.trapezoid(tpr, fpr)) if y.any() and (~y).any() else 0.0
    return out


def curves(y: np.ndarray, score: np.ndarray) -> tuple[list[float], list[float], list[float], list[float]]:
    """ROC and precision-recall points at every distinct score, from the highest threshold down."""
    order = np.argsort(-score, kind="stable")
    ranked_y, ranked_s = y[order], score[order]
    last_of_threshold = np.r_[np.flatnonzero(np.diff(ranked_s)), len(ranked_s) - 1]
    tps = np.cumsum(ranked_y)[last_of_threshold]
    fps = (last_of_threshold + 1) - tps
    positives, negatives = int(y.sum()), int((~y).sum())
    tpr = np.r_[0.0, tps / positives if positives else tps * 0.0]
    fpr = np.r_[0.0, fps / negatives if negatives else fps * 0.0]
    precisions = (tps / (tps + fps)).tolist()
    recalls = (tps / positives if positives else tps * 0.0).tolist()
    return fpr.tolist(), tpr.tolist(), [1.0, *precisions], [0.0, *recalls]


def multiclass(y: np.ndarray, yhat: np.ndarray) -> dict[str, Any]:
    labels = sorted(set(y.tolist()) | set(yhat.tolist()), key=str)
    scores = _weighted(y, yhat, labels)
    values, counts = np.unique(y, return_counts=True)
    majority = values[np.argmax(counts)]
    constant = _weighted(y, np.full_like(y, majority), labels)
    out: dict[str, Any] = dict(scores)
    for name, value in constant.items():
        out[f"{name}_best_constant_classifier"] = value
    out["confusion_matrix"] = {str(a): {str(p): int(np.sum((y == a) & (yhat == p))) for p in labels} for a in labels}
    return out


def _weighted(y: np.ndarray, yhat: np.ndarray, labels: list[Any]) -> dict[str, float]:
    n = len(y)
    totals = dict.fromkeys(("weighted_recall", "weighted_precision", "weighted_f0_5", "weighted_f1", "weighted_f2"), 0.0)
    for label in labels:
        actual, predicted = y == label, yhat == label
        support = int(actual.sum())
        if not support:
            continue
        tp = int(np.sum(actual & predicted))
        precision, recall = _div(tp, int(predicted.sum())), _div(tp, support)
        weight = support / n
        totals["weighted_recall"] += weight * recall
        totals["weighted_precision"] += weight * precision
        totals["weighted_f0_5"] += weight * f_beta(precision, recall, 0.5)
        totals["weighted_f1"] += weight * f_beta(precision, recall, 1.0)
        totals["weighted_f2"] += weight * f_beta(precision, recall, 2.0)
    return {"accuracy": _div(int(np.sum(y == yhat)), n), **totals}
