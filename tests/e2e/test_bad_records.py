"""Bad records beyond ``limits.bad_record_share`` are a finding: a violation and a metric in a monitoring job,
a ClientError in a baseline job; a window where nothing could be used is never green."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import capture_line
from tests.e2e.jobs import message, monitor, run_container

GOOD_INPUTS = "40,50000.0,12,1000.0,2,650,north,basic"  # the sample baseline's eight inputs; the output is first


def _window(folder: Path, good: int, bad: int) -> Path:
    folder.mkdir(parents=True)
    lines = [capture_line(GOOD_INPUTS, output=f"0.{i % 10}") for i in range(good)] + ["{not json"] * bad
    (folder / "window.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def _config(tmp_path: Path, share: float) -> str:
    path = tmp_path / "analysis_config.json"
    path.write_text(json.dumps({"limits": {"bad_record_share": share}}))
    return str(path)


def _outputs(base: Path) -> tuple[list[dict], dict[str, float]]:
    violations = json.loads((base / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    lines = (base / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    metrics = {r["MetricName"]: r.get("Value") for r in map(json.loads, lines)}
    return violations, metrics


def test_a_share_above_the_limit_is_a_violation_and_a_metric(sample, baseline, tmp_path):
    window = _window(tmp_path / "capture", good=90, bad=10)
    result = monitor(tmp_path, sample, baseline, dataset_source=str(window), publish_cloudwatch_metrics="Enabled")
    assert result.returncode == 0, result.stdout
    violations, metrics = _outputs(tmp_path)
    bad = [v for v in violations if v["constraint_check_type"] == "bad_record_check"]
    assert bad == [
        {
            "constraint_check_type": "bad_record_check",
            "feature_name": "<dataset>",
            "description": "Bad record requirement is not met. Expected bad records: at most 5.0% (limits.bad_record_share "
            "0.05). Observed: 10.0% of the 100 records read could not be used (10 unreadable); the job log names their "
            "files and lines.",
            "bad_records": 10,
            "rows_skipped": 0,
            "records": 100,
        }
    ]
    assert metrics["bad_record_share"] == 10 / 100 and metrics["constraint_violations"] == len(violations)
    assert message(tmp_path).startswith(f"CompletedWithViolations: Job completed successfully with {len(violations)} violations.")
    assert "10 bad record(s) skipped; see the log." in message(tmp_path)


def test_a_share_within_the_limit_is_only_a_metric(sample, baseline, tmp_path):
    window = _window(tmp_path / "capture", good=90, bad=10)
    config = _config(tmp_path, 0.1)  # exactly the share: not above it
    result = monitor(
        tmp_path, sample, baseline, dataset_source=str(window), publish_cloudwatch_metrics="Enabled", analysis_config=config
    )
    assert result.returncode == 0, result.stdout
    violations, metrics = _outputs(tmp_path)
    assert "bad_record_check" not in {v["constraint_check_type"] for v in violations}
    assert metrics["bad_record_share"] == 0.1


def test_a_window_of_nothing_but_bad_records_is_never_green(sample, baseline, tmp_path):
    window = _window(tmp_path / "capture", good=0, bad=7)
    config = _config(tmp_path, 1.0)  # even when any share is allowed
    result = monitor(
        tmp_path, sample, baseline, dataset_source=str(window), publish_cloudwatch_metrics="Enabled", analysis_config=config
    )
    assert result.returncode == 0, result.stdout
    violations, metrics = _outputs(tmp_path)
    assert [(v["feature_name"], v["constraint_check_type"]) for v in violations] == [("<dataset>", "bad_record_check")]
    assert (
        "Observed: 100.0% of the 7 records read could not be used (7 unreadable); no row was left" in violations[0]["description"]
    )
    assert metrics == {"bad_record_share": 1.0, "constraint_violations": 1.0}
    assert message(tmp_path) == (
        "CompletedWithViolations: Job completed successfully with 1 violations. 7 bad record(s) skipped; see the log."
        " Nothing that was read could be used; nothing was compared."
    )
    stats = json.loads((tmp_path / "processing" / "output" / "statistics.json").read_text())
    assert stats == {"dataset": {"item_count": 0}, "features": [], "version": 0.0}


def _baseline_data(folder: Path, good: int, bad: int) -> Path:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"a": rng.integers(0, 100, good), "b": rng.normal(size=good)})
    text = frame.to_csv(index=False) + "".join(f"{i},2,3\n" for i in range(bad))  # three columns where the header has two
    (folder / "train.csv").write_text(text)
    return folder


def test_a_baseline_from_mostly_bad_records_is_refused(tmp_path):
    data = _baseline_data(tmp_path / "data", good=80, bad=20)
    out = tmp_path / "out"
    result = run_container(tmp_path, dataset_format='{"csv": {"header": true}}', dataset_source=str(data), output_path=str(out))
    assert result.returncode == 2, result.stdout
    assert message(tmp_path) == (
        "ClientError: the baseline dataset is not fit for a baseline. Bad record requirement is not met. Expected bad "
        "records: at most 5.0% (limits.bad_record_share 0.05). Observed: 20.0% of the 100 records read could not be used "
        "(20 row(s) skipped); the job log names their files and lines. Fix or remove those records, or raise "
        "limits.bad_record_share in the analysis config."
    )
    assert not out.exists() or not list(out.iterdir())  # no baseline at all rather than one from a biased remainder
    allowed = run_container(
        tmp_path,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(data),
        output_path=str(out),
        analysis_config=_config(tmp_path, 0.25),
    )
    assert allowed.returncode == 0, allowed.stdout
    assert json.loads((out / "statistics.json").read_text())["dataset"]["item_count"] == 80
    assert message(tmp_path) == "Completed: Job completed successfully with no violations. 20 bad record(s) skipped; see the log."


def test_every_violation_names_a_feature(sample, baseline, tmp_path):
    suite = tmp_path / "suite.json"
    table_level = {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1, "max_value": 10}}
    column_level = {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "plan", "value_set": ["basic"]}}
    suite.write_text(json.dumps({"name": "s", "expectations": [table_level, column_level]}))
    result = monitor(tmp_path, sample, baseline, expectation_suite=str(suite), analysis_config=_config(tmp_path, 0.0005))
    assert result.returncode == 0, result.stdout
    violations = json.loads((tmp_path / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    by_check = {(v["constraint_check_type"], v.get("expectation_type")): v["feature_name"] for v in violations}
    assert by_check[("bad_record_check", None)] == "<dataset>"  # the sample's two unreadable records of 2000
    assert by_check[("expectation_check", "expect_table_row_count_to_be_between")] == "<dataset>"
    assert by_check[("expectation_check", "expect_column_values_to_be_in_set")] == "plan"
    assert all(isinstance(v["feature_name"], str) and v["feature_name"] for v in violations)


def test_an_empty_window_beside_too_many_unplaceable_bad_records(sample, baseline, tmp_path):
    # One malformed line of the sample's 2000 cannot be placed in any window; 1/2000 is above this limit.
    window = {"start_time": "2030-01-01T00:00:00Z", "end_time": "2030-01-01T01:00:00Z"}
    result = monitor(tmp_path, sample, baseline, analysis_config=_config(tmp_path, 0.0001), **window)
    assert result.returncode == 0, result.stdout
    violations = json.loads((tmp_path / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    assert [(v["constraint_check_type"], v["bad_records"], v["records"]) for v in violations] == [("bad_record_check", 1, 2000)]
    assert message(tmp_path).startswith(
        "CompletedWithViolations: Job completed successfully with 1 violations. 1 bad record(s) skipped; see the log."
        " No records to analyse in the window [2030-01-01T00:00:00Z, 2030-01-01T01:00:00Z)"
    )
