"""The properties of each AWS resource a fleet entry needs, as plain dicts (pure: no client, no call); template.py
puts them in the fleet's CloudFormation stack. A role ARN is a string when the fleet supplies it, else a
CloudFormation reference to the role the stack creates (iam.role_arn).

Without Model Monitor the image runs as a Processing job started by an EventBridge Scheduler schedule
(universal target ``sagemaker:createProcessingJob``): the window ends at the scheduled time
(``<aws.scheduler.scheduled-time>``) and lasts ``analysis_window``; the capture is read straight from
S3, metrics are published by the container, and reports land under ``<reports>/<endpoint>/<schedule>/
yyyy/mm/dd/hh/``. With Model Monitor, a monitoring schedule runs the same image.
"""

from __future__ import annotations

import json
from typing import Any

from monitor_fleet import iam
from monitor_fleet.spec import Endpoint, Fleet

PROCESSING_TARGET = "arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob"
CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
BASELINE_DIR = "/opt/ml/processing/baseline"


QUALITY_SUFFIX = "-quality"  # the model-quality schedule: monitor-<endpoint>-quality


def schedule_name(endpoint: Endpoint, quality: bool = False) -> str:
    return f"monitor-{endpoint.name}{QUALITY_SUFFIX if quality else ''}"[:64]


def alarm_name(endpoint: Endpoint, what: str) -> str:
    return f"monitor-{endpoint.name}-{what}"[:255]


def rule_name(endpoint: Endpoint) -> str:
    return f"monitor-{endpoint.name}-retrain"[:64]


def dashboard_name(endpoint: Endpoint) -> str:
    return f"monitor-{endpoint.name}"[:255]


def _environment(fleet: Fleet, endpoint: Endpoint, quality: bool) -> dict[str, str]:
    env = {
        "sagemaker_endpoint_name": endpoint.name,
        "sagemaker_monitoring_schedule_name": schedule_name(endpoint, quality),
        # Both modes: the container publishes its metrics to the fleet's namespace itself, where the alarms
        # watch (Model Monitor also publishes the metrics file, to a namespace of its own choosing).
        "cloudwatch_namespace": fleet.cloudwatch_namespace,
    }
    if fleet.region:  # the container's S3 and CloudWatch calls need a region (none set: a ClientError saying so)
        env["AWS_REGION"] = fleet.region
    if endpoint.analysis_config:
        env["analysis_config"] = endpoint.analysis_config
    if quality and endpoint.model_quality:
        mq = endpoint.model_quality
        env |= {"analysis_type": "MODEL_QUALITY", "problem_type": mq.problem_type, "ground_truth_source": mq.ground_truth_s3_uri}
        env |= dict(mq.attributes)
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
            "report_s3_uri": f"{fleet.reports_s3_uri}/{endpoint.name}/{schedule_name(endpoint, quality)}",
        }
    return env


def baseline(endpoint: Endpoint, quality: bool) -> tuple[str, str]:
    """(statistics, constraints) S3 URIs of the data-quality baseline, or of the model-quality one."""
    mq = endpoint.model_quality
    return (mq.statistics, mq.constraints) if quality and mq else (endpoint.statistics, endpoint.constraints)


def processing_job(fleet: Fleet, endpoint: Endpoint, quality: bool = False) -> dict[str, Any]:
    """The CreateProcessingJob request the schedule sends (scheduler placeholders unresolved)."""
    statistics, constraints = baseline(endpoint, quality)

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
        "RoleArn": iam.role_arn(fleet, "job"),
        "Environment": _environment(fleet, endpoint, quality),
        "ProcessingInputs": [
            baseline_input("baseline-statistics", statistics, "stats"),
            baseline_input("baseline-constraints", constraints, "constraints"),
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


def scheduler_schedule(fleet: Fleet, endpoint: Endpoint, quality: bool = False) -> dict[str, Any]:
    what = "model quality" if quality else "sagemaker-monitor"
    return {
        "Name": schedule_name(endpoint, quality),
        "ScheduleExpression": endpoint.schedule,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Description": f"{what} for endpoint {endpoint.name}",
        "Target": {
            "Arn": PROCESSING_TARGET,
            "RoleArn": iam.role_arn(fleet, "scheduler"),
            "Input": json_with_references(processing_job(fleet, endpoint, quality)),
            "RetryPolicy": RETRY_POLICY,
            **({"DeadLetterConfig": {"Arn": fleet.dead_letter_queue_arn}} if fleet.dead_letter_queue_arn else {}),
        },
    }


def json_with_references(request: dict[str, Any]) -> str | dict[str, Any]:
    """The request as the JSON text a Scheduler target sends. A CloudFormation reference inside it (the job role
    the stack creates) becomes a ``${...}`` of ``Fn::Sub``, every literal ``${`` escaped, so the template stays
    account-independent; without references it is plain text.

    >>> json_with_references({"RoleArn": {"Fn::GetAtt": ["JobRole", "Arn"]}, "Env": "${x}"})
    {'Fn::Sub': ['{"Env": "${!x}", "RoleArn": "${Ref0}"}', {'Ref0': {'Fn::GetAtt': ['JobRole', 'Arn']}}]}
    """
    references: dict[str, Any] = {}

    def placeholder(value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref")):
            key = f"Ref{len(references)}"
            references[key] = value
            return f"\0{key}\0"
        if isinstance(value, dict):
            return {k: placeholder(v) for k, v in value.items()}
        if isinstance(value, list):
            return [placeholder(v) for v in value]
        return value

    text = json.dumps(placeholder(request), sort_keys=True)
    if not references:
        return text
    text = text.replace("${", "${!")
    for key in references:
        text = text.replace(f"\\u0000{key}\\u0000", "${" + key + "}")
    return {"Fn::Sub": [text, references]}


def monitoring_schedule(fleet: Fleet, endpoint: Endpoint, quality: bool = False) -> dict[str, Any]:
    """CreateMonitoringSchedule / UpdateMonitoringSchedule (docs/contract.md #scheduling-the-image)."""
    statistics, constraints = baseline(endpoint, quality)
    return {
        "MonitoringScheduleName": schedule_name(endpoint, quality),
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": endpoint.schedule},
            "MonitoringJobDefinition": {
                "BaselineConfig": {
                    "ConstraintsResource": {"S3Uri": constraints},
                    "StatisticsResource": {"S3Uri": statistics},
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
                "Environment": _environment(fleet, endpoint, quality),
                "RoleArn": iam.role_arn(fleet, "job"),
            },
        },
    }


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
