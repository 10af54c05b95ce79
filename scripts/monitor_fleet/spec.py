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
from pathlib import Path
from typing import Any

from monitor_fleet import checks as c
from monitor_fleet import derived_limits
from monitor_fleet.checks import FleetError, fail
from monitor_fleet.fleet_model import Alarms, BiasAlarm, Endpoint, Fleet
from monitor_fleet.settings import SETTING_KEYS, setting
from monitor_fleet.spec_endpoint import endpoint as parse_endpoint

__all__ = ["Alarms", "BiasAlarm", "Endpoint", "Fleet", "FleetError", "load", "parse"]

TOP_KEYS = {
    "image_uri",
    "role_arn",
    "reports_s3_uri",
    "defaults",
    "endpoints",
    "cloudwatch_namespace",
    "dead_letter_queue_arn",
}
_REQUIRED_TOP_KEYS = (
    ("image_uri", c.IMAGE_EXAMPLE),
    ("role_arn", c.ROLE_EXAMPLE),
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
        fail(source, "is empty", fix="give image_uri, role_arn, reports_s3_uri and endpoints")
    top = c.mapping(data, TOP_KEYS, source)
    for key, example in _REQUIRED_TOP_KEYS:
        if key not in top:
            fail(source, f"{key} is missing", fix=f"add {key}: {example}")
    image = c.image_uri(top["image_uri"], f"{source}: image_uri", region)
    role = c.role_arn(top["role_arn"], f"{source}: role_arn")
    # MonitoringOutput S3Uri (MonitoringS3Uri) is the tighter of the two request fields it lands in.
    reports = c.s3_uri(
        top["reports_s3_uri"], f"{source}: reports_s3_uri", "s3://bucket/monitor/reports", c.limit("sagemaker", "MonitoringS3Uri")
    ).rstrip("/")
    cw_namespace = c.namespace(top.get("cloudwatch_namespace", "SageMakerMonitor"), f"{source}: cloudwatch_namespace")
    dlq = top.get("dead_letter_queue_arn")
    if dlq is not None:
        dlq = c.queue_arn(dlq, f"{source}: dead_letter_queue_arn", region)
    given_defaults = _defaults(top.get("defaults", {}), source)
    fleet = Fleet(
        image_uri=image,
        role_arn=role,
        reports_s3_uri=reports,
        cloudwatch_namespace=cw_namespace,
        endpoints=_endpoints(top["endpoints"], given_defaults, source),
        dead_letter_queue_arn=dlq,
        region=region,
    )
    for i, endpoint in enumerate(fleet.endpoints):
        derived_limits.check(fleet, endpoint, f"{source}: endpoints[{i}] ({endpoint.name})", region)
    return fleet


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
