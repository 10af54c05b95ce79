"""Reconstruction drift: how badly the baseline's principal components rebuild the window's rows.

At the baseline: principal components of the encoded baseline (half of its row sample), the fewest that keep
``variance_share`` of its variance; each row of the other half gives a reference error (the squared distance
between the row and its reconstruction) and per-feature residuals. A change in how features move together (a
correlation that flips, a dependency that breaks) moves rows off the baseline's components, so their error
grows, even when no feature's own distribution changes.

At monitoring: the window sample's mean error, with its 95% interval. The alarm threshold is calibrated on the
reference errors for the window's size: the upper ``1 - level`` quantile of the mean of that many reference
errors (skew-corrected), widened by the reference mean's own uncertainty, so that an unchanged window stays
quiet at any size; and the error must also grow by at least ``floor`` (a share of the reference mean) to count.
The explanation ranks features by how much their residuals grew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

REFERENCE_KEPT = 20_000  # reference errors stored with the baseline at most


@dataclass(frozen=True, slots=True)
class ReconstructionModel:
    components: np.ndarray  # k x d, orthonormal rows
    center: np.ndarray  # d: the fit half's mean of the encoded columns
    variance_share: float  # of the fit half's variance kept
    reference_errors: np.ndarray  # the held-out half's row errors
    reference_residuals: np.ndarray  # d: the held-out half's mean squared residual per encoded column

    def errors(self, encoded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-row squared reconstruction errors, and the mean squared residual per encoded column."""
        centred = encoded - self.center
        residual = centred - (centred @ self.components.T) @ self.components
        squared = residual**2
        return squared.sum(axis=1), squared.mean(axis=0) if len(encoded) else np.zeros(encoded.shape[1])

    def to_json(self) -> dict[str, Any]:
        return {
            "components": self.components.tolist(),
            "center": self.center.tolist(),
            "variance_share": self.variance_share,
            "reference_errors": self.reference_errors.tolist(),
            "reference_residuals": self.reference_residuals.tolist(),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ReconstructionModel:
        d = len(doc["center"])
        return cls(
            np.asarray(doc["components"], dtype=np.float64).reshape(-1, d),
            np.asarray(doc["center"], dtype=np.float64),
            float(doc["variance_share"]),
            np.asarray(doc["reference_errors"], dtype=np.float64),
            np.asarray(doc["reference_residuals"], dtype=np.float64),
        )


def fit_reconstruction(encoded: np.ndarray, variance_share: float, seed: int) -> ReconstructionModel:
    """Components from a random half of the rows; reference errors from the other half (never from the rows
    the components were fitted on, whose errors are optimistically small)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(encoded))
    fit, held = encoded[order[: len(order) // 2]], encoded[order[len(order) // 2 :]]
    center = fit.mean(axis=0)
    _, singular, vt = np.linalg.svd(fit - center, full_matrices=False)
    variance = singular**2
    total = variance.sum()
    shares = np.cumsum(variance) / total if total > 0 else np.ones_like(variance)
    k = int(np.searchsorted(shares, variance_share - 1e-12) + 1) if total > 0 else 0
    model = ReconstructionModel(vt[:k], center, float(shares[k - 1]) if k else 1.0, np.empty(0), np.empty(0))
    errors, residuals = model.errors(held)
    if len(errors) > REFERENCE_KEPT:
        errors = rng.choice(errors, REFERENCE_KEPT, replace=False)
    return ReconstructionModel(model.components, center, model.variance_share, errors, residuals)


@dataclass(frozen=True, slots=True)
class ReconstructionVerdict:
    rows: int
    mean_error: float
    interval: tuple[float, float]  # 95%
    reference_mean: float
    threshold: float
    floor: float  # the least relative growth that counts
    drifted: bool
    components: int
    contributions: tuple[tuple[str, float], ...]  # feature, growth of its mean squared residual; largest first


def assess_reconstruction(
    model: ReconstructionModel, encoded: np.ndarray, owners: tuple[str, ...], level: float, floor: float
) -> ReconstructionVerdict:
    errors, residuals = model.errors(encoded)
    n, reference = len(errors), model.reference_errors
    mean = float(errors.mean()) if n else math.nan
    sd = float(errors.std(ddof=1)) if n > 1 else math.nan
    half = 1.959963984540054 * sd / math.sqrt(n) if n > 1 else math.nan
    threshold = _threshold(reference, n, level)
    ref_mean = float(reference.mean())
    drifted = n > 1 and mean > threshold and mean >= ref_mean * (1 + floor)
    growth: dict[str, float] = {}
    for owner, now, then in zip(owners, residuals, model.reference_residuals, strict=True):
        growth[owner] = growth.get(owner, 0.0) + float(now - then)
    ranked = tuple(sorted(growth.items(), key=lambda kv: -kv[1]))
    return ReconstructionVerdict(
        n, mean, (mean - half, mean + half), ref_mean, threshold, floor, drifted, len(model.components), ranked
    )


def _threshold(reference: np.ndarray, n: int, level: float) -> float:
    """The ``1 - level`` quantile of the mean of ``n`` reference errors, skew-corrected (Cornish-Fisher: errors
    are squared distances, so small windows have right-skewed means), widened in quadrature by the reference
    mean's own standard error (the window is compared with an estimate of the baseline, not with the truth)."""
    if n < 2 or reference.size < 3:
        return math.inf
    z = float(stats.norm.ppf(1 - level))
    ref_mean, ref_sd = float(reference.mean()), float(reference.std(ddof=1))
    skew = float(stats.skew(reference)) / math.sqrt(n)
    quantile = z + (z * z - 1) * skew / 6
    spread = quantile * ref_sd / math.sqrt(n)
    own = z * ref_sd / math.sqrt(reference.size)
    return ref_mean + math.hypot(spread, own)
