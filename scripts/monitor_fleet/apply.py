"""Applying a fleet idempotently (create what is missing, update what differs, say what changed) and
removing it again."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from monitor_fleet import requests as req
from monitor_fleet.spec import Endpoint, Fleet


@dataclass(frozen=True, slots=True)
class Clients:
    scheduler: Any
    sagemaker: Any
    cloudwatch: Any
    sns: Any
    events: Any
    region: str


def _not_found(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    return code in ("ResourceNotFoundException", "ResourceNotFound", "ValidationException", "NotFoundException")


def apply(fleet: Fleet, clients: Clients, say: Callable[[str], None] = print) -> list[str]:
    changes: list[str] = []

    def note(action: str, kind: str, name: str) -> None:
        line = f"{action:9} {kind} {name}"
        changes.append(line)
        say(line)

    topics = {}
    for topic in sorted({e.alarm_topic for e in fleet.endpoints}):
        existing = _topic_arn(clients.sns, topic)
        topics[topic] = existing or clients.sns.create_topic(Name=topic)["TopicArn"]
        note("unchanged" if existing else "created", "topic", topic)
    for endpoint in fleet.endpoints:
        note(*_apply_schedule(fleet, endpoint, clients))
        for action, name in _apply_alarms(fleet, endpoint, clients, topics[endpoint.alarm_topic]):
            note(action, "alarm", name)
        rule = req.retrain_rule(fleet, endpoint, clients.region)
        if rule is not None:
            note(_apply_rule(clients.events, *rule), "rule", rule[0]["Name"])
    return changes


def remove(fleet: Fleet, clients: Clients, say: Callable[[str], None] = print) -> None:
    for endpoint in fleet.endpoints:
        name = req.schedule_name(endpoint)
        try:
            if endpoint.use_model_monitor:
                clients.sagemaker.delete_monitoring_schedule(MonitoringScheduleName=name)
            else:
                clients.scheduler.delete_schedule(Name=name)
            say(f"deleted   schedule {name}")
        except Exception as exc:
            if not _not_found(exc):
                raise
        alarms = _alarms_of(clients.cloudwatch, endpoint)
        if alarms:
            clients.cloudwatch.delete_alarms(AlarmNames=sorted(alarms))
            for alarm in sorted(alarms):
                say(f"deleted   alarm {alarm}")
        if endpoint.retrain_pipeline is not None:
            rule = req.rule_name(endpoint)
            try:
                targets = clients.events.list_targets_by_rule(Rule=rule)["Targets"]
                if targets:
                    clients.events.remove_targets(Rule=rule, Ids=[t["Id"] for t in targets])
                clients.events.delete_rule(Name=rule)
                say(f"deleted   rule {rule}")
            except Exception as exc:
                if not _not_found(exc):
                    raise
    for topic in sorted({e.alarm_topic for e in fleet.endpoints}):
        arn = _topic_arn(clients.sns, topic)
        if arn:
            clients.sns.delete_topic(TopicArn=arn)
            say(f"deleted   topic {topic}")


def _topic_arn(sns: Any, name: str) -> str | None:
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page["Topics"]:
            if topic["TopicArn"].rsplit(":", 1)[-1] == name:
                return str(topic["TopicArn"])
    return None


def _apply_schedule(fleet: Fleet, endpoint: Endpoint, clients: Clients) -> tuple[str, str, str]:
    if endpoint.use_model_monitor:
        desired = req.monitoring_schedule(fleet, endpoint)
        name = desired["MonitoringScheduleName"]
        try:
            current = clients.sagemaker.describe_monitoring_schedule(MonitoringScheduleName=name)
        except Exception as exc:
            if not _not_found(exc):
                raise
            clients.sagemaker.create_monitoring_schedule(**desired)
            return "created", "monitoring-schedule", name
        if _subset(desired["MonitoringScheduleConfig"], current.get("MonitoringScheduleConfig", {})):
            return "unchanged", "monitoring-schedule", name
        clients.sagemaker.update_monitoring_schedule(**desired)
        return "updated", "monitoring-schedule", name
    desired = req.scheduler_schedule(fleet, endpoint)
    try:
        current = clients.scheduler.get_schedule(Name=desired["Name"])
    except Exception as exc:
        if not _not_found(exc):
            raise
        clients.scheduler.create_schedule(**desired)
        return "created", "schedule", desired["Name"]
    same = (
        current.get("ScheduleExpression") == desired["ScheduleExpression"]
        and current.get("State") == desired["State"]
        and _subset(desired["Target"], current.get("Target", {}))
    )
    if same:
        return "unchanged", "schedule", desired["Name"]
    clients.scheduler.update_schedule(**desired)
    return "updated", "schedule", desired["Name"]


def _alarms_of(cloudwatch: Any, endpoint: Endpoint) -> dict[str, dict[str, Any]]:
    prefix = f"monitor-{endpoint.name}-"
    pages = cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix)
    return {a["AlarmName"]: a for page in pages for a in page["MetricAlarms"]}


def _apply_alarms(fleet: Fleet, endpoint: Endpoint, clients: Clients, topic_arn: str) -> list[tuple[str, str]]:
    existing = _alarms_of(clients.cloudwatch, endpoint)
    out = []
    for desired in req.endpoint_alarms(fleet, endpoint, topic_arn):
        name = desired["AlarmName"]
        current = existing.pop(name, None)
        if current is not None and _subset(desired, current):
            out.append(("unchanged", name))
            continue
        clients.cloudwatch.put_metric_alarm(**desired)
        out.append(("updated" if current else "created", name))
    if existing:  # features no longer listed in the fleet file
        clients.cloudwatch.delete_alarms(AlarmNames=sorted(existing))
        out.extend(("deleted", name) for name in sorted(existing))
    return out


def _apply_rule(events: Any, rule: dict[str, Any], targets: dict[str, Any]) -> str:
    try:
        current = events.describe_rule(Name=rule["Name"])
        current_targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    except Exception as exc:
        if not _not_found(exc):
            raise
        events.put_rule(**rule)
        events.put_targets(**targets)
        return "created"
    same_pattern = json.loads(current.get("EventPattern", "{}")) == json.loads(rule["EventPattern"])
    same_targets = len(current_targets) == 1 and _subset(
        {k: v for k, v in targets["Targets"][0].items() if k != "SageMakerPipelineParameters"}, current_targets[0]
    )
    if same_pattern and current.get("State") == rule["State"] and same_targets:
        return "unchanged"
    events.put_rule(**rule)
    events.put_targets(**targets)
    return "updated"


def _subset(desired: Any, current: Any) -> bool:
    """Whether every key and value we ask for is already there (AWS adds fields of its own)."""
    if isinstance(desired, dict):
        return isinstance(current, dict) and all(k in current and _subset(v, current[k]) for k, v in desired.items())
    if isinstance(desired, list):
        return isinstance(current, list) and len(desired) == len(current) and all(map(_subset, desired, current))
    if isinstance(desired, float | int) and isinstance(current, float | int):
        return float(desired) == float(current)
    return bool(desired == current)
