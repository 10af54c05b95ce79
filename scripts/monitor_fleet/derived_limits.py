"""Checks of what the tool derives from an endpoint entry, against AWS's limits: the schedule's form in the
chosen mode, the names built from the endpoint name, the container's environment values and the retraining
trigger (a composite alarm over the endpoint's alarms).

The request builders of requests.py are imported inside the functions: requests.py imports spec.py, which
runs these checks.
"""

from __future__ import annotations

from monitor_fleet import checks as c
from monitor_fleet import schedules
from monitor_fleet.checks import fail
from monitor_fleet.fleet_model import Endpoint, Fleet

MODEL_MONITOR_MAX_RUNTIME = 3600  # "cannot exceed the frequency of the job": at most an hour on an hourly schedule
# Names the tool derives from an endpoint name (requests.py schedule_name, rule_name, alarm_name).
PREFIX = "monitor-"
RULE_SUFFIX = "-retrain"
QUALITY_SUFFIX = "-quality"  # requests.py QUALITY_SUFFIX
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
    "ground_truth_source": "model_quality.ground_truth_s3_uri",
}
_FLEET_KEYS = ("reports_s3_uri", "cloudwatch_namespace")  # environment sources that are fleet-level keys


def check(fleet: Fleet, endpoint: Endpoint, where: str) -> None:
    """FleetError at ``where`` (the endpoint's entry) when something built from it would break an AWS limit."""
    schedule_name_max, kind = _schedule_form(endpoint, where)
    _derived_names(endpoint, where, schedule_name_max, kind)
    _alarm_names(endpoint, where)
    _environment_sizes(fleet, endpoint, where)
    _retrain_trigger(fleet, endpoint, where)


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
    if endpoint.model_quality is not None:
        derived.append((f"{PREFIX}{name}{QUALITY_SUFFIX}", schedule_name_max, f"the model-quality {kind} name"))
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
    """Each container environment value the job requests carry (both schedules), against SageMaker's limit."""
    from monitor_fleet import requests as req

    for quality in [False, True] if endpoint.model_quality else [False]:
        job = (
            req.monitoring_schedule(fleet, endpoint, quality)["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
            if endpoint.use_model_monitor
            else req.processing_job(fleet, endpoint, quality)
        )
        for var, value in job["Environment"].items():
            if len(value) > ENVIRONMENT_VALUE_MAX:
                key = ENVIRONMENT_SOURCE.get(var, f"model_quality.{var}" if quality else "name")
                shown = getattr(fleet, key, None) if key in _FLEET_KEYS else getattr(endpoint, key, value)
                fail(
                    f"{where}.{key}",
                    f"gives the container's {var} a value of {len(value)} characters, "
                    f"over SageMaker's environment limit of {ENVIRONMENT_VALUE_MAX}",
                    shown,
                    f"shorten {key}" + (" or the endpoint name" if key == "reports_s3_uri" else ""),
                )


def _retrain_trigger(fleet: Fleet, endpoint: Endpoint, where: str) -> None:
    """The composite alarm that triggers retraining: it needs alarms to combine, and its rule (every alarm
    name in ``ALARM("...") OR ...``) must fit CloudWatch's limit."""
    from monitor_fleet import alerting

    names = [a["AlarmName"] for a in alerting.finding_alarms(fleet, endpoint, "")]
    if endpoint.retrain_pipeline is not None and not names:
        fail(
            f"{where}.retrain_pipeline",
            "has nothing to trigger it: the endpoint has no drift, violation, expectation or bias alarm",
            endpoint.retrain_pipeline,
            "add alarms (e.g. alarms: {drift_features: [income]}) or remove retrain_pipeline",
        )
    size, most = alarm_rule_length(names), c.limit("cloudwatch", "AlarmRule")
    if size > most:
        fits = next(n for n in range(len(names), -1, -1) if alarm_rule_length(names[:n]) <= most)
        fail(
            f"{where}.alarms",
            f"the retraining trigger combines {len(names)} alarms in a rule of {size:,} characters, "
            f"over CloudWatch's composite alarm limit of {most:,}",
            fix=f"alarm on at most {fits} metrics for this endpoint, or shorten the feature names",
        )


def alarm_rule_length(names: list[str]) -> int:
    """Characters of the composite alarm rule ``ALARM("a") OR ALARM("b")`` over these alarm names."""
    return sum(len(f'ALARM("{n}")') for n in names) + len(" OR ") * max(len(names) - 1, 0)
