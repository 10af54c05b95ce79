"""The fleet file: endpoints to monitor, with their baselines, schedules, alarms and hooks.

YAML or JSON. Every key is checked before any AWS call; a typo names the entry and the key.

    image_uri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-monitor:0.1.0
    role_arn: arn:aws:iam::123456789012:role/monitor
    reports_s3_uri: s3://bucket/monitor/reports
    defaults: {schedule: "cron(0 * * * ? *)", instance_type: ml.m5.xlarge, alarm_topic: monitor-alarms}
    endpoints:
      - name: churn-endpoint
        capture_s3_uri: s3://bucket/capture/churn-endpoint
        baseline: {statistics: s3://bucket/baseline/statistics.json, constraints: s3://bucket/baseline/constraints.json}
        alarms: {drift_features: [income, plan], drift_threshold: 0.1}
        retrain_pipeline: churn-retrain
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class FleetError(ValueError):
    """The fleet file is wrong; nothing was sent to AWS."""


# EventBridge Scheduler: cron(minutes hours day-of-month month day-of-week year), rate(n unit), at(...).
_CRON = re.compile(r"^cron\((\S+\s+){5}\S+\)$")
_RATE = re.compile(r"^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$")
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")

TOP_KEYS = {"image_uri", "role_arn", "reports_s3_uri", "defaults", "endpoints", "cloudwatch_namespace"}
SETTING_KEYS = {
    "schedule",
    "instance_type",
    "instance_count",
    "volume_size_gb",
    "max_runtime_seconds",
    "use_model_monitor",
    "alarm_topic",
    "analysis_window",
}
ENDPOINT_KEYS = SETTING_KEYS | {"name", "capture_s3_uri", "baseline", "analysis_config", "alarms", "retrain_pipeline"}
DEFAULTS: dict[str, Any] = {
    "schedule": "cron(0 * * * ? *)",
    "instance_type": "ml.m5.xlarge",
    "instance_count": 1,
    "volume_size_gb": 30,
    "max_runtime_seconds": 3600,
    "use_model_monitor": False,
    "alarm_topic": "sagemaker-monitor-alarms",
    "analysis_window": "PT1H",
}


@dataclass(frozen=True, slots=True)
class BiasAlarm:
    metric: str
    facet: str
    facet_value: str
    label: str
    label_value: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    stage: str = "Post-Training"


@dataclass(frozen=True, slots=True)
class Alarms:
    drift_features: tuple[str, ...] = ()
    drift_threshold: float = 0.1
    violations_threshold: int | None = None  # alarm when a run has more violations than this
    expectation_success_min: float | None = None  # alarm when the suite's success ratio falls below
    bias: tuple[BiasAlarm, ...] = ()


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    capture_s3_uri: str
    statistics: str
    constraints: str
    schedule: str
    instance_type: str
    instance_count: int
    volume_size_gb: int
    max_runtime_seconds: int
    use_model_monitor: bool
    alarm_topic: str
    analysis_window: str
    analysis_config: str | None = None
    alarms: Alarms = Alarms()
    retrain_pipeline: str | None = None


@dataclass(frozen=True, slots=True)
class Fleet:
    image_uri: str
    role_arn: str
    reports_s3_uri: str
    cloudwatch_namespace: str
    endpoints: tuple[Endpoint, ...]


def load(path: Path) -> Fleet:
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else _yaml(text)
    except ValueError as exc:
        raise FleetError(f"{path.name} cannot be parsed ({str(exc)[:120]}).") from None
    return parse(data, path.name)


def _yaml(text: str) -> Any:
    import yaml  # only the deploy tooling reads YAML

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


def parse(data: Any, source: str) -> Fleet:
    top = _keys(data, TOP_KEYS, source)
    for key in ("image_uri", "role_arn", "reports_s3_uri"):
        _text(top.get(key), f"{source}: {key}")
    defaults = {**DEFAULTS, **_keys(top.get("defaults", {}), SETTING_KEYS, f"{source}: defaults")}
    entries = top.get("endpoints")
    if not isinstance(entries, list) or not entries:
        raise FleetError(f"{source}: endpoints must be a non-empty list of endpoints to monitor.")
    endpoints = [_endpoint(entry, defaults, f"{source}: endpoints[{i}]") for i, entry in enumerate(entries)]
    names = [e.name for e in endpoints]
    if len(set(names)) != len(names):
        raise FleetError(f"{source}: endpoint {next(n for n in names if names.count(n) > 1)!r} is listed twice.")
    return Fleet(
        image_uri=top["image_uri"],
        role_arn=top["role_arn"],
        reports_s3_uri=top["reports_s3_uri"].rstrip("/"),
        cloudwatch_namespace=str(top.get("cloudwatch_namespace", "SageMakerMonitor")),
        endpoints=tuple(endpoints),
    )


def _endpoint(entry: Any, defaults: dict[str, Any], where: str) -> Endpoint:
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        where = f"{where} ({entry['name']})"
    spec = _keys(entry, ENDPOINT_KEYS, where)
    name = _text(spec.get("name"), f"{where}.name")
    if not _NAME.match(name):
        raise FleetError(f"{where}: name must be letters, digits and hyphens (at most 63), as SageMaker names are.")
    settings = {**defaults, **{k: v for k, v in spec.items() if k in SETTING_KEYS}}
    schedule = str(settings["schedule"])
    if not (_CRON.match(schedule) or _RATE.match(schedule)):
        raise FleetError(f"{where}: schedule {schedule!r} is not cron(m h dom mon dow year) or rate(n hours).")
    baseline = spec.get("baseline")
    if not isinstance(baseline, dict) or not baseline.get("statistics") or not baseline.get("constraints"):
        raise FleetError(f"{where}: baseline needs statistics and constraints (s3:// URIs of a baseline job's outputs).")
    _keys(baseline, {"statistics", "constraints"}, f"{where}.baseline")
    alarms = _keys(
        spec.get("alarms", {}),
        {"drift_features", "drift_threshold", "violations_threshold", "expectation_success_min", "bias"},
        f"{where}.alarms",
    )
    return Endpoint(
        name=name,
        capture_s3_uri=_s3(spec.get("capture_s3_uri"), f"{where}.capture_s3_uri"),
        statistics=_s3(baseline["statistics"], f"{where}.baseline.statistics"),
        constraints=_s3(baseline["constraints"], f"{where}.baseline.constraints"),
        schedule=schedule,
        instance_type=str(settings["instance_type"]),
        instance_count=int(settings["instance_count"]),
        volume_size_gb=int(settings["volume_size_gb"]),
        max_runtime_seconds=int(settings["max_runtime_seconds"]),
        use_model_monitor=bool(settings["use_model_monitor"]),
        alarm_topic=str(settings["alarm_topic"]),
        analysis_window=str(settings["analysis_window"]),
        analysis_config=spec.get("analysis_config"),
        alarms=Alarms(
            drift_features=tuple(alarms.get("drift_features", ())),
            drift_threshold=float(alarms.get("drift_threshold", 0.1)),
            violations_threshold=alarms.get("violations_threshold"),
            expectation_success_min=alarms.get("expectation_success_min"),
            bias=tuple(_bias_alarm(b, f"{where}.alarms.bias[{i}]") for i, b in enumerate(alarms.get("bias", []))),
        ),
        retrain_pipeline=spec.get("retrain_pipeline"),
    )


_BIAS_ALARM_KEYS = {"metric", "facet", "facet_value", "label", "label_value", "threshold", "comparison", "stage"}


def _bias_alarm(value: Any, where: str) -> BiasAlarm:
    spec = _keys(value, _BIAS_ALARM_KEYS, where)
    missing = sorted({"metric", "facet", "facet_value", "label", "label_value", "threshold"} - set(spec))
    if missing:
        raise FleetError(f"{where}: {missing[0]} is missing (a bias alarm names the metric, facet, value, label and threshold).")
    comparison = spec.get("comparison", "GreaterThanThreshold")
    if comparison not in ("GreaterThanThreshold", "LessThanThreshold"):
        raise FleetError(f"{where}: comparison must be GreaterThanThreshold or LessThanThreshold. Got {comparison!r}.")
    return BiasAlarm(
        metric=str(spec["metric"]),
        facet=str(spec["facet"]),
        facet_value=str(spec["facet_value"]),
        label=str(spec["label"]),
        label_value=str(spec["label_value"]),
        threshold=float(spec["threshold"]),
        comparison=comparison,
        stage=str(spec.get("stage", "Post-Training")),
    )


def _keys(value: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FleetError(f"{where} must be a mapping.")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise FleetError(f"{where}: unknown key {unknown[0]!r}; allowed keys are {', '.join(sorted(allowed))}.")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise FleetError(f"{where} is missing.")
    return value


def _s3(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text.startswith("s3://"):
        raise FleetError(f"{where} must be an s3:// URI. Got {text!r}.")
    return text
