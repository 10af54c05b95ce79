"""``constraints.json`` in the schema AWS's analyzer writes (docs/contract.md #constraints)."""

from __future__ import annotations

from typing import Any

from analyzers.constraints import Constraints, FeatureConstraint, MonitoringConfig


def _switch(on: bool) -> str:
    return "Enabled" if on else "Disabled"


def constraints_document(constraints: Constraints) -> dict[str, Any]:
    return {
        "version": 0.0,
        "features": [_feature(f) for f in constraints.features],
        "monitoring_config": _monitoring_config(constraints.monitoring_config),
    }


def _feature(f: FeatureConstraint) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "inferred_type": f.inferred_type.value}
    if f.completeness is not None:
        out["completeness"] = f.completeness
    if f.is_non_negative is not None:
        out["num_constraints"] = {"is_non_negative": f.is_non_negative}
    if f.domains is not None:
        out["string_constraints"] = {"domains": list(f.domains)}
    return out


def _monitoring_config(c: MonitoringConfig) -> dict[str, Any]:
    d = c.distribution
    dist: dict[str, Any] = {
        "perform_comparison": _switch(d.perform_comparison),
        "comparison_threshold": d.comparison_threshold,
        "comparison_method": d.comparison_method.value,
    }
    if d.categorical_comparison_threshold is not None:
        dist["categorical_comparison_threshold"] = d.categorical_comparison_threshold
    dist["categorical_drift_method"] = d.categorical_drift_method.value
    return {
        "evaluate_constraints": _switch(c.evaluate_constraints),
        "emit_metrics": _switch(c.emit_metrics),
        "datatype_check_threshold": c.datatype_check_threshold,
        "domain_content_threshold": c.domain_content_threshold,
        "distribution_constraints": dist,
    }
