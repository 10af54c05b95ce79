"""Statistical drift end to end through ``python -m container``: an unchanged window of a million
records raises no drift violation; a window with two shifted features raises exactly those two."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.e2e.jobs import message, run_container

COLUMNS = ["score", "x0", "x1", "x2", "n0", "c0", "c1"]
DRIFT_CONFIG = {"drift": {"correction": "benjamini-hochberg", "level": 0.01}}


def _columns(rng: np.random.Generator, n: int, shifted: bool = False) -> list[np.ndarray]:
    c1_shares = [0.3, 0.5, 0.2] if shifted else [0.5, 0.3, 0.2]
    return [
        np.round(rng.uniform(0, 1, n), 5).astype(str),
        np.round(rng.normal(10, 2, n), 3).astype(str),
        np.round(rng.normal(5 + (1.0 if shifted else 0.0), 2, n), 3).astype(str),
        np.round(rng.lognormal(1, 0.5, n), 3).astype(str),
        rng.poisson(4, n).astype(str),
        rng.choice(np.array(["red", "green", "blue", "grey"]), n),
        rng.choice(np.array(["s", "m", "l"]), n, p=c1_shares),
    ]


def _capture(root, rng, n, shifted=False, per_file=50_000):
    root.mkdir(parents=True)
    for start in range(0, n, per_file):
        cols = _columns(rng, min(per_file, n - start), shifted)
        lines = [
            '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"'
            + ",".join(row[1:])
            + '","encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"'
            + row[0]
            + '","encoding":"CSV"}},"eventMetadata":{"eventId":"e","inferenceTime":"2024-01-19T19:30:00Z"},"eventVersion":"0"}'
            for row in zip(*cols, strict=True)
        ]
        (root / f"{start // per_file:03d}.jsonl").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture(scope="module")
def drift_baseline(tmp_path_factory):
    base = tmp_path_factory.mktemp("drift-baseline")
    rng = np.random.default_rng(5)
    cols = _columns(rng, 100_000)
    (base / "data").mkdir()
    (base / "data" / "train.csv").write_text(
        ",".join(COLUMNS) + "\n" + "\n".join(",".join(r) for r in zip(*cols, strict=True)) + "\n"
    )
    result = run_container(
        base, dataset_format='{"csv": {"header": true}}', dataset_source=str(base / "data"), output_path=str(base / "out")
    )
    assert result.returncode == 0, result.stdout
    constraints = json.loads((base / "out" / "constraints.json").read_text())
    constraints["analysis_config"] = DRIFT_CONFIG  # embedded: the one file every schedule mounts
    (base / "out" / "constraints.json").write_text(json.dumps(constraints))
    return base / "out"


def _monitor(tmp_path, capture, baseline):
    result = run_container(
        tmp_path,
        dataset_source=str(capture),
        output_path=str(tmp_path / "out"),
        baseline_statistics=str(baseline / "statistics.json"),
        baseline_constraints=str(baseline / "constraints.json"),
        publish_cloudwatch_metrics="Enabled",
        sagemaker_monitoring_schedule_name="s",
    )
    assert result.returncode == 0, result.stdout
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    report = json.loads((tmp_path / "out" / "drift_report.json").read_text())
    return violations, report


def test_unchanged_million_record_window_raises_no_drift(tmp_path, drift_baseline):
    capture = _capture(tmp_path / "capture", np.random.default_rng(6), 1_000_000)
    violations, report = _monitor(tmp_path, capture, drift_baseline)
    assert [v for v in violations if v["constraint_check_type"] == "baseline_drift_check"] == []
    assert {f["status"] for f in report["features"] + report["predictions"]} == {"no drift"}
    assert [p["name"] for p in report["predictions"]] == ["score"]
    assert all(f["n_current"] == 1_000_000 for f in report["features"])
    metrics = {
        json.loads(line)["MetricName"]
        for line in (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    }
    assert {
        "feature_drift_linf_x1",
        "feature_drift_psi_x1",
        "feature_drift_js_c1",
        "prediction_drift_wasserstein_score",
    } <= metrics


def test_two_shifted_features_raise_exactly_those_two(tmp_path, drift_baseline):
    capture = _capture(tmp_path / "capture", np.random.default_rng(7), 200_000, shifted=True)
    violations, _report = _monitor(tmp_path, capture, drift_baseline)
    drifted = [v for v in violations if v["constraint_check_type"] == "baseline_drift_check"]
    assert [v["feature_name"] for v in drifted] == ["c1", "x1"]
    x1 = next(v for v in drifted if v["feature_name"] == "x1")
    assert (x1["method"], x1["test"], x1["role"], x1["threshold"]) == ("linf", "ks", "feature", 0.075)
    assert x1["adjusted_p_value"] <= 0.01 and x1["description"].startswith("Numerical distance: ")
    assert message(tmp_path).startswith("CompletedWithViolations: Job completed successfully with 2 violations.")
