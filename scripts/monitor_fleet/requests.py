"""The schedules and jobs a fleet entry needs, as CloudFormation properties (pure: no client, no call), and the
names the tool derives; template.py puts them in the fleet's stack, alerting.py adds the alarms and rules.
A role ARN is a string when the fleet supplies it, else a CloudFormation reference to the role the stack creates (iam.role_arn).

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
