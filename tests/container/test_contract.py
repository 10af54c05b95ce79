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


def _contract_error(tmp_path, **env):
    with pytest.raises(ContractError) as info:
        from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), **env})
    return str(info.value)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Valid ISO-8601, but before the year 1 (or after 9999) in UTC: an Internal error (OverflowError) before.
        (
            {"start_time": "0001-01-01T00:00:00+01:00"},
            "start_time='0001-01-01T00:00:00+01:00' lies outside the years 1 to 9999 once converted to UTC; "
            "use a time such as 2024-01-19T19:00:00Z.",
        ),
        (
            {"end_time": "9999-12-31T23:30:00-01:00"},
            "end_time='9999-12-31T23:30:00-01:00' lies outside the years 1 to 9999 once converted to UTC; "
            "use a time such as 2024-01-19T19:00:00Z.",
        ),
        (
            {"end_time": "2024-01-01T00:00:00Z", "analysis_window": "P9999999999D"},
            "analysis_window='P9999999999D' reaches back before the year 1 from end_time='2024-01-01T00:00:00Z'; "
            "use a duration such as PT1H or P1D.",
        ),
        (
            {"end_time": "2024-01-01T00:00:00Z", "analysis_window": "P999999999D"},
            "analysis_window='P999999999D' reaches back before the year 1 from end_time='2024-01-01T00:00:00Z'; "
            "use a duration such as PT1H or P1D.",
        ),
        # An empty window made start == end, and the message then looked up the absent start_time: KeyError.
        (
            {"end_time": "2024-01-01T00:00:00Z", "analysis_window": "PT0H"},
            "analysis_window='PT0H' is an empty window; use a duration such as PT1H or P1D.",
        ),
    ],
)
def test_times_out_of_range_are_client_errors(tmp_path, env, expected):
    assert _contract_error(tmp_path, **env) == expected


def test_analysis_window_before_end_time(tmp_path):
    c = from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), "end_time": "2024-01-02T00:00:00+02:00", "analysis_window": "P1DT1H"})
    assert (c.start_time, c.end_time) == (datetime(2023, 12, 31, 21, tzinfo=UTC), datetime(2024, 1, 1, 22, tzinfo=UTC))


@pytest.mark.parametrize(
    ("raw", "kind", "header", "lines", "parts"),
    [
        # The CreateMonitoringSchedule / Processing API's own casing.
        ('{"Csv": {"Header": true}}', FormatKind.CSV, True, True, None),
        ('{"Json": {"Line": false}}', FormatKind.JSON, False, False, None),
        ('{"Parquet": {}}', FormatKind.PARQUET, False, True, None),
        (
            '{"SagemakerCaptureJson": {"CaptureIndexNames": ["EndpointInput"]}}',
            FormatKind.CAPTURE,
            False,
            True,
            ("endpointInput",),
        ),
        ('{"CSV": {"HEADER": "TRUE"}}', FormatKind.CSV, True, True, None),
        # What the SDK's DatasetFormat writes.
        ('{"csv": {"header": true, "output_columns_position": "START"}}', FormatKind.CSV, True, True, None),
        ('{"sagemakerCaptureJson": {}}', FormatKind.CAPTURE, False, True, ("endpointOutput", "endpointInput")),
        ('{"parquet": null}', FormatKind.PARQUET, False, True, None),
    ],
)
def test_api_and_sdk_spellings_of_dataset_format(raw, kind, header, lines, parts):
    fmt = parse_dataset_format(raw, baseline_job=False)
    assert (fmt.kind, fmt.header, fmt.json_lines) == (kind, header, lines)
    if parts is not None:
        assert fmt.capture_parts == parts


def test_output_columns_position_is_read():
    fmt = parse_dataset_format('{"csv": {"header": false, "output_columns_position": "end"}}', baseline_job=True)
    assert (fmt.header, fmt.output_columns_position) == (False, "END")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A number where a list belongs was an Internal error (set(5)) before.
        (
            '{"sagemakerCaptureJson": {"captureIndexNames": 5}}',
            "dataset_format: sagemakerCaptureJson.captureIndexNames is 5; expected a list of endpointInput and/or endpointOutput.",
        ),
        (
            '{"SagemakerCaptureJson": {"CaptureIndexNames": ["input"]}}',
            "dataset_format: SagemakerCaptureJson.CaptureIndexNames names ['input']; use endpointInput and/or endpointOutput.",
        ),
        # Options that are not an object, or a misspelt option, were silently ignored (header off) before.
        (
            '{"csv": "header"}',
            'dataset_format: csv is \'header\'; expected an object of options such as {"csv": {"header": true}}.',
        ),
        (
            '{"csv": {"headr": true}}',
            "dataset_format: csv has an unknown option 'headr'; its options are header, output_columns_position (any letter case).",
        ),
        ('{"Parquet": {"Compression": "snappy"}}', "dataset_format: Parquet has an unknown option 'Compression'; it has none."),
        ('{"json": {"line": true, "Lines": false}}', "dataset_format: json gives 'line' twice ('line' and 'Lines'); keep one."),
        ('{"Csv": {"Header": "yes"}}', "dataset_format: Csv.Header is 'yes'; expected true or false."),
        (
            '{"csv": {"output_columns_position": "MIDDLE"}}',
            "dataset_format: csv.output_columns_position is 'MIDDLE'; expected START or END.",
        ),
        (
            '{"Avro": {}}',
            "dataset_format 'Avro' is not supported; use one of: sagemakerCaptureJson, csv, json, parquet (any letter case).",
        ),
    ],
)
def test_bad_dataset_format_names_the_option(raw, expected):
    with pytest.raises(ContractError) as info:
        parse_dataset_format(raw, baseline_job=False)
    assert str(info.value) == expected


def _config_file(tmp_path, name, document):
    (tmp_path / "config").mkdir(exist_ok=True)
    path = tmp_path / "config" / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # A string of hosts made every host a non-leader that silently wrote nothing.
        ({"current_host": "algo-1", "hosts": "algo-1"}, "{path}: hosts is 'algo-1'; expected a list."),
        ({"current_host": "algo-1", "hosts": []}, "{path}: hosts is []; expected a list of length >= 1."),
        ({"hosts": ["algo-1"]}, "{path}: (top level) lacks the required key 'current_host'; add it."),
        (
            {"current_host": "algo-3", "hosts": ["algo-1", "algo-2"]},
            "{path}: current_host is 'algo-3', which is not among hosts ['algo-1', 'algo-2']; "
            "SageMaker writes this file, check the mount.",
        ),
        (
            "{",
            "{path} cannot be read as JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); "
            "SageMaker writes it, check the mount.",
        ),
    ],
)
def test_resourceconfig_must_make_sense(tmp_path, document, expected):
    path = _config_file(tmp_path, "resourceconfig.json", document)
    assert _contract_error(tmp_path) == expected.format(path=path)


def test_resourceconfig_leader_and_extra_keys(tmp_path):
    local = from_env({"SAGEMAKER_BASE_DIR": str(tmp_path)})
    assert (local.is_leader, local.hosts, local.distribution) == (True, ("algo-1",), "FullyReplicated")  # no file
    _config_file(
        tmp_path,
        "resourceconfig.json",
        {"current_host": "algo-1", "hosts": ["algo-2", "algo-1"], "network_interface_name": "eth0"},
    )
    # The first host listed leads (every host reads the same file, so they agree on it).
    assert not from_env({"SAGEMAKER_BASE_DIR": str(tmp_path)}).is_leader


@pytest.mark.parametrize(
    ("local_path", "distribution", "dataset_source", "expected"),
    [
        ("/opt/ml/processing/input/endpoint", "ShardedByS3Key", "/opt/ml/processing/input/endpoint", "ShardedByS3Key"),
        ("/opt/ml/processing/input", "ShardedByS3Key", "/opt/ml/processing/input/endpoint/churn", "ShardedByS3Key"),
        ("/opt/ml/processing/baseline", "ShardedByS3Key", "/opt/ml/processing/input/endpoint", "FullyReplicated"),
        ("/opt/ml/processing/input/endpoint", None, "/opt/ml/processing/input/endpoint", "FullyReplicated"),
    ],
)
def test_the_distribution_is_that_of_the_input_holding_the_dataset(tmp_path, local_path, distribution, dataset_source, expected):
    s3 = {"LocalPath": local_path, **({"S3DataDistributionType": distribution} if distribution else {})}
    _config_file(tmp_path, "processingjobconfig.json", {"ProcessingInputs": [{"InputName": "x", "S3Input": s3}]})
    contract = from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), "dataset_source": dataset_source})
    assert contract.distribution == expected


def test_an_unknown_distribution_is_a_contract_error(tmp_path):
    s3 = {"LocalPath": "/opt/ml/processing/input", "S3DataDistributionType": "Sharded"}
    path = _config_file(tmp_path, "processingjobconfig.json", {"ProcessingInputs": [{"S3Input": s3}]})
    assert _contract_error(tmp_path, dataset_source="/opt/ml/processing/input") == (
        f"{path}: S3DataDistributionType 'Sharded' of the input at /opt/ml/processing/input is not FullyReplicated or "
        "ShardedByS3Key; SageMaker writes this file, check the mount."
    )


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        # str() turned these into "None" and "True" before, read as a path and as an invalid switch.
        (
            {"dataset_source": None},
            "{path}: Environment.dataset_source is null; expected a string (SageMaker passes every variable as text).",
        ),
        (
            {"publish_cloudwatch_metrics": True},
            "{path}: Environment.publish_cloudwatch_metrics is true; expected a string (SageMaker passes every variable as text).",
        ),
        (["dataset_source"], "{path}: Environment is ['dataset_source']; expected an object or null."),
    ],
)
def test_processingjobconfig_environment_holds_strings(tmp_path, environment, expected):
    path = _config_file(tmp_path, "processingjobconfig.json", {"ProcessingJobArn": "arn", "Environment": environment})
    assert _contract_error(tmp_path) == expected.format(path=path)


def test_processingjobconfig_without_environment(tmp_path):
    _config_file(tmp_path, "processingjobconfig.json", {"ProcessingJobArn": "arn", "Environment": None})
    assert from_env({"SAGEMAKER_BASE_DIR": str(tmp_path)}).output_path == tmp_path / "processing" / "output"


def test_variables_must_be_utf8_text(tmp_path):
    # Bytes that are not UTF-8 reach os.environ as lone surrogates; written into a metric, they crashed the job.
    expected = "sagemaker_endpoint_name='ep\\udcd3' is not valid UTF-8 text; fix the variable."
    assert _contract_error(tmp_path, sagemaker_endpoint_name="ep\udcd3") == expected
    assert from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), "sagemaker_endpoint_name": "caf\u00e9"}).endpoint_name == "caf\u00e9"
