"""The statistical drift step of a monitoring job (when the analysis config has a ``drift`` section)."""

from __future__ import annotations

from analyzers.drift.report import drift_findings
from analyzers.drift.rule import FeatureInput, Role, assess
from analyzers.drift.settings import DriftSettings
from analyzers.evaluate import BaselineFeatureView
from analyzers.profile import FeatureProfile
from container.contract import DRIFT_REPORT_FILE
from container.steps import StepResult
from container.write.cloudwatch import drift_metrics
from container.write.drift_report import drift_report_document
from container.write.report import Document


def drift_step(
    baseline: dict[str, BaselineFeatureView],
    window: dict[str, FeatureProfile],
    predictions: set[str],
    settings: DriftSettings,
    evaluating: set[str],
    emitting: set[str],
) -> StepResult:
    """Verdicts for every baseline feature with statistics that the window holds; model outputs are
    marked as predictions, so their drift (the first sign of trouble) is reported on its own. Findings
    for the features whose constraints are evaluated, metrics for those that emit them."""
    inputs = {
        name: FeatureInput(
            baseline=view.profile,
            current=window[name],
            numeric=view.inferred_type.is_numeric,
            role=Role.PREDICTION if name in predictions else Role.FEATURE,
        )
        for name, view in baseline.items()
        if view.profile is not None and name in window
    }
    verdicts = assess(inputs, settings)
    return StepResult(
        findings=tuple(f for f in drift_findings(verdicts) if f.feature in evaluating),
        metrics=tuple(drift_metrics(verdicts, emitting)),
        documents=(Document(DRIFT_REPORT_FILE, drift_report_document(verdicts, settings)),),
    )
