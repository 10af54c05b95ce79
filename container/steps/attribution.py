"""Feature attribution drift: the window's global attributions against the baseline's, as Clarify's monitor
judges them, with a sampling interval.

The window's nDCG (gains: the baseline's attributions) is a statistic of its sampled rows; the basic bootstrap
over those rows gives its interval, and the violation (``feature_attribution_drift_check``, AWS's wording with
the window's own nDCG) is raised only when even the upper bound is below the threshold, so a small window
does not alarm on its noise. Rows that could not be explained are a finding of their own when they pass
``limits.bad_record_share`` of the rows tried, or when none was explained: a monitor that explained nothing
never looks green.
"""

from __future__ import annotations

from typing import Any

from analyzers.attribution.global_values import NdcgEstimate, drift_description, global_values, ndcg_interval
from analyzers.findings import CheckType, Finding
from container.contract import ATTRIBUTION_FILE, EXPLAINABILITY_REPORT_FILE
from container.errors import BaselineError
from container.explainability_settings import ExplainabilitySettings
from container.load.attribution_baseline import AttributionBaseline, analysis_document
from container.steps import StepResult
from container.steps.attribution_sources import Attributions
from container.write.cloudwatch import Metric
from container.write.report import Document

METHOD = ("ExplainabilityMethod", "KernelShap")


def check_features(baseline: AttributionBaseline, features: tuple[str, ...]) -> None:
    """Every feature the baseline ranks must be one the window has: a ranking over others compares nothing."""
    missing = sorted(set(baseline.global_values) - set(features))
    if missing:
        raise BaselineError(
            f"the baseline explains features the window does not have ({', '.join(missing[:5])}); the window's are "
            f"{', '.join(features[:10])}. Name the columns in explainability.headers as the baseline did."
        )


def window_values(found: Attributions, settings: ExplainabilitySettings) -> dict[str, float]:
    return global_values(found.local, found.names, settings.agg_method) if found.explained else {}


def compare(found: Attributions, baseline: AttributionBaseline, settings: ExplainabilitySettings, bad_share: float) -> StepResult:
    """The window's verdict: violations, metrics (Clarify's names and dimensions) and documents."""
    label = baseline.label
    if found.explained:
        check_features(baseline, found.names)
    values = window_values(found, settings)
    findings: list[Finding] = []
    estimate = None
    if found.explained >= 2:
        estimate = ndcg_interval(
            found.local,
            found.names,
            baseline.global_values,
            settings.agg_method,
            settings.resamples,
            settings.confidence,
            settings.seed,
        )
        findings.append(_drift_finding(estimate, settings.threshold, label))
    incomplete = incomplete_finding(found, bad_share)
    if incomplete is not None:
        findings.append(incomplete)
    metrics = attribution_metrics(values, found.expected, label)
    if estimate is not None:
        metrics.append(Metric("feature_attribution_ndcg", value=estimate.value, dimensions=(METHOD, ("Label", label))))
    documents = (
        Document(EXPLAINABILITY_REPORT_FILE, analysis_document(label, values, found.expected)),
        Document(ATTRIBUTION_FILE, report(found, values, settings, baseline, estimate)),
    )
    return StepResult(tuple(findings), tuple(metrics), documents, _note(found, estimate))


def attribution_metrics(values: dict[str, float], expected: float | None, label: str) -> list[Metric]:
    """``feature_<name>`` per global attribution and ``ExpectedValue``, with Clarify's dimensions."""
    shap = (METHOD, ("Label", label), ("ValueType", "GlobalShapValues"))
    metrics = [Metric(f"feature_{name}", value=value, dimensions=shap) for name, value in values.items()]
    if expected is not None:
        dims = (METHOD, ("Label", label), ("ValueType", "ExpectedValue"))
        metrics.append(Metric("ExpectedValue", value=expected, dimensions=dims))
    return metrics


def incomplete_finding(found: Attributions, bad_share: float) -> Finding | None:
    """Rows that could not be explained: violated when none was, or more than ``bad_share`` of those tried."""
    if not found.unexplained and found.explained:
        return None
    share = found.unexplained / found.sampled if found.sampled else 1.0
    why = "; ".join(found.reasons) or "no rows in the window's sample"
    return Finding(
        check_type=CheckType.ATTRIBUTION_INCOMPLETE,
        feature=None,
        violated=found.explained == 0 or share > bad_share,
        description=(
            f"{found.unexplained} of {found.sampled} sampled row(s) could not be explained ({share:.1%}, allowed "
            f"{bad_share:.1%}): {why}"
        ),
        statistic=share,
        threshold=bad_share,
    )


def report(
    found: Attributions,
    values: dict[str, float],
    settings: ExplainabilitySettings,
    baseline: AttributionBaseline | None,
    estimate: NdcgEstimate | None,
) -> dict[str, Any]:
    """``feature_attribution.json``: how the attributions were had, the window's global ``values`` and
    (monitoring) the verdict."""
    out: dict[str, Any] = {
        "source": settings.source,
        "label": baseline.label if baseline else settings.label_name,
        "agg_method": settings.agg_method,
        "rows": {"sampled": found.sampled, "explained": found.explained, "unexplained": found.unexplained},
        "unexplained_reasons": list(found.reasons),
        "window_global_shap_values": values,
    }
    if settings.source == "endpoint":
        out["kernel_shap"] = {"num_samples": settings.num_samples, "link": settings.link}
    if found.usage is not None:
        u = found.usage
        out["endpoint"] = {
            "name": u.endpoint,
            "calls": u.calls,
            "failed_calls": u.failed_calls,
            "rows_sent": u.rows_sent,
            "rows_failed": u.rows_failed,
            "rows_not_sent": u.rows_not_sent,
            "seconds": u.seconds,
            "max_calls": settings.endpoint.max_calls,
        }
    if baseline is not None:
        out["baseline_global_shap_values"] = baseline.global_values
    if estimate is not None:
        out["ndcg"] = {
            "value": estimate.value,
            "low": estimate.low,
            "high": estimate.high,
            "confidence": estimate.confidence,
            "threshold": settings.threshold,
            "violated": estimate.high < settings.threshold,
        }
    return out


def _drift_finding(estimate: NdcgEstimate, threshold: float, label: str) -> Finding:
    return Finding(
        check_type=CheckType.FEATURE_ATTRIBUTION_DRIFT,
        feature=None,
        violated=estimate.high < threshold,
        description=drift_description(estimate.value, threshold),  # AWS's words, which tools may parse
        statistic=estimate.value,
        threshold=threshold,
        # ours, beside AWS's keys: the interval that decided, so a reader sees why a low value did or did not alarm
        extra=(("label", label), ("metric_name", "shap"), ("ndcg_low", estimate.low), ("ndcg_high", estimate.high)),
    )


def _note(found: Attributions, estimate: NdcgEstimate | None) -> str:
    said = f" {found.explained} of {found.sampled} sampled row(s) explained"
    if found.usage is not None:
        said += f" with {found.usage.calls} endpoint call(s) ({found.usage.failed_calls} failed)"
    if estimate is not None:
        said += f"; nDCG {estimate.value:.4f}, {estimate.confidence:.0%} interval [{estimate.low:.4f}, {estimate.high:.4f}]"
    elif found.explained:
        said += "; too few to rank the features (2 rows needed): no attribution drift verdict"
    return said + "."
