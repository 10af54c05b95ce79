"""Feature attribution drift end to end through ``python -m container`` (analysis_type=MODEL_EXPLAINABILITY):
a small model served over HTTP on the loopback address as the SageMaker runtime serves it, a baseline job that
writes Clarify's analysis.json, and monitoring jobs that stay quiet while the served model is unchanged and
raise AWS's violation once it is swapped for one that leans on other features."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import ndcg_score

from tests.conftest import AWS, capture_line
from tests.e2e.jobs import CAPTURE_FORMAT, message, run_container
from tests.model_server import ModelServer, logistic

FEATURES = ["tenure", "balance", "calls", "age", "products"]
MODEL = [2.0, -1.5, 1.0, 0.3, 0.1]
SWAPPED = [0.1, 0.3, 0.2, -1.5, 2.0]  # leans on the features the baseline's model barely used
WINDOW = {"start_time": "2024-01-19T19:00:00Z", "end_time": "2024-01-19T20:00:00Z"}
XAI = {"analysis_type": "MODEL_EXPLAINABILITY"}


def _write_capture(root, rows: np.ndarray, outputs: list[str] | None = None, content_type: str = "text/csv") -> None:
    folder = root / "churn-endpoint" / "AllTraffic" / "2024" / "01" / "19" / "19"
    folder.mkdir(parents=True)
    encoding = "JSON" if content_type == "application/json" else "CSV"
    lines = [
        capture_line(",".join(map(str, r)) if r is not None else None, out, encoding=encoding, content_type=content_type)
        for r, out in zip(rows if rows is not None else [None] * len(outputs or []), outputs or ["0.5"] * len(rows), strict=True)
    ]
    (folder / "00.jsonl").write_text("\n".join(lines) + "\n")


def _baseline_job(root, served, data: pd.DataFrame, config: dict, out: str = "baseline") -> None:
    """A baseline job over ``data`` (a CSV with a header) with ``config``'s explainability section, the served
    model being the baseline's."""
    (root / "train").mkdir()
    data.to_csv(root / "train" / "train.csv", index=False)
    (root / "baseline_config.json").write_text(json.dumps({"explainability": config}))
    served.model = logistic(MODEL)
    result = run_container(
        root,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(root / "train"),
        output_path=str(root / out),
        analysis_config=str(root / "baseline_config.json"),
        **XAI,
        **served.env(),
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def served():
    with ModelServer(logistic(MODEL), headers=tuple(FEATURES)) as server:
        yield server


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, served):
    root = tmp_path_factory.mktemp("xai")
    rng = np.random.default_rng(21)
    train = pd.DataFrame(rng.normal(0, 1, (3000, 5)).round(4), columns=FEATURES)
    train.insert(0, "churned", rng.integers(0, 2, 3000))
    _baseline_job(root, served, train, {"label": "churned", "predictor": {"endpoint_name": "churn-endpoint"}, "row_budget": 100})
    _write_capture(root / "capture", rng.normal(0, 1, (600, 5)).round(4))
    (root / "monitor_config.json").write_text(json.dumps({"explainability": {"headers": FEATURES, "row_budget": 100}}))
    return root


def _monitor(root, served, out: str, **extra: str):
    env = {
        "dataset_format": CAPTURE_FORMAT,
        "dataset_source": str(root / "capture"),
        "output_path": str(root / out),
        "baseline_constraints": str(root / "baseline" / "analysis.json"),
        "analysis_config": str(root / "monitor_config.json"),
        "sagemaker_endpoint_name": "churn-endpoint",
        "sagemaker_monitoring_schedule_name": "churn-xai",
        "publish_cloudwatch_metrics": "Enabled",
        **WINDOW,
        **XAI,
        **served.env(),
        **extra,
    }
    return run_container(root, **env)


def _metrics(root) -> list[dict]:
    return [
        json.loads(x) for x in (root / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    ]


def test_the_baseline_is_clarifys_analysis_file_with_the_background_it_used(baseline):
    analysis = json.loads((baseline / "baseline" / "analysis.json").read_text())
    explained = analysis["explanations"]["kernel_shap"]["label0"]
    values = explained["global_shap_values"]
    assert sorted(values) == sorted(FEATURES)  # the label is no feature
    assert sorted(values, key=lambda f: -values[f])[:3] == ["tenure", "balance", "calls"]  # the model's |weights|
    background = analysis["kernel_shap_background"]
    assert background["headers"] == FEATURES and len(background["rows"]) == 10  # Clarify's K-means default
    report = json.loads((baseline / "baseline" / "feature_attribution.json").read_text())
    assert report["rows"] == {"sampled": 100, "explained": 100, "unexplained": 0}
    # the expected value is the model's mean score over the background
    scores = logistic(MODEL)(np.array(background["rows"]))
    assert explained["expected_value"] == pytest.approx(float(scores.mean()), rel=1e-12)


def test_an_unchanged_model_is_quiet_and_a_swapped_one_is_a_violation_in_awss_words(baseline, served):
    served.model = logistic(MODEL)
    quiet = _monitor(baseline, served, "same")
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    assert message(baseline).startswith("Completed: Job completed successfully with no violations.")
    assert json.loads((baseline / "same" / "constraint_violations.json").read_text())["violations"] == []
    metrics = {m["MetricName"]: m for m in _metrics(baseline)}
    shap_dims = {d["Name"]: d["Value"] for d in metrics["feature_tenure"]["Dimensions"]}
    assert shap_dims == {
        "Endpoint": "churn-endpoint",
        "MonitoringSchedule": "churn-xai",
        "ExplainabilityMethod": "KernelShap",
        "Label": "label0",
        "ValueType": "GlobalShapValues",
    }
    assert {d["Value"] for d in metrics["ExpectedValue"]["Dimensions"]} >= {"ExpectedValue", "KernelShap"}
    assert metrics["constraint_violations"]["Value"] == 0

    served.model = logistic(SWAPPED)
    drifted = _monitor(baseline, served, "swapped")
    assert drifted.returncode == 0, drifted.stderr[-3000:]
    assert message(baseline).startswith("CompletedWithViolations")
    (violation,) = json.loads((baseline / "swapped" / "constraint_violations.json").read_text())["violations"]
    report = json.loads((baseline / "swapped" / "feature_attribution.json").read_text())
    base, window = report["baseline_global_shap_values"], report["window_global_shap_values"]
    by_sklearn = ndcg_score([[base[f] for f in FEATURES]], [[window[f] for f in FEATURES]])
    assert report["ndcg"]["value"] == pytest.approx(by_sklearn, rel=1e-12) and by_sklearn < 0.9
    assert violation["constraint_check_type"] == "feature_attribution_drift_check"
    assert violation["label"] == "label0" and violation["metric_name"] == "shap"
    assert violation["description"] == f"Feature attribution drift {report['ndcg']['value']!r} exceeds threshold 0.9"
    window_analysis = json.loads((baseline / "swapped" / "analysis.json").read_text())
    assert window_analysis["explanations"]["kernel_shap"]["label0"]["global_shap_values"] == window
    assert served.invalid == []


def test_a_clarify_config_file_and_json_requests_give_the_same_verdict(baseline, served, tmp_path):
    clarify = {
        "version": "1.0",
        "headers": FEATURES,
        "methods": {"shap": {"agg_method": "mean_abs", "save_local_shap_values": False}, "report": {"name": "report"}},
        "predictor": {
            "endpoint_name": "churn-endpoint",
            "instance_type": "ml.m5.xlarge",
            "content_type": "application/json",
            "content_template": '{"instances": $records}',
            "record_template": "$features_kvp",
            "probability": "predictions[*].score",
        },
        "row_budget": 100,
    }
    (tmp_path / "clarify.json").write_text(json.dumps(clarify))
    served.model = logistic(MODEL)
    result = _monitor(baseline, served, "clarify", explainability_config=str(tmp_path / "clarify.json"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert message(baseline).startswith("Completed: Job completed successfully with no violations.")
    same = json.loads((baseline / "same" / "feature_attribution.json").read_text())
    here = json.loads((baseline / "clarify" / "feature_attribution.json").read_text())
    assert here["window_global_shap_values"] == pytest.approx(same["window_global_shap_values"], rel=1e-9)
    assert served.invalid == []


def test_an_endpoint_that_fails_every_call_is_reported_never_fatal(baseline, served, tmp_path):
    config = {"explainability": {"headers": FEATURES, "row_budget": 20, "retries": 0}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    served.fail_calls = 10**6
    try:
        result = _monitor(baseline, served, "failing", analysis_config=str(tmp_path / "config.json"))
    finally:
        served.fail_calls = 0
    assert result.returncode == 0, result.stderr[-3000:]
    said = message(baseline)
    assert said.startswith("CompletedWithViolations") and "Internal error" not in said
    (violation,) = json.loads((baseline / "failing" / "constraint_violations.json").read_text())["violations"]
    assert violation["constraint_check_type"] == "feature_attribution_incomplete_check"
    assert "20 of 20 sampled row(s) could not be explained" in violation["description"]
    assert "InternalFailure" in violation["description"]
    report = json.loads((baseline / "failing" / "feature_attribution.json").read_text())
    assert report["endpoint"]["failed_calls"] == report["endpoint"]["calls"] > 0


def test_a_baseline_matches_the_shap_librarys_values_on_every_row(tmp_path, served):
    """A dataset small enough to explain whole, with Clarify's inline background: the global values are
    mean |SHAP| of the reference implementation over the same rows."""
    shap = pytest.importorskip("shap")
    rng = np.random.default_rng(5)
    rows = rng.normal(0, 1, (40, 5)).round(3)
    background = rng.normal(0, 1, (4, 5)).round(3)
    shap_section = {"baseline": background.tolist(), "use_logit": True}
    config = {"predictor": {"endpoint_name": "churn-endpoint"}, "row_budget": 40, "methods": {"shap": shap_section}}
    _baseline_job(tmp_path, served, pd.DataFrame(rows, columns=FEATURES), config, out="out")
    explained = json.loads((tmp_path / "out" / "analysis.json").read_text())["explanations"]["kernel_shap"]["label0"]
    reference = shap.KernelExplainer(logistic(MODEL), background, link="logit")
    theirs = np.abs(reference.shap_values(rows, nsamples=2**5 - 2, silent=True)).mean(axis=0)
    assert [explained["global_shap_values"][f] for f in FEATURES] == pytest.approx(theirs.tolist(), rel=1e-9)
    assert explained["expected_value"] == pytest.approx(float(reference.expected_value), rel=1e-12)


def _aws_baseline() -> dict[str, float]:
    return json.loads((AWS / "clarify_explainability_analysis.json").read_text())["explanations"]["kernel_shap"]["label0"][
        "global_shap_values"
    ]


@pytest.mark.parametrize("reverse", [False, True])
def test_attributions_the_model_captured_against_a_baseline_clarify_wrote(tmp_path, reverse):
    base = _aws_baseline()
    names = list(base)
    rng = np.random.default_rng(7)
    scale = np.array([base[n] for n in names])
    if reverse:  # the least important feature becomes the most
        scale = scale.max() + scale.min() - scale
    local = rng.laplace(0, 1, (400, len(names))) * scale  # mean |value| = the scale
    outputs = [json.dumps({"score": 0.5, "explanation": {"shap": dict(zip(names, row.tolist(), strict=True))}}) for row in local]
    outputs[3] = json.dumps({"score": 0.5})  # one record without attributions: counted, not fatal
    _write_capture(tmp_path / "capture", None, outputs, content_type="application/json")
    config = {"explainability": {"source": "capture", "attributions": "explanation.shap"}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    result = run_container(
        tmp_path,
        dataset_format=CAPTURE_FORMAT,
        dataset_source=str(tmp_path / "capture"),
        output_path=str(tmp_path / "out"),
        baseline_constraints=str(AWS / "clarify_explainability_analysis.json"),
        analysis_config=str(tmp_path / "config.json"),
        **WINDOW,
        **XAI,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "feature_attribution.json").read_text())
    assert report["rows"] == {"sampled": 400, "explained": 399, "unexplained": 1}  # every captured row
    window = report["window_global_shap_values"]
    by_sklearn = ndcg_score([[base[n] for n in names]], [[window[n] for n in names]])
    assert report["ndcg"]["value"] == pytest.approx(by_sklearn, rel=1e-12)
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    assert [v["constraint_check_type"] for v in violations] == (["feature_attribution_drift_check"] if reverse else [])
    assert report["ndcg"]["violated"] is reverse
    assert math.isfinite(report["ndcg"]["low"]) and report["ndcg"]["low"] <= report["ndcg"]["value"] <= report["ndcg"]["high"]


def test_a_window_without_the_baselines_features_is_refused_before_any_call(baseline, served, tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"explainability": {"headers": ["w1", "w2", "w3", "w4", "w5"]}}))
    calls = served.calls
    result = _monitor(baseline, served, "renamed", analysis_config=str(tmp_path / "config.json"))
    assert result.returncode == 2, result.stderr[-3000:]
    assert message(baseline).startswith(
        "ClientError: the baseline explains features the window does not have (age, balance, calls, products, tenure)"
    )
    assert served.calls == calls


def test_clarifys_file_as_the_analysis_config_and_a_local_model_without_credentials(baseline, served, tmp_path):
    """Clarify's own keys at the top of env analysis_config (beside ours), and no AWS credentials at all: the
    calls to the local model go unsigned, and the verdict is the same."""
    clarify = {
        "headers": FEATURES,
        "methods": {"shap": {"agg_method": "mean_abs"}},
        "predictor": {"content_type": "application/jsonlines", "probability": "score"},
        "limits": {"bad_record_share": 0.05},
    }
    (tmp_path / "clarify.json").write_text(json.dumps(clarify))
    served.model = logistic(MODEL)
    signed_before, unsigned_before = served.signed, served.unsigned
    env = served.env(credentials=False)
    result = run_container(
        baseline,
        dataset_format=CAPTURE_FORMAT,
        dataset_source=str(baseline / "capture"),
        output_path=str(baseline / "unsigned"),
        baseline_constraints=str(baseline / "baseline" / "analysis.json"),
        analysis_config=str(tmp_path / "clarify.json"),
        sagemaker_endpoint_name="churn-endpoint",
        **WINDOW,
        **XAI,
        **env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "endpoint calls are sent unsigned" in result.stdout
    assert message(baseline).startswith("Completed: Job completed successfully with no violations. 200 of 200")
    assert served.unsigned > unsigned_before and served.signed == signed_before and served.invalid == []
    assert signed_before > 0  # the other jobs, with credentials, signed theirs
