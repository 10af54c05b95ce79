"""The drift verdict: significant after correcting across the whole job, AND large enough to matter.

A naive per-feature test at p < 0.05 alarms on almost every feature once a window is large (tiny,
harmless shifts become significant) and, with 20 features, on most clean windows (20 chances). Here a
feature drifts only when (1) its two-sample test stays significant after Benjamini-Hochberg or Holm
across every feature and prediction of the job, and (2) its effect size reaches a practical floor.
Each verdict also says the smallest L-infinity shift the window could have detected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from analyzers.drift.correction import adjust
from analyzers.drift.effects import effect_size
from analyzers.drift.settings import DriftSettings, Effect
from analyzers.drift.significance import TestResult, chi_square_test, ks_test, min_detectable_linf, rank_error
from analyzers.profile import FeatureProfile

DRIFT, NO_DRIFT, NOT_ENOUGH_DATA, ERROR = "drift", "no drift", "not enough data", "error"


class Test(StrEnum):
    """The significance test a verdict rests on (its value is the drift report's spelling)."""

    KS = "ks"  # numeric features
    CHI_SQUARE = "chi-square"  # categorical features


class Role(StrEnum):
    """What a column is to the model: an input, or one of its outputs (drift there is reported apart)."""

    FEATURE = "feature"
    PREDICTION = "prediction"


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftVerdict:
    feature: str
    role: Role
    status: str
    test: Test
    n_baseline: int
    n_current: int
    statistic: float = math.nan
    p_value: float = math.nan
    adjusted_p_value: float = math.nan
    effect: Effect = Effect.LINF
    effect_size: float = math.nan
    floor: float = math.nan
    min_detectable_linf: float = math.nan
    distances: tuple[tuple[str, float], ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FeatureInput:
    baseline: FeatureProfile
    current: FeatureProfile
    numeric: bool
    role: Role = Role.FEATURE


def assess(features: dict[str, FeatureInput], settings: DriftSettings) -> list[DriftVerdict]:
    """Verdicts for every feature, in the given order."""
    partial = [_measure(name, item, settings) for name, item in features.items()]
    tested = [v for v in partial if v.status == NO_DRIFT]
    adjusted = dict(zip((v.feature for v in tested), adjust([v.p_value for v in tested], settings.correction), strict=True))
    alpha = settings.level / max(1, len(tested))  # the strictest per-test level the correction can apply
    out = []
    for v in partial:
        if v.status != NO_DRIFT:
            out.append(v)
            continue
        item = features[v.feature]
        errors = rank_error(item.baseline.sketch) + rank_error(item.current.sketch) if item.numeric else 0.0
        drifted = adjusted[v.feature] <= settings.level and v.effect_size >= v.floor
        out.append(
            _replace(
                v,
                status=DRIFT if drifted else NO_DRIFT,
                adjusted_p_value=adjusted[v.feature],
                min_detectable_linf=min_detectable_linf(v.n_baseline, v.n_current, alpha, errors),
            )
        )
    return out


def _measure(name: str, item: FeatureInput, settings: DriftSettings) -> DriftVerdict:
    resolved = settings.resolve(name, item.numeric)
    n, m = _sizes(item)
    base = DriftVerdict(
        feature=name,
        role=item.role,
        status=NOT_ENOUGH_DATA,
        test=Test.KS if item.numeric else Test.CHI_SQUARE,
        n_baseline=n,
        n_current=m,
        effect=resolved.effect,
        floor=resolved.floor,
    )
    if min(n, m) < resolved.min_samples:
        return base
    try:
        result = _test(item)
        distances = tuple((e.value, effect_size(e, item.baseline, item.current, item.numeric)) for e in _effects(item.numeric))
        selected = effect_size(resolved.effect, item.baseline, item.current, item.numeric)
    except ValueError as exc:
        return _replace(base, status=ERROR, error=str(exc))
    return _replace(
        base, status=NO_DRIFT, statistic=result.statistic, p_value=result.p_value, effect_size=selected, distances=distances
    )


def _test(item: FeatureInput) -> TestResult:
    if item.numeric:
        return ks_test(item.baseline.sketch, item.current.sketch)
    if item.baseline.categories is None or item.current.categories is None:
        raise ValueError(f"feature {item.current.name!r} has no category counts to test")
    return chi_square_test(item.baseline.categories, item.current.categories)


def _effects(numeric: bool) -> tuple[Effect, ...]:
    return (Effect.LINF, Effect.PSI, Effect.JS, Effect.WASSERSTEIN) if numeric else (Effect.LINF, Effect.PSI, Effect.JS)


def _sizes(item: FeatureInput) -> tuple[int, int]:
    if item.numeric:
        return item.baseline.sketch.count, item.current.sketch.count
    return _category_total(item.baseline), _category_total(item.current)


def _category_total(profile: FeatureProfile) -> int:
    cats = profile.categories
    return 0 if cats is None else sum(c for _, c in cats.counts) + cats.overflow


def _replace(verdict: DriftVerdict, **changes: object) -> DriftVerdict:
    return replace(verdict, **changes)  # type: ignore[arg-type]
