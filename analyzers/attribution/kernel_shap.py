"""Kernel SHAP (Lundberg and Lee, 2017): each feature's Shapley value for one prediction, against a background.

The value of a coalition S of features is the model's mean output over the background rows with the features
in S set to the explained row's values (the interventional expectation Clarify's KernelSHAP uses). The Shapley
values solve a weighted least-squares fit of those values over coalitions, with the Shapley kernel as weights,
under the constraint that they add up to f(x) - E[f(background)]. With every coalition enumerated (M <= 12
features: 4,094 proper coalitions) the solution is the exact Shapley value; above, ``num_samples`` coalitions are
drawn by the kernel's size distribution, paired with their complements, as the reference implementation does.

``predict`` takes a 2-D float array and returns one output per row; it is called once per explained row, on
(coalitions x background) rows, so its cost is the budget.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]
EXACT_FEATURES = 12


def shapley_kernel(m: int, size: int) -> float:
    """The Shapley kernel weight of a coalition of ``size`` of ``m`` features (infinite for empty and full)."""
    if size in (0, m):
        return math.inf
    return (m - 1) / (math.comb(m, size) * size * (m - size))


def coalitions(m: int, num_samples: int | None, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Masks (coalitions x m, bool) and their regression weights, proper coalitions only."""
    if m <= EXACT_FEATURES or num_samples is None:
        masks = np.array([c for c in itertools.product((False, True), repeat=m) if 0 < sum(c) < m], dtype=bool)
        weights = np.array([shapley_kernel(m, int(c.sum())) for c in masks])
        return masks, weights
    sizes = np.arange(1, m)
    p = np.array([shapley_kernel(m, int(s)) * math.comb(m, int(s)) for s in sizes])
    p /= p.sum()
    half = max(1, num_samples // 2)
    drawn = rng.choice(sizes, size=half, p=p)
    masks = np.zeros((2 * half, m), dtype=bool)
    for i, size in enumerate(drawn):
        chosen = rng.choice(m, size=int(size), replace=False)
        masks[2 * i, chosen] = True
        masks[2 * i + 1] = ~masks[2 * i]  # paired with its complement: halves the variance
    return masks, np.ones(len(masks))  # drawn by the kernel: equal weights


def kernel_shap(
    predict: Predict, x: np.ndarray, background: np.ndarray, num_samples: int | None = None, seed: int = 0
) -> tuple[np.ndarray, float]:
    """Shapley values of ``x`` (one row of m features) and the expected value E[f(background)]."""
    m = x.shape[0]
    expected = float(np.mean(predict(background)))
    full = float(predict(x[None, :])[0])
    if m == 1:
        return np.array([full - expected]), expected
    masks, weights = coalitions(m, num_samples, np.random.default_rng(seed))
    values = _coalition_values(predict, x, background, masks)
    # Constrained weighted least squares: eliminate the last feature with sum(phi) = full - expected.
    z = masks.astype(np.float64)
    y = values - expected - z[:, -1] * (full - expected)
    a = z[:, :-1] - z[:, [-1]]
    sw = np.sqrt(weights)
    head, *_ = np.linalg.lstsq(a * sw[:, None], y * sw, rcond=None)
    return np.append(head, (full - expected) - head.sum()), expected


def _coalition_values(predict: Predict, x: np.ndarray, background: np.ndarray, masks: np.ndarray) -> np.ndarray:
    n = len(background)
    rows = np.where(masks[:, None, :], x[None, None, :], background[None, :, :])  # coalitions x n x m
    return np.asarray(predict(rows.reshape(-1, x.shape[0])), dtype=np.float64).reshape(len(masks), n).mean(axis=1)
