"""Checks of what the tool derives from an endpoint entry, against AWS's limits: the schedule's form in the
chosen mode, the names built from the endpoint name, the container's environment values and the size of the
retrain rule's EventPattern.

The request builders of requests.py are imported inside the functions: requests.py imports spec.py, which
runs these checks.
"""

from __future__ import annotations

import dataclasses

from monitor_fleet import checks as c
from monitor_fleet import schedules
from monitor_fleet.checks import fail
from monitor_fleet.fleet_model import Endpoint, Fleet

MODEL_MONITOR_MAX_RUNTIME = 3600  # "cannot exceed the frequency of the job": at most an hour on an hourly schedule
# Names the tool derives from an endpoint name (requests.py schedule_name, rule_name, alarm_name).
PREFIX = "monitor-"
RULE_SUFFIX = "-retrain"
EVENT_PATTERN_MAX = 4096  # EventBridge PutRule EventPattern
ENVIRONMENT_VALUE_MAX = 256  # SageMaker ProcessingEnvironmentValue / MonitoringEnvironmentValue
# Which fleet key each container environment variable comes from (requests.py _environment).
ENVIRONMENT_SOURCE = {
    "sagemaker_endpoint_name": "name",
    "sagemaker_monitoring_schedule_name": "name",
    "analysis_config": "analysis_config",
    "dataset_source": "capture_s3_uri",
    "analysis_window": "analysis_window",
    "cloudwatch_namespace": "cloudwatch_namespace",
    "report_s3_uri": "reports_s3_uri",
}
_FLEET_KEYS = ("reports_s3_uri", "cloudwatch_namespace")  # environment sources that are fleet-level keys


def check(fleet: Fleet, endpoint: Endpoint, where: str, region: str | None) -> None:
    """FleetError at ``where`` (the endpoint's entry) when something built from it would break an AWS limit."""
    schedule_name_max, kind = _schedule_form(endpoint, where)
    _derived_names(endpoint, where, schedule_name_max, kind)
    _alarm_names(endpoint, where)
    _environment_sizes(fleet, endpoint, where)
    _event_pattern_size(fleet, endpoint, where, region or "us-east-1")


def _schedule_form(endpoint: Endpoint, where: str) -> tuple[int, str]:
    """Check the schedule (and run time) the mode accepts; give that mode's schedule name limit and kind."""
    if not endpoint.use_model_monitor:
        problem = schedules.scheduler_schedule(endpoint.schedule)
        if problem:
            fail(f"{where}.schedule", problem, fix="e.g. cron(0 * * * ? *) or rate(6 hours)")
        return c.limit("scheduler", "Name"), "EventBridge Scheduler schedule"
    if not schedules.model_monitor_schedule(endpoint.schedule):
        fail(
            f"{where}.schedule",
            f"Model Monitor accepts only {schedules.MODEL_MONITOR_FORMS}",
            endpoint.schedule,
            f"{schedules.model_monitor_fix(endpoint.schedule)}, or set use_model_monitor: false to use EventBridge Scheduler",
        )
    if endpoint.max_runtime_seconds > MODEL_MONITOR_MAX_RUNTIME:
        fail(
            f"{where}.max_runtime_seconds",
            f"Model Monitor allows at most {MODEL_MONITOR_MAX_RUNTIME} (a run cannot outlast the hourly schedule)",
            endpoint.max_runtime_seconds,
            f"use at most {MODEL_MONITOR_MAX_RUNTIME}",
        )
    return c.limit("sagemaker", "MonitoringScheduleName"), "monitoring schedule"


def _derived_names(endpoint: Endpoint, where: str, schedule_name_max: int, kind: str) -> None:
    """The schedule name and the retrain rule name the tool builds from the endpoint name."""
    name = endpoint.name
    derived = [(f"{PREFIX}{name}", schedule_name_max, f"the {kind} name")]
    if endpoint.retrain_pipeline is not None:
        derived.append((f"{PREFIX}{name}{RULE_SUFFIX}", c.limit("events", "RuleName"), "the retrain rule name"))
    for full, most, what in derived:
        if len(full) > most:
            fail(
                f"{where}.name",
                f"{what} {full!r} would be {len(full)} characters (limit {most})",
                fix=f"monitor endpoints with names of at most {len(name) - (len(full) - most)} characters",
            )


def _alarm_names(endpoint: Endpoint, where: str) -> None:
    """Alarm names as requests.py alarm_name builds them (before its cut at 255) and the metrics they watch."""
    name = endpoint.name
    alarm_max, metric_max = c.limit("cloudwatch", "AlarmName"), c.limit("cloudwatch", "MetricName")
    named = [
        (f"{PREFIX}{name}-drift-{f}", f"feature_baseline_drift_{f}", "drift_features", f) for f in endpoint.alarms.drift_features
    ]
    named += [
        (f"{PREFIX}{name}-bias-{b.metric}-{b.facet}-{b.facet_value}", f"bias_metric_{b.metric}", f"bias[{i}]", b.facet_value)
        for i, b in enumerate(endpoint.alarms.bias)
    ]
    for alarm, metric, key, value in named:
        if len(alarm) > alarm_max or len(metric) > metric_max:
            fail(
                f"{where}.alarms.{key}",
                f"the alarm name would be {len(alarm)} characters (CloudWatch's limit is {alarm_max})",
                value,
                "use shorter names" if key == "drift_features" else "use a shorter facet or facet_value",
            )


def _environment_sizes(fleet: Fleet, endpoint: Endpoint, where: str) -> None:
    """Each container environment value the job request carries, against SageMaker's limit."""
    from monitor_fleet import requests as req

    job = (
        req.monitoring_schedule(fleet, endpoint)["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
        if endpoint.use_model_monitor
        else req.processing_job(fleet, endpoint)
    )
    for var, value in job["Environment"].items():
        if len(value) > ENVIRONMENT_VALUE_MAX:
            key = ENVIRONMENT_SOURCE.get(var, "name")
            shown = getattr(fleet, key, None) if key in _FLEET_KEYS else getattr(endpoint, key, None)
            fail(
                f"{where}.{key}",
                f"gives the container's {var} a value of {len(value)} characters, "
                f"over SageMaker's environment limit of {ENVIRONMENT_VALUE_MAX}",
                shown,
                f"shorten {key}" + (" or the endpoint name" if key == "reports_s3_uri" else ""),
            )


def _event_pattern_size(fleet: Fleet, endpoint: Endpoint, where: str, region: str) -> None:
    """The retrain rule's EventPattern (it lists every alarm of the endpoint), against EventBridge's limit."""
    size = _event_pattern_length(fleet, endpoint, region)
    if size is not None and size > EVENT_PATTERN_MAX:
        fits = _features_that_fit(fleet, endpoint, region)
        fail(
            f"{where}.alarms.drift_features",
            f"the retrain rule's EventPattern lists every alarm of the endpoint and would be "
            f"{size:,} characters, over EventBridge's limit of {EVENT_PATTERN_MAX:,}",
            len(endpoint.alarms.drift_features),
            f"alarm on at most {fits} drift features for this endpoint, or shorten the feature names",
        )


def _event_pattern_length(fleet: Fleet, endpoint: Endpoint, region: str) -> int | None:
    """Characters in the retrain rule's EventPattern, or None when the endpoint has no retrain rule."""
    from monitor_fleet import requests as req

    rule = req.retrain_rule(fleet, endpoint, region)
    return None if rule is None else len(rule[0]["EventPattern"])


def _features_that_fit(fleet: Fleet, endpoint: Endpoint, region: str) -> int:
    """How many of the endpoint's first drift features keep the EventPattern within the limit."""
    features = endpoint.alarms.drift_features
    n = len(features)
    while n > 0:
        trial = dataclasses.replace(endpoint, alarms=dataclasses.replace(endpoint.alarms, drift_features=features[:n]))
        size = _event_pattern_length(fleet, trial, region)
        if size is not None and size <= EVENT_PATTERN_MAX:
            break
        n -= 1
    return n
