"""Expectations on every row, through ``python -m container`` (issue 19): the native evaluators' results in
GX's own document, in the suite's order, with the rows each covers; GX only for what has no native evaluator,
and not imported at all when nothing needs it; the same results as GX on the same rows."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from tests.conftest import ROOT
from tests.e2e.jobs import message, monitor, run_container, window_rows
from tests.e2e.test_expectations import USER_SUITE

OUTPUT = ("processing", "output")


def _run(base, sample, baseline, suite, config=None):
    (base / "suite.json").write_text(json.dumps(suite))
    extra = {}
    if config is not None:
        (base / "config.json").write_text(json.dumps(config))
        extra["analysis_config"] = str(base / "config.json")
    result = monitor(base, sample, baseline, expectation_suite=str(base / "suite.json"), **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(base.joinpath(*OUTPUT, "expectation_results.json").read_text())


# No native evaluator: an exact median needs every value at once.
MEDIAN = {"type": "expect_column_median_to_be_between", "kwargs": {"column": "score", "min_value": 0.0, "max_value": 1.0}}
MIXED_SUITE = {"name": "mixed", "expectations": [*USER_SUITE["expectations"][:3], MEDIAN, *USER_SUITE["expectations"][3:]]}


def test_native_results_cover_every_row_and_keep_the_suite_order(sample, baseline, tmp_path):
    full = _run(tmp_path, sample, baseline, MIXED_SUITE, {"expectations": {"row_budget": 500, "seed": 3}})
    window = window_rows(sample)
    rows = len(window)
    assert [r["expectation_config"]["type"] for r in full["results"]] == [e["type"] for e in MIXED_SUITE["expectations"]]
    covered = [r["meta"]["rows_covered"] for r in full["results"]]
    # every expectation but the median is native: GX validates that one, on the sample
    assert covered == ["all", "all", "all", "sample", "all", "all", "all"]
    assert [r["meta"]["rows"] for r in full["results"]] == [rows] * 3 + [500] + [rows] * 3
    plan = full["results"][2]["result"]
    assert plan["element_count"] == rows and plan["unexpected_count"] == int((window["plan"] == "premium").sum())
    assert full["results"][2]["expectation_config"]["meta"] == {}  # our place marks never leak
    sampled = full["meta"]["sample"]
    assert sampled["expectations_on_every_row"] == 6 and sampled["expectations_on_the_sample"] == 1
    assert f"1 of 7 expectations validated on a uniform sample of 500 of {rows} rows (seed 3)" in message(tmp_path)
    regex = full["results"][5]["result"]  # the regex, natively: every row
    assert regex["element_count"] == rows and regex["unexpected_count"] == int((window["region"] == "central").sum())
    mean = full["results"][6]["result"]["observed_value"]
    assert mean == pytest.approx(window["score"].astype(float).mean(), rel=1e-12)
    assert full["statistics"] == {
        "evaluated_expectations": 7,
        "successful_expectations": 4,
        "unsuccessful_expectations": 3,
        "success_percent": 4 / 7 * 100,
    }


def test_the_document_loads_with_great_expectations_own_classes(sample, baseline, tmp_path):
    from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema

    full = _run(tmp_path, sample, baseline, USER_SUITE)
    loaded = expectationSuiteValidationResultSchema.load(full)  # GX's own loader of its result JSON
    assert [r.success for r in loaded.results] == [r["success"] for r in full["results"]]
    assert loaded.results[2].result["unexpected_count"] == full["results"][2]["result"]["unexpected_count"]


def test_native_results_equal_great_expectations_on_the_same_rows(sample, baseline, tmp_path):
    """The suggested suite plus the user's, once natively and once all through GX on every row (a budget above
    the window): every native result equals GX's."""
    suggested = json.loads((baseline / "expectation_suite.json").read_text())
    suite = {"name": "both", "expectations": suggested["expectations"] + USER_SUITE["expectations"]}
    native_dir, gx_dir = tmp_path / "native", tmp_path / "gx"
    native_dir.mkdir(), gx_dir.mkdir()
    ours = _run(native_dir, sample, baseline, suite)
    theirs = _run(gx_dir, sample, baseline, suite, {"expectations": {"native": False, "row_budget": 10**6}})
    assert {r["meta"]["rows_covered"] for r in theirs["results"]} == {"all"}
    native = [(a, b) for a, b in zip(ours["results"], theirs["results"], strict=True) if a["meta"].get("of_rows") is None]
    assert len(native) == len(suggested["expectations"]) + 6
    for a, b in native:
        assert a["success"] == b["success"], a["expectation_config"]
        for field in ("element_count", "unexpected_count", "missing_count", "observed_value", "details"):
            mine, gx = a["result"].get(field), b["result"].get(field)
            assert mine == (pytest.approx(gx, rel=1e-12) if isinstance(gx, float) else gx), (a["expectation_config"], field)
        # GX numbers the sample's rows, which are every row but in sample order: the same values, maybe reordered
        assert (
            sorted(map(str, a["result"].get("partial_unexpected_list", [])))
            == sorted(map(str, b["result"].get("partial_unexpected_list", [])))
            or a["result"]["unexpected_count"] > 20
        )


def test_great_expectations_is_not_imported_when_every_expectation_is_native(sample, baseline, tmp_path):
    suite = {"name": "native", "expectations": USER_SUITE["expectations"][:4]}
    (tmp_path / "suite.json").write_text(json.dumps(suite))
    env = {
        "SAGEMAKER_BASE_DIR": str(tmp_path),
        "dataset_format": '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}',
        "dataset_source": str(sample / "capture"),
        "baseline_statistics": str(baseline / "statistics.json"),
        "baseline_constraints": str(baseline / "constraints.json"),
        "expectation_suite": str(tmp_path / "suite.json"),
        "start_time": "2024-01-19T19:00:00Z",
        "end_time": "2024-01-19T20:00:00Z",
    }
    code = (
        "import sys; from container.__main__ import main; "
        f"code = main({env!r}); print('GX', 'great_expectations' in sys.modules); sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GX False" in result.stdout
    full = json.loads((tmp_path / "processing" / "output" / "expectation_results.json").read_text())
    assert len(full["results"]) == 4 and full["meta"]["great_expectations_version"]


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    """A baseline of 10,000 rows, and a window of 1,000,000 rows (CSV, two columns) with nothing wrong."""
    root = tmp_path_factory.mktemp("million")
    rng = np.random.default_rng(19)
    for name, rows in (("train", 10_000), ("window", 1_000_000)):
        (root / name).mkdir()
        table = pa.table({"x": np.round(rng.uniform(0, 100, rows), 3), "c": rng.choice(["a", "b", "c"], rows)})
        pacsv.write_csv(table, root / name / "data.csv")
    base = root / "ml"
    done = run_container(
        base, dataset_format='{"csv": {"header": true}}', dataset_source=str(root / "train"), output_path=str(base / "baseline")
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.mark.parametrize("place", [0, 777_777, 999_999])
def test_one_bad_value_among_a_million_rows_fails_its_expectation(million, tmp_path, place):
    window = tmp_path / "window"
    window.mkdir()
    lines = (million / "window" / "data.csv").read_text().split("\n")
    c = lines[1 + place].split(",")[1]
    lines[1 + place] = f"100.5,{c}"
    (window / "data.csv").write_text("\n".join(lines))
    suite = {
        "name": "one",
        "expectations": [
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "min_value": 0, "max_value": 100}},
            {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "c", "value_set": ["a", "b", "c"]}},
        ],
    }
    (tmp_path / "suite.json").write_text(json.dumps(suite))
    base = million / "ml"
    result = run_container(
        tmp_path,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(window),
        baseline_statistics=str(base / "baseline" / "statistics.json"),
        baseline_constraints=str(base / "baseline" / "constraints.json"),
        expectation_suite=str(tmp_path / "suite.json"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    full = json.loads((tmp_path / "processing" / "output" / "expectation_results.json").read_text())
    between = full["results"][0]
    assert between["success"] is False and between["meta"] == {"rows_covered": "all", "rows": 1_000_000}
    assert between["result"]["unexpected_count"] == 1 and between["result"]["partial_unexpected_list"] == [100.5]
    assert between["result"]["partial_unexpected_index_list"] == [place]
    assert full["results"][1]["success"] is True, full["results"][1]["result"]
    assert message(tmp_path).startswith("CompletedWithViolations")
