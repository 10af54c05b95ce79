"""scripts/fleet.py against a real moto server over HTTP; the MonitoringSchedule calls (which moto does not
implement) are validated against botocore's service model with its Stubber."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import botocore.session
import pytest
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from tests.conftest import ROOT, moto_client

sys.path.insert(0, str(ROOT / "scripts"))

from monitor_fleet import apply as fleet_apply
from monitor_fleet import requests as req
from monitor_fleet.spec import parse

FLEET = """
image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor:0.1.0
role_arn: arn:aws:iam::123456789012:role/monitor
reports_s3_uri: s3://reports/monitor
defaults:
  schedule: cron(5 * * * ? *)
  alarm_topic: monitor-alarms
endpoints:
  - name: churn-endpoint
    capture_s3_uri: s3://capture/datacapture/churn-endpoint
    baseline: {statistics: s3://baseline/churn/statistics.json, constraints: s3://baseline/churn/constraints.json}
    analysis_config: s3://baseline/churn/analysis_config.json
    alarms:
      drift_features: [income, plan]
      drift_threshold: 0.15
      violations_threshold: 0
      expectation_success_min: 0.9
      bias: [{metric: DPPL, facet: sex, facet_value: F, label: label, label_value: "1", threshold: 0.1}]
    retrain_pipeline: churn-retrain
  - name: fraud-endpoint
    capture_s3_uri: s3://capture/datacapture/fraud-endpoint
    baseline: {statistics: s3://baseline/fraud/statistics.json, constraints: s3://baseline/fraud/constraints.json}
    schedule: rate(6 hours)
    alarms: {drift_features: [amount]}
"""


def fleet_cli(tmp_path, aws_env, *args, text=FLEET):
    path = tmp_path / "fleet.yaml"
    path.write_text(text)
    env = {**os.environ, **aws_env}
    return subprocess.run(
        [sys.executable, "scripts/fleet.py", args[0], str(path), *args[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_apply_is_idempotent_and_remove_removes_everything(tmp_path, aws_env):
    first = fleet_cli(tmp_path, aws_env, "apply")
    assert first.returncode == 0, first.stderr
    assert "created   schedule monitor-churn-endpoint" in first.stdout
    scheduler, cloudwatch, sns, events = (moto_client(s, aws_env) for s in ("scheduler", "cloudwatch", "sns", "events"))
    schedules = {s["Name"] for s in scheduler.list_schedules()["Schedules"]}
    assert schedules == {"monitor-churn-endpoint", "monitor-fraud-endpoint"}
    churn = scheduler.get_schedule(Name="monitor-churn-endpoint")
    assert churn["ScheduleExpression"] == "cron(5 * * * ? *)" and churn["Target"]["Arn"] == req.PROCESSING_TARGET
    job = json.loads(churn["Target"]["Input"])
    assert job["Environment"]["dataset_source"] == "s3://capture/datacapture/churn-endpoint"
    assert job["Environment"]["end_time"] == "<aws.scheduler.scheduled-time>"
    assert job["Environment"]["AWS_REGION"] == "us-east-1"  # the region fleet.py deploys to
    assert job["Environment"]["report_s3_uri"] == "s3://reports/monitor/churn-endpoint/monitor-churn-endpoint"
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    assert set(alarms) == {
        "monitor-churn-endpoint-drift-income",
        "monitor-churn-endpoint-drift-plan",
        "monitor-fraud-endpoint-drift-amount",
        "monitor-churn-endpoint-violations",
        "monitor-churn-endpoint-expectations",
        "monitor-churn-endpoint-bias-DPPL-sex-F",
        "monitor-churn-endpoint-heartbeat",
        "monitor-fraud-endpoint-heartbeat",
    }
    # No completed run (a run publishes constraint_violations, 0 included) in two schedule periods: missing
    # data breaches. Hourly schedules, so one-hour periods; the Scheduler retries a run that cannot start.
    heartbeat = alarms["monitor-churn-endpoint-heartbeat"]
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
    assert churn["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    expectations = alarms["monitor-churn-endpoint-expectations"]
    assert (expectations["MetricName"], expectations["ComparisonOperator"], expectations["Threshold"]) == (
        "expectation_success_ratio",
        "LessThanThreshold",
        0.9,
    )
    bias_dims = {d["Name"]: d["Value"] for d in alarms["monitor-churn-endpoint-bias-DPPL-sex-F"]["Dimensions"]}
    assert bias_dims == {
        "Endpoint": "churn-endpoint",
        "MonitoringSchedule": "monitor-churn-endpoint",
        "BiasStage": "Post-Training",
        "Label": "label",
        "LabelValue": "1",
        "Facet": "sex",
        "FacetValue": "F",
    }
    income = alarms["monitor-churn-endpoint-drift-income"]
    assert (income["MetricName"], income["Threshold"], income["Namespace"]) == (
        "feature_baseline_drift_income",
        0.15,
        "SageMakerMonitor",
    )
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":monitor-alarms"))
    assert income["AlarmActions"] == [topic]
    rule = events.describe_rule(Name="monitor-churn-endpoint-retrain")
    assert sorted(json.loads(rule["EventPattern"])["detail"]["alarmName"]) == sorted(
        name for name in alarms if name.startswith("monitor-churn-endpoint-") and not name.endswith("-heartbeat")
    )
    [target] = events.list_targets_by_rule(Rule="monitor-churn-endpoint-retrain")["Targets"]
    assert target["Arn"] == "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-retrain"

    second = fleet_cli(tmp_path, aws_env, "apply")
    assert second.returncode == 0, second.stderr
    assert {line.split()[0] for line in second.stdout.splitlines()} == {"unchanged"}

    changed = fleet_cli(
        tmp_path,
        aws_env,
        "apply",
        text=FLEET.replace("drift_threshold: 0.15", "drift_threshold: 0.2").replace("[income, plan]", "[income]"),
    )
    assert "updated   alarm monitor-churn-endpoint-drift-income" in changed.stdout
    assert "deleted   alarm monitor-churn-endpoint-drift-plan" in changed.stdout

    gone = fleet_cli(tmp_path, aws_env, "remove")
    assert gone.returncode == 0, gone.stderr
    assert scheduler.list_schedules()["Schedules"] == []
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []
    assert not any(t["TopicArn"].endswith(":monitor-alarms") for t in sns.list_topics()["Topics"])
    assert "monitor-churn-endpoint-retrain" not in {r["Name"] for r in events.list_rules()["Rules"]}


def test_processing_job_request_fits_the_sagemaker_service_model():
    fleet = parse(__import__("yaml").safe_load(FLEET), "fleet.yaml")
    request = req.processing_job(fleet, fleet.endpoints[0])
    request["ProcessingJobName"] = "0f6c1a52-4a5e-4a9e-9a7e-2f3b1c0d9e8f"  # what the scheduler substitutes
    model = botocore.session.get_session().get_service_model("sagemaker")
    validate_parameters(request, model.operation_model("CreateProcessingJob").input_shape)


def test_monitoring_schedule_request_is_validated_by_botocore():
    fleet = parse(
        __import__("yaml").safe_load(
            FLEET.replace("  alarm_topic: monitor-alarms", "  alarm_topic: monitor-alarms\n  use_model_monitor: true")
            .replace("cron(5 * * * ? *)", "cron(0 * ? * * *)")
            .replace("rate(6 hours)", "cron(0 0/6 ? * * *)")
        ),
        "f",
    )
    endpoint = fleet.endpoints[0]
    sagemaker = botocore.session.get_session().create_client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    expected = req.monitoring_schedule(fleet, endpoint)
    with Stubber(sagemaker) as stub:
        stub.add_client_error(
            "describe_monitoring_schedule",
            service_error_code="ResourceNotFound",
            expected_params={"MonitoringScheduleName": "monitor-churn-endpoint"},
        )
        stub.add_response(
            "create_monitoring_schedule",
            {"MonitoringScheduleArn": "arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/monitor-churn-endpoint"},
            expected,
        )
        clients = fleet_apply.Clients(
            scheduler=None, sagemaker=sagemaker, cloudwatch=None, sns=None, events=None, region="us-east-1"
        )
        assert fleet_apply._apply_schedule(fleet, endpoint, clients) == (
            "created",
            "monitoring-schedule",
            "monitor-churn-endpoint",
        )
        stub.assert_no_pending_responses()
    job = expected["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    assert job["BaselineConfig"] == {
        "ConstraintsResource": {"S3Uri": "s3://baseline/churn/constraints.json"},
        "StatisticsResource": {"S3Uri": "s3://baseline/churn/statistics.json"},
    }
    assert job["Environment"] == {
        "analysis_config": "s3://baseline/churn/analysis_config.json",
        "sagemaker_endpoint_name": "churn-endpoint",
        "sagemaker_monitoring_schedule_name": "monitor-churn-endpoint",
    }
    assert job["MonitoringAppSpecification"]["ImageUri"].endswith("sagemaker-monitor:0.1.0")


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            ("    alarms: {drift_features: [amount]}", "    alarm: {drift_features: [amount]}"),
            "endpoints[1] (fraud-endpoint): unknown key 'alarm'",
        ),
        (
            (
                "    baseline: {statistics: s3://baseline/fraud/statistics.json, constraints: s3://baseline/fraud/constraints.json}\n",
                "",
            ),
            "endpoints[1] (fraud-endpoint): baseline needs statistics and constraints",
        ),
        (("schedule: rate(6 hours)", "schedule: every 6 hours"), "schedule 'every 6 hours' is not cron"),
        (("defaults:", "defaults:\n  instance: ml.m5.large"), "defaults: unknown key 'instance'"),
    ],
)
def test_a_bad_fleet_file_is_rejected_before_any_aws_call(tmp_path, edit, fragment):
    unreachable = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = fleet_cli(tmp_path, unreachable, "apply", text=FLEET.replace(*edit))
    assert result.returncode == 2
    assert fragment in result.stderr


def test_every_request_for_a_scheduled_endpoint_fits_the_service_models():
    """Lengths, ranges, patterns and enums too: moto accepts what AWS would reject."""
    from tests.botocore_model import request_errors

    fleet = parse(__import__("yaml").safe_load(FLEET), "fleet.yaml")
    endpoint = fleet.endpoints[0]
    schedule = req.scheduler_schedule(fleet, endpoint)
    job = req.processing_job(fleet, endpoint)
    job["ProcessingJobName"] = "0f6c1a52-4a5e-4a9e-9a7e-2f3b1c0d9e8f"  # what the scheduler substitutes
    topic = "arn:aws:sns:us-east-1:123456789012:monitor-alarms"
    assert request_errors("scheduler", "CreateSchedule", schedule) == []
    assert request_errors("sagemaker", "CreateProcessingJob", job) == []
    for alarm in req.endpoint_alarms(fleet, endpoint, topic):
        assert request_errors("cloudwatch", "PutMetricAlarm", alarm) == [], alarm["AlarmName"]
    queue = "arn:aws:sqs:us-east-1:123456789012:monitor-dlq"
    with_queue = parse({**__import__("yaml").safe_load(FLEET), "dead_letter_queue_arn": queue}, "fleet.yaml")
    target = req.scheduler_schedule(with_queue, with_queue.endpoints[0])["Target"]
    assert target["DeadLetterConfig"] == {"Arn": queue} and "DeadLetterConfig" not in schedule["Target"]
    assert request_errors("scheduler", "CreateSchedule", {**schedule, "Target": target}) == []
    # The checker itself: a retry policy beyond Scheduler's limits, and an unknown alarm statistic.
    broken = {**schedule, "Target": {**schedule["Target"], "RetryPolicy": {"MaximumRetryAttempts": 186}}}
    assert request_errors("scheduler", "CreateSchedule", broken) == [
        "CreateSchedule.Target.RetryPolicy.MaximumRetryAttempts: 186 is over the maximum 185"
    ]
    alarm = {**req.heartbeat_alarm(fleet, endpoint, topic), "Statistic": "Count"}
    assert "is not one of" in request_errors("cloudwatch", "PutMetricAlarm", alarm)[0]
