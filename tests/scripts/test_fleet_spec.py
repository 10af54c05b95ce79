"""The fleet file's strict check: every mistake is one line naming the entry, the key, the value and the fix,
raised before any AWS call."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from monitor_fleet import alerting
from monitor_fleet import requests as req
from monitor_fleet.spec import FleetError, load, parse

BASE = """
image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor:0.1.0
reports_s3_uri: s3://reports/monitor
defaults: {alarm_topic: monitor-alarms}
endpoints:
  - name: churn-endpoint
    capture_s3_uri: s3://capture/datacapture/churn-endpoint
    baseline: {statistics: s3://baseline/churn/statistics.json, constraints: s3://baseline/churn/constraints.json}
    alarms: {drift_features: [income, plan], violations_threshold: 0}
    retrain_pipeline: churn-retrain
"""
E0 = "fleet.yaml: endpoints[0] (churn-endpoint)"
MM_FORMS = (
    "Model Monitor accepts only hourly cron(0 * ? * * *), daily at hour H cron(0 H ? * * *) or every N hours "
    "from hour H cron(0 H/N ? * * *) (H 0-23, N 1-24)"
)


def base() -> dict[str, Any]:
    return yaml.safe_load(BASE)


def ep(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["endpoints"][0].update(changes)

    return edit


def top(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update(changes)


def alarms(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["endpoints"][0]["alarms"].update(changes)


def yaml_edit(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    """Re-read the base with a textual edit, as a user would type it."""

    def edit(data: dict[str, Any]) -> None:
        assert old in BASE
        data.clear()
        data.update(yaml.safe_load(BASE.replace(old, new)))

    return edit


MM = {"use_model_monitor": True}
MQ = {
    "baseline": {
        "statistics": "s3://baseline/churn/quality/statistics.json",
        "constraints": "s3://baseline/churn/quality/constraints.json",
    },
    "ground_truth_s3_uri": "s3://labels/ground-truth/churn",
    "problem_type": "BinaryClassification",
}
LONG = "x" * 250
FEATURES = [f"customer_tenure_{i:03d}" for i in range(200)]

CASES = [
    # --- types: booleans, numbers, lists, strings
    (
        yaml_edit("    retrain_pipeline", '    use_model_monitor: "false"\n    retrain_pipeline'),
        f'{E0}.use_model_monitor: must be a YAML boolean, not a string (got "false"); use false, not "false".',
    ),
    (
        ep(use_model_monitor="yes"),
        f'{E0}.use_model_monitor: must be a YAML boolean, not a string (got "yes"); use true, not "yes".',
    ),
    (ep(use_model_monitor=1), f"{E0}.use_model_monitor: must be a YAML boolean (got 1); use true or false."),
    (
        yaml_edit("violations_threshold: 0", 'violations_threshold: "0"'),
        f'{E0}.alarms.violations_threshold: must be a number, not a string (got "0"); use 0, not "0".',
    ),
    (
        alarms(violations_threshold=-1),
        f"{E0}.alarms.violations_threshold: must be from 0 to 1,000,000 (got -1); use a number from 0 to 1,000,000.",
    ),
    (
        alarms(violations_threshold=True),
        f"{E0}.alarms.violations_threshold: must be a whole number (got true); use a number from 0 to 1,000,000.",
    ),
    (
        yaml_edit("drift_features: [income, plan]", "drift_features: income"),
        f'{E0}.alarms.drift_features: must be a list (got "income"); write a list, e.g. [income].',
    ),
    (
        alarms(drift_features=["income", 3]),
        f'{E0}.alarms.drift_features[1]: must be a string (got 3); quote it: "3".',
    ),
    (
        alarms(drift_features=["income", "income"]),
        f'{E0}.alarms.drift_features: lists \'income\' twice (got ["income", "income"]); list each name once.',
    ),
    (
        alarms(drift_threshold="0.2"),
        f'{E0}.alarms.drift_threshold: must be a number, not a string (got "0.2"); use 0.2, not "0.2".',
    ),
    (alarms(drift_threshold=-0.1), f"{E0}.alarms.drift_threshold: must be 0 or more (got -0.1); use a number 0 or more."),
    (
        alarms(expectation_success_min=90),
        f"{E0}.alarms.expectation_success_min: must be from 0 to 1 (got 90); use a number from 0 to 1.",
    ),
    (
        ep(instance_count="2"),
        f'{E0}.instance_count: must be a number, not a string (got "2"); use 2, not "2".',
    ),
    (ep(instance_count=1.5), f"{E0}.instance_count: must be a whole number (got 1.5); use a number from 1 to 100."),
    (ep(instance_count=2.0), f"{E0}.instance_count: must be a whole number (got 2.0); write 2."),
    # --- ranges (botocore's service model)
    (ep(instance_count=0), f"{E0}.instance_count: must be from 1 to 100 (got 0); use a number from 1 to 100."),
    (ep(instance_count=101), f"{E0}.instance_count: must be from 1 to 100 (got 101); use a number from 1 to 100."),
    (
        ep(volume_size_gb=20000),
        f"{E0}.volume_size_gb: must be from 1 to 16,384 (got 20000); use a number from 1 to 16,384.",
    ),
    (
        ep(max_runtime_seconds=0),
        f"{E0}.max_runtime_seconds: must be from 1 to 777,600 (got 0); use a number from 1 to 777,600.",
    ),
    (
        ep(max_runtime_seconds=7200, schedule="cron(0 * ? * * *)", **MM),
        f"{E0}.max_runtime_seconds: Model Monitor allows at most 3600 (a run cannot outlast the hourly schedule) "
        "(got 7200); use at most 3600.",
    ),
    # --- enums
    (
        ep(instance_type="ml.m5.xlarg"),
        f'{E0}.instance_type: is not a SageMaker Processing instance type (got "ml.m5.xlarg"); did you mean ml.m5.xlarge?',
    ),
    (
        top(defaults={"instance_type": "m5.xlarge"}),
        'fleet.yaml: defaults.instance_type: is not a SageMaker Processing instance type (got "m5.xlarge"); '
        "did you mean ml.m5.xlarge?",
    ),
    # --- image, role, queue
    (
        top(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/" + "a" * 250 + ":1"),
        'fleet.yaml: image_uri: is 297 characters, over SageMaker\'s limit of 255 (got "123456789012.dkr.ecr.us-east-1.amazonaws.com/aaa…", '
        "297 characters); use a shorter repository name or tag.",
    ),
    (
        top(image_uri="123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-monitor:0.1.0"),
        "fleet.yaml: image_uri: is in eu-west-1, but the fleet is deployed to us-east-1 "
        '(got "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-monitor:0.1.0"); '
        "push the image to ECR in us-east-1 (scripts/push_ecr.py) or deploy with --region eu-west-1.",
    ),
    (
        top(image_uri="sagemaker-monitor:0.1.0"),
        'fleet.yaml: image_uri: is not an image URI <registry>/<repository>[:tag] or <registry>/<repository>@sha256:<digest> (got "sagemaker-monitor:0.1.0"); '
        "e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor:0.1.0.",
    ),
    (
        top(roles={"job": "monitor"}),
        'fleet.yaml: roles.job: is not an IAM role ARN arn:aws:iam::<12-digit account>:role/<name> (got "monitor"); '
        "e.g. arn:aws:iam::123456789012:role/sagemaker-monitor.",
    ),
    (
        top(roles={"scheduler": "arn:aws:iam::1234:role/monitor"}),
        "fleet.yaml: roles.scheduler: is not an IAM role ARN arn:aws:iam::<12-digit account>:role/<name> "
        '(got "arn:aws:iam::1234:role/monitor"); e.g. arn:aws:iam::123456789012:role/sagemaker-monitor.',
    ),
    (
        top(roles={"pipeline": "arn:aws:iam::123456789012:role/x"}),
        "fleet.yaml: roles: unknown key 'pipeline'; allowed keys are events, job, scheduler.",
    ),
    (
        top(role_arn="arn:aws:iam::123456789012:role/monitor"),
        'fleet.yaml: role_arn: is replaced by one role per function (got "arn:aws:iam::123456789012:role/monitor"); '
        "remove it (the stack creates least-privilege roles), or supply yours as roles: {job: ..., scheduler: ..., events: ...}.",
    ),
    (
        top(stack_name="sagemaker_monitor"),
        "fleet.yaml: stack_name: is not a CloudFormation stack name (a letter, then letters, digits and hyphens; "
        'at most 128) (got "sagemaker_monitor"); e.g. sagemaker-monitor-churn.',
    ),
    (
        top(stack_name="churn-monitoring"),
        "fleet.yaml: stack_name: must start with sagemaker-monitor (the operator policy, docs/iam/operator-policy.json, "
        'allows those stacks) (got "churn-monitoring"); e.g. sagemaker-monitor-churn.',
    ),
    (
        top(kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        "fleet.yaml: kms_key_arn: is in eu-west-1, but the fleet is deployed to us-east-1 "
        '(got "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-…", 75 characters); use a key in us-east-1.',
    ),
    (
        top(kms_key_arn="alias/monitor"),
        "fleet.yaml: kms_key_arn: is not a KMS key ARN arn:aws:kms:<region>:<12-digit account>:key/<key id> "
        '(got "alias/monitor"); e.g. arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.',
    ),
    (
        top(dead_letter_queue_arn="monitor-dlq"),
        "fleet.yaml: dead_letter_queue_arn: is not an SQS queue ARN arn:aws:sqs:<region>:<12-digit account>:<queue> "
        '(got "monitor-dlq"); e.g. arn:aws:sqs:us-east-1:123456789012:monitor-dlq.',
    ),
    (
        top(dead_letter_queue_arn="arn:aws:sqs:eu-west-1:123456789012:dlq"),
        "fleet.yaml: dead_letter_queue_arn: is in eu-west-1, but the fleet is deployed to us-east-1 "
        '(got "arn:aws:sqs:eu-west-1:123456789012:dlq"); use a queue in us-east-1.',
    ),
    (
        top(reports_s3_uri="reports/monitor"),
        'fleet.yaml: reports_s3_uri: must be an s3:// URI with a valid bucket name (got "reports/monitor"); '
        "e.g. s3://bucket/monitor/reports.",
    ),
    (
        top(cloudwatch_namespace="AWS/SageMaker"),
        "fleet.yaml: cloudwatch_namespace: starts with AWS/, which CloudWatch reserves for AWS services "
        '(got "AWS/SageMaker"); e.g. SageMakerMonitor.',
    ),
    # --- keys
    (
        ep(alarm={}),
        f"{E0}: unknown key 'alarm' (did you mean 'alarms'?); allowed keys are alarm_topic, alarms, analysis_config, "
        "analysis_window, baseline, capture_s3_uri, instance_count, instance_type, max_runtime_seconds, model_quality, "
        "name, retrain_pipeline, schedule, use_model_monitor, volume_size_gb.",
    ),
    (
        top(region="us-east-1"),
        "fleet.yaml: unknown key 'region'; allowed keys are cloudwatch_namespace, dead_letter_queue_arn, defaults, "
        "endpoints, image_uri, kms_key_arn, reports_s3_uri, roles, stack_name.",
    ),
    (
        lambda d: d.pop("image_uri"),
        "fleet.yaml: image_uri is missing; add image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor:0.1.0.",
    ),
    (
        ep(alarms={}),
        f"{E0}.retrain_pipeline: has nothing to trigger it: the endpoint has no drift, violation, expectation or bias alarm "
        '(got "churn-retrain"); add alarms (e.g. alarms: {drift_features: [income]}) or remove retrain_pipeline.',
    ),
    (
        lambda d: d["endpoints"][0].pop("baseline"),
        f"{E0}: baseline needs statistics and constraints (s3:// URIs of a baseline job's outputs); "
        "add baseline: {statistics: s3://…/statistics.json, constraints: s3://…/constraints.json}.",
    ),
    (
        lambda d: d["endpoints"][0]["baseline"].pop("constraints"),
        f"{E0}.baseline: constraints is missing; add constraints: s3://…/constraints.json (a baseline job's output).",
    ),
    (
        top(endpoints=[]),
        "fleet.yaml: endpoints: must be a non-empty list of endpoints to monitor (got []); list them as - name: ... entries.",
    ),
    (
        lambda d: d["endpoints"].append(copy.deepcopy(d["endpoints"][0])),
        'fleet.yaml: endpoints[1] (churn-endpoint).name: is listed twice (also endpoints[0]) (got "churn-endpoint"); '
        "list each endpoint once.",
    ),
    # --- analysis window
    (
        ep(analysis_window="1h"),
        f'{E0}.analysis_window: is not an ISO-8601 duration of days, hours and minutes (got "1h"); e.g. PT1H, PT30M or P1D.',
    ),
    (ep(analysis_window="PT0H"), f'{E0}.analysis_window: is an empty window (got "PT0H"); e.g. PT1H, PT30M or P1D.'),
    (
        ep(analysis_window="PT"),
        f'{E0}.analysis_window: is not an ISO-8601 duration of days, hours and minutes (got "PT"); e.g. PT1H, PT30M or P1D.',
    ),
    # --- schedules
    (
        ep(schedule="every 6 hours"),
        f"{E0}.schedule: schedule 'every 6 hours' is not cron(minutes hours day-of-month month day-of-week year), "
        "rate(n minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss); e.g. cron(0 * * * ? *) or rate(6 hours).",
    ),
    (
        ep(schedule="cron(0 * * * *)"),
        f"{E0}.schedule: schedule 'cron(0 * * * *)' has 5 cron fields, not 6 (minutes hours day-of-month month "
        "day-of-week year); e.g. cron(0 * * * ? *) or rate(6 hours).",
    ),
    (
        ep(schedule="cron(0 * * * * *)"),
        f"{E0}.schedule: schedule 'cron(0 * * * * *)' must have ? in exactly one of day-of-month and day-of-week; "
        "e.g. cron(0 * * * ? *) or rate(6 hours).",
    ),
    (
        ep(schedule="rate(0 hours)"),
        f"{E0}.schedule: a rate needs a value of 1 or more; e.g. cron(0 * * * ? *) or rate(6 hours).",
    ),
    (
        ep(schedule="cron(5 * * * ? *)", **MM),
        f'{E0}.schedule: {MM_FORMS} (got "cron(5 * * * ? *)"); e.g. cron(0 * ? * * *), or set use_model_monitor: false '
        "to use EventBridge Scheduler.",
    ),
    (
        lambda d: (d["defaults"].update(schedule="cron(0 * * * ? *)"), d["endpoints"][0].update(MM)),
        f'{E0}.schedule: {MM_FORMS} (got "cron(0 * * * ? *)"); e.g. cron(0 * ? * * *), or set use_model_monitor: false '
        "to use EventBridge Scheduler.",
    ),
    (
        ep(schedule="rate(6 hours)", **MM),
        f'{E0}.schedule: {MM_FORMS} (got "rate(6 hours)"); e.g. cron(0 0/6 ? * * *), or set use_model_monitor: false '
        "to use EventBridge Scheduler.",
    ),
    (
        ep(schedule="cron(0 */6 ? * * *)", **MM),
        f'{E0}.schedule: {MM_FORMS} (got "cron(0 */6 ? * * *)"); e.g. cron(0 * ? * * *), or set use_model_monitor: false '
        "to use EventBridge Scheduler.",
    ),
    (
        ep(schedule="NOW", **MM),
        f'{E0}.schedule: {MM_FORMS} (got "NOW"); e.g. cron(0 * ? * * *), or set use_model_monitor: false '
        "to use EventBridge Scheduler.",
    ),
    (
        ep(schedule="cron(0 24 ? * * *)", **MM),
        f'{E0}.schedule: {MM_FORMS} (got "cron(0 24 ? * * *)"); e.g. cron(0 24 ? * * *), or set use_model_monitor: false '
        "to use EventBridge Scheduler.",
    ),
    # --- names derived from the endpoint name
    (
        ep(name="e" * 56, **MM, schedule="cron(0 * ? * * *)", retrain_pipeline=None),
        "fleet.yaml: endpoints[0] (" + "e" * 56 + ").name: the monitoring schedule name 'monitor-" + "e" * 56 + "' "
        "would be 64 characters (limit 63); monitor endpoints with names of at most 55 characters.",
    ),
    (
        ep(name="e" * 57, retrain_pipeline=None),
        "fleet.yaml: endpoints[0] (" + "e" * 57 + ").name: the EventBridge Scheduler schedule name 'monitor-" + "e" * 57 + "' "
        "would be 65 characters (limit 64); monitor endpoints with names of at most 56 characters.",
    ),
    (
        ep(name="e" * 49),
        "fleet.yaml: endpoints[0] (" + "e" * 49 + ").name: the retrain rule name 'monitor-" + "e" * 49 + "-retrain' "
        "would be 65 characters (limit 64); monitor endpoints with names of at most 48 characters.",
    ),
    (
        ep(name="churn_endpoint"),
        "fleet.yaml: endpoints[0] (churn_endpoint).name: is not a SageMaker endpoint name (letters, digits and single "
        'hyphens, at most 63) (got "churn_endpoint"); use the endpoint\'s name as SageMaker shows it.',
    ),
    (
        ep(retrain_pipeline="arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-retrain"),
        f"{E0}.retrain_pipeline: is not a SageMaker pipeline name (letters, digits and single hyphens, at most 256) "
        '(got "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-retrain"); use the pipeline\'s name, not its ARN.',
    ),
    (
        ep(alarm_topic="arn:aws:sqs:us-east-1:123456789012:monitor-alarms"),
        f"{E0}.alarm_topic: is neither an SNS topic name (1 to 256 letters, digits, hyphens and underscores) nor a "
        'topic ARN (got "arn:aws:sqs:us-east-1:123456789012:monitor-alarms"); e.g. monitor-alarms, or '
        "arn:aws:sns:us-east-1:123456789012:monitor-alarms.",
    ),
    (
        alarms(drift_features=["f" * 240]),
        f"{E0}.alarms.drift_features: the alarm name would be 269 characters (CloudWatch's limit is 255) "
        f'(got "{"f" * 48}…", 240 characters); use shorter names.',
    ),
    # --- sizes: container environment and the retraining trigger's composite alarm rule
    (
        ep(analysis_config="s3://baseline/" + LONG),
        f"{E0}.analysis_config: gives the container's analysis_config a value of 264 characters, over SageMaker's "
        f'environment limit of 256 (got "s3://baseline/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…", 264 characters); '
        "shorten analysis_config.",
    ),
    (
        ep(capture_s3_uri="s3://capture/" + LONG),
        f"{E0}.capture_s3_uri: gives the container's dataset_source a value of 263 characters, over SageMaker's "
        f'environment limit of 256 (got "s3://capture/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…", 263 characters); '
        "shorten capture_s3_uri.",
    ),
    (
        top(reports_s3_uri="s3://reports/" + "r" * 210),
        f"{E0}.reports_s3_uri: gives the container's report_s3_uri a value of 261 characters, over SageMaker's "
        f'environment limit of 256 (got "s3://reports/rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr…", 223 characters); '
        "shorten reports_s3_uri or the endpoint name.",
    ),
    (
        alarms(drift_features=FEATURES),
        f"{E0}.alarms: the retraining trigger combines 201 alarms in a rule of 12,242 characters, over CloudWatch's "
        "composite alarm limit of 10,240; alarm on at most 167 metrics for this endpoint, or shorten the feature names.",
    ),
    # --- model quality
    (
        ep(model_quality={**MQ, "problem_type": "Binary"}),
        f"{E0}.model_quality.problem_type: must be one of BinaryClassification, MulticlassClassification, Regression "
        '(got "Binary"); use AWS\'s problem type name.',
    ),
    (
        ep(model_quality={k: v for k, v in MQ.items() if k != "ground_truth_s3_uri"}),
        f"{E0}.model_quality: ground_truth_s3_uri is missing; add ground_truth_s3_uri: s3://bucket/ground-truth/….",
    ),
    (
        ep(model_quality={**MQ, "alarms": [{"metric": "rmse", "threshold": 3}]}),
        f'{E0}.model_quality.alarms[0].metric: is not a BinaryClassification metric the job publishes (got "rmse"); '
        "use one of accuracy, precision, recall, f0_5, f1, f2, auc, true_positive_rate, true_negative_rate, "
        "false_positive_rate, false_negative_rate, estimated_accuracy, estimated_precision, estimated_recall, "
        "estimated_f1, estimated_auc.",
    ),
    (
        ep(model_quality={**MQ, "probability_attribute": True}),
        f"{E0}.model_quality.probability_attribute: must be a string or a number (got true); "
        'e.g. "0" (a CSV position) or a JSON key.',
    ),
    (
        ep(name="e" * 49, retrain_pipeline=None, model_quality=MQ),
        "fleet.yaml: endpoints[0] ("
        + "e" * 49
        + ").name: the model-quality EventBridge Scheduler schedule name 'monitor-"
        + "e" * 49
        + "-quality' would be 65 characters (limit 64); monitor endpoints with names of at most 48 characters.",
    ),
    # --- bias alarms
    (
        alarms(
            bias=[{"metric": "DPPL", "facet": "sex", "facet_value": "F", "label": "label", "label_value": 1, "threshold": 0.1}]
        ),
        f'{E0}.alarms.bias[0].label_value: must be a string (got 1); quote it: "1".',
    ),
    (
        alarms(bias=[{"metric": "CI", "facet": "sex", "facet_value": "F", "label": "y", "label_value": "1", "threshold": 0.1}]),
        f'{E0}.alarms.bias[0].metric: is not a Post-Training bias metric (got "CI"); set stage: Pre-training.',
    ),
    (
        alarms(bias={"metric": "DPPL"}),
        f'{E0}.alarms.bias: must be a list of bias alarms (got {{"metric": "DPPL"}}); write - {{metric: DPPL, facet: sex, '
        'facet_value: F, label: label, label_value: "1", threshold: 0.1}.',
    ),
]


@pytest.mark.parametrize(("edit", "message"), CASES)
def test_each_mistake_is_one_line_naming_entry_key_value_and_fix(edit, message):
    data = base()
    edit(data)
    with pytest.raises(FleetError) as caught:
        parse(data, "fleet.yaml", region="us-east-1")
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_the_base_fleet_is_accepted_and_typed():
    fleet = parse(base(), "fleet.yaml", region="us-east-1")
    [endpoint] = fleet.endpoints
    assert (endpoint.use_model_monitor, endpoint.alarms.drift_features, endpoint.alarms.violations_threshold) == (
        False,
        ("income", "plan"),
        0,
    )
    assert fleet.dead_letter_queue_arn is None
    assert endpoint.schedule == "cron(0 * * * ? *)"


def test_model_monitor_gets_model_monitors_hourly_form_by_default():
    data = base()
    data["endpoints"][0].update(MM)
    [endpoint] = parse(data, "fleet.yaml").endpoints
    assert (endpoint.schedule, endpoint.use_model_monitor) == ("cron(0 * ? * * *)", True)


@pytest.mark.parametrize(
    "schedule", ["cron(0 * ? * * *)", "cron(0 12 ? * * *)", "cron(0 0 ? * * *)", "cron(0 17/12 ? * * *)", "cron(0 0/2 ? * * *)"]
)
def test_model_monitor_accepts_its_documented_forms(schedule):
    data = base()
    data["endpoints"][0].update(MM, schedule=schedule)
    assert parse(data, "fleet.yaml").endpoints[0].schedule == schedule


@pytest.mark.parametrize(
    "schedule", ["cron(5 * * * ? *)", "cron(0 8 ? * MON-FRI *)", "rate(6 hours)", "rate(1 day)", "at(2030-01-01T00:00:00)"]
)
def test_scheduler_accepts_cron_rate_and_at(schedule):
    data = base()
    data["endpoints"][0]["schedule"] = schedule
    assert parse(data, "fleet.yaml").endpoints[0].schedule == schedule


def test_the_region_is_checked_only_when_given_and_a_queue_is_kept():
    data = base()
    data["image_uri"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-monitor:0.1.0"
    data["dead_letter_queue_arn"] = "arn:aws:sqs:eu-west-1:123456789012:monitor-dlq"
    assert parse(data, "fleet.yaml").dead_letter_queue_arn == "arn:aws:sqs:eu-west-1:123456789012:monitor-dlq"
    assert parse(data, "fleet.yaml", region="eu-west-1").image_uri.startswith("123456789012.dkr.ecr.eu-west-1")


def test_limits_are_exact_at_the_edge():
    """The longest names and the most alarms that pass still build resources that fit."""
    from monitor_fleet.derived_limits import alarm_rule_length

    data = base()
    data["endpoints"][0]["alarms"]["drift_features"] = FEATURES[:166]
    fleet = parse(data, "fleet.yaml", region="us-east-1")
    names = [a["AlarmName"] for a in alerting.finding_alarms(fleet, fleet.endpoints[0], "")]
    rule = " OR ".join(f'ALARM("{n}")' for n in names)  # what CloudFormation joins from the template
    assert len(rule) == alarm_rule_length(names) and 10_000 < len(rule) <= 10_240
    data["endpoints"][0].update(name="e" * 48, alarms={"drift_features": ["income"]})
    fleet = parse(data, "fleet.yaml", region="us-east-1")
    assert len(req.rule_name(fleet.endpoints[0])) == 64
    data["endpoints"][0].update(name="e" * 55, retrain_pipeline=None, use_model_monitor=True, alarms={})
    fleet = parse(data, "fleet.yaml")
    assert len(req.schedule_name(fleet.endpoints[0])) == 63


def test_load_reports_a_syntax_error_on_one_line(tmp_path):
    path = tmp_path / "fleet.yaml"
    path.write_text("endpoints: [\n  - name: x\n")
    with pytest.raises(FleetError) as caught:
        load(path)
    assert str(caught.value).startswith("fleet.yaml: cannot be parsed (") and "\n" not in str(caught.value)
