"""The AWS requests a fleet entry needs, as plain dicts (pure: no client, no call).

Without Model Monitor the image runs as a Processing job started by an EventBridge Scheduler schedule
(universal target ``sagemaker:createProcessingJob``): the window ends at the scheduled time
(``<aws.scheduler.scheduled-time>``) and lasts ``analysis_window``; the capture is read straight from
S3, metrics are published by the container, and reports land under ``<reports>/<endpoint>/<schedule>/
yyyy/mm/dd/hh/``. With Model Monitor, a monitoring schedule runs the same image.
"""

from __future__ import annotations

import json
from typing import Any

from monitor_fleet.spec import Endpoint, Fleet

PROCESSING_TARGET = "arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob"
MODEL_MONITOR_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
BASELINE_DIR = "/opt/ml/processing/baseline"


def schedule_name(endpoint: Endpoint) -> str:
    return f"monitor-{endpoint.name}"[:64]


def alarm_name(endpoint: Endpoint, what: str) -> str:
    return f"monitor-{endpoint.name}-{what}"[:255]


def rule_name(endpoint: Endpoint) -> str:
    return f"monitor-{endpoint.name}-retrain"[:64]


def namespace(fleet: Fleet, endpoint: Endpoint) -> str:
    return MODEL_MONITOR_NAMESPACE if endpoint.use_model_monitor else fleet.cloudwatch_namespace


def _environment(fleet: Fleet, endpoint: Endpoint) -> dict[str, str]:
    env = {"sagemaker_endpoint_name": endpoint.name, "sagemaker_monitoring_schedule_name": schedule_name(endpoint)}
    if fleet.region:  # the container's S3 and CloudWatch calls need a region (none set: a ClientError saying so)
        env["AWS_REGION"] = fleet.region
    if endpoint.analysis_config:
        env["analysis_config"] = endpoint.analysis_config
    if not endpoint.use_model_monitor:
        env |= {
            "dataset_format": CAPTURE_FORMAT,
            "dataset_source": endpoint.capture_s3_uri,
            # No ProcessingOutput is declared (the container uploads its reports to report_s3_uri), so SageMaker
            # creates no output folder under /opt/ml; the non-root container writes to /tmp instead.
            "output_path": "/tmp/monitor-output",
            "baseline_statistics": f"{BASELINE_DIR}/stats/statistics.json",
            "baseline_constraints": f"{BASELINE_DIR}/constraints/constraints.json",
            "end_time": "<aws.scheduler.scheduled-time>",
            "analysis_window": endpoint.analysis_window,
            "publish_cloudwatch_metrics": "Disabled",
            "cloudwatch_namespace": fleet.cloudwatch_namespace,
            "report_s3_uri": f"{fleet.reports_s3_uri}/{endpoint.name}/{schedule_name(endpoint)}",
        }
    return env


def processing_job(fleet: Fleet, endpoint: Endpoint) -> dict[str, Any]:
    """The CreateProcessingJob request the schedule sends (scheduler placeholders unresolved)."""

    def baseline_input(name: str, uri: str, folder: str) -> dict[str, Any]:
        return {
            "InputName": name,
            "S3Input": {"S3Uri": uri, "LocalPath": f"{BASELINE_DIR}/{folder}", "S3DataType": "S3Prefix", "S3InputMode": "File"},
        }

    return {
        "ProcessingJobName": "<aws.scheduler.execution-id>",
        "AppSpecification": {"ImageUri": fleet.image_uri},
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": endpoint.instance_count,
                "InstanceType": endpoint.instance_type,
                "VolumeSizeInGB": endpoint.volume_size_gb,
            }
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": endpoint.max_runtime_seconds},
        "RoleArn": fleet.role_arn,
        "Environment": _environment(fleet, endpoint),
        "ProcessingInputs": [
            baseline_input("baseline-statistics", endpoint.statistics, "stats"),
            baseline_input("baseline-constraints", endpoint.constraints, "constraints"),
        ],
    }


# A run that could not start (throttling, a capacity error) is retried for up to an hour; after that the
# Scheduler gives up on that run, and the heartbeat alarm says no run completed.
RETRY_POLICY = {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def period_seconds(schedule: str) -> int:
    """How often the schedule runs, for alarm periods: ``rate(n unit)``; a cron whose hour field is ``*`` runs
    hourly, one with ``*/n`` or ``h/n`` (Model Monitor's form) every n hours; any other cron at least daily.

    >>> period_seconds("rate(6 hours)"), period_seconds("cron(0 * ? * * *)"), period_seconds("cron(0 0/6 ? * * *)")
    (21600, 3600, 21600)
    >>> period_seconds("cron(0 */4 ? * * *)"), period_seconds("cron(0 2 ? * * *)")
    (14400, 86400)
    """
    if schedule.startswith("rate("):
        count, unit = schedule[5:-1].split()
        return max(int(count) * _RATE_UNITS[unit], 60)
    hours = schedule[5:-1].split()[1] if schedule.startswith("cron(") else ""
    if hours == "*":
        return 3600
    step = hours.partition("/")[2]
    if step.isdigit() and int(step) > 0:
        return int(step) * 3600
    return 86400


def scheduler_schedule(fleet: Fleet, endpoint: Endpoint) -> dict[str, Any]:
    return {
        "Name": schedule_name(endpoint),
        "ScheduleExpression": endpoint.schedule,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Description": f"sagemaker-monitor for endpoint {endpoint.name}",
        "Target": {
            "Arn": PROCESSING_TARGET,
            "RoleArn": fleet.role_arn,
            "Input": json.dumps(processing_job(fleet, endpoint), sort_keys=True),
            "RetryPolicy": RETRY_POLICY,
            **({"DeadLetterConfig": {"Arn": fleet.dead_letter_queue_arn}} if fleet.dead_letter_queue_arn else {}),
        },
    }


def monitoring_schedule(fleet: Fleet, endpoint: Endpoint) -> dict[str, Any]:
    """CreateMonitoringSchedule / UpdateMonitoringSchedule (docs/contract.md #scheduling-the-image)."""
    return {
        "MonitoringScheduleName": schedule_name(endpoint),
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": endpoint.schedule},
            "MonitoringJobDefinition": {
                "BaselineConfig": {
                    "ConstraintsResource": {"S3Uri": endpoint.constraints},
                    "StatisticsResource": {"S3Uri": endpoint.statistics},
                },
                "MonitoringInputs": [
                    {"EndpointInput": {"EndpointName": endpoint.name, "LocalPath": "/opt/ml/processing/input/endpoint"}}
                ],
                "MonitoringOutputConfig": {
                    "MonitoringOutputs": [
                        {
                            "S3Output": {
                                "S3Uri": fleet.reports_s3_uri,
                                "LocalPath": "/opt/ml/processing/output",
                                "S3UploadMode": "EndOfJob",
                            }
                        }
                    ]
                },
                "MonitoringResources": {
                    "ClusterConfig": {
                        "InstanceCount": endpoint.instance_count,
                        "InstanceType": endpoint.instance_type,
                        "VolumeSizeInGB": endpoint.volume_size_gb,
                    }
                },
                "MonitoringAppSpecification": {"ImageUri": fleet.image_uri},
                "StoppingCondition": {"MaxRuntimeInSeconds": endpoint.max_runtime_seconds},
                "Environment": _environment(fleet, endpoint),
                "RoleArn": fleet.role_arn,
            },
        },
    }


def _alarm(
    fleet: Fleet,
    endpoint: Endpoint,
    topic_arn: str,
    suffix: str,
    metric: str,
    threshold: float,
    comparison: str,
    extra_dims: list[dict[str, str]] | None = None,
    namespace_override: str | None = None,
) -> dict[str, Any]:
    dims = [{"Name": "Endpoint", "Value": endpoint.name}, {"Name": "MonitoringSchedule", "Value": schedule_name(endpoint)}]
    return {
        "AlarmName": alarm_name(endpoint, suffix),
        "AlarmDescription": f"{metric} on {endpoint.name} (sagemaker-monitor)",
        "Namespace": namespace_override or namespace(fleet, endpoint),
        "MetricName": metric,
        "Dimensions": dims + (extra_dims or []),
        "Statistic": "Maximum" if comparison == "GreaterThanThreshold" else "Minimum",
        "Period": period_seconds(endpoint.schedule),
        "EvaluationPeriods": 1,
        "Threshold": threshold,
        "ComparisonOperator": comparison,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [topic_arn],
    }


def endpoint_alarms(fleet: Fleet, endpoint: Endpoint, topic_arn: str) -> list[dict[str, Any]]:
    """Every alarm of an endpoint: on what its runs report (``drift_alarms``, which also start retraining)
    and on the runs themselves (``heartbeat_alarm``, which never does: a missing run is no reason to retrain)."""
    return [*drift_alarms(fleet, endpoint, topic_arn), heartbeat_alarm(fleet, endpoint, topic_arn)]


def heartbeat_alarm(fleet: Fleet, endpoint: Endpoint, topic_arn: str) -> dict[str, Any]:
    """Alarm when no run completed in two schedule periods: every completed monitoring run publishes
    ``constraint_violations`` (0 included), so a schedule that never runs or always fails sends nothing,
    and missing data is what breaches here."""
    alarm = _alarm(fleet, endpoint, topic_arn, "heartbeat", "constraint_violations", 1, "LessThanThreshold")
    description = f"no completed monitoring run of {endpoint.name} in two schedule periods (sagemaker-monitor)"
    return alarm | {
        "Statistic": "SampleCount",
        "EvaluationPeriods": 2,
        "TreatMissingData": "breaching",
        "AlarmDescription": description,
    }


def drift_alarms(fleet: Fleet, endpoint: Endpoint, topic_arn: str) -> list[dict[str, Any]]:
    """Alarms on what the container emits: drift per feature, violation counts, suite success, bias."""
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
    bias_namespace = None if not endpoint.use_model_monitor else "aws/sagemaker/Endpoints/bias-metrics"
    for b in a.bias:
        dims = [
            {"Name": "BiasStage", "Value": b.stage},
            {"Name": "Label", "Value": b.label},
            {"Name": "LabelValue", "Value": b.label_value},
            {"Name": "Facet", "Value": b.facet},
            {"Name": "FacetValue", "Value": b.facet_value},
        ]
        suffix = f"bias-{b.metric}-{b.facet}-{b.facet_value}"
        out.append(
            _alarm(fleet, endpoint, topic_arn, suffix, f"bias_metric_{b.metric}", b.threshold, b.comparison, dims, bias_namespace)
        )
    return out


def retrain_rule(fleet: Fleet, endpoint: Endpoint, region: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An EventBridge rule on the endpoint's alarms going to ALARM, starting the retraining pipeline."""
    if endpoint.retrain_pipeline is None:
        return None
    account = fleet.role_arn.split(":")[4]
    pattern = {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {
            "alarmName": [a["AlarmName"] for a in drift_alarms(fleet, endpoint, "")],
            "state": {"value": ["ALARM"]},
        },
    }
    rule = {"Name": rule_name(endpoint), "EventPattern": json.dumps(pattern, sort_keys=True), "State": "ENABLED"}
    targets = {
        "Rule": rule_name(endpoint),
        "Targets": [
            {
                "Id": "retrain",
                "Arn": f"arn:aws:sagemaker:{region}:{account}:pipeline/{endpoint.retrain_pipeline}",
                "RoleArn": fleet.role_arn,
                "SageMakerPipelineParameters": {"PipelineParameterList": []},
            }
        ],
    }
    return rule, targets
