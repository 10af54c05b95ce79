"""Binary-classification quality before the labels arrive: confidence-based performance estimation.

Once a score is mapped to the chance of a positive (``calibration.Calibration``, fitted on the labelled
baseline), each prediction's chance of being a true positive, false positive, false negative or true
negative is known, so the expected confusion matrix follows without labels: accuracy, precision, recall
and F1 from its expected counts, ROC AUC from the expected ROC curve (NannyML's CBPE computes the same).

The interval covers the *realised* value of the window. Two things move it: which of the window's
predictions turn out positive (labels drawn from the calibrated chances) and how well the baseline knew
the calibration (block shares drawn from their posteriors, ``Calibration.draw``). Both are simulated
together, ``SIMULATIONS`` times. Concept drift (the same score meaning something else now) is by design
not covered: the realised value then leaves the interval, which is how it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from analyzers.model_quality.calibration import Calibration

CALIBRATION_BINS = 10
SIMULATIONS = 400
# Simulated labels are drawn in slices of about this many cells, so memory stays flat in the window's size.
CELLS_PER_SLICE = 4_000_000


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


def _from_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, tn: np.ndarray) -> dict[str, np.ndarray]:
    """Accuracy, precision, recall and F1 of (arrays of) confusion counts; a division by zero gives 0,
    as AWS's metrics do."""
    n = tp + fp + fn + tn
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp, dtype=float), where=(tp + fp) > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp, dtype=float), where=(tp + fn) > 0)
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros_like(tp, dtype=float), where=(2 * tp + fp + fn) > 0)
    return {"accuracy": (tp + tn) / n, "precision": precision, "recall": recall, "f1": f1}


def expected_auc(score: np.ndarray, p: np.ndarray) -> float:
    """The area under the expected ROC curve: every (positive, negative) pair weighted by the chance that
    it is one, counted 1 when the positive scores higher and 1/2 on a tie.

    >>> expected_auc(np.array([0.1, 0.9]), np.array([0.0, 1.0]))
    1.0
    >>> expected_auc(np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    0.5
    """
    distinct, group = np.unique(score, return_inverse=True)
    negatives = np.bincount(group, weights=1 - p, minlength=len(distinct))
    below = np.cumsum(negatives) - negatives  # expected negatives scoring strictly lower
    beaten = below[group] + negatives[group] / 2
    pairs = p.sum() * (1 - p).sum()
    return float(p @ beaten / pairs) if pairs > 0 else float("nan")


def estimate(
    score: np.ndarray,
    predicted: np.ndarray,
    calibration: Calibration | None,
    rng: np.random.Generator,
    confidence: float = 0.95,
) -> dict[str, Estimate]:
    """Expected accuracy, precision, recall, F1 and ROC AUC of the window's predictions (boolean
    ``predicted``) from their finite scores, with ``confidence`` intervals for the realised values.
    Without a calibration the scores are taken as chances as they are."""
    p = _chance(score, calibration)
    expected = {
        name: float(value[0])
        for name, value in _from_counts(
            np.array([p[predicted].sum()]),
            np.array([(1 - p[predicted]).sum()]),
            np.array([p[~predicted].sum()]),
            np.array([(1 - p[~predicted]).sum()]),
        ).items()
    }
    expected["auc"] = expected_auc(score, p)
    simulated = _simulate(score, predicted, calibration, p, rng)
    tail = (1 - confidence) / 2 * 100
    out = {}
    for name, value in expected.items():
        draws = simulated[name][np.isfinite(simulated[name])]
        if not np.isfinite(value) or draws.size == 0:
            continue  # e.g. AUC when the window cannot hold both classes
        out[name] = Estimate(value, float(np.percentile(draws, tail)), float(np.percentile(draws, 100 - tail)))
    return out


def _simulate(
    score: np.ndarray, predicted: np.ndarray, calibration: Calibration | None, p: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """The metrics of ``SIMULATIONS`` plausible label sets of the window."""
    n = len(score)
    ranks = rankdata(score)  # ties share their mean rank, so the AUC below counts them 1/2
    located = None if calibration is None else calibration.locate(score)
    parts: list[dict[str, np.ndarray]] = []
    step = max(1, CELLS_PER_SLICE // max(n, 1))
    for start in range(0, SIMULATIONS, step):
        size = min(step, SIMULATIONS - start)
        chance = np.broadcast_to(p, (size, n))
        if calibration is not None and located is not None:
            chance = calibration.at(located, calibration.draw(rng, size))
        labels = rng.random((size, n)) < chance
        tp = (labels & predicted).sum(axis=1).astype(float)
        positives = labels.sum(axis=1).astype(float)
        fp = predicted.sum() - tp
        fn = positives - tp
        part = _from_counts(tp, fp, fn, n - tp - fp - fn)
        pairs = positives * (n - positives)
        rank_sum = labels.astype(float) @ ranks
        part["auc"] = np.divide(rank_sum - positives * (positives + 1) / 2, pairs, out=np.full(size, np.nan), where=pairs > 0)
        parts.append(part)
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def estimate_multiclass(
    probability: np.ndarray,
    predicted: np.ndarray,
    calibrations: tuple[Calibration | None, ...],
    rng: np.random.Generator,
    confidence: float = 0.95,
) -> dict[str, Estimate]:
    """Expected accuracy and AWS's support-weighted precision, recall and F1 of multiclass predictions.

    ``probability`` holds one column of scores per class, ``predicted`` each row's predicted class as a
    column index (-1 for a class without scores: never right). Each class's scores go through its own
    one-vs-rest calibration, then each row is scaled to sum to 1 (NannyML's CBPE does the same); the
    expected per-class counts give the point estimates, labels drawn from the rows' chances the interval.
    """
    chance = _normalised(np.column_stack([_chance(probability[:, k], c) for k, c in enumerate(calibrations)]))
    k = chance.shape[1]
    made = np.bincount(predicted[predicted >= 0], minlength=k).astype(float)
    right = np.where(predicted >= 0, chance[np.arange(len(chance)), np.maximum(predicted, 0)], 0.0)
    tp = np.bincount(np.maximum(predicted, 0), weights=right, minlength=k)
    expected = {name: float(v[0]) for name, v in _weighted(tp[None], made, chance.sum(axis=0)[None]).items()}
    located = [None if c is None else c.locate(probability[:, j]) for j, c in enumerate(calibrations)]
    parts = []
    step = max(1, CELLS_PER_SLICE // max(chance.size, 1))
    for start in range(0, SIMULATIONS, step):
        size = min(step, SIMULATIONS - start)
        drawn = np.broadcast_to(chance, (size, *chance.shape))
        if any(c is not None for c in calibrations):
            columns = [
                np.broadcast_to(chance[:, j], (size, len(chance)))
                if c is None or where is None
                else c.at(where, c.draw(rng, size))
                for j, (c, where) in enumerate(zip(calibrations, located, strict=True))
            ]
            drawn = _normalised(np.stack(columns, axis=-1))
        labels = (rng.random((size, len(chance), 1)) > np.cumsum(drawn, axis=-1)).sum(axis=-1).clip(0, k - 1)
        sims = np.arange(size)[:, None] * k
        support = np.bincount((sims + labels).ravel(), minlength=size * k).reshape(size, k).astype(float)
        hits = (labels == predicted) & (predicted >= 0)
        tp_drawn = np.bincount((sims + np.maximum(predicted, 0)).ravel(), weights=hits.ravel(), minlength=size * k)
        parts.append(_weighted(tp_drawn.reshape(size, k), made, support))
    simulated = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    tail = (1 - confidence) / 2 * 100
    return {
        name: Estimate(value, float(np.percentile(simulated[name], tail)), float(np.percentile(simulated[name], 100 - tail)))
        for name, value in expected.items()
    }


def _chance(score: np.ndarray, calibration: Calibration | None) -> np.ndarray:
    return np.clip(score, 0.0, 1.0) if calibration is None else calibration.apply(score)


def _normalised(chance: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; a row of zeros becomes uniform (nothing says which class it is)."""
    total = chance.sum(axis=-1, keepdims=True)
    uniform = np.full_like(chance, 1.0 / chance.shape[-1])
    return np.divide(chance, total, out=uniform, where=total > 0)


def _weighted(tp: np.ndarray, made: np.ndarray, support: np.ndarray) -> dict[str, np.ndarray]:
    """Accuracy and support-weighted precision, recall and F1 (AWS's multiclass metrics) of per-class true
    positives ``tp`` and supports ``(simulations, classes)`` and prediction counts ``made`` ``(classes,)``."""
    n = support.sum(axis=1)
    precision = np.divide(tp, made, out=np.zeros_like(tp), where=made > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    f1 = np.divide(2 * tp, made + support, out=np.zeros_like(tp), where=(made + support) > 0)
    weight = support / n[:, None]
    return {
        "accuracy": tp.sum(axis=1) / n,
        "weighted_precision": (weight * precision).sum(axis=1),
        "weighted_recall": (weight * recall).sum(axis=1),
        "weighted_f1": (weight * f1).sum(axis=1),
    }
