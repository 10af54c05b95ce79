"""The fleet as a CloudFormation stack: the rendered template against cfn-lint and botocore's service models,
and deployed, changed and removed on a real moto server over HTTP.

moto's CloudFormation creates only some resource types (roles, topics, rules, dashboards); the others
(Scheduler schedules, alarms, composite alarms, monitoring schedules, topic policies) are checked property by
property against the service model of the API CloudFormation calls for them.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.botocore_model import request_errors
from tests.conftest import ROOT, moto_client

sys.path.insert(0, str(ROOT / "scripts"))

from monitor_fleet import alerting, lint, stack
from monitor_fleet import requests as req
from monitor_fleet.spec import parse
from monitor_fleet.template import logical_id, render

FLEET = """
stack_name: sagemaker-monitor-churn
image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor@sha256:0379cf97b48d41c29561d7c6a7cda55bcdeb3562e8f1dc810ee47d35f61f50a9
reports_s3_uri: s3://reports/monitor
dead_letter_queue_arn: arn:aws:sqs:us-east-1:123456789012:monitor-dlq
defaults:
  schedule: cron(5 * * * ? *)
  alarm_topic: monitor-alarms
endpoints:
  - name: churn
    capture_s3_uri: s3://capture/datacapture/churn
    baseline: {statistics: s3://baseline/churn/statistics.json, constraints: s3://baseline/churn/constraints.json}
    analysis_config: s3://baseline/churn/analysis_config.json
    alarms:
      drift_features: [income, plan]
      drift_threshold: 0.15
      violations_threshold: 0
      expectation_success_min: 0.9
      bias: [{metric: DPPL, facet: sex, facet_value: F, label: label, label_value: "1", threshold: 0.1}]
    retrain_pipeline: churn-retrain
    model_quality:
      baseline: {statistics: s3://baseline/churn/quality/statistics.json, constraints: s3://baseline/churn/quality/constraints.json}
      ground_truth_s3_uri: s3://labels/ground-truth/churn
      problem_type: BinaryClassification
      probability_attribute: "0"
      probability_threshold_attribute: 0.5
      alarms: [{metric: accuracy, threshold: 0.8}, {metric: estimated_f1, threshold: 0.6}]
  - name: churn-v2
    use_model_monitor: true
    schedule: cron(0 * ? * * *)
    capture_s3_uri: s3://capture/datacapture/churn-v2
    baseline: {statistics: s3://baseline/churn-v2/statistics.json, constraints: s3://baseline/churn-v2/constraints.json}
    alarms:
      drift_features: [income]
      bias: [{metric: DI, facet: sex, facet_value: F, label: label, label_value: "1", threshold: 0.2}]
    retrain_pipeline: churn-retrain
    model_quality:
      baseline: {statistics: s3://baseline/churn-v2/quality/statistics.json, constraints: s3://baseline/churn-v2/quality/constraints.json}
      ground_truth_s3_uri: s3://labels/ground-truth/churn-v2
      problem_type: Regression
      alarms: [{metric: rmse, threshold: 12.5}]
"""
ACCOUNT, REGION = "123456789012", "us-east-1"


def fleet(text: str = FLEET, **top: Any):  # type: ignore[no-untyped-def]
    return parse({**yaml.safe_load(text), **top}, "fleet.yaml", region=REGION)


def resolved(value: Any, resources: dict[str, Any]) -> Any:
    """The template value as CloudFormation would pass it to the API, with a sample account and region."""
    if isinstance(value, list):
        return [resolved(v, resources) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        name = value["Ref"]
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"}
        if name in pseudo:
            return pseudo[name]
        kind = resources[name]["Type"]
        props = resources[name]["Properties"]
        if kind == "AWS::SNS::Topic":
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:{props['TopicName']}"
        return props.get("AlarmName", name)
    if set(value) == {"Fn::GetAtt"}:
        name, _ = value["Fn::GetAtt"]
        return f"arn:aws:iam::{ACCOUNT}:role/sagemaker-monitor-churn-{name}-ABCDEF"
    if set(value) == {"Fn::Sub"}:
        text, names = value["Fn::Sub"] if isinstance(value["Fn::Sub"], list) else (value["Fn::Sub"], {})
        values = {k: resolved(v, resources) for k, v in names.items()} | {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
        }
        return re.sub(r"\$\{(!?)([^}]+)\}", lambda m: "${" + m.group(2) + "}" if m.group(1) else values[m.group(2)], text)
    if set(value) == {"Fn::Join"}:
        sep, parts = value["Fn::Join"]
        return sep.join(resolved(p, resources) for p in parts)
    return {k: resolved(v, resources) for k, v in value.items()}


def api_requests(template: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(service, operation, request) for each resource: the call CloudFormation makes to create it."""
    resources = template["Resources"]
    out = []
    for name, resource in resources.items():
        props = resolved(resource["Properties"], resources)
        kind = resource["Type"]
        if kind == "AWS::Scheduler::Schedule":
            out.append(("scheduler", "CreateSchedule", props))
            job = json.loads(props["Target"]["Input"]) | {"ProcessingJobName": "0f6c1a52-4a5e-4a9e-9a7e-2f3b1c0d9e8f"}
            out.append(("sagemaker", "CreateProcessingJob", job))
        elif kind == "AWS::SageMaker::MonitoringSchedule":
            out.append(("sagemaker", "CreateMonitoringSchedule", props))
        elif kind == "AWS::CloudWatch::Alarm":
            out.append(("cloudwatch", "PutMetricAlarm", props))
        elif kind == "AWS::CloudWatch::CompositeAlarm":
            out.append(("cloudwatch", "PutCompositeAlarm", props))
        elif kind == "AWS::CloudWatch::Dashboard":
            out.append(("cloudwatch", "PutDashboard", props))
        elif kind == "AWS::Events::Rule":
            rule = {k: v for k, v in props.items() if k != "Targets"} | {"Name": props.get("Name", name)}
            out.append(("events", "PutRule", rule | {"EventPattern": json.dumps(props["EventPattern"])}))
            out.append(("events", "PutTargets", {"Rule": rule["Name"], "Targets": props["Targets"]}))
        elif kind == "AWS::SNS::Topic":
            out.append(("sns", "CreateTopic", {"Name": props["TopicName"]}))
        elif kind == "AWS::SNS::TopicPolicy":
            for topic in props["Topics"]:
                policy = json.dumps(props["PolicyDocument"])
                out.append(
                    ("sns", "SetTopicAttributes", {"TopicArn": topic, "AttributeName": "Policy", "AttributeValue": policy})
                )
        elif kind == "AWS::IAM::Role":
            role = {"RoleName": name, "AssumeRolePolicyDocument": json.dumps(props["AssumeRolePolicyDocument"])}
            out.append(("iam", "CreateRole", role))
            for policy in props["Policies"]:
                document = json.dumps(policy["PolicyDocument"])
                out.append(
                    ("iam", "PutRolePolicy", {"RoleName": name, "PolicyName": policy["PolicyName"], "PolicyDocument": document})
                )
        else:
            raise AssertionError(f"no API mapping for {kind}")
    return out


def moto_part(template: dict[str, Any]) -> dict[str, Any]:
    """The template's resources moto's CloudFormation can create; references to the others become the values
    CloudFormation would give (the resources themselves are checked against the service models above)."""
    from moto.cloudformation.parsing import get_model_map

    supported = set(get_model_map())
    resources = template["Resources"]
    dropped = {k for k, v in resources.items() if v["Type"] not in supported}

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            target = value.get("Ref") or (value.get("Fn::GetAtt") or [None])[0]
            if target in dropped:
                return resolved(value, resources)
            return {k: swap(v) for k, v in value.items()}
        return [swap(v) for v in value] if isinstance(value, list) else value

    kept = {k: swap(v) for k, v in resources.items() if k not in dropped}
    return {**template, "Resources": kept, "Outputs": {}}


# --- the template, checked without AWS -------------------------------------------------------------------


def test_the_sample_fleet_renders_a_template_cfn_lint_accepts():
    template = render(fleet())
    assert lint.problems(template, REGION) == []
    import cfnlint.api

    warnings = [f"{m.rule.id} {m.message}" for m in cfnlint.api.lint(json.dumps(template), regions=[REGION])]
    assert warnings == []
    kinds = sorted({r["Type"] for r in template["Resources"].values()})
    assert kinds == [
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::CloudWatch::Dashboard",
        "AWS::Events::Rule",
        "AWS::IAM::Role",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SageMaker::MonitoringSchedule",
        "AWS::Scheduler::Schedule",
    ]


def test_cfn_lint_catches_a_broken_resource():
    """The lint step is real: an alarm comparison CloudWatch does not know is an error naming its path."""
    template = render(fleet())
    alarm = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm")
    template["Resources"][alarm]["Properties"]["ComparisonOperator"] = "Above"
    [problem] = lint.problems(template, REGION)
    assert problem.startswith(f"Resources/{alarm}/Properties/ComparisonOperator: 'Above' is not one of")


def test_every_resource_fits_the_api_cloudformation_calls():
    """Lengths, ranges, patterns and enums of each create call, the Processing job the Scheduler starts included."""
    calls = api_requests(render(fleet()))
    assert {op for _, op, _ in calls} >= {
        "CreateSchedule",
        "CreateProcessingJob",
        "CreateMonitoringSchedule",
        "PutCompositeAlarm",
    }
    for service, operation, request in calls:
        assert request_errors(service, operation, request) == [], (operation, request)


def test_resources_carry_the_endpoint_settings():
    template = render(fleet())
    resources = template["Resources"]
    calls = {
        (op, r.get("Name") or r.get("Rule") or r.get("AlarmName") or r.get("MonitoringScheduleName") or ""): r
        for _, op, r in api_requests(template)
    }
    schedule = calls[("CreateSchedule", "monitor-churn")]
    assert schedule["ScheduleExpression"] == "cron(5 * * * ? *)" and schedule["Target"]["Arn"] == req.PROCESSING_TARGET
    assert schedule["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": "arn:aws:sqs:us-east-1:123456789012:monitor-dlq"}
    job = json.loads(schedule["Target"]["Input"])
    env = job["Environment"]
    assert (env["dataset_source"], env["end_time"], env["AWS_REGION"]) == (
        "s3://capture/datacapture/churn",
        "<aws.scheduler.scheduled-time>",
        "us-east-1",
    )
    assert env["report_s3_uri"] == "s3://reports/monitor/churn/monitor-churn"
    # The job runs with the job role; the Scheduler with its own role (which may pass the job role, nothing else).
    assert job["RoleArn"].endswith("-JobRole-ABCDEF") and schedule["Target"]["RoleArn"].endswith("-SchedulerRole-ABCDEF")
    monitoring = calls[("CreateMonitoringSchedule", "monitor-churn-v2")]["MonitoringScheduleConfig"]
    assert monitoring["MonitoringJobDefinition"]["Environment"]["cloudwatch_namespace"] == "SageMakerMonitor"
    assert monitoring["MonitoringJobDefinition"]["MonitoringInputs"] == [
        {"EndpointInput": {"EndpointName": "churn-v2", "LocalPath": "/opt/ml/processing/input/endpoint"}}
    ]
    # Both modes alarm on the namespace the container publishes to (it does in Model Monitor mode too).
    alarms = {name: r for (op, name), r in calls.items() if op == "PutMetricAlarm"}
    assert {a.get("Namespace") or a["Metrics"][0]["MetricStat"]["Metric"]["Namespace"] for a in alarms.values()} == {
        "SageMakerMonitor"
    }
    heartbeat = alarms["monitor-churn-heartbeat"]
    assert (heartbeat["MetricName"], heartbeat["Statistic"], heartbeat["Period"], heartbeat["EvaluationPeriods"]) == (
        "constraint_violations",
        "SampleCount",
        3600,
        2,
    )
    assert (heartbeat["ComparisonOperator"], heartbeat["Threshold"], heartbeat["TreatMissingData"]) == (
        "LessThanThreshold",
        1,
        "breaching",
    )
    # One composite alarm per endpoint combines its drift, quality and bias alarms (never the heartbeat) and
    # is the only thing the retraining rule listens to.
    composite = calls[("PutCompositeAlarm", "monitor-churn-retrain-trigger")]
    assert composite["AlarmRule"] == " OR ".join(
        f'ALARM("monitor-churn-{s}")'
        for s in (
            "drift-income",
            "drift-plan",
            "violations",
            "expectations",
            "bias-DPPL-sex-F",
            "quality-accuracy",
            "quality-estimated_f1",
        )
    )
    # The model-quality schedule: the same image as a model-quality job, its own baseline and ground truth,
    # alarms on the metrics it publishes under its own schedule name (scores alarm downwards, errors upwards).
    quality = json.loads(calls[("CreateSchedule", "monitor-churn-quality")]["Target"]["Input"])
    assert {
        k: quality["Environment"][k] for k in ("analysis_type", "problem_type", "ground_truth_source", "probability_attribute")
    } == {
        "analysis_type": "MODEL_QUALITY",
        "problem_type": "BinaryClassification",
        "ground_truth_source": "s3://labels/ground-truth/churn",
        "probability_attribute": "0",
    }
    assert quality["ProcessingInputs"][0]["S3Input"]["S3Uri"] == "s3://baseline/churn/quality/statistics.json"
    accuracy = alarms["monitor-churn-quality-accuracy"]
    assert (accuracy["MetricName"], accuracy["ComparisonOperator"], accuracy["Threshold"]) == (
        "accuracy",
        "LessThanThreshold",
        0.8,
    )
    assert {"Name": "MonitoringSchedule", "Value": "monitor-churn-quality"} in accuracy["Dimensions"]
    rmse = alarms["monitor-churn-v2-quality-rmse"]
    assert (rmse["ComparisonOperator"], rmse["Threshold"]) == ("GreaterThanThreshold", 12.5)
    v2_quality = calls[("CreateMonitoringSchedule", "monitor-churn-v2-quality")]["MonitoringScheduleConfig"]
    assert v2_quality["MonitoringJobDefinition"]["Environment"]["analysis_type"] == "MODEL_QUALITY"
    assert {"monitor-churn-quality-heartbeat", "monitor-churn-v2-quality-heartbeat"} <= set(alarms)
    rule = calls[("PutRule", "monitor-churn-retrain")]
    assert json.loads(rule["EventPattern"])["detail"] == {
        "alarmName": ["monitor-churn-retrain-trigger"],
        "state": {"value": ["ALARM"]},
    }
    [target] = calls[("PutTargets", "monitor-churn-retrain")]["Targets"]
    assert target["Arn"] == "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-retrain"
    assert target["RoleArn"].endswith("-EventsRole-ABCDEF")
    failed = resources["FailedRunsRule"]["Properties"]
    assert failed["EventPattern"]["detail"] == {
        "ProcessingJobStatus": ["Failed"],
        "RoleArn": [{"Fn::GetAtt": ["JobRole", "Arn"]}],
    }


@pytest.mark.parametrize(
    ("metric", "threshold", "value", "fires"),
    [
        ("DPPL", 0.1, -0.3, True),  # one-sided alarms never saw this
        ("DPPL", 0.1, 0.3, True),
        ("DPPL", 0.1, 0.05, False),
        ("DI", 0.2, 0.7, True),  # DI is a ratio: fair at 1
        ("DI", 0.2, 1.3, True),
        ("DI", 0.2, 1.0, False),
        ("DI", 0.2, 0.9, False),
    ],
)
def test_bias_alarms_are_two_sided_around_the_fair_value(metric, threshold, value, fires):
    text = FLEET.replace(
        '{metric: DI, facet: sex, facet_value: F, label: label, label_value: "1", threshold: 0.2}',
        f'{{metric: {metric}, facet: sex, facet_value: F, label: label, label_value: "1", threshold: {threshold}}}',
    )
    alarm = alerting.bias_alarm(fleet(text), fleet(text).endpoints[1], "topic", fleet(text).endpoints[1].alarms.bias[0])
    [math] = [m for m in alarm["Metrics"] if "Expression" in m]
    found = re.fullmatch(r"ABS\(value - ([0-9.]+)\)", math["Expression"])
    assert found, math["Expression"]
    distance = abs(value - float(found.group(1)))  # CloudWatch's ABS over the one datapoint of the period
    assert (distance > alarm["Threshold"]) is fires and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_an_existing_topic_arn_is_used_not_created():
    text = FLEET.replace("alarm_topic: monitor-alarms", "alarm_topic: arn:aws:sns:us-east-1:123456789012:oncall")
    template = render(fleet(text))
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::SNS::")]
    alarm = next(r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm")
    assert alarm["Properties"]["AlarmActions"] == ["arn:aws:sns:us-east-1:123456789012:oncall"]


def test_logical_ids_keep_similar_endpoint_names_apart():
    ids = {logical_id(name, "schedule") for name in ("churn", "churn-v2", "churnv2", "churn_v2")}
    assert len(ids) == 4 and all(i.isalnum() for i in ids)


# --- on a moto server over HTTP --------------------------------------------------------------------------


def deploy(cfn: Any, template: dict[str, Any], name: str = "sagemaker-monitor-churn") -> stack.ChangeSet:
    change_set = stack.create_change_set(cfn, name, moto_part(template))
    assert change_set is not None
    stack.execute(cfn, change_set, say=lambda _: None)
    return change_set


def test_deploying_creates_exactly_the_templates_resources(aws_env):
    cfn, iam, events, sns, cloudwatch = (
        moto_client(s, aws_env) for s in ("cloudformation", "iam", "events", "sns", "cloudwatch")
    )
    part = moto_part(render(fleet()))
    change_set = deploy(cfn, render(fleet()))
    assert {(c.action, c.logical_id) for c in change_set.changes} == {("Add", k) for k in part["Resources"]}
    listed = {
        r["LogicalResourceId"]: r for r in cfn.list_stack_resources(StackName="sagemaker-monitor-churn")["StackResourceSummaries"]
    }
    assert set(listed) == set(part["Resources"])
    roles = {r["RoleName"]: r for r in iam.list_roles()["Roles"]}
    principals = {
        next(k for k in ("JobRole", "SchedulerRole", "EventsRole") if k in name): r["AssumeRolePolicyDocument"]["Statement"][0][
            "Principal"
        ]
        for name, r in roles.items()
    }
    assert principals == {
        "JobRole": {"Service": "sagemaker.amazonaws.com"},
        "SchedulerRole": {"Service": "scheduler.amazonaws.com"},
        "EventsRole": {"Service": "events.amazonaws.com"},
    }
    rules = {r["Name"] for r in events.list_rules()["Rules"]}
    assert {"monitor-churn-retrain", "monitor-churn-v2-retrain"} <= rules and len(rules) == 3  # + the failed-runs rule
    assert {d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]} == {"monitor-churn", "monitor-churn-v2"}
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == ["arn:aws:sns:us-east-1:123456789012:monitor-alarms"]
    assert stack.create_change_set(cfn, "sagemaker-monitor-churn", part) is None  # the same fleet again: nothing to do


def test_each_endpoint_gets_a_dashboard_of_its_alarms_and_metrics(aws_env):
    cfn, cloudwatch = moto_client("cloudformation", aws_env), moto_client("cloudwatch", aws_env)
    deploy(cfn, render(fleet()))
    body = json.loads(cloudwatch.get_dashboard(DashboardName="monitor-churn")["DashboardBody"])
    widgets = {w["properties"]["title"]: w for w in body["widgets"]}
    alarms = widgets["churn: alarms"]["properties"]["alarms"]
    expected = [a["AlarmName"] for a in alerting.finding_alarms(fleet(), fleet().endpoints[0], "")]
    expected += [a["AlarmName"] for a in alerting.heartbeat_alarms(fleet(), fleet().endpoints[0], "")]
    assert alarms == [f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}" for name in expected]
    [[drift]] = widgets["drift per feature (distance from the baseline)"]["properties"]["metrics"]
    assert drift["expression"] == (
        "SEARCH('{SageMakerMonitor,Endpoint,MonitoringSchedule} Endpoint=\"churn\" \"feature_baseline_drift\"', 'Maximum', 3600)"
    )
    runs = widgets["run heartbeat (completed runs)"]["properties"]
    assert runs["metrics"] == [
        [
            "SageMakerMonitor",
            "constraint_violations",
            "Endpoint",
            "churn",
            "MonitoringSchedule",
            "monitor-churn",
            {"stat": "SampleCount", "label": "runs"},
        ]
    ]
    assert runs["region"] == "us-east-1" and runs["period"] == 3600
    titles = set(widgets)
    assert {
        "bias metrics (Clarify's names and dimensions)",
        "model quality (realised and estimated)",
        "expectation success ratio",
    } <= titles


def test_a_changed_fleet_gives_exactly_the_expected_change_set(aws_env):
    cfn = moto_client("cloudformation", aws_env)
    deploy(cfn, render(fleet()))
    data = yaml.safe_load(FLEET)
    data["endpoints"][1].pop("retrain_pipeline")  # churn-v2 stops retraining
    data["endpoints"].append(
        {**copy.deepcopy(data["endpoints"][0]), "name": "fraud", "capture_s3_uri": "s3://capture/datacapture/fraud"}
    )
    data["endpoints"][0]["alarm_topic"] = "churn-alarms"  # churn alarms go to a new topic
    changed = render(parse(data, "fleet.yaml", region=REGION))
    change_set = stack.create_change_set(cfn, "sagemaker-monitor-churn", moto_part(changed))
    churn_topic = logical_id("topic", "churn-alarms")
    assert {(c.action, c.logical_id) for c in change_set.changes} == {
        ("Remove", logical_id("churn-v2", "retrain")),
        ("Add", logical_id("fraud", "retrain")),
        ("Add", logical_id("fraud", "dashboard")),
        ("Add", churn_topic),
        ("Modify", "JobRole"),  # reads the new endpoint's capture
        ("Modify", "FailedRunsRule"),  # tells both topics now
    }
    stack.execute(cfn, change_set, say=lambda _: None)
    listed = {
        r["LogicalResourceId"] for r in cfn.list_stack_resources(StackName="sagemaker-monitor-churn")["StackResourceSummaries"]
    }
    assert listed == set(moto_part(changed)["Resources"])


def test_dropping_a_drift_feature_changes_only_what_depends_on_it():
    """The whole template (every type, moto's or not): CloudFormation's diff is by logical ID and properties, so
    a stable render is what keeps churn-v2's resources untouched when churn changes."""
    old = render(fleet())["Resources"]
    new = render(fleet(FLEET.replace("drift_features: [income, plan]", "drift_features: [income]")))["Resources"]
    modified = {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert (old.keys() - new.keys(), new.keys() - old.keys()) == ({logical_id("churn", "drift-plan")}, set())
    assert modified == {logical_id("churn", "retrain-trigger"), logical_id("churn", "dashboard")}


def test_removing_a_fleet_leaves_nothing_of_it_and_touches_nothing_else(tmp_path, aws_env):
    """Two fleets, endpoints churn and churn-v2 (one name a prefix of the other): removing one keeps the other."""
    cfn, events, sns, cloudwatch = (moto_client(s, aws_env) for s in ("cloudformation", "events", "sns", "cloudwatch"))
    data = yaml.safe_load(FLEET)
    first = {**data, "stack_name": "sagemaker-monitor-a", "endpoints": data["endpoints"][:1]}
    second = {
        **data,
        "stack_name": "sagemaker-monitor-b",
        "endpoints": data["endpoints"][1:],
        "defaults": {"alarm_topic": "v2-alarms"},
    }
    deploy(cfn, render(parse(first, "a.yaml", region=REGION)), "sagemaker-monitor-a")
    deploy(cfn, render(parse(second, "b.yaml", region=REGION)), "sagemaker-monitor-b")
    sns.create_topic(Name="monitor-alarms-unrelated")
    before = {r["Name"] for r in events.list_rules()["Rules"]}
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump(first))
    result = fleet_cli(aws_env, "remove", path, "--yes")
    assert result.returncode == 0, result.stderr
    assert "stack sagemaker-monitor-a: deleted" in result.stdout
    rules = {r["Name"] for r in events.list_rules()["Rules"]}
    assert rules == before - {"monitor-churn-retrain"} - {r for r in before if r.startswith("sagemaker-monitor-a-")}
    assert "monitor-churn-v2-retrain" in rules
    assert {d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]} == {"monitor-churn-v2"}
    topics = {t["TopicArn"].rsplit(":", 1)[1] for t in sns.list_topics()["Topics"]}
    assert topics == {"v2-alarms", "monitor-alarms-unrelated"}
    roles = {r["RoleName"] for r in moto_client("iam", aws_env).list_roles()["Roles"]}
    assert roles and all(r.startswith("sagemaker-monitor-b-") for r in roles)  # the other fleet's roles only
    again = fleet_cli(aws_env, "remove", path, "--yes")
    assert again.returncode == 0 and "stack sagemaker-monitor-a: none to delete" in again.stdout


# --- the command line --------------------------------------------------------------------------------------


def fleet_cli(aws_env: dict[str, str], command: str, path: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/fleet.py", command, str(path), *args],
        cwd=ROOT,
        env={**os.environ, **aws_env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_deploy_shows_the_change_set_and_leaves_it_for_review(tmp_path, aws_env):
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET)
    result = fleet_cli(aws_env, "deploy", path, "--review")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    count = len(render(fleet())["Resources"])
    assert lines[0] == f"change set for stack sagemaker-monitor-churn ({count} changes):"
    assert "  Add    AWS::Scheduler::Schedule" in result.stdout and "  Add    AWS::SageMaker::MonitoringSchedule" in result.stdout
    assert lines[-1].startswith(
        "left for review: aws cloudformation execute-change-set --change-set-name arn:aws:cloudformation:"
    )
    status = moto_client("cloudformation", aws_env).describe_stacks(StackName="sagemaker-monitor-churn")["Stacks"][0][
        "StackStatus"
    ]
    assert status == "REVIEW_IN_PROGRESS"  # nothing executed


def test_template_command_writes_the_linted_template(tmp_path, aws_env):
    path, out = tmp_path / "fleet.yaml", tmp_path / "fleet.template.json"
    path.write_text(FLEET)
    result = fleet_cli(aws_env, "template", path, "-o", str(out))
    assert result.returncode == 0, result.stderr
    written, rendered = json.loads(out.read_text()), json.loads(json.dumps(render(fleet())))
    differing = {
        k
        for k in written["Resources"].keys() | rendered["Resources"].keys()
        if written["Resources"].get(k) != rendered["Resources"].get(k)
    }
    assert not differing, {k: (written["Resources"].get(k), rendered["Resources"].get(k)) for k in sorted(differing)[:1]}
    assert written == rendered


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            ("    alarms:\n      drift_features: [income]", "    alarm:\n      drift_features: [income]"),
            "(churn-v2): unknown key 'alarm'",
        ),
        (("schedule: cron(0 * ? * * *)", "schedule: cron(5 * * * ? *)"), "Model Monitor accepts only"),
        (("defaults:", "defaults:\n  instance: ml.m5.large"), "defaults: unknown key 'instance'"),
    ],
)
def test_a_bad_fleet_file_is_rejected_before_any_aws_call(tmp_path, edit, fragment):
    unreachable = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": REGION,
    }
    path = tmp_path / "fleet.yaml"
    assert edit[0] in FLEET
    path.write_text(FLEET.replace(*edit))
    result = fleet_cli(unreachable, "deploy", path, "--yes")
    assert result.returncode == 2
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_the_readme_example_fleet_renders_and_lints(tmp_path):
    """The README's first fleet command, as written (its example file is in the repository)."""
    out = tmp_path / "fleet.template.json"
    result = fleet_cli({}, "template", ROOT / "scripts" / "fleet.example.yaml", "--region", "eu-west-1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    kinds = {r["Type"] for r in json.loads(out.read_text())["Resources"].values()}
    assert {"AWS::Scheduler::Schedule", "AWS::SageMaker::MonitoringSchedule", "AWS::IAM::Role"} <= kinds
