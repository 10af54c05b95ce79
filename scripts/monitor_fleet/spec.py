"""The fleet file: endpoints to monitor, with their baselines, schedules, alarms and hooks.

YAML or JSON. Every key is checked before any AWS call; a typo names the entry and the key.

    stack_name: sagemaker-monitor-churn
    image_uri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-monitor:0.1.0
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
from pathlib import Path
from typing import Any

from monitor_fleet import checks as c
from monitor_fleet import derived_limits
from monitor_fleet.checks import FleetError, fail
from monitor_fleet.fleet_model import Alarms, BiasAlarm, Endpoint, Fleet, Roles
from monitor_fleet.settings import SETTING_KEYS, setting
from monitor_fleet.spec_endpoint import endpoint as parse_endpoint

__all__ = ["Alarms", "BiasAlarm", "Endpoint", "Fleet", "FleetError", "load", "parse"]

TOP_KEYS = {
    "stack_name",
    "image_uri",
    "roles",
    "kms_key_arn",
    "reports_s3_uri",
    "defaults",
    "endpoints",
    "cloudwatch_namespace",
    "dead_letter_queue_arn",
}
DEFAULT_STACK_NAME = "sagemaker-monitor"
_REQUIRED_TOP_KEYS = (
    ("image_uri", c.IMAGE_EXAMPLE),
    ("reports_s3_uri", "s3://bucket/monitor/reports"),
    ("endpoints", "[{name: churn-endpoint, ...}]"),
)


def load(path: Path, region: str | None = None) -> Fleet:
    """Read and check a fleet file; ``region`` (the deploy region) also checks the image's region."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else _yaml(text)
    except ValueError as exc:
        raise FleetError(f"{path.name}: cannot be parsed ({' '.join(str(exc).split())[:160]}); fix the syntax.") from None
    return parse(data, path.name, region=region)


def _yaml(text: str) -> Any:
    import yaml  # only the deploy tooling reads YAML

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None


def parse(data: Any, source: str, region: str | None = None) -> Fleet:
    """The typed fleet, or FleetError naming the first wrong value; nothing here calls AWS."""
    if data is None:
        fail(source, "is empty", fix="give image_uri, reports_s3_uri and endpoints")
    if isinstance(data, dict) and "role_arn" in data:
        fail(
            f"{source}: role_arn",
            "is replaced by one role per function",
            data["role_arn"],
            "remove it (the stack creates least-privilege roles), "
            "or supply yours as roles: {job: ..., scheduler: ..., events: ...}",
        )
    top = c.mapping(data, TOP_KEYS, source)
    for key, example in _REQUIRED_TOP_KEYS:
        if key not in top:
            fail(source, f"{key} is missing", fix=f"add {key}: {example}")
    image = c.image_uri(top["image_uri"], f"{source}: image_uri", region)
    stack_name = c.stack_name(top.get("stack_name", DEFAULT_STACK_NAME), f"{source}: stack_name")
    roles = _roles(top.get("roles", {}), f"{source}: roles")
    # MonitoringOutput S3Uri (MonitoringS3Uri) is the tighter of the two request fields it lands in.
    reports = c.s3_uri(
        top["reports_s3_uri"], f"{source}: reports_s3_uri", "s3://bucket/monitor/reports", c.limit("sagemaker", "MonitoringS3Uri")
    ).rstrip("/")
    cw_namespace = c.namespace(top.get("cloudwatch_namespace", "SageMakerMonitor"), f"{source}: cloudwatch_namespace")
    dlq = top.get("dead_letter_queue_arn")
    if dlq is not None:
        dlq = c.queue_arn(dlq, f"{source}: dead_letter_queue_arn", region)
    kms_key = top.get("kms_key_arn")
    if kms_key is not None:
        kms_key = c.kms_key_arn(kms_key, f"{source}: kms_key_arn", region)
    given_defaults = _defaults(top.get("defaults", {}), source)
    fleet = Fleet(
        stack_name=stack_name,
        image_uri=image,
        roles=roles,
        kms_key_arn=kms_key,
        reports_s3_uri=reports,
        cloudwatch_namespace=cw_namespace,
        endpoints=_endpoints(top["endpoints"], given_defaults, source),
        dead_letter_queue_arn=dlq,
        region=region,
    )
    for i, endpoint in enumerate(fleet.endpoints):
        derived_limits.check(fleet, endpoint, f"{source}: endpoints[{i}] ({endpoint.name})")
    return fleet


def _roles(value: Any, where: str) -> Roles:
    """Role ARNs supplied for some functions (a platform team owns IAM); the stack creates the others."""
    given = c.mapping(value, {"job", "scheduler", "events"}, where)
    return Roles(**{function: c.role_arn(arn, f"{where}.{function}") for function, arn in given.items()})


def _defaults(value: Any, source: str) -> dict[str, Any]:
    """The fleet's ``defaults`` mapping, each setting checked (endpoints take the typed values themselves)."""
    given_defaults = c.mapping(value, SETTING_KEYS, f"{source}: defaults")
    for key, item in given_defaults.items():
        setting(key, item, f"{source}: defaults.{key}")
    return given_defaults


def _endpoints(entries: Any, given_defaults: dict[str, Any], source: str) -> tuple[Endpoint, ...]:
    """Every entry of ``endpoints`` parsed, each endpoint listed once."""
    if not isinstance(entries, list) or not entries:
        fail(
            f"{source}: endpoints",
            "must be a non-empty list of endpoints to monitor",
            entries,
            "list them as - name: ... entries",
        )
    endpoints: list[Endpoint] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        where = f"{source}: endpoints[{i}]"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            where = f"{where} ({entry['name']})"
        endpoint = parse_endpoint(entry, given_defaults, where)
        if endpoint.name in seen:
            fail(
                f"{where}.name",
                f"is listed twice (also endpoints[{seen[endpoint.name]}])",
                endpoint.name,
                "list each endpoint once",
            )
        seen[endpoint.name] = i
        endpoints.append(endpoint)
    return tuple(endpoints)
