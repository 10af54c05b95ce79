"""The fleet as one CloudFormation template: every resource it needs, and nothing outside it.

CloudFormation then owns what a home-made reconciler gets wrong: creating, updating, deleting what a changed
fleet file dropped, rolling back a failed deploy, and drift detection. The template is also the artefact to
take elsewhere (CDK ``CfnInclude``, Service Catalog, a pipeline of one's own).

Per endpoint: the schedule (an EventBridge Scheduler schedule starting a Processing job, or a Model Monitor
monitoring schedule), its alarms, a composite alarm that is the endpoint's retraining trigger, the retraining
rule, and a dashboard. For the fleet: the roles it does not get by ARN (iam.py), the alarm topics it names (an
ARN is used as given and never touched), and a rule sending failed monitoring jobs to those topics.

Logical IDs are built from the endpoint name plus a hash of it, so ``churn`` and ``churn-v2`` never share one
and a renamed endpoint is a removal and an addition, never a silent takeover.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from monitor_fleet import alerting, dashboard, iam
from monitor_fleet import requests as req
from monitor_fleet.spec import Endpoint, Fleet

FORMAT_VERSION = "2010-09-09"


def render(fleet: Fleet) -> dict[str, Any]:
    """The fleet's template (pure: no AWS call)."""
    resources: dict[str, Any] = dict(iam.role_resources(fleet))
    topics = _topics(fleet, resources)
    for endpoint in fleet.endpoints:
        resources |= _endpoint_resources(fleet, endpoint, topics[endpoint.alarm_topic])
    resources["FailedRunsRule"] = _resource("AWS::Events::Rule", alerting.failed_runs_rule(fleet, sorted_refs(topics)))
    return {
        "AWSTemplateFormatVersion": FORMAT_VERSION,
        "Description": f"sagemaker-monitor fleet {fleet.stack_name}: schedules, alarms, dashboards, roles",
        "Resources": resources,
        "Outputs": _outputs(fleet, topics),
    }


def logical_id(*parts: str) -> str:
    """A CloudFormation logical ID (alphanumeric) that reads like the parts and is unique to them.

    >>> logical_id("churn-v2", "drift", "age")
    'ChurnV2DriftAge3c1d5bd8'
    """
    words = "".join(w[:1].upper() + w[1:] for part in parts for w in re.split(r"[^A-Za-z0-9]+", part) if w)
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8]
    return f"{words[:200]}{digest}"


def sorted_refs(topics: dict[str, Any]) -> list[Any]:
    """Each distinct topic once, in the order of the fleet file's topic names."""
    return [topics[name] for name in sorted(topics)]


def _resource(kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"Type": kind, "Properties": properties}


def _topics(fleet: Fleet, resources: dict[str, Any]) -> dict[str, Any]:
    """Topic name or ARN -> the ARN alarms publish to. A name is a topic in the stack, with a policy that lets
    CloudWatch and EventBridge (the failed-runs rule) publish to it; an ARN is somebody else's topic."""
    arns: dict[str, Any] = {}
    for topic in sorted({e.alarm_topic for e in fleet.endpoints}):
        if topic.startswith("arn:"):
            arns[topic] = topic
            continue
        topic_id = logical_id("topic", topic)
        resources[topic_id] = _resource("AWS::SNS::Topic", {"TopicName": topic})
        resources[f"{topic_id}Policy"] = _resource("AWS::SNS::TopicPolicy", _topic_policy(topic_id))
        arns[topic] = {"Ref": topic_id}
    return arns


def _topic_policy(topic_id: str) -> dict[str, Any]:
    return {
        "Topics": [{"Ref": topic_id}],
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AlarmsAndFailedRuns",
                    "Effect": "Allow",
                    "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                    "Action": "sns:Publish",
                    "Resource": {"Ref": topic_id},
                    "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                }
            ],
        },
    }


def _endpoint_resources(fleet: Fleet, endpoint: Endpoint, topic: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for quality in [False, True] if endpoint.model_quality else [False]:
        if endpoint.use_model_monitor:
            schedule = _resource("AWS::SageMaker::MonitoringSchedule", req.monitoring_schedule(fleet, endpoint, quality))
        else:
            schedule = _resource("AWS::Scheduler::Schedule", req.scheduler_schedule(fleet, endpoint, quality))
        out[logical_id(endpoint.name, "quality-schedule" if quality else "schedule")] = schedule
    ids: dict[str, list[str]] = {"finding": [], "heartbeat": []}
    for kind, alarms in (
        ("finding", alerting.finding_alarms(fleet, endpoint, topic)),
        ("heartbeat", alerting.heartbeat_alarms(fleet, endpoint, topic)),
    ):
        for alarm in alarms:
            alarm_id = logical_id(endpoint.name, alarm["AlarmName"].removeprefix(req.alarm_name(endpoint, "")))
            out[alarm_id] = _resource("AWS::CloudWatch::Alarm", alarm)
            ids[kind].append(alarm_id)
    if ids["finding"]:
        composite = alerting.composite_alarm(endpoint, [{"Ref": i} for i in ids["finding"]])
        out[logical_id(endpoint.name, "retrain-trigger")] = _resource("AWS::CloudWatch::CompositeAlarm", composite)
        rule = alerting.retrain_rule(endpoint, iam.role_arn(fleet, "events"), composite["AlarmName"])
        if rule is not None:
            out[logical_id(endpoint.name, "retrain")] = _resource("AWS::Events::Rule", rule)
    # By name, not GetAtt: a dashboard does not need its alarms to exist first, and the template stays flat.
    alarm_names = [out[i]["Properties"]["AlarmName"] for i in ids["finding"] + ids["heartbeat"]]
    # (Fn::Join, not Fn::Sub: the body is itself an Fn::Sub, whose variables may not be Fn::Sub.)
    alarm_arns = [{"Fn::Join": ["", ["arn:", *_stack_place(":cloudwatch:"), f":alarm:{n}"]]} for n in alarm_names]
    body = req.json_with_references(dashboard.dashboard(fleet, endpoint, alarm_arns))
    out[logical_id(endpoint.name, "dashboard")] = _resource(
        "AWS::CloudWatch::Dashboard", {"DashboardName": req.dashboard_name(endpoint), "DashboardBody": body}
    )
    return out


def _stack_place(service: str) -> list[Any]:
    """``<partition><service><region>:<account>`` as references, for an ARN built with Fn::Join."""
    return [{"Ref": "AWS::Partition"}, service, {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}]


def _outputs(fleet: Fleet, topics: dict[str, Any]) -> dict[str, Any]:
    outputs: dict[str, Any] = {
        f"{logical_id('topic', name)}Arn": {"Description": f"alarm topic {name}", "Value": arn} for name, arn in topics.items()
    }
    outputs["JobRoleArn"] = {"Description": "the role monitoring jobs run with", "Value": iam.role_arn(fleet, "job")}
    for endpoint in fleet.endpoints:
        outputs[logical_id(endpoint.name, "dashboard-url")] = {
            "Description": f"dashboard of {endpoint.name}",
            "Value": {
                "Fn::Sub": "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}"
                f"#dashboards:name={req.dashboard_name(endpoint)}"
            },
        }
    return outputs
