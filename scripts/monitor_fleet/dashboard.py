"""The CloudWatch dashboard of one endpoint: its alarms, drift per feature, violation counts, suite success, bias
and model-quality metrics, and the run heartbeat, all from the fleet's namespace.

Features and bias facets are found with CloudWatch SEARCH expressions, so a feature the container starts to
report appears without a redeploy; the widgets never name more metrics than the endpoint publishes.
"""

from __future__ import annotations

from typing import Any

from monitor_fleet import alerting
from monitor_fleet import requests as req
from monitor_fleet.spec import Endpoint, Fleet

_WIDTH, _HEIGHT = 12, 6
# The container's model-quality metric names (AWS's keys) and the label-free estimates (estimated_<key>).
_MODEL_QUALITY = ("accuracy", "precision", "recall", "f1", "auc", "mae", "rmse", "r2")


def dashboard(fleet: Fleet, endpoint: Endpoint, alarm_arns: list[Any]) -> dict[str, Any]:
    """The dashboard body (CloudWatch's JSON layout) with the alarm ARNs as CloudFormation references."""
    period = req.period_seconds(endpoint.schedule)

    def search(terms: str, stat: str, label: str) -> dict[str, Any]:
        keys = f"{{{fleet.cloudwatch_namespace},Endpoint,MonitoringSchedule}}"
        query = f'{keys} Endpoint="{endpoint.name}" {terms}'
        return _metric_widget(label, [[{"expression": f"SEARCH('{_quoted(query)}', '{stat}', {period})", "id": "s"}]], period)

    def metric(name: str, stat: str, label: str) -> list[Any]:
        dims = [x for d in alerting.dimensions(endpoint) for x in (d["Name"], d["Value"])]
        return [fleet.cloudwatch_namespace, name, *dims, {"stat": stat, "label": label}]

    widgets = [
        {"type": "alarm", "properties": {"title": f"{endpoint.name}: alarms", "alarms": alarm_arns}},
        search('"feature_baseline_drift"', "Maximum", "drift per feature (distance from the baseline)"),
        _metric_widget("constraint violations per run", [metric("constraint_violations", "Maximum", "violations")], period),
        _metric_widget("run heartbeat (completed runs)", [metric("constraint_violations", "SampleCount", "runs")], period),
        _metric_widget("expectation success ratio", [metric("expectation_success_ratio", "Minimum", "success")], period),
        search('"bias_metric"', "Maximum", "bias metrics (Clarify's names and dimensions)"),
        search(
            " OR ".join(f'MetricName="{m}" OR MetricName="estimated_{m}"' for m in _MODEL_QUALITY),
            "Average",
            "model quality (realised and estimated)",
        ),
    ]
    for i, widget in enumerate(widgets):
        widget |= {"x": (i % 2) * _WIDTH, "y": (i // 2) * _HEIGHT, "width": _WIDTH, "height": _HEIGHT}
    return {"widgets": widgets}


def _metric_widget(title: str, metrics: list[Any], period: int) -> dict[str, Any]:
    return {
        "type": "metric",
        "properties": {
            "title": title,
            "metrics": metrics,
            "period": period,
            "view": "timeSeries",
            "region": {"Ref": "AWS::Region"},
        },
    }


def _quoted(query: str) -> str:
    """A SEARCH query inside the expression's single quotes: CloudWatch escapes a quote with a backslash."""
    return query.replace("\\", "\\\\").replace("'", "\\'")
