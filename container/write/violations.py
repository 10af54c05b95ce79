"""``constraint_violations.json`` (CONTRACT §2.4): violated findings only, in a stable order."""

from __future__ import annotations

from typing import Any

from analyzers.findings import Finding


def violations_document(findings: list[Finding]) -> dict[str, Any]:
    violated = sorted((f for f in findings if f.violated), key=lambda f: (f.feature, f.check_type.value))
    return {"violations": [_violation(f) for f in violated]}


def _violation(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"constraint_check_type": f.check_type.value, "description": f.description}
    if f.feature:  # model-quality violations name a metric, not a feature
        out["feature_name"] = f.feature
    out.update(dict(f.extra))
    return out
