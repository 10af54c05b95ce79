"""Binary-classification quality before the labels arrive: confidence-based performance estimation.

If the scores are calibrated (a score of 0.8 is right 80% of the time), each prediction's chance of
being a true positive, false positive, false negative or true negative is known from its score alone,
so the expected confusion matrix (and accuracy, precision, recall, F1) follows without labels. The
interval comes from simulating labels from the scores. The estimate is only as good as the calibration:
``expected_calibration_error`` measures it on labelled data (the baseline) first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CALIBRATION_BINS = 10
SIMULATIONS = 400


@dataclass(frozen=True, slots=True)
class Estimate:
    value: float
    lower: float
    upper: float


def expected_calibration_error(y: np.ndarray, score: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """Mean |observed positive rate - mean score| over equal-width score bins, weighted by bin size.

    >>> round(expected_calibration_error(np.array([1, 0, 1, 1]), np.array([0.9, 0.1, 0.8, 0.7])), 3)
    0.175
    """
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(score, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = which == b
        if in_bin.any():
            error += in_bin.mean() * abs(y[in_bin].mean() - score[in_bin].mean())
    return float(error)


def _scores(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, tn: np.ndarray) -> dict[str, np.ndarray]:
    n = tp + fp + fn + tn
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp, dtype=float), where=(tp + fp) > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp, dtype=float), where=(tp + fn) > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(precision), where=(precision + recall) > 0)
    return {"accuracy": (tp + tn) / n, "precision": precision, "recall": recall, "f1": f1}


def estimate(score: np.ndarray, threshold: float, rng: np.random.Generator, confidence: float = 0.95) -> dict[str, Estimate]:
    """Expected accuracy, precision, recall and F1 of thresholded, calibrated scores, with intervals."""
    predicted = score > threshold
    p = score.astype(float)
    expected = _scores(
        np.array([p[predicted].sum()]),
        np.array([(1 - p[predicted]).sum()]),
        np.array([p[~predicted].sum()]),
        np.array([(1 - p[~predicted]).sum()]),
    )
    labels = rng.random((SIMULATIONS, len(p))) < p
    tp = (labels & predicted).sum(axis=1).astype(float)
    fp = (~labels & predicted).sum(axis=1).astype(float)
    fn = (labels & ~predicted).sum(axis=1).astype(float)
    tn = (~labels & ~predicted).sum(axis=1).astype(float)
    simulated = _scores(tp, fp, fn, tn)
    tail = (1 - confidence) / 2 * 100
    return {
        name: Estimate(
            float(expected[name][0]),
            float(np.percentile(simulated[name], tail)),
            float(np.percentile(simulated[name], 100 - tail)),
        )
        for name in expected
    }
