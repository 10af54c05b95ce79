"""Settings of the multivariate drift step (the analysis config's ``multivariate`` section)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MultivariateSettings:
    row_budget: int = 10_000  # rows of the seeded sample both methods read, baseline and window
    seed: int = 0
    max_levels: int = 20  # indicator columns per categorical feature, besides <other> and <missing>
    level: float = 0.002  # each method's false-alarm rate on unchanged data, before the floors
    reconstruction: bool = True
    variance_share: float = 0.9  # of the baseline's variance the components keep
    reconstruction_floor: float = 0.1  # the least growth of the mean error that counts, as a share
    classifier: bool = True
    classifier_rows: int = 5_000  # rows per side the classifier sees at most
    folds: int = 3
    permutations: int = 5
    auc_floor: float = 0.55  # the least AUC that counts as a drift
    features: tuple[str, ...] = ()  # empty: every feature of the sample
