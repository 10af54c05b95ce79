"""``constraint_violations.json`` (docs/contract.md #violations): violated findings only, in a stable order.

Every violation has a non-empty ``feature_name``: AWS documents it on each one, and its visualisation
groups violations by it. A finding about no single column (a table-level expectation) is the dataset's.
"""

from __future__ import annotations

from typing import Any

from analyzers.findings import Finding

# The ``feature_name`` of a finding about the dataset as a whole (a row width, the bad records).
# AWS documents ``feature_name`` on every violation and its visualisation groups violations by it; the
# brackets keep it apart from any real column name.
DATASET = "<dataset>"


def violations_document(findings: list[Finding]) -> dict[str, Any]:
    violated = sorted((f for f in findings if f.violated), key=lambda f: (_feature_name(f), f.check_type.value))
    return {"violations": [_violation(f) for f in violated]}


def _feature_name(f: Finding) -> str:
    return DATASET if f.feature is None else f.feature


def _violation(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "constraint_check_type": f.check_type.value,
        "description": f.description,
        "feature_name": _feature_name(f),
    }
    out.update(dict(f.extra))
    return out
