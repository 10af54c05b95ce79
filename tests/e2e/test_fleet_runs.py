"""The reports a scheduled Processing job uploads (report_s3_uri, analysis_window) and the fleet's runs listing."""

from __future__ import annotations

from tests.conftest import moto_client
from tests.e2e.jobs import message, monitor
from tests.scripts.test_fleet import FLEET, fleet_cli


def runs_of_churn(tmp_path, aws_env):  # type: ignore[no-untyped-def]
    """``fleet.py runs`` for the sample fleet's endpoint churn, as a user runs it."""
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET)
    return fleet_cli(aws_env, "runs", path, "churn")


def scheduled_run(tmp_path, sample, baseline, aws_env, **extra):  # type: ignore[no-untyped-def]
    """A monitoring run as the fleet schedules it: the hour before end_time, reports uploaded to the sample
    fleet's report_s3_uri for churn."""
    moto_client("s3", aws_env).create_bucket(Bucket="reports")
    env = {**aws_env, "report_s3_uri": "s3://reports/monitor/churn/monitor-churn", "analysis_window": "PT1H", "start_time": ""}
    return monitor(tmp_path, sample, baseline, **env, **extra)


def test_runs_lists_the_reports_a_scheduled_job_uploaded(sample, baseline, tmp_path, aws_env):
    s3 = moto_client("s3", aws_env)
    result = scheduled_run(tmp_path, sample, baseline, aws_env)
    assert result.returncode == 0, result.stdout
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="reports")["Contents"]}
    assert "monitor/churn/monitor-churn/2024/01/19/20/constraint_violations.json" in keys
    runs = runs_of_churn(tmp_path, aws_env)
    assert runs.returncode == 0, runs.stderr
    assert runs.stdout.split() == ["2024/01/19/20", "CompletedWithViolations", "3"]


def test_a_failed_upload_is_a_client_error_that_says_the_fix(sample, baseline, tmp_path, aws_env):
    env = {**aws_env, "report_s3_uri": "s3://no-such-bucket/reports", "start_time": "", "analysis_window": "PT1H"}
    result = monitor(tmp_path, sample, baseline, **env)
    assert result.returncode == 2, result.stdout
    text = message(tmp_path)
    assert text.startswith("ClientError: report_s3_uri='s3://no-such-bucket/reports': the reports were not uploaded to ")
    assert "NoSuchBucket" in text and "may s3:PutObject under that prefix" in text
    assert (tmp_path / "processing" / "output" / "constraint_violations.json").exists()  # the local reports stay


def test_no_region_is_a_client_error_that_says_the_fix(sample, baseline, tmp_path, aws_env):
    env = {k: v for k, v in aws_env.items() if k != "AWS_DEFAULT_REGION"}
    env |= {"cloudwatch_namespace": "Monitor", "publish_cloudwatch_metrics": "Enabled", "AWS_CONFIG_FILE": "/dev/null"}
    result = monitor(tmp_path, sample, baseline, **env)
    assert result.returncode == 2, result.stdout
    assert message(tmp_path) == (
        "ClientError: no AWS region is configured for cloudwatch: set AWS_REGION (or AWS_DEFAULT_REGION) in the job's "
        "environment, e.g. AWS_REGION=us-east-1 (the fleet tool sets it)."
    )


def test_runs_shows_a_failed_run_with_its_message(sample, baseline, tmp_path, aws_env):
    s3 = moto_client("s3", aws_env)
    # A mistake: the run fails with a ClientError.
    result = scheduled_run(tmp_path, sample, baseline, aws_env, expectation_suite=str(tmp_path / "missing-suite.json"))
    assert result.returncode == 2, result.stdout
    key = "monitor/churn/monitor-churn/2024/01/19/20/message"
    assert s3.get_object(Bucket="reports", Key=key)["Body"].read().decode() == message(tmp_path)
    runs = runs_of_churn(tmp_path, aws_env)
    assert runs.returncode == 0, runs.stderr
    hour, status, text = runs.stdout.strip().split(maxsplit=2)
    assert (hour, status, text) == ("2024/01/19/20", "ClientError", message(tmp_path))
    assert "missing-suite.json" in text
