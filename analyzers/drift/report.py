"""Drift verdicts as violations (``baseline_drift_check``, in AWS's sentence, with our extra keys)."""

from __future__ import annotations

from analyzers.drift.rule import DRIFT, DriftVerdict, Test
from analyzers.findings import CheckType, Finding


def drift_findings(verdicts: list[DriftVerdict]) -> list[Finding]:
    """One violation per drifted feature or prediction.

    The sentence keeps AWS's shape (its visualiser parses ``distance: (.+) exceeds``); the method,
    test, p-values and sample sizes travel as extra keys of the violation.
    """
    out = []
    for v in verdicts:
        if v.status != DRIFT:
            continue
        kind = "Numerical" if v.test is Test.KS else "Categorical"
        out.append(
            Finding(
                check_type=CheckType.BASELINE_DRIFT,
                feature=v.feature,
                violated=True,
                description=f"{kind} distance: {v.effect_size} exceeds {kind.lower()} threshold: {v.floor}",
                statistic=v.effect_size,
                threshold=v.floor,
                extra=(
                    ("method", v.effect.value),
                    ("test", v.test),
                    ("statistic", v.statistic),
                    ("p_value", v.p_value),
                    ("adjusted_p_value", v.adjusted_p_value),
                    ("threshold", v.floor),
                    ("role", v.role),
                    ("n_baseline", v.n_baseline),
                    ("n_current", v.n_current),
                ),
            )
        )
    return out
