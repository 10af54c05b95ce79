"""``drift_report.json``: every feature's and prediction's drift verdict, drifted or not."""

from __future__ import annotations

from typing import Any

from analyzers.drift.rule import DriftVerdict, Role
from analyzers.drift.settings import DriftSettings


def drift_report_document(verdicts: list[DriftVerdict], settings: DriftSettings) -> dict[str, Any]:
    return {
        "version": "1.0",
        "correction": settings.correction.value,
        "level": settings.level,
        "features": [_verdict(v) for v in verdicts if v.role is Role.FEATURE],
        "predictions": [_verdict(v) for v in verdicts if v.role is Role.PREDICTION],
    }


def _verdict(v: DriftVerdict) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": v.feature,
        "status": v.status,
        "test": v.test,
        "statistic": v.statistic,
        "p_value": v.p_value,
        "adjusted_p_value": v.adjusted_p_value,
        "effect": v.effect.value,
        "effect_size": v.effect_size,
        "threshold": v.floor,
        "n_baseline": v.n_baseline,
        "n_current": v.n_current,
        "min_detectable_linf": v.min_detectable_linf,
        "distances": dict(v.distances),
    }
    if v.error:
        out["error"] = v.error
    return out
