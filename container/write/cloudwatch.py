"""CloudWatch metric records (docs/contract.md #cloudwatch-metrics): the JSON-lines file SageMaker publishes for us, and the
same records for ``PutMetricData`` when we publish ourselves.

Names follow AWS's analyzer so existing alarms keep working: ``feature_data_<f>`` (StatisticValues),
``feature_non_null_<f>`` (completeness) and ``feature_baseline_drift_<f>`` (the drift distance).
Each record has ``Value`` or ``StatisticValues``, never both; values CloudWatch would reject (NaN,
infinities, magnitudes beyond 2^360) are left out. ``publish_metrics`` writes the file and, with
``cloudwatch_namespace``, sends the records itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from analyzers.drift.rule import DriftVerdict, Role
from analyzers.evaluate import FeatureResult
from analyzers.profile import FeatureProfile
from container.contract import MonitorContract
from container.write._json import dumps
from container.write.atomic import write_text
from container.write.publish import put_metric_data

MAX_NAME = 255  # CloudWatch MetricName and dimension name limit
MAX_DIMENSION_VALUE = 1024
_LIMIT = 2.0**360


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float | None = None
    statistics: tuple[tuple[str, float], ...] | None = None
    dimensions: tuple[tuple[str, str], ...] = ()  # added to the job's dimensions (bias metrics)


def feature_metrics(results: list[FeatureResult], window: dict[str, FeatureProfile]) -> list[Metric]:
    metrics = []
    for result in results:
        if not result.emit_metrics:
            continue
        profile = window[result.name]
        m = profile.moments
        if m.count and all(_ok(v) for v in (m.sum, m.minimum, m.maximum)):
            metrics.append(
                Metric(
                    f"feature_data_{result.name}",
                    statistics=(
                        ("SampleCount", float(m.count)),
                        ("Sum", m.sum),
                        ("Minimum", m.minimum),
                        ("Maximum", m.maximum),
                    ),
                )
            )
        if profile.types.total:
            metrics.append(Metric(f"feature_non_null_{result.name}", value=profile.types.present / profile.types.total))
        if result.drift is not None and _ok(result.drift):
            metrics.append(Metric(f"feature_baseline_drift_{result.name}", value=result.drift))
    return metrics


def drift_metrics(verdicts: list[DriftVerdict], emitting: set[str]) -> list[Metric]:
    """``feature_drift_<method>_<f>`` per computed distance (``prediction_drift_...`` for model
    outputs), beside AWS's ``feature_baseline_drift_<f>``."""
    metrics = []
    for v in verdicts:
        if v.feature not in emitting:
            continue
        prefix = "prediction_drift" if v.role is Role.PREDICTION else "feature_drift"
        metrics.extend(Metric(f"{prefix}_{method}_{v.feature}", value=value) for method, value in v.distances if _ok(value))
    return metrics


def dimensions(endpoint: str | None, schedule: str | None) -> list[dict[str, str]]:
    """``Endpoint`` and ``MonitoringSchedule`` for endpoints, ``MonitoringSchedule`` alone for batch."""
    dims = []
    if endpoint:
        dims.append({"Name": "Endpoint", "Value": endpoint[:MAX_DIMENSION_VALUE]})
    if schedule:
        dims.append({"Name": "MonitoringSchedule", "Value": schedule[:MAX_DIMENSION_VALUE]})
    return dims


def records(metrics: list[Metric], when: datetime, dims: list[dict[str, str]]) -> list[dict[str, Any]]:
    """PutMetricData-shaped dicts; ``Timestamp`` as ISO-8601 UTC."""
    stamp = f"{when:%Y-%m-%dT%H:%M:%SZ}"
    out = []
    for metric in metrics:
        extra = [{"Name": k, "Value": str(v)[:MAX_DIMENSION_VALUE]} for k, v in metric.dimensions]
        record: dict[str, Any] = {"MetricName": metric.name[:MAX_NAME], "Timestamp": stamp, "Dimensions": dims + extra}
        if metric.statistics is not None:
            record["StatisticValues"] = dict(metric.statistics)
        else:
            record["Value"] = metric.value
        out.append(record)
    return out


def publish_metrics(contract: MonitorContract, metrics: list[Metric]) -> str:
    """Write the metrics file and publish if asked; a note for the message when publishing failed."""
    if not (contract.publish_cloudwatch or contract.cloudwatch_namespace):
        return ""
    when = contract.end_time or contract.start_time or datetime.now(UTC).replace(second=0, microsecond=0)
    dims = dimensions(contract.endpoint_name, contract.schedule_name)
    if contract.model_dimension is not None:
        name, value = contract.model_dimension
        dims.append({"Name": name[:MAX_NAME], "Value": value[:MAX_DIMENSION_VALUE]})
    lines = records(metrics, when, dims)
    if contract.publish_cloudwatch:
        text = "".join(dumps(r, pretty=False) + "\n" for r in lines)
        if contract.model_dimension is not None and contract.metrics_file.exists():  # after the whole window's
            text = contract.metrics_file.read_text(encoding="utf-8") + text
        write_text(contract.metrics_file, text)
    if contract.cloudwatch_namespace and lines:
        failure = put_metric_data(contract.cloudwatch_namespace, lines)
        if failure:
            return f" Metrics were not published: {failure}"
    return ""


def _ok(value: float) -> bool:
    return math.isfinite(value) and (value == 0 or 2.0**-360 < abs(value) < _LIMIT)
