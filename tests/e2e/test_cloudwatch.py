"""The CloudWatch metrics file, record by record, and direct publishing to a real moto server."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

import pytest

from tests.conftest import moto_client
from tests.e2e.jobs import message, monitor


def _metrics(base):
    path = base / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_metrics_file_record_by_record(sample, baseline, tmp_path):
    assert monitor(tmp_path, sample, baseline, publish_cloudwatch_metrics="Enabled").returncode == 0
    records = _metrics(tmp_path)
    stats = json.loads((tmp_path / "processing" / "output" / "statistics.json").read_text())
    features = {f["name"]: f for f in stats["features"]}
    dims = [{"Name": "Endpoint", "Value": "churn-endpoint"}, {"Name": "MonitoringSchedule", "Value": "churn-hourly"}]
    names = set()
    for r in records:
        assert set(r) <= {"MetricName", "Timestamp", "Dimensions", "Value", "StatisticValues"}
        assert ("Value" in r) != ("StatisticValues" in r)
        assert r["Timestamp"] == "2024-01-19T20:00:00Z" and r["Dimensions"] == dims
        assert len(r["MetricName"]) <= 255
        names.add(r["MetricName"])
    expected = {f"feature_non_null_{n}" for n in features} | {f"feature_baseline_drift_{n}" for n in features}
    expected |= {f"feature_data_{n}" for n, f in features.items() if "numerical_statistics" in f}
    expected |= {"constraint_violations", "bad_record_share"}
    assert names == expected
    income = next(r for r in records if r["MetricName"] == "feature_data_income")["StatisticValues"]
    ns = features["income"]["numerical_statistics"]
    assert income == {
        "SampleCount": float(ns["common"]["num_present"]),
        "Sum": ns["sum"],
        "Minimum": ns["min"],
        "Maximum": ns["max"],
    }
    violations = json.loads((tmp_path / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    count = next(r for r in records if r["MetricName"] == "constraint_violations")["Value"]
    drift = next(r for r in records if r["MetricName"] == "feature_baseline_drift_income")["Value"]
    assert f"Numerical distance: {drift} exceeds" in next(v["description"] for v in violations if v["feature_name"] == "income")
    assert count == len(violations)
    read, bad, usable, skipped = _capture_counts(sample)
    assert (read, bad, usable, skipped) == (2000, 2, stats["dataset"]["item_count"], 1)
    # The documented share: 1 - (1 - bad / read) * usable / (usable + skipped).
    share = next(r for r in records if r["MetricName"] == "bad_record_share")["Value"]
    assert share == pytest.approx(1 - (1 - bad / read) * usable / (usable + skipped), rel=1e-15)


def _capture_counts(sample):
    """Records read, records that cannot be read (not JSON, or a payload that is not base64), and the
    window's rows that fit the baseline's nine features or not, counted from the raw files."""
    read = bad = usable = skipped = 0
    for path in (sample / "capture").rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            read += 1
            try:
                record = json.loads(line)
                for part in record["captureData"].values():
                    if part["encoding"] == "BASE64":
                        base64.b64decode(part["data"], validate=True)
            except (ValueError, binascii.Error):
                bad += 1
                continue
            if "2024-01-19T19:00:00Z" <= record["eventMetadata"]["inferenceTime"] < "2024-01-19T20:00:00Z":
                width = 1 + len(record["captureData"]["endpointInput"]["data"].split(","))
                usable, skipped = (usable + 1, skipped) if width == 9 else (usable, skipped + 1)
    return read, bad, usable, skipped


def test_batch_monitoring_has_only_the_schedule_dimension(sample, baseline, tmp_path):
    assert monitor(tmp_path, sample, baseline, publish_cloudwatch_metrics="Enabled", sagemaker_endpoint_name="").returncode == 0
    assert {json.dumps(r["Dimensions"]) for r in _metrics(tmp_path)} == {
        '[{"Name": "MonitoringSchedule", "Value": "churn-hourly"}]'
    }


def test_disabled_writes_no_metrics(sample, baseline, tmp_path):
    assert monitor(tmp_path, sample, baseline, publish_cloudwatch_metrics="Disabled").returncode == 0
    assert not (tmp_path / "output" / "metrics").exists()


def test_switched_off_feature_has_no_violation_and_no_metric(sample, baseline, tmp_path):
    constraints = json.loads((baseline / "constraints.json").read_text())
    for f in constraints["features"]:
        if f["name"] == "income":
            f["monitoringConfigOverrides"] = {"evaluate_constraints": "Disabled", "emit_metrics": "Disabled"}
    path = tmp_path / "constraints.json"
    path.write_text(json.dumps(constraints))
    assert (
        monitor(tmp_path, sample, baseline, publish_cloudwatch_metrics="Enabled", baseline_constraints=str(path)).returncode == 0
    )
    violations = json.loads((tmp_path / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    assert [v["feature_name"] for v in violations] == ["plan", "region"]
    assert not any("income" in r["MetricName"] for r in _metrics(tmp_path))


def test_direct_publishing_to_a_moto_server(sample, baseline, tmp_path, aws_env):
    result = monitor(
        tmp_path, sample, baseline, publish_cloudwatch_metrics="Enabled", cloudwatch_namespace="Test/Monitor", **aws_env
    )
    assert result.returncode == 0, result.stdout
    assert "published" in result.stdout
    cw = moto_client("cloudwatch", aws_env)
    dims = [{"Name": "Endpoint", "Value": "churn-endpoint"}, {"Name": "MonitoringSchedule", "Value": "churn-hourly"}]
    written = {r["MetricName"]: r for r in _metrics(tmp_path)}
    queries = [
        {
            "Id": f"m{i}",
            "MetricStat": {
                "Metric": {"Namespace": "Test/Monitor", "MetricName": name, "Dimensions": dims},
                "Period": 3600,
                "Stat": stat,
            },
        }
        for i, (name, stat) in enumerate(
            [("feature_baseline_drift_income", "Maximum"), ("feature_data_income", "Sum"), ("feature_non_null_plan", "Average")]
        )
    ]
    data = cw.get_metric_data(
        MetricDataQueries=queries,
        StartTime=datetime(2024, 1, 19, 19, tzinfo=UTC),
        EndTime=datetime(2024, 1, 19, 21, tzinfo=UTC),
    )["MetricDataResults"]
    values = {d["Id"]: d["Values"] for d in data}
    assert values["m0"] == [pytest.approx(written["feature_baseline_drift_income"]["Value"])]
    assert values["m1"] == [pytest.approx(written["feature_data_income"]["StatisticValues"]["Sum"])]
    assert values["m2"] == [pytest.approx(written["feature_non_null_plan"]["Value"])]


def test_publishing_failure_is_reported_and_files_stay(sample, baseline, tmp_path):
    env = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    result = monitor(tmp_path, sample, baseline, publish_cloudwatch_metrics="Enabled", cloudwatch_namespace="Test/Monitor", **env)
    assert result.returncode == 0
    assert "Metrics were not published: CloudWatch PutMetricData to 'Test/Monitor' failed" in message(tmp_path)
    assert message(tmp_path).startswith("CompletedWithViolations: ")
    assert _metrics(tmp_path) and (tmp_path / "processing" / "output" / "statistics.json").exists()
