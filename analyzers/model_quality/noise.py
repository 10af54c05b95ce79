"""Model-quality constraints with noise in mind: suggested thresholds with a practical floor, and a
violation only when the window's value is past its threshold by more than the window's size explains.

A suggested threshold sits a *practical floor* away from the baseline's value, in the direction that means
worse: 0.02 absolute for scores in [0, 1] (accuracy, precision, recall, F-scores, AUC, rates, weighted
scores); 10% relative for the errors MAE and RMSE, so 21% for MSE (``1.1 ** 2 - 1``, the same change of the
model's errors) and for R2 ``1 - (1 - r2) * 1.21`` (MSE 21% worse at the same label variance). A drop smaller
than the floor is not worth a page even when it is real.

At monitoring, a metric violates when it crosses its threshold (the baseline's, or the user's own edit) **and**
the crossing is beyond noise: past the threshold by more than ``z * SE``, where SE is the metric's sampling
standard error at the window's labelled count and ``z`` the one-sided normal quantile of ``level`` (default
0.001) divided by the number of metrics checked (Bonferroni). So an unchanged model raises a violation in at
most about ``level`` of windows, at every window size. SE:

- proportions, at the threshold ``t`` (the boundary of the one-sided test "the metric is at least as good as
  ``t``"): ``sqrt(t (1 - t) / n)`` with ``n`` the metric's own denominator: all labelled records (accuracy),
  predicted positives (precision), actual positives (recall, true_positive_rate, false_negative_rate), actual
  negatives (true_negative_rate, false_positive_rate);
- AUC, at the threshold: Hanley and McNeil's (1982) standard error for the window's positives and negatives;
- binary F-scores: the delta method over the window's confusion counts (multinomial);
- anything else (weighted multiclass scores, MAE, MSE, RMSE, R2): the baseline's ``standard_deviation``,
  measured on five 80% subsamples drawn *without replacement* from ``N`` records, rescaled to the window's
  ``n``: ``sd * sqrt(0.8 N / (0.2 n))``. Subsamples of 80% share most records, so their spread is the
  sampling spread at ``0.8 N`` times the finite-population factor ``sqrt(1 - 0.8)``; the rescaling undoes both.
  Five subsamples give that spread only 4 degrees of freedom (one baseline in twenty understates it more than
  twofold), so these metrics take Student's t with 4 degrees of freedom in place of the normal ``z``.

Without what SE needs (no baseline ``standard_deviation``, an empty denominator) the margin is 0 and the rule
is AWS's own: a violation whenever the threshold is crossed.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

LEVEL = 0.001  # one-sided false-alarm level per window, shared out over the metrics checked
SCORE_FLOOR = 0.02  # absolute, for scores in [0, 1]
ERROR_FLOOR = 0.10  # relative, for MAE and RMSE
SUBSAMPLE_SHARE = 0.8  # the baseline's standard deviation comes from 80% subsamples (report.STD_SHARE)
SUBSAMPLE_DF = 4  # ... five of them: a spread with 4 degrees of freedom

LOWER_IS_BETTER_RATES = {"false_positive_rate", "false_negative_rate"}
ERRORS = {"mae": 1.0, "rmse": 1.0, "mse": 2.0}  # the power of the error each one scales with
# Proportion metrics of a binary confusion matrix, by the cells ("actual/predicted") of their denominator.
PROPORTION_CELLS = {
    "precision": (("1", "1"), ("0", "1")),
    "recall": (("1", "1"), ("1", "0")),
    "true_positive_rate": (("1", "1"), ("1", "0")),
    "false_negative_rate": (("1", "1"), ("1", "0")),
    "true_negative_rate": (("0", "0"), ("0", "1")),
    "false_positive_rate": (("0", "0"), ("0", "1")),
}
F_BETAS = {"f0_5": 0.5, "f1": 1.0, "f2": 2.0}
GREATER, LESS = "GreaterThanThreshold", "LessThanThreshold"


def suggested_threshold(name: str, value: float) -> tuple[float, str]:
    """The baseline's value moved a practical floor towards worse, and the operator meaning worse.

    >>> suggested_threshold("accuracy", 0.9)
    (0.88, 'LessThanThreshold')
    >>> suggested_threshold("mae", 2.0)
    (2.2, 'GreaterThanThreshold')
    """
    if name in ERRORS:
        threshold = value * (1 + ERROR_FLOOR) ** ERRORS[name] if math.isfinite(value) else value
        return _tidy(threshold), GREATER
    if name in LOWER_IS_BETTER_RATES:
        return _tidy(min(value + SCORE_FLOOR, 1.0)) if math.isfinite(value) else value, GREATER
    if not math.isfinite(value):
        return value, LESS
    if name == "r2":
        return _tidy(1 - (1 - value) * (1 + ERROR_FLOOR) ** 2), LESS
    return _tidy(max(value - SCORE_FLOOR, 0.0)), LESS


def _tidy(x: float) -> float:
    return round(x, 12)  # 0.9 - 0.02 is 0.88, not 0.8800000000000001


def critical_z(checked: int, level: float = LEVEL, df: int | None = None) -> float:
    """One-sided quantile for ``level`` shared out over ``checked`` metrics (Bonferroni): normal, or Student's t
    with ``df`` degrees of freedom when the standard error is itself estimated from ``df + 1`` subsamples.

    >>> round(critical_z(1), 4), round(critical_z(10), 4), round(critical_z(4, df=4), 3)
    (3.0902, 3.719, 10.306)
    """
    q = 1 - level / max(checked, 1)
    if df is None:
        return NormalDist().inv_cdf(q)
    from scipy import stats  # imported here: scipy.stats costs ~1 s to import and only this case needs it

    return float(stats.t.ppf(q, df))


def from_baseline_spread(name: str, window: dict[str, Any]) -> bool:
    """Whether the standard error of ``name`` is the baseline's subsample spread (estimated, with
    ``SUBSAMPLE_DF`` degrees of freedom) rather than a formula over the window's counts."""
    matrix = window.get("confusion_matrix")
    binary = isinstance(matrix, dict) and set(matrix) == {"0", "1"}
    return not (name == "accuracy" or (binary and (name in PROPORTION_CELLS or name in F_BETAS or name == "auc")))


def standard_error(
    name: str,
    threshold: float,
    window: dict[str, Any],
    window_count: int,
    baseline: dict[str, Any] | None = None,
    baseline_count: int | None = None,
) -> float:
    """The sampling standard error of metric ``name`` at the window's size; 0 when it cannot be told.

    ``window`` and ``baseline`` are ``<problem>_metrics`` sections (``{"value", "standard_deviation"}`` per
    scalar, the confusion matrix as AWS nests it); ``threshold`` the metric's constraint.
    """
    matrix = window.get("confusion_matrix")
    binary = isinstance(matrix, dict) and set(matrix) == {"0", "1"}
    t = min(max(threshold, 0.0), 1.0)
    if name == "accuracy" and window_count > 0:
        return math.sqrt(t * (1 - t) / window_count)
    if binary and name in PROPORTION_CELLS:
        n = sum(_cell(matrix, a, p) for a, p in PROPORTION_CELLS[name])
        return math.sqrt(t * (1 - t) / n) if n else 0.0
    if binary and name == "auc":
        positives = _cell(matrix, "1", "1") + _cell(matrix, "1", "0")
        return hanley_mcneil(t, positives, _cell(matrix, "0", "0") + _cell(matrix, "0", "1"))
    if binary and name in F_BETAS:
        return f_beta_se(_cell(matrix, "1", "1"), _cell(matrix, "1", "0"), _cell(matrix, "0", "1"), F_BETAS[name])
    return scaled_baseline_se(baseline, name, baseline_count, window_count)


def _cell(matrix: dict[str, Any], actual: str, predicted: str) -> int:
    return int((matrix.get(actual) or {}).get(predicted, 0))


def hanley_mcneil(auc: float, positives: int, negatives: int) -> float:
    """Hanley and McNeil's standard error of an AUC.

    >>> round(hanley_mcneil(0.8, 100, 100), 6)
    0.031369
    """
    if positives < 1 or negatives < 1:
        return 0.0
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    spread = auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)
    variance = spread / (positives * negatives)
    return math.sqrt(max(variance, 0.0))


def f_beta_se(tp: int, fn: int, fp: int, beta: float) -> float:
    """Delta-method standard error of F-beta ``= a TP / (a TP + b2 FN + FP)``, ``a = 1 + b2``, over
    multinomial counts: ``a^2 ((b2 FN + FP)^2 TP + TP^2 (b2^2 FN + FP)) / D^4`` (true negatives drop out).

    >>> round(f_beta_se(50, 0, 50, 0.0), 6)  # beta 0 is precision: sqrt(0.5 * 0.5 / 100)
    0.05
    """
    b2 = beta * beta
    a = 1 + b2
    d = a * tp + b2 * fn + fp
    if d <= 0:
        return 0.0
    return math.sqrt(a * a * ((b2 * fn + fp) ** 2 * tp + tp * tp * (b2 * b2 * fn + fp))) / (d * d)


def scaled_baseline_se(baseline: dict[str, Any] | None, name: str, baseline_count: int | None, window_count: int) -> float:
    """The baseline's subsample spread rescaled to ``window_count`` records: ``sd * sqrt(0.8 N / (0.2 n))``.

    >>> scaled_baseline_se({"mae": {"standard_deviation": 0.01}}, "mae", 1000, 1000)  # 0.01 * sqrt(800 / 200)
    0.02
    """
    entry = (baseline or {}).get(name)
    sd = entry.get("standard_deviation") if isinstance(entry, dict) else None
    if not isinstance(sd, int | float) or not math.isfinite(sd) or not baseline_count or window_count <= 0:
        return 0.0
    subsample = int(baseline_count * SUBSAMPLE_SHARE)
    return _tidy(float(sd) * math.sqrt(subsample / ((1 - SUBSAMPLE_SHARE) * window_count)))


def beyond_noise(value: float, threshold: float, operator: str, se: float, z: float) -> bool:
    """Whether ``value`` is past ``threshold`` (in the direction ``operator`` names) by more than ``z * se``.

    >>> beyond_noise(0.80, 0.88, "LessThanThreshold", 0.01, 3.0), beyond_noise(0.86, 0.88, "LessThanThreshold", 0.01, 3.0)
    (True, False)
    """
    past = value - threshold if operator == GREATER else threshold - value
    return past > 0 and past > z * se
