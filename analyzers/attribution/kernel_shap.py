"""Kernel SHAP (Lundberg and Lee, 2017): each feature's Shapley value for one prediction, against a background.

The value of a coalition S of features is the model's mean output over the background rows with the features
in S set to the explained row's values (the interventional expectation Clarify's KernelSHAP uses), through the
link (``logit`` with Clarify's ``use_logit``). The Shapley values solve a weighted least-squares fit of those
values over coalitions, with the Shapley kernel as weights, under the constraint that they add up to
link(f(x)) - link(E[f(background)]). When every proper coalition fits in ``num_samples`` (2^M - 2 of them) they
are all enumerated and the solution is the exact Shapley value; otherwise ``num_samples`` coalitions are drawn
by the kernel's size distribution, paired with their complements, as the reference implementation does.

``predict`` takes a 2-D array of rows (numbers, or text as a model endpoint takes it) and returns one output per
row, NaN where the model gave none (a failed call): a row whose coalitions miss an output is not explained, and
``Explanation.explained`` says which rows were. Rows are explained several at a time, so each ``predict`` call
carries up to ``batch_rows`` model rows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]
LINKS = ("identity", "logit")
DEFAULT_BATCH_ROWS = 200_000
_EPS = 1e-12  # scores of exactly 0 or 1 stay finite under the logit


def shapley_kernel(m: int, size: int) -> float:
    """The Shapley kernel weight of a coalition of ``size`` of ``m`` features (infinite for empty and full)."""
    if size in (0, m):
        return math.inf
    return (m - 1) / (math.comb(m, size) * size * (m - size))


def is_exact(m: int, num_samples: int | None) -> bool:
    """Every proper coalition is enumerated when they fit in the budget (``None``: no budget)."""
    return num_samples is None or (m < 63 and 2**m - 2 <= num_samples)


def coalition_count(m: int, num_samples: int | None) -> int:
    """How many coalitions ``coalitions`` gives (none for a single feature): its cost, without drawing them."""
    if m < 2:
        return 0
    return 2**m - 2 if is_exact(m, num_samples) else 2 * max(1, int(num_samples or 2) // 2)


def coalitions(m: int, num_samples: int | None, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Masks (coalitions x m, bool) and their regression weights, proper coalitions only."""
    if is_exact(m, num_samples):
        masks = np.array([c for c in itertools.product((False, True), repeat=m) if 0 < sum(c) < m], dtype=bool)
        weights = np.array([shapley_kernel(m, int(c.sum())) for c in masks])
        return masks.reshape(-1, m), weights
    sizes = np.arange(1, m)
    p = np.array([shapley_kernel(m, int(s)) * math.comb(m, int(s)) for s in sizes])
    p /= p.sum()
    half = max(1, int(num_samples or 2) // 2)
    drawn = rng.choice(sizes, size=half, p=p)
    masks = np.zeros((2 * half, m), dtype=bool)
    for i, size in enumerate(drawn):
        chosen = rng.choice(m, size=int(size), replace=False)
        masks[2 * i, chosen] = True
        masks[2 * i + 1] = ~masks[2 * i]  # paired with its complement: halves the variance
    return masks, np.ones(len(masks))  # drawn by the kernel: equal weights


@dataclass(frozen=True, slots=True)
class Explanation:
    local: np.ndarray  # explained rows x features: the Shapley values (rows not explained are left out)
    expected: float  # link(E[f(background)]), NaN when the background got no output
    explained: np.ndarray  # bool per input row: every output it needed arrived
    model_rows: int  # rows sent to ``predict`` in all


def explain(
    predict: Predict,
    rows: np.ndarray,
    background: np.ndarray,
    num_samples: int | None = None,
    seed: int = 0,
    link: str = "identity",
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Explanation:
    """Shapley values of each of ``rows`` (n x m) against ``background`` (b x m)."""
    if link not in LINKS:
        raise ValueError(f"link must be one of {', '.join(LINKS)}; got {link!r}")
    rows, background = np.asarray(rows), np.asarray(background)
    n, m = rows.shape
    masks, weights = coalitions(m, num_samples, np.random.default_rng(seed)) if m > 1 else (np.zeros((0, 1), bool), None)
    base_outputs = np.asarray(predict(background), dtype=np.float64)
    expected = _link(np.array([base_outputs.mean()]) if base_outputs.size else np.array([math.nan]), link)[0]
    per_row = (len(masks) * len(background)) + 1  # every coalition over the background, and the row itself
    chunk = max(1, batch_rows // per_row)
    local = np.full((n, m), np.nan)
    sent = len(background)
    for start in range(0, n, chunk):
        block = rows[start : start + chunk]
        outputs = np.asarray(predict(_model_rows(block, background, masks)), dtype=np.float64)
        sent += len(outputs)
        outputs = outputs.reshape(len(block), per_row)
        for i, row_outputs in enumerate(outputs):
            local[start + i] = _solve(row_outputs, len(background), masks, weights, expected, link)
    explained = ~np.isnan(local).any(axis=1) & math.isfinite(expected)
    return Explanation(local[explained], float(expected), explained, sent)


def kernel_shap(
    predict: Predict, x: np.ndarray, background: np.ndarray, num_samples: int | None = None, seed: int = 0
) -> tuple[np.ndarray, float]:
    """Shapley values of ``x`` (one row of m features) and the expected value E[f(background)]."""
    found = explain(predict, np.asarray(x)[None, :], background, num_samples, seed)
    return (found.local[0] if len(found.local) else np.full(len(x), np.nan)), found.expected


def _model_rows(block: np.ndarray, background: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """For each row of ``block``: the background with each coalition's features taken from the row, then the row."""
    out = []
    for x in block:
        coalition_rows = np.where(masks[:, None, :], x[None, None, :], background[None, :, :]).reshape(-1, block.shape[1])
        out.append(coalition_rows)
        out.append(x[None, :])
    return np.concatenate(out, axis=0)


def _solve(outputs: np.ndarray, b: int, masks: np.ndarray, weights: np.ndarray | None, expected: float, link: str) -> np.ndarray:
    """The constrained weighted least-squares fit of one row's coalition values (NaN when one is missing)."""
    full = _link(outputs[-1:], link)[0]
    m = masks.shape[1]
    if np.isnan(outputs).any():
        return np.full(m, np.nan)
    if m == 1:
        return np.array([full - expected])
    values = _link(outputs[:-1].reshape(len(masks), b).mean(axis=1), link)
    # Eliminate the last feature with sum(phi) = full - expected.
    z = masks.astype(np.float64)
    y = values - expected - z[:, -1] * (full - expected)
    a = z[:, :-1] - z[:, [-1]]
    sw = np.sqrt(weights if weights is not None else np.ones(len(masks)))
    head, *_ = np.linalg.lstsq(a * sw[:, None], y * sw, rcond=None)
    return np.append(head, (full - expected) - head.sum())


def _link(values: np.ndarray, link: str) -> np.ndarray:
    if link == "identity":
        return values
    p = np.clip(values, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))
