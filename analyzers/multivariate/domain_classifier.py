"""Domain classifier drift: can a model tell the window's rows from the baseline's?

Gradient-boosted trees (scikit-learn's histogram GBDT: fast, and trees see interactions, so a broken
dependency or a changed segment mix separates even when every marginal is unchanged) are trained to separate
equal-sized samples of baseline and window rows. The cross-validated AUC of their out-of-fold scores is 0.5 when
the two are alike. The threshold is calibrated by permutation: the same cross-validation with the labels
shuffled gives AUCs of no drift; the threshold sits ``z(1 - level)`` of their spread above their mean (the spread
never taken below the Mann-Whitney null's, which few permutations could underestimate). A drift also needs an
AUC of at least ``floor``. Features are ranked by how much the AUC drops when their columns are shuffled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from analyzers.multivariate.settings import MultivariateSettings


@dataclass(frozen=True, slots=True)
class DomainVerdict:
    rows_per_side: int
    auc: float
    null_mean: float
    threshold: float
    floor: float
    drifted: bool
    importance: tuple[tuple[str, float], ...]  # feature, AUC drop when shuffled; largest first


def auc_of(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney AUC (ties count a half): the chance a window row scores above a baseline row."""
    ranks = stats.rankdata(scores)
    positives = labels == 1
    n1, n0 = int(positives.sum()), int((~positives).sum())
    if n1 == 0 or n0 == 0:
        return math.nan
    return float((ranks[positives].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def assess_domain(
    baseline: np.ndarray,
    window: np.ndarray,
    owners: tuple[str, ...],
    *,
    max_rows: int,
    folds: int,
    permutations: int,
    level: float,
    floor: float,
    seed: int,
) -> DomainVerdict:
    rng = np.random.default_rng(seed)
    n = min(len(baseline), len(window), max_rows)
    x = np.vstack([baseline[rng.choice(len(baseline), n, replace=False)], window[rng.choice(len(window), n, replace=False)]])
    y = np.r_[np.zeros(n, dtype=np.int8), np.ones(n, dtype=np.int8)]
    split = _folds(y, folds, rng)
    models = _fit_folds(x, y, split, seed)
    auc = auc_of(_scores(models, x, split), y)
    null = np.array(
        [auc_of(_scores(_fit_folds(x, p, split, seed), x, split), p) for p in (rng.permutation(y) for _ in range(permutations))]
    )
    analytic = math.sqrt((2 * n + 1) / (12 * n * n))  # AUC's sd under no difference
    spread = max(float(null.std(ddof=1)) if len(null) > 1 else 0.0, analytic)
    centre = float(null.mean()) if len(null) else 0.5
    threshold = centre + float(stats.norm.ppf(1 - level)) * spread
    drifted = auc > threshold and auc >= floor
    return DomainVerdict(n, auc, centre, threshold, floor, drifted, _importance(models, x, y, split, owners, auc, rng))


def assess_domain_with(
    settings: MultivariateSettings, baseline: np.ndarray, window: np.ndarray, owners: tuple[str, ...], seed: int
) -> DomainVerdict:
    """``assess_domain`` with the multivariate section's settings."""
    return assess_domain(
        baseline,
        window,
        owners,
        max_rows=settings.classifier_rows,
        folds=settings.folds,
        permutations=settings.permutations,
        level=settings.level,
        floor=settings.auc_floor,
        seed=seed,
    )


def _folds(y: np.ndarray, folds: int, rng: np.random.Generator) -> np.ndarray:
    """Each row's fold, stratified: each fold holds as many baseline rows as window rows."""
    fold = np.empty(len(y), dtype=np.int64)
    for label in (0, 1):
        where = np.flatnonzero(y == label)
        fold[rng.permutation(where)] = np.arange(len(where)) % folds
    return fold


def _fit_folds(x: np.ndarray, y: np.ndarray, fold: np.ndarray, seed: int) -> list:
    from sklearn.ensemble import HistGradientBoostingClassifier  # only jobs with this step pay for the import

    models = []
    for k in range(int(fold.max()) + 1):
        train = fold != k
        model = HistGradientBoostingClassifier(max_iter=50, max_leaf_nodes=15, early_stopping=False, random_state=seed)
        models.append(model.fit(x[train], y[train]))
    return models


def _scores(models: list, x: np.ndarray, fold: np.ndarray) -> np.ndarray:
    scores = np.empty(len(x))
    for k, model in enumerate(models):
        test = fold == k
        scores[test] = model.predict_proba(x[test])[:, 1]
    return scores


def _importance(
    models: list, x: np.ndarray, y: np.ndarray, fold: np.ndarray, owners: tuple[str, ...], auc: float, rng: np.random.Generator
) -> tuple[tuple[str, float], ...]:
    drops = {}
    for feature in dict.fromkeys(owners):
        columns = [i for i, owner in enumerate(owners) if owner == feature]
        shuffled = x.copy()
        order = rng.permutation(len(x))
        shuffled[:, columns] = x[order][:, columns]  # the feature's columns move together, rows stay whole
        drops[feature] = auc - auc_of(_scores(models, shuffled, fold), y)
    return tuple(sorted(drops.items(), key=lambda kv: -kv[1]))
