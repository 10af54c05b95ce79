"""The reports a scheduled Processing job uploads (report_s3_uri, analysis_window) and the fleet's runs listing."""

from __future__ import annotations

from tests.conftest import moto_client
from tests.e2e.jobs import monitor
from tests.scripts.test_fleet import fleet_cli


def test_runs_lists_the_reports_a_scheduled_job_uploaded(sample, baseline, tmp_path, aws_env):
    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="reports")
    env = {
        **aws_env,
        "report_s3_uri": "s3://reports/monitor/churn-endpoint/monitor-churn-endpoint",
        "analysis_window": "PT1H",
        "start_time": "",
    }
    result = monitor(tmp_path, sample, baseline, **env)
    assert result.returncode == 0, result.stdout
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="reports")["Contents"]}
    assert "monitor/churn-endpoint/monitor-churn-endpoint/2024/01/19/20/constraint_violations.json" in keys
    runs = fleet_cli(tmp_path, aws_env, "runs", "churn-endpoint")
    assert runs.returncode == 0, runs.stderr
    assert runs.stdout.split() == ["2024/01/19/20", "CompletedWithViolations", "3"]
