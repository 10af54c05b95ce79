import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from container.contract import FormatKind, from_env, parse_dataset_format
from container.errors import ContractError


def test_reads_sagemaker_environment(tmp_path):
    env = {
        "SAGEMAKER_BASE_DIR": str(tmp_path),
        "dataset_format": '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}',
        "dataset_source": "/opt/ml/processing/input/endpoint",
        "output_path": "/opt/ml/processing/resultdata",
        "baseline_statistics": "/b/statistics.json",
        "baseline_constraints": "/b/constraints.json",
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_endpoint_name": "ep",
        "sagemaker_monitoring_schedule_name": "sched",
        "start_time": "2019-12-01T16: 20: 00Z",  # the docs' own example, with its stray spaces
        "end_time": "2019-12-01T17:20:00Z",
    }
    c = from_env(env)
    assert c.dataset_format.kind is FormatKind.CAPTURE
    assert c.dataset_format.capture_parts == ("endpointOutput", "endpointInput")
    assert c.output_path == Path("/opt/ml/processing/resultdata")
    assert c.publish_cloudwatch and c.endpoint_name == "ep" and c.schedule_name == "sched"
    assert c.start_time == datetime(2019, 12, 1, 16, 20, tzinfo=UTC)
    assert not c.is_baseline_job
    assert c.paths.message == tmp_path / "output" / "message"
    assert c.paths.cloudwatch_dir == tmp_path / "output" / "metrics" / "cloudwatch"
    assert c.violations_file.name == "constraint_violations.json"


def test_falls_back_to_processingjobconfig(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "processingjobconfig.json").write_text(
        json.dumps({"Environment": {"dataset_source": "/from/file", "output_path": "/out/file"}})
    )
    c = from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), "output_path": "/out/env"})
    assert c.dataset_source == Path("/from/file")
    assert c.output_path == Path("/out/env")  # the environment wins over the file


def test_only_the_first_host_leads(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "resourceconfig.json").write_text(
        json.dumps({"current_host": "algo-2", "hosts": ["algo-1", "algo-2"]})
    )
    assert not from_env({"SAGEMAKER_BASE_DIR": str(tmp_path)}).is_leader


@pytest.mark.parametrize(
    ("raw", "kind", "header", "lines"),
    [
        ('{"csv": {"header": true}}', FormatKind.CSV, True, True),
        ('{"csv": {"header": "false"}}', FormatKind.CSV, False, True),
        ('{"json": {"line": true}}', FormatKind.JSON, False, True),
        ('{"json": {"lines": false}}', FormatKind.JSON, False, False),
        ('{"parquet": {}}', FormatKind.PARQUET, False, True),
    ],
)
def test_batch_formats(raw, kind, header, lines):
    fmt = parse_dataset_format(raw, baseline_job=False)
    assert (fmt.kind, fmt.header, fmt.json_lines) == (kind, header, lines)


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"dataset_format": '{"avro": {}}'}, "'avro' is not supported; use one of: sagemakerCaptureJson, csv, json, parquet"),
        ({"dataset_format": "{csv"}, "dataset_format is not JSON"),
        ({"start_time": "2024-01-02T00:00:00Z", "end_time": "2024-01-01T00:00:00Z"}, "is not before end_time"),
        ({"start_time": "yesterday"}, "start_time='yesterday' is not an ISO-8601 time"),
        ({"publish_cloudwatch_metrics": "yes"}, "use 'Enabled' or 'Disabled'"),
    ],
)
def test_bad_environment_is_named(tmp_path, env, fragment):
    with pytest.raises(ContractError, match=None) as info:
        from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), **env})
    assert fragment in str(info.value)
