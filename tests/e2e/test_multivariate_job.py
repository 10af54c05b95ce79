"""Multivariate drift end to end (issue 20): the baseline job stores its model in constraints.json, and
monitoring jobs in other processes read it back: quiet on an unchanged window, a violation naming the right
features when the correlation flips or a dependency breaks while no univariate check fires, the same
results on every run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scripts.bench_multivariate import rows
from tests.e2e.jobs import message, run_container

CONFIG = {"multivariate": {"row_budget": 5_000, "classifier_rows": 3_000}, "drift": {}}


def _csv(folder, numbers, texts):
    folder.mkdir(parents=True)
    pd.DataFrame({**numbers, **texts}).to_csv(folder / "data.csv", index=False)
    return folder


def baseline_job(root, config, rows_=8_000):
    """The baseline job on fresh unchanged rows, with ``config`` as ``root/config.json``: its process."""
    (root / "config.json").write_text(json.dumps(config))
    data = _csv(root / "train", *rows(np.random.default_rng(1), rows_))
    return run_container(
        root,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(data),
        output_path=str(root / "baseline"),
        analysis_config=str(root / "config.json"),
    )


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = tmp_path_factory.mktemp("multivariate")
    done = baseline_job(root, CONFIG)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _monitor(base, baseline, scenario, seed=2):
    data = _csv(base / "window", *rows(np.random.default_rng(seed), 6_000, scenario))
    done = run_container(
        base,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(data),
        baseline_statistics=str(baseline / "baseline" / "statistics.json"),
        baseline_constraints=str(baseline / "baseline" / "constraints.json"),
        analysis_config=str(baseline / "config.json"),
        publish_cloudwatch_metrics="Enabled",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = base / "processing" / "output"
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    metrics = [
        json.loads(line)
        for line in (base / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    ]
    return json.loads((out / "multivariate_drift.json").read_text()), violations, {m["MetricName"] for m in metrics}


def test_the_baseline_model_sits_in_the_constraints(baseline):
    constraints = json.loads((baseline / "baseline" / "constraints.json").read_text())
    section = constraints["multivariate"]
    assert section["rows"] == 5_000 and len(section["sample"]["texts"]["country"]) == 3_000
    assert {f["name"] for f in constraints["features"]} >= {"x0", "country"}  # AWS's part unchanged


def test_an_unchanged_window_is_quiet(baseline, tmp_path):
    doc, violations, metrics = _monitor(tmp_path, baseline, "unchanged")
    assert not doc["reconstruction"]["drifted"] and not doc["domain_classifier"]["drifted"]
    assert not [v for v in violations if v["constraint_check_type"] == "multivariate_drift_check"]
    assert {"multivariate_reconstruction_error", "multivariate_domain_auc"} <= metrics


@pytest.mark.parametrize(
    ("scenario", "features"), [("correlation flip", {"x0", "x1"}), ("broken dependency", {"country", "currency"})]
)
def test_a_shift_no_univariate_check_sees_is_a_violation_naming_its_features(baseline, tmp_path, scenario, features):
    doc, violations, _ = _monitor(tmp_path, baseline, scenario)
    univariate = [v for v in violations if v["constraint_check_type"] != "multivariate_drift_check"]
    assert univariate == [], univariate  # every marginal is unchanged: no drift, no data-quality finding
    found = [v for v in violations if v["constraint_check_type"] == "multivariate_drift_check"]
    assert found and all(v["feature_name"] in features for v in found), found
    named = [c["feature"] for c in doc["reconstruction"]["feature_contributions"][:2]]
    ranked = [c["feature"] for c in doc["domain_classifier"]["feature_importance"][:2]]
    assert set(named) == features or set(ranked) == features
    assert message(tmp_path).startswith("CompletedWithViolations")


def test_the_same_window_gives_the_same_results_in_another_process(baseline, tmp_path):
    first, _, _ = _monitor(tmp_path / "a", baseline, "correlation flip", seed=4)
    second, _, _ = _monitor(tmp_path / "b", baseline, "correlation flip", seed=4)
    assert first == second


def test_monitoring_without_the_baseline_model_says_what_to_do(baseline, tmp_path):
    constraints = json.loads((baseline / "baseline" / "constraints.json").read_text())
    del constraints["multivariate"]
    (tmp_path / "constraints.json").write_text(json.dumps(constraints))
    data = _csv(tmp_path / "window", *rows(np.random.default_rng(3), 500))
    done = run_container(
        tmp_path,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(data),
        baseline_statistics=str(baseline / "baseline" / "statistics.json"),
        baseline_constraints=str(tmp_path / "constraints.json"),
        analysis_config=str(baseline / "config.json"),
    )
    assert done.returncode == 2
    assert "has no 'multivariate' section; run the baseline job with the same multivariate section" in message(tmp_path)


def test_a_feature_the_baseline_lacks_is_named_before_anything_is_written(tmp_path):
    done = baseline_job(tmp_path, {"multivariate": {"features": ["x0", "incme"]}}, rows_=500)
    assert done.returncode == 2
    assert "multivariate.features names 'incme', which the baseline dataset does not have" in message(tmp_path)
    assert not (tmp_path / "baseline" / "constraints.json").exists()
