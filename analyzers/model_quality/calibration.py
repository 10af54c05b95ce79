"""Isotonic calibration of a binary classifier's scores, fitted on the labelled baseline.

A score is rarely the chance of a positive (one credit model's scores were
under-confident in the middle: mean score 0.75 where 85% were positive), and a label-free estimate built
on raw scores inherits that bias. The baseline's labels fix it: the monotone step function that best
fits them (pool adjacent violators, ``scipy.optimize.isotonic_regression``, as NannyML's CBPE does with
scikit-learn) maps a score to the share of positives among the baseline's rows with similar scores.
Monotone, so the model's ranking and decisions are untouched.

The fit is kept as *blocks*: score range, positive share and the number of baseline rows behind it.
Between blocks the probability is interpolated linearly and beyond the ends it is clipped (scikit-learn's
``out_of_bounds="clip"``). The row counts say how well each share is known, so an estimate built on the
calibration can carry the baseline's own sampling error into its interval (``draw``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import isotonic_regression


@dataclass(frozen=True, slots=True)
class Calibration:
    """Blocks of the isotonic fit, in increasing score order."""

    lower: tuple[float, ...]  # the lowest baseline score of each block
    upper: tuple[float, ...]  # the highest
    probability: tuple[float, ...]  # the block's share of positives
    count: tuple[int, ...]  # baseline rows in the block

    def __post_init__(self) -> None:
        sizes = {len(self.lower), len(self.upper), len(self.probability), len(self.count)}
        if len(sizes) != 1 or not self.lower:
            raise ValueError("a calibration needs one or more blocks, each with lower, upper, probability and count")

    def locate(self, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each score, the blocks left and right of it and the weight of the right one, so that the
        calibrated probability is ``(1 - w) * probability[left] + w * probability[right]``."""
        lower, upper = np.asarray(self.lower), np.asarray(self.upper)
        # The last block starting at or below the score (the first, for scores below every block): inside it,
        # or past the last block, its own share applies; in the gap after it the share moves linearly to
        # the next block's.
        below = np.clip(np.searchsorted(lower, score, side="right"), 1, len(lower)) - 1
        after = np.minimum(below + 1, len(lower) - 1)
        in_gap = (score > upper[below]) & (after > below)
        span = np.where(in_gap, lower[after] - upper[below], 1.0)
        weight = np.where(in_gap, (score - upper[below]) / span, 0.0)
        return below, np.where(in_gap, after, below), weight

    def apply(self, score: np.ndarray) -> np.ndarray:
        """The calibrated probability of a positive for each score.

        >>> c = Calibration(lower=(0.1, 0.6), upper=(0.4, 0.9), probability=(0.2, 0.8), count=(5, 5))
        >>> c.apply(np.array([0.0, 0.3, 0.5, 0.75, 1.0])).round(3).tolist()
        [0.2, 0.2, 0.5, 0.8, 0.8]
        """
        return self.at(self.locate(np.asarray(score, dtype=float)), np.asarray(self.probability))

    @staticmethod
    def at(located: tuple[np.ndarray, np.ndarray, np.ndarray], shares: np.ndarray) -> np.ndarray:
        """The probabilities at ``locate``d scores from block ``shares``: the fitted ones (``blocks``), or
        ``draw``n ones (``(size, blocks)`` gives ``(size, scores)``)."""
        below, above, weight = located
        return (1 - weight) * shares[..., below] + weight * shares[..., above]

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` plausible block shares given the baseline's counts (Beta posteriors, Jeffreys prior):
        an array ``(size, blocks)``. Block shares are estimated from disjoint rows, hence independent."""
        p, n = np.asarray(self.probability), np.asarray(self.count, dtype=float)
        return rng.beta(n * p + 0.5, n * (1 - p) + 0.5, size=(size, len(p)))


def fit_calibration(y: np.ndarray, score: np.ndarray) -> Calibration:
    """The isotonic fit of boolean labels ``y`` on finite ``score``s (ties pooled first, as they must be:
    equal scores cannot be told apart later).

    >>> c = fit_calibration(np.array([0, 1, 0, 1, 1]), np.array([0.1, 0.2, 0.3, 0.8, 0.9]))
    >>> c.probability, c.count
    ((0.0, 0.5, 1.0), (1, 2, 2))
    """
    scores, inverse, ties = np.unique(np.asarray(score, dtype=float), return_inverse=True, return_counts=True)
    positives = np.bincount(inverse, weights=np.asarray(y, dtype=float), minlength=len(scores))
    fit = isotonic_regression(positives / ties, weights=ties, increasing=True)
    starts, ends = fit.blocks[:-1], fit.blocks[1:] - 1
    counts = np.add.reduceat(ties, starts)
    return Calibration(
        lower=tuple(scores[starts].tolist()),
        upper=tuple(scores[ends].tolist()),
        probability=tuple(np.clip(fit.x[starts], 0.0, 1.0).tolist()),
        count=tuple(int(c) for c in counts),
    )
