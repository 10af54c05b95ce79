"""Fairness end to end through ``python -m container``: a baseline job writes Clarify's analysis.json,
a window where the model turned against one group raises bias_drift_check violations and metrics,
with values equal to an independent computation on the joined records."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.e2e.jobs import message, run_container

BIAS = {
    "label": "label",
    "label_values_or_threshold": [1],
    "facet": [{"name_or_index": "sex", "value_or_threshold": ["F"]}],
    "group_variable": "region",
    "predicted_label": "score",
    "probability_threshold": 0.5,
    "bootstrap": {"resamples": 40, "seed": 1},
}


def _people(rng: np.random.Generator, n: int, biased: bool) -> pd.DataFrame:
    sex = rng.choice(np.array(["F", "M"]), n)
    age = rng.integers(20, 70, n)
    income = np.round(rng.lognormal(10.5, 0.3, n), 2)
    region = rng.choice(np.array(["north", "south"]), n)
    merit = (age - 45) / 15 + (np.log(income) - 10.5) / 0.3
    label = (merit + rng.normal(0, 1, n) > 0).astype(int)
    logit = 1.5 * merit - (2.5 if biased else 0.0) * (sex == "F")
    score = np.round(1 / (1 + np.exp(-logit)), 4)
    return pd.DataFrame({"score": score, "age": age, "sex": sex, "income": income, "region": region, "label": label})


@pytest.fixture(scope="module")
def bias_setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("bias")
    rng = np.random.default_rng(12)
    (root / "train").mkdir()
    _people(rng, 4000, biased=False).to_csv(root / "train" / "train.csv", index=False)
    config = root / "analysis_config.json"
    config.write_text(json.dumps({"bias": {**BIAS, "baseline": str(root / "baseline" / "analysis.json")}}))
    result = run_container(
        root,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(root / "train"),
        output_path=str(root / "baseline"),
        analysis_config=str(config),
    )
    assert result.returncode == 0, result.stdout
    window = _people(rng, 3000, biased=True)
    capture, truth = (
        root / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19",
        root / "truth" / "2024" / "01" / "19" / "20",
    )
    capture.mkdir(parents=True)
    truth.mkdir(parents=True)
    lines, labels = [], []
    for i, row in window.iterrows():
        meta = {"eventId": f"e{i}", "inferenceTime": "2024-01-19T19:30:00Z"}
        if i % 3 == 0:
            meta["inferenceId"] = f"inf{i}"  # callers that pass InferenceId are joined on it
        inputs = f"{row.age},{row.sex},{row.income},{row.region}"
        lines.append(
            json.dumps(
                {
                    "captureData": {
                        "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": inputs, "encoding": "CSV"},
                        "endpointOutput": {
                            "observedContentType": "text/csv",
                            "mode": "OUTPUT",
                            "data": str(row.score),
                            "encoding": "CSV",
                        },
                    },
                    "eventMetadata": meta,
                    "eventVersion": "0",
                }
            )
        )
        if i % 10 != 9:  # a tenth of the predictions never get a label
            key = meta.get("inferenceId", meta["eventId"])
            labels.append(
                json.dumps(
                    {
                        "groundTruthData": {"data": str(row.label), "encoding": "CSV"},
                        "eventMetadata": {"eventId": key},
                        "eventVersion": "0",
                    }
                )
            )
    labels.append(
        json.dumps(
            {
                "groundTruthData": {"data": "1", "encoding": "CSV"},
                "eventMetadata": {"eventId": "not-in-window"},
                "eventVersion": "0",
            }
        )
    )
    (capture / "00.jsonl").write_text("\n".join(lines) + "\n")
    (truth / "labels.jsonl").write_text("\n".join(labels) + "\n")
    return root, config, window


def _monitor(root, config, tmp_path, **env):
    return run_container(
        tmp_path,
        dataset_source=str(root / "capture"),
        output_path=str(tmp_path / "out"),
        baseline_statistics=str(root / "baseline" / "statistics.json"),
        baseline_constraints=str(root / "baseline" / "constraints.json"),
        analysis_config=str(config),
        publish_cloudwatch_metrics="Enabled",
        sagemaker_endpoint_name="ep",
        sagemaker_monitoring_schedule_name="fairness",
        start_time="2024-01-19T19:00:00Z",
        end_time="2024-01-19T20:00:00Z",
        **{"ground_truth_source": str(root / "truth"), **env},
    )


def _dppl(frame: pd.DataFrame) -> float:
    predicted = frame["score"] > 0.5
    d = frame["sex"] == "F"
    return float(predicted[~d].mean() - predicted[d].mean())


def _metric(report, stage, name):
    entry = report[stage]["facets"]["sex"][0]
    return next(m for m in entry["metrics"] if m["name"] == name)


def test_baseline_job_writes_clarify_analysis(bias_setup):
    root, _, _ = bias_setup
    report = json.loads((root / "baseline" / "analysis.json").read_text())
    assert report["pre_training_bias_metrics"]["label"] == "label"
    assert report["post_training_bias_metrics"]["facets"]["sex"][0]["value_or_threshold"] == "F"
    train = pd.read_csv(root / "train" / "train.csv")
    assert _metric(report, "post_training_bias_metrics", "DPPL")["value"] == pytest.approx(_dppl(train), abs=1e-12)
    constraints = json.loads((root / "baseline" / "constraints.json").read_text())
    assert [f["name"] for f in constraints["features"]] == ["score", "age", "sex", "income", "region"]  # no label


def test_biased_window_raises_bias_drift(bias_setup, tmp_path):
    root, config, window = bias_setup
    result = _monitor(root, config, tmp_path)
    assert result.returncode == 0, result.stdout
    report = json.loads((tmp_path / "out" / "analysis.json").read_text())
    labelled = window[window.index % 10 != 9]
    dppl = _metric(report, "post_training_bias_metrics", "DPPL")
    assert dppl["value"] == pytest.approx(_dppl(labelled), abs=1e-12)
    low, high = dppl["confidence_interval"]
    assert low < dppl["value"] < high
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    bias = {v["metric_name"]: v for v in violations if v["constraint_check_type"] == "bias_drift_check"}
    assert "DPPL" in bias and bias["DPPL"]["facet"] == "sex" and bias["DPPL"]["facet_value"] == "F"
    assert bias["DPPL"]["description"].startswith(
        f"Metric value {dppl['value']!r} doesn't meet the baseline constraint requirement "
    )
    assert "Ground truth: 2700 of 3000 sampled records labelled, 1 label(s) without a capture" in message(tmp_path)
    metrics = [
        json.loads(x)
        for x in (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    ]
    published = next(m for m in metrics if m["MetricName"] == "bias_metric_DPPL")
    assert published["Value"] == dppl["value"]
    assert {d["Name"]: d["Value"] for d in published["Dimensions"]} == {
        "Endpoint": "ep",
        "MonitoringSchedule": "fairness",
        "BiasStage": "Post-Training",
        "Label": "label",
        "LabelValue": "1",
        "Facet": "sex",
        "FacetValue": "F",
    }


def test_bias_config_naming_a_missing_column(bias_setup, tmp_path):
    root, _, _ = bias_setup
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({"bias": {**BIAS, "facet": [{"name_or_index": "gender", "value_or_threshold": ["F"]}]}}))
    result = _monitor(root, bad, tmp_path)
    assert result.returncode == 2
    assert "bias config: facet 'gender' names column 'gender', which the baseline does not have" in message(tmp_path)


def test_clarify_analysis_config_file_is_accepted(bias_setup, tmp_path):
    root, _, _ = bias_setup
    clarify = tmp_path / "clarify.json"
    clarify.write_text(
        json.dumps(
            {
                **BIAS,
                "dataset_type": "text/csv",
                "headers": ["score", "age"],
                "methods": {"post_training_bias": {"methods": "all"}},
            }
        )
    )
    plain = tmp_path / "plain.json"
    plain.write_text("{}")
    result = _monitor(root, plain, tmp_path, bias_config=str(clarify))
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "out" / "analysis.json").exists()


def test_ground_truth_from_s3_lists_only_the_hours_the_window_needs(bias_setup, tmp_path, aws_env):
    from tests.conftest import moto_client

    root, config, _ = bias_setup
    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="labels")
    labels = (root / "truth" / "2024" / "01" / "19" / "20" / "labels.jsonl").read_bytes()
    s3.put_object(Bucket="labels", Key="gt/2024/01/19/20/labels.jsonl", Body=labels)
    far = b'{"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId": "e1"}, "eventVersion": "0"}\n'
    s3.put_object(Bucket="labels", Key="gt/2024/01/25/00/late.jsonl", Body=far)  # days later: not listed
    result = _monitor(root, config, tmp_path, ground_truth_source="s3://labels/gt", **aws_env)
    assert result.returncode == 0, result.stdout
    assert "Ground truth: 2700 of 3000 sampled records labelled, 1 label(s) without a capture, 0 duplicate(s)." in message(
        tmp_path
    )


def test_the_suite_sees_the_datasets_columns_not_the_record_key_bias_joins_on(bias_setup, tmp_path):
    root, config, _ = bias_setup
    result = _monitor(root, config, tmp_path, expectation_suite=str(root / "baseline" / "expectation_suite.json"))
    assert result.returncode == 0, result.stdout
    results = json.loads((tmp_path / "out" / "expectation_results.json").read_text())["results"]
    table = [r for r in results if r["expectation_config"]["type"] == "expect_table_columns_to_match_set"]
    assert len(table) == 1 and table[0]["success"], table
    baseline = json.loads((root / "baseline" / "statistics.json").read_text())
    assert sorted(table[0]["result"]["observed_value"]) == sorted(f["name"] for f in baseline["features"])
