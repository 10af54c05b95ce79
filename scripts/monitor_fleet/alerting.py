"""The alerting of a fleet entry, as CloudFormation properties (pure: no client, no call): alarms on what the
runs publish and on the runs themselves, the endpoint's composite retraining trigger, and the EventBridge
rules that start retraining and report failed runs. Every alarm watches the fleet's namespace, where the
container publishes in both modes, and is evaluated once per schedule period.
"""

from __future__ import annotations

from typing import Any

from monitor_fleet import iam
from monitor_fleet.requests import alarm_name, period_seconds, rule_name, schedule_name
from monitor_fleet.spec import Endpoint, Fleet


def dimensions(endpoint: Endpoint, quality: bool = False) -> list[dict[str, str]]:
    return [
        {"Name": "Endpoint", "Value": endpoint.name},
        {"Name": "MonitoringSchedule", "Value": schedule_name(endpoint, quality)},
    ]


def _alarm(
    fleet: Fleet,
    endpoint: Endpoint,
    topic_arn: Any,
    suffix: str,
    metric: str,
    threshold: float,
    comparison: str,
    extra_dims: list[dict[str, str]] | None = None,
    quality: bool = False,
) -> dict[str, Any]:
    """An alarm on one metric the container publishes to the fleet's namespace (both modes), evaluated once per
    schedule period."""
    return {
        "AlarmName": alarm_name(endpoint, suffix),
        "AlarmDescription": f"{metric} on {endpoint.name} (sagemaker-monitor)",
        "Namespace": fleet.cloudwatch_namespace,
        "MetricName": metric,
        "Dimensions": dimensions(endpoint, quality) + (extra_dims or []),
        "Statistic": "Maximum" if comparison == "GreaterThanThreshold" else "Minimum",
        "Period": period_seconds(endpoint.schedule),
        "EvaluationPeriods": 1,
        "Threshold": threshold,
        "ComparisonOperator": comparison,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [topic_arn],
    }


def heartbeat_alarm(fleet: Fleet, endpoint: Endpoint, topic_arn: Any, quality: bool = False) -> dict[str, Any]:
    """Alarm when no run completed in two schedule periods: every completed monitoring run publishes
    ``constraint_violations`` (0 included), so a schedule that never runs or always fails sends nothing,
    and missing data is what breaches here. It never starts retraining: a missing run is no reason to retrain."""
    suffix = "quality-heartbeat" if quality else "heartbeat"
    alarm = _alarm(fleet, endpoint, topic_arn, suffix, "constraint_violations", 1, "LessThanThreshold", quality=quality)
    job = "model-quality run" if quality else "monitoring run"
    description = f"no completed {job} of {endpoint.name} in two schedule periods (sagemaker-monitor)"
    return alarm | {
        "Statistic": "SampleCount",
        "EvaluationPeriods": 2,
        "TreatMissingData": "breaching",
        "AlarmDescription": description,
    }


# A bias metric's value when both groups are treated alike: DI is a ratio, every other metric a difference or a
# divergence. A two-sided alarm fires when the metric moves away from it by more than the threshold either way.
_FAIR_VALUE = {"DI": 1.0}


def bias_alarm(fleet: Fleet, endpoint: Endpoint, topic_arn: Any, b: Any) -> dict[str, Any]:
    dims = [
        {"Name": "BiasStage", "Value": b.stage},
        {"Name": "Label", "Value": b.label},
        {"Name": "LabelValue", "Value": b.label_value},
        {"Name": "Facet", "Value": b.facet},
        {"Name": "FacetValue", "Value": b.facet_value},
    ]
    suffix = f"bias-{b.metric}-{b.facet}-{b.facet_value}"
    metric = f"bias_metric_{b.metric}"
    if b.comparison != "TwoSided":
        return _alarm(fleet, endpoint, topic_arn, suffix, metric, b.threshold, b.comparison, dims)
    alarm = _alarm(fleet, endpoint, topic_arn, suffix, metric, b.threshold, "GreaterThanThreshold", dims)
    fair = _FAIR_VALUE.get(b.metric, 0.0)
    stat = {
        "Metric": {
            "Namespace": alarm.pop("Namespace"),
            "MetricName": alarm.pop("MetricName"),
            "Dimensions": alarm.pop("Dimensions"),
        },
        "Period": alarm.pop("Period"),
        "Stat": alarm.pop("Statistic"),
    }
    # Metric math: the distance from the fair value, so DPPL -0.3 alarms as surely as +0.3, and DI 0.7 as 1.3.
    return alarm | {
        "AlarmDescription": f"|{metric} - {fair:g}| on {endpoint.name} (sagemaker-monitor)",
        "Metrics": [
            {"Id": "value", "MetricStat": stat, "ReturnData": False},
            {"Id": "distance", "Expression": f"ABS(value - {fair:g})", "Label": f"|{b.metric} - {fair:g}|", "ReturnData": True},
        ],
    }


def heartbeat_alarms(fleet: Fleet, endpoint: Endpoint, topic_arn: Any) -> list[dict[str, Any]]:
    """One heartbeat per schedule of the endpoint (data quality, and model quality when configured)."""
    schedules = [False, True] if endpoint.model_quality else [False]
    return [heartbeat_alarm(fleet, endpoint, topic_arn, quality) for quality in schedules]


def finding_alarms(fleet: Fleet, endpoint: Endpoint, topic_arn: Any) -> list[dict[str, Any]]:
    """Alarms on what the runs find: drift per feature, violation counts, suite success, bias, and the
    model-quality job's metrics (realised, or estimated before the labels arrive)."""
    a = endpoint.alarms
    out = [
        _alarm(fleet, endpoint, topic_arn, f"drift-{f}", f"feature_baseline_drift_{f}", a.drift_threshold, "GreaterThanThreshold")
        for f in a.drift_features
    ]
    if a.violations_threshold is not None:
        out.append(
            _alarm(
                fleet, endpoint, topic_arn, "violations", "constraint_violations", a.violations_threshold, "GreaterThanThreshold"
            )
        )
    if a.expectation_success_min is not None:
        out.append(
            _alarm(
                fleet,
                endpoint,
                topic_arn,
                "expectations",
                "expectation_success_ratio",
                a.expectation_success_min,
                "LessThanThreshold",
            )
        )
    out += [bias_alarm(fleet, endpoint, topic_arn, b) for b in a.bias]
    quality = endpoint.model_quality.alarms if endpoint.model_quality else ()
    return out + [
        _alarm(fleet, endpoint, topic_arn, f"quality-{q.metric}", q.metric, q.threshold, q.comparison, quality=True)
        for q in quality
    ]


def composite_alarm(endpoint: Endpoint, alarm_names: list[Any]) -> dict[str, Any]:
    """One alarm per endpoint that is in ALARM while any of its drift, quality or bias alarms is: the single
    retraining trigger (so several drifting features start one retraining run, not one each)."""
    return {
        "AlarmName": alarm_name(endpoint, "retrain-trigger"),
        "AlarmDescription": f"any drift, quality or bias alarm of {endpoint.name} (sagemaker-monitor retraining trigger)",
        "AlarmRule": {"Fn::Join": [" OR ", [{"Fn::Sub": ['ALARM("${Name}")', {"Name": n}]} for n in alarm_names]]},
    }


_PIPELINE_ARN = "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:pipeline/"


def retrain_rule(endpoint: Endpoint, events_role: Any, composite_name: str) -> dict[str, Any] | None:
    """An EventBridge rule on the endpoint's composite alarm entering ALARM, starting the retraining pipeline."""
    if endpoint.retrain_pipeline is None:
        return None
    return {
        "Name": rule_name(endpoint),
        "Description": f"start {endpoint.retrain_pipeline} when {endpoint.name} drifts (sagemaker-monitor)",
        "EventPattern": {
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "detail": {"alarmName": [composite_name], "state": {"value": ["ALARM"]}},
        },
        "State": "ENABLED",
        "Targets": [
            {
                "Id": "retrain",
                "Arn": {"Fn::Sub": _PIPELINE_ARN + endpoint.retrain_pipeline},
                "RoleArn": events_role,
                "SageMakerPipelineParameters": {"PipelineParameterList": []},
            }
        ],
    }


def failed_runs_rule(fleet: Fleet, topic_arns: list[Any]) -> dict[str, Any]:
    """An EventBridge rule on the fleet's monitoring jobs that fail (both modes run them as Processing jobs with
    the job role), to the alarm topics: the message names the job and SageMaker's failure reason, which holds
    the container's status message."""
    transformer = {
        "InputPathsMap": {
            "job": "$.detail.ProcessingJobName",
            "reason": "$.detail.FailureReason",
            "endpoint": "$.detail.Environment.sagemaker_endpoint_name",
        },
        "InputTemplate": '"sagemaker-monitor: monitoring job <job> of endpoint <endpoint> failed: <reason>"',
    }
    return {
        "Description": f"monitoring jobs of {fleet.stack_name} that fail (sagemaker-monitor)",
        "EventPattern": {
            "source": ["aws.sagemaker"],
            "detail-type": ["SageMaker Processing Job State Change"],
            "detail": {"ProcessingJobStatus": ["Failed"], "RoleArn": [iam.role_arn(fleet, "job")]},
        },
        "State": "ENABLED",
        "Targets": [{"Id": f"topic{i}", "Arn": arn, "InputTransformer": transformer} for i, arn in enumerate(topic_arns)],
    }
