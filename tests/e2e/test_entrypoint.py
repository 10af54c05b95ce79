"""``python -m container`` as SageMaker runs it: a fresh process, env vars, a temporary /opt/ml."""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from tests.conftest import capture_line, moto_client
from tests.e2e.jobs import message, monitor, run_container, window_rows


def test_baseline_statistics_match_pandas(sample, baseline):
    df = pd.read_csv(sample / "baseline" / "train.csv")
    stats = json.loads((baseline / "statistics.json").read_text())
    assert stats["dataset"]["item_count"] == len(df)
    features = {f["name"]: f for f in stats["features"]}
    assert list(features) == list(df.columns)
    for name in ["score", "income", "age"]:
        ns = features[name]["numerical_statistics"]
        col = df[name]
        assert ns["common"] == {"num_present": int(col.notna().sum()), "num_missing": int(col.isna().sum())}
        assert ns["mean"] == pytest.approx(col.mean(), rel=1e-12)
        assert ns["sum"] == pytest.approx(col.sum(), rel=1e-12)
        assert ns["std_dev"] == pytest.approx(col.std(ddof=0), rel=1e-12)
        assert (ns["min"], ns["max"]) == (col.min(), col.max())
        buckets = ns["distribution"]["kll"]["buckets"]
        assert len(buckets) == 10 and sum(b["count"] for b in buckets) == len(col)
        exact, _ = np.histogram(col, bins=10, range=(col.min(), col.max()))
        assert np.abs(np.array([b["count"] for b in buckets]) - exact).max() <= 0.02 * len(col)
    assert features["age"]["inferred_type"] == "Integral"
    assert features["income"]["inferred_type"] == "Fractional"
    region = features["region"]["string_statistics"]
    counts = df["region"].value_counts().to_dict()
    assert {b["value"]: b["count"] for b in region["distribution"]["categorical"]["buckets"]} == counts
    assert region["distinct_count"] == float(len(counts))


def test_baseline_constraints_are_suggested(baseline):
    constraints = json.loads((baseline / "constraints.json").read_text())
    features = {f["name"]: f for f in constraints["features"]}
    assert features["plan"]["string_constraints"]["domains"] == ["basic", "plus", "premium"]
    assert features["income"]["num_constraints"] == {"is_non_negative": True}
    assert features["income"]["completeness"] == 1.0
    assert constraints["monitoring_config"]["distribution_constraints"]["comparison_method"] == "Robust"


def test_monitoring_job_profiles_the_window(sample, baseline, tmp_path):
    result = monitor(tmp_path, sample, baseline)
    assert result.returncode == 0, result.stdout + result.stderr
    assert message(tmp_path).startswith(("Completed: ", "CompletedWithViolations: "))
    assert "3 bad record(s) skipped" in message(tmp_path)
    out = tmp_path / "processing" / "output"
    stats = json.loads((out / "statistics.json").read_text())
    expected = window_rows(sample)
    assert stats["dataset"]["item_count"] == len(expected)
    income = next(f for f in stats["features"] if f["name"] == "income")["numerical_statistics"]
    assert income["mean"] == pytest.approx(expected["income"].astype(float).mean(), rel=1e-12)
    assert "unseen" not in result.stdout
    for fragment in ["malformed lines", "is not valid BASE64", "rows with 8 columns where 9 were expected", "summary"]:
        assert fragment in result.stdout
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    # The sample window shifts income up 35%, moves plan shares and adds region "central": exactly those.
    assert [(v["feature_name"], v["constraint_check_type"]) for v in violations] == [
        ("income", "baseline_drift_check"),
        ("plan", "baseline_drift_check"),
        ("region", "categorical_values_check"),
    ]
    assert violations[2]["unseen_values"] == "central"
    share = (expected["region"] != "central").mean()
    assert violations[2]["description"] == f"Value: {share} does not meet the constraint requirement! "
    assert message(tmp_path).startswith("CompletedWithViolations: Job completed successfully with 3 violations.")


def test_outputs_are_byte_identical_across_runs(sample, baseline, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for base in (a, b):
        assert monitor(base, sample, baseline).returncode == 0
    for name in ["statistics.json", "constraint_violations.json"]:
        assert (a / "processing" / "output" / name).read_bytes() == (b / "processing" / "output" / name).read_bytes()


def test_width_mismatch_is_reported(sample, baseline, tmp_path):
    capture = tmp_path / "capture"
    capture.mkdir()
    (capture / "x.jsonl").write_text("\n".join(capture_line("1,2,3") for _ in range(5)) + "\n")
    result = monitor(tmp_path, sample, baseline, dataset_source=str(capture), publish_cloudwatch_metrics="Enabled")
    assert result.returncode == 0
    violations = json.loads((tmp_path / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    # No row fits the baseline: the width says why, and a window of nothing but bad records is never green.
    assert [(v["feature_name"], v["constraint_check_type"]) for v in violations] == [
        ("<dataset>", "bad_record_check"),
        ("<dataset>", "missing_column_check"),
    ]
    assert "Captured rows have 4 columns but the baseline has 9 features" in violations[1]["description"]
    assert (
        "Observed: 100.0% of the 5 records read could not be used (5 row(s) skipped); no row was left to analyse"
        in violations[0]["description"]
    )
    assert (violations[0]["bad_records"], violations[0]["rows_skipped"], violations[0]["records"]) == (0, 5, 5)
    assert message(tmp_path) == (
        "CompletedWithViolations: Job completed successfully with 2 violations. 5 bad record(s) skipped; see the log."
        " Nothing that was read could be used; nothing was compared."
    )
    stats = json.loads((tmp_path / "processing" / "output" / "statistics.json").read_text())
    assert stats["dataset"]["item_count"] == 0 and stats["features"] == []
    metrics = {
        r["MetricName"]: r["Value"]
        for r in map(json.loads, (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").open())
    }
    assert metrics == {"bad_record_share": 1.0, "constraint_violations": 2.0}


def test_empty_window_completes_and_says_so(sample, baseline, tmp_path):
    result = monitor(
        tmp_path,
        sample,
        baseline,
        start_time="2030-01-01T00:00:00Z",
        end_time="2030-01-01T01:00:00Z",
        publish_cloudwatch_metrics="Enabled",
    )
    assert result.returncode == 0
    files = sorted((sample / "capture").rglob("*.jsonl"))
    lines = [line for path in files for line in path.read_text().splitlines()]
    # The malformed line cannot be placed in any window: one bad record of all those read, not a corrupt window.
    assert message(tmp_path) == (
        "Completed: No records to analyse in the window [2030-01-01T00:00:00Z, 2030-01-01T01:00:00Z): "
        f"{len(files)} file(s), {len(lines)} record(s) read. Nothing was compared. 1 bad record(s) skipped; see the log."
    )
    stats = json.loads((tmp_path / "processing" / "output" / "statistics.json").read_text())
    assert stats["dataset"]["item_count"] == 0
    metrics = (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    assert {r["MetricName"]: r["Value"] for r in map(json.loads, metrics)} == {
        "bad_record_share": 1 / len(lines),
        "constraint_violations": 0.0,
    }


def test_empty_window_can_fail(sample, baseline, tmp_path):
    config = tmp_path / "config.json"
    config.write_text('{"empty_window": "fail"}')
    result = monitor(
        tmp_path,
        sample,
        baseline,
        analysis_config=str(config),
        start_time="2030-01-01T00:00:00Z",
        end_time="2030-01-01T01:00:00Z",
    )
    assert result.returncode == 2
    assert message(tmp_path).startswith("ClientError: No records to analyse")


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"dataset_format": '{"avro": {}}'}, "ClientError: dataset_format 'avro' is not supported"),
        ({"start_time": "2024-01-19T21:00:00Z"}, "is not before end_time"),
        ({"analysis_config": "/nonexistent/config.json"}, "analysis_config='/nonexistent/config.json' cannot be read"),
        ({"dataset_source": "/nonexistent/capture"}, "dataset_source='/nonexistent/capture' does not exist"),
    ],
)
def test_user_errors_fail_with_a_named_message(sample, baseline, tmp_path, env, fragment):
    result = monitor(tmp_path, sample, baseline, **env)
    assert result.returncode == 2
    text = message(tmp_path)
    assert fragment in text and len(text.encode()) < 1024
    assert "Traceback" not in result.stdout + result.stderr


def test_baseline_that_is_not_json(sample, baseline, tmp_path):
    bad = tmp_path / "statistics.json"
    bad.write_text("{oops")
    result = monitor(tmp_path, sample, baseline, baseline_statistics=str(bad))
    assert result.returncode == 2
    assert message(tmp_path).startswith(f"ClientError: baseline_statistics file '{bad}' is not valid JSON")


def test_unwritable_output_path_keeps_earlier_outputs(sample, baseline, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    result = monitor(tmp_path, sample, baseline, output_path=str(blocker / "out"))
    assert result.returncode == 2
    assert "make output_path writable" in message(tmp_path)
    assert blocker.read_text() == "a file where a directory should be"
    assert (baseline / "statistics.json").exists()


def test_worker_processes_do_not_change_the_result(sample, tmp_path):
    from container.contract import from_env
    from container.ingest import ingest
    from container.settings import AnalysisConfig

    contract = from_env(
        {"SAGEMAKER_BASE_DIR": str(tmp_path), "dataset_source": str(sample / "capture"), "baseline_statistics": "x"}
    )
    names = ("score", "age", "income", "tenure_months", "balance", "num_products", "credit_score", "region", "plan")
    one = ingest(contract, AnalysisConfig(), names, None, workers=1)
    two = ingest(contract, AnalysisConfig(), names, None, workers=2)
    assert list(one.profiles) == list(two.profiles)
    for name in names:
        a, b = one.profiles[name], two.profiles[name]
        assert (a.types, repr(a.moments), a.categories) == (b.types, repr(b.moments), b.categories)
        assert a.sketch.to_data() == b.sketch.to_data()
    assert one.problems.counts == two.problems.counts and one.rows == two.rows == 2000 - 3


class _BrokenEnvironment(Mapping):
    """An environment whose lookups fail: stands in for any bug inside the job."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __getitem__(self, key):
        if key == "SAGEMAKER_BASE_DIR":
            return self.base
        raise RuntimeError("boom")

    def __iter__(self):
        return iter(["SAGEMAKER_BASE_DIR", "dataset_source"])

    def __len__(self):
        return 2


@pytest.fixture
def own_signals():
    """``main`` owns the process's stop signals; give pytest's back afterwards."""
    import signal

    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_internal_error_says_so_and_logs_the_traceback(tmp_path, caplog, own_signals):
    from container.__main__ import EXIT_INTERNAL_ERROR, main

    assert main(_BrokenEnvironment(str(tmp_path))) == EXIT_INTERNAL_ERROR
    assert message(tmp_path) == "Internal error: RuntimeError"
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


def test_analysis_config_embedded_in_the_baseline_constraints(sample, baseline, tmp_path):
    constraints = json.loads((baseline / "constraints.json").read_text())
    constraints["analysis_config"] = {"empty_window": "fail"}
    path = tmp_path / "constraints.json"
    path.write_text(json.dumps(constraints))
    result = monitor(
        tmp_path,
        sample,
        baseline,
        baseline_constraints=str(path),
        start_time="2030-01-01T00:00:00Z",
        end_time="2030-01-01T01:00:00Z",
    )
    assert result.returncode == 2 and message(tmp_path).startswith("ClientError: No records to analyse")


def test_analysis_config_from_s3(sample, baseline, tmp_path, aws_env):
    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="cfg")
    s3.put_object(Bucket="cfg", Key="monitor/analysis.json", Body=b'{"colums": {}}')
    result = monitor(tmp_path, sample, baseline, analysis_config="s3://cfg/monitor/analysis.json", **aws_env)
    assert result.returncode == 2
    assert (
        "unknown key 'colums'; allowed keys are bias, cluster, columns, drift, empty_window, expectations, explainability, limits, model_quality, multivariate, payload"
        in message(tmp_path)
    )
    s3.put_object(Bucket="cfg", Key="monitor/analysis.json", Body=b'{"empty_window": "fail"}')
    result = monitor(tmp_path, sample, baseline, analysis_config="s3://cfg/monitor/analysis.json", **aws_env)
    assert result.returncode == 0
    missing = monitor(tmp_path, sample, baseline, analysis_config="s3://cfg/nope.json", **aws_env)
    assert missing.returncode == 2 and "cannot be read from S3" in message(tmp_path)


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_baseline_job_from_parquet_and_json_lines(sample, tmp_path, fmt):
    df = pd.read_csv(sample / "baseline" / "train.csv")
    data = tmp_path / "data"
    data.mkdir()
    if fmt == "parquet":
        df.to_parquet(data / "train.parquet")
        dataset_format = '{"parquet": {}}'
    else:
        df.to_json(data / "train.jsonl", orient="records", lines=True)
        dataset_format = '{"json": {"line": true}}'
    out = tmp_path / "out"
    result = run_container(tmp_path, dataset_format=dataset_format, dataset_source=str(data), output_path=str(out))
    assert result.returncode == 0, result.stdout
    stats = {f["name"]: f for f in json.loads((out / "statistics.json").read_text())["features"]}
    assert list(stats) == list(df.columns)
    assert stats["age"]["inferred_type"] == "Integral" and stats["plan"]["inferred_type"] == "String"
    assert stats["income"]["numerical_statistics"]["mean"] == pytest.approx(df["income"].mean(), rel=1e-12)
    constraints = json.loads((out / "constraints.json").read_text())
    assert next(f for f in constraints["features"] if f["name"] == "region")["string_constraints"]["domains"] == sorted(
        df["region"].unique()
    )


def test_empty_window_with_only_a_start_time(sample, baseline, tmp_path):
    result = monitor(tmp_path, sample, baseline, start_time="2030-01-01T00:00:00Z", end_time="")
    assert result.returncode == 0, result.stdout
    assert message(tmp_path).startswith("Completed: No records to analyse in the window [2030-01-01T00:00:00Z, ...)")


def test_window_read_straight_from_s3_matches_local_disk(sample, baseline, tmp_path, aws_env):
    from tests.conftest import moto_client

    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="capture")
    for path in (sample / "capture").rglob("*.jsonl"):
        s3.upload_file(str(path), "capture", "datacapture/" + str(path.relative_to(sample / "capture")))
    far = "datacapture/churn-endpoint/AllTraffic/2024/03/01/00/elsewhere.jsonl"  # outside the window: never fetched
    s3.put_object(Bucket="capture", Key=far, Body=b"{not even json}\n")
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert monitor(local, sample, baseline).returncode == 0
    result = monitor(remote, sample, baseline, dataset_source="s3://capture/datacapture", **aws_env)
    assert result.returncode == 0, result.stdout
    assert "Fetched 4 object(s) of the window" in result.stdout
    for name in ("statistics.json", "constraint_violations.json"):
        assert (local / "processing" / "output" / name).read_bytes() == (remote / "processing" / "output" / name).read_bytes()
    assert message(local) == message(remote)


def test_batch_transform_capture_manifests_from_s3(sample, baseline, tmp_path, aws_env):
    from tests.conftest import moto_client

    rows = window_rows(sample)
    local_dir = tmp_path / "batch"
    local_dir.mkdir()
    (local_dir / "part-0.csv.out").write_text("\n".join(",".join(r) for r in rows.itertuples(index=False)) + "\n")
    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="batch-capture")
    s3.upload_file(str(local_dir / "part-0.csv.out"), "batch-capture", "transform-output/part-0.csv.out")
    s3.put_object(Bucket="batch-capture", Key="transform-output/other.csv.out", Body=b"not,listed\n")
    manifest = json.dumps([{"prefix": "s3://batch-capture/transform-output/"}, "part-0.csv.out"]).encode()
    s3.put_object(Bucket="batch-capture", Key="capture/output/2024/01/19/19/5ef12a7a.json", Body=manifest)
    other = json.dumps([{"prefix": "s3://batch-capture/transform-output/"}, "other.csv.out"]).encode()
    s3.put_object(Bucket="batch-capture", Key="capture/output/2024/02/01/00/later.json", Body=other)  # another hour
    batch = {"dataset_format": '{"csv": {"header": false}}', "sagemaker_endpoint_name": ""}
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert monitor(local, sample, baseline, dataset_source=str(local_dir), **batch).returncode == 0
    result = monitor(remote, sample, baseline, dataset_source="s3://batch-capture/capture/output", **batch, **aws_env)
    assert result.returncode == 0, result.stdout
    assert "Fetched 1 object(s) of the window" in result.stdout
    for name in ("statistics.json", "constraint_violations.json"):
        assert (local / "processing" / "output" / name).read_bytes() == (remote / "processing" / "output" / name).read_bytes()
