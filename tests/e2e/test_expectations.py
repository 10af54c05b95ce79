"""Great Expectations suites end to end: a user's suite, the suggested one, bad suites, sampling."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analyzers.quality.expectations import validate
from tests.e2e.jobs import message, monitor, window_rows

USER_SUITE = {
    "name": "user",
    "expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "age", "min_value": 18, "max_value": 79}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "income", "min_value": 0, "max_value": 80000}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "plan", "value_set": ["basic", "plus"]}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "region"}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "region", "regex": "^(north|south|east|west)$"}},
        {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "score", "min_value": 0.0, "max_value": 1.0}},
    ],
}


def _run(tmp_path, sample, baseline, suite, **env):
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(suite) if not isinstance(suite, str) else suite)
    return monitor(tmp_path, sample, baseline, expectation_suite=str(path), publish_cloudwatch_metrics="Enabled", **env)


def _expectation_violations(tmp_path):
    violations = json.loads((tmp_path / "processing" / "output" / "constraint_violations.json").read_text())["violations"]
    return [v for v in violations if v["constraint_check_type"] == "expectation_check"]


def test_user_suite_reports_exactly_the_failing_expectations(sample, baseline, tmp_path):
    result = _run(tmp_path, sample, baseline, USER_SUITE)
    assert result.returncode == 0, result.stdout
    window = window_rows(sample)
    income = window["income"].astype(float)
    found = {(v["feature_name"], v["expectation_type"]): v for v in _expectation_violations(tmp_path)}
    assert set(found) == {
        ("income", "expect_column_values_to_be_between"),
        ("plan", "expect_column_values_to_be_in_set"),
        ("region", "expect_column_values_to_match_regex"),
    }
    assert found["income", "expect_column_values_to_be_between"]["unexpected_count"] == int(
        ((income < 0) | (income > 80000)).sum()
    )
    assert found["plan", "expect_column_values_to_be_in_set"]["unexpected_count"] == int((window["plan"] == "premium").sum())
    regex = found["region", "expect_column_values_to_match_regex"]
    assert regex["unexpected_count"] == int((window["region"] == "central").sum())
    assert regex["unexpected_percent"] == pytest.approx(100 * (window["region"] == "central").mean())
    assert regex["description"].startswith('Expectation expect_column_values_to_match_regex({"column":"region","regex":')
    full = json.loads((tmp_path / "processing" / "output" / "expectation_results.json").read_text())
    assert full["statistics"]["evaluated_expectations"] == 6 and full["meta"]["sample"]["sampled"] is False
    metrics = {
        json.loads(x)["MetricName"]: json.loads(x)
        for x in (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    }
    assert metrics["expectation_success_ratio"]["Value"] == pytest.approx(3 / 6)


def test_suggested_suite_passes_on_its_baseline_and_fails_on_a_changed_window(sample, baseline):
    suite = json.loads((baseline / "expectation_suite.json").read_text())
    train = pd.read_csv(sample / "baseline" / "train.csv")
    typed = train.assign(**{c: train[c].astype(object) for c in ["region", "plan"]})
    outcomes, _ = validate(suite, typed)
    assert all(o.success for o in outcomes), [o for o in outcomes if not o.success]
    changed = typed.copy()
    changed.loc[:9, "region"] = "atlantis"  # an unseen category
    changed["income"] = changed["income"] * 3  # a shifted range
    changed.loc[changed.index[-500:], "age"] = np.nan  # extra nulls
    failed = {(o.type, o.column) for o in validate(suite, changed)[0] if not o.success}
    assert failed == {
        ("expect_column_values_to_be_in_set", "region"),
        ("expect_column_values_to_be_between", "income"),
        ("expect_column_values_to_not_be_null", "age"),
    }


@pytest.mark.parametrize(
    ("suite", "fragment"),
    [
        ("{not json", "is not valid JSON"),
        (
            {"expectations": [{"type": "expect_column_to_be_lovely", "kwargs": {"column": "age"}}]},
            "expectation #0 (expect_column_to_be_lovely) is not valid",
        ),
        (
            {"expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "agee"}}]},
            "names column 'agee', which the baseline does not have",
        ),
        ({"name": "x"}, 'must be a JSON object with an "expectations" list'),
    ],
)
def test_bad_suites_are_named_before_reading_data(sample, baseline, tmp_path, suite, fragment):
    result = _run(tmp_path, sample, baseline, suite)
    assert result.returncode == 2
    assert fragment in message(tmp_path)
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "processing" / "output" / "statistics.json").exists()


def test_large_windows_are_sampled_reproducibly(sample, baseline, tmp_path):
    config = tmp_path / "config.json"
    # every expectation through GX, on the sample (native evaluation would read every row instead)
    config.write_text(json.dumps({"expectations": {"row_budget": 500, "seed": 3, "native": False}}))
    runs = []
    for name in ("a", "b"):
        base = tmp_path / name
        base.mkdir()
        assert _run(base, sample, baseline, USER_SUITE, analysis_config=str(config)).returncode == 0
        runs.append((base / "processing" / "output" / "expectation_results.json").read_text())
    assert runs[0] == runs[1]
    full = json.loads(runs[0])
    assert full["meta"]["sample"] == {
        "of_rows": 1924,
        "rows": 500,
        "sampled": True,
        "seed": 3,
        "expectations_on_every_row": 0,
        "expectations_on_the_sample": 6,
    }
    assert "Expectations validated on a uniform sample of 500 of 1924 rows (seed 3)." in message(tmp_path / "a")
    plan = next(v for v in _expectation_violations(tmp_path / "a") if v["feature_name"] == "plan")
    share = (window_rows(sample)["plan"] == "premium").mean()
    assert plan["element_count"] == 500 and abs(plan["unexpected_percent"] / 100 - share) < 0.07  # a uniform sample
