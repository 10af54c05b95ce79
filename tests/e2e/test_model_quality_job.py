"""Model quality end to end through ``python -m container`` (analysis_type=MODEL_QUALITY, as AWS sets it)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from tests.e2e.jobs import message, run_container

BINARY = {"analysis_type": "MODEL_QUALITY", "problem_type": "BinaryClassification", "probability_threshold_attribute": "0.5"}


def _scores(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    score = np.round(rng.beta(2, 2, n), 4)
    return score, (rng.random(n) < score).astype(int)  # calibrated: a score is the chance of a positive


@pytest.fixture(scope="module")
def quality(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    rng = np.random.default_rng(21)
    score, label = _scores(rng, 3000)
    (root / "validation").mkdir()
    pd.DataFrame({"probability": score, "label": label}).to_csv(root / "validation" / "validation.csv", index=False)
    result = run_container(
        root,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(root / "validation"),
        output_path=str(root / "baseline"),
        probability_attribute="probability",
        ground_truth_attribute="label",
        **BINARY,
    )
    assert result.returncode == 0, result.stdout
    window_score, window_label = _scores(rng, 2000)
    drifted = window_label.copy()
    segment = window_score > 0.6
    drifted[segment] = 1 - drifted[segment]  # concept drift: the world changed for confident positives
    capture = root / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19"
    truth = root / "truth" / "2024" / "01" / "19" / "21"
    capture.mkdir(parents=True)
    truth.mkdir(parents=True)
    lines = [_capture_line(i, str(s)) for i, s in enumerate(window_score)]
    (capture / "00.jsonl").write_text("\n".join(lines) + "\n")
    (truth / "labels.jsonl").write_text("\n".join(_label_line(i, str(y)) for i, y in enumerate(drifted)) + "\n")
    clean = root / "truth_clean" / "2024" / "01" / "19" / "21"  # the same window, labels without the drift
    clean.mkdir(parents=True)
    (clean / "labels.jsonl").write_text("\n".join(_label_line(i, str(y)) for i, y in enumerate(window_label)) + "\n")
    return root, score, label, window_score, drifted


def _monitor(root, tmp_path, **env):
    settings = {
        "dataset_source": str(root / "capture"),
        "output_path": str(tmp_path / "out"),
        "baseline_statistics": str(root / "baseline" / "statistics.json"),
        "baseline_constraints": str(root / "baseline" / "constraints.json"),
        "ground_truth_source": str(root / "truth"),
        "start_time": "2024-01-19T19:00:00Z",
        "end_time": "2024-01-19T20:00:00Z",
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_endpoint_name": "ep",
        "sagemaker_monitoring_schedule_name": "quality",
        "probability_attribute": "0",
        **BINARY,
    }
    return run_container(tmp_path, **{**settings, **env})


def test_baseline_writes_aws_statistics_and_constraints(quality):
    root, score, label, _, _ = quality
    stats = json.loads((root / "baseline" / "statistics.json").read_text())
    section = stats["binary_classification_metrics"]
    assert section["accuracy"]["value"] == pytest.approx(sk.accuracy_score(label, score > 0.5))
    assert section["auc"]["value"] == pytest.approx(sk.roc_auc_score(label, score))
    assert section["accuracy"]["standard_deviation"] > 0  # five 80% subsamples of 3000 records
    assert stats["dataset"]["item_count"] == 3000 and stats["calibration"]["expected_calibration_error"] < 0.05
    constraints = json.loads((root / "baseline" / "constraints.json").read_text())["binary_classification_constraints"]
    # A practical floor below the baseline's value (0.02 for a score), not the value itself: see noise.py.
    accuracy = round(section["accuracy"]["value"] - 0.02, 12)
    assert constraints["accuracy"] == {"threshold": accuracy, "comparison_operator": "LessThanThreshold"}
    assert constraints["false_positive_rate"]["comparison_operator"] == "GreaterThanThreshold"


def test_concept_drift_raises_violations_and_the_estimate_shows_the_gap(quality, tmp_path):
    root, _, _, window_score, drifted = quality
    result = _monitor(root, tmp_path)
    assert result.returncode == 0, result.stdout
    stats = json.loads((tmp_path / "out" / "statistics.json").read_text())
    realised = stats["binary_classification_metrics"]["accuracy"]["value"]
    assert realised == pytest.approx(sk.accuracy_score(drifted, window_score > 0.5))
    estimated = stats["estimated_binary_classification_metrics"]["accuracy"]
    assert estimated["lower"] <= estimated["value"] <= estimated["upper"] and realised < estimated["lower"]
    assert stats["estimate_gap"]["accuracy"] == pytest.approx(realised - estimated["value"])
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    accuracy = next(v for v in violations if v["metric_name"] == "accuracy")
    assert accuracy["constraint_check_type"] == "LessThanThreshold"
    assert accuracy["description"].startswith(f"Metric accuracy with {realised} was LessThanThreshold ")
    assert message(tmp_path).startswith(f"CompletedWithViolations: Job completed successfully with {len(violations)} violations.")
    assert "2000 of 2000 predictions in the window have a label so far" in message(tmp_path)
    metrics = {
        json.loads(x)["MetricName"]: json.loads(x)
        for x in (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    }
    assert metrics["accuracy"]["Value"] == realised and "estimated_accuracy" in metrics and "f2" in metrics
    # The count the fleet's alarms watch comes from model-quality jobs too; each violation names its metric.
    assert metrics["constraint_violations"]["Value"] == len(violations) > 0
    assert all(v["feature_name"] == v["metric_name"] for v in violations)
    assert metrics["bad_record_share"]["Value"] == 0.0


def test_an_unchanged_window_is_quiet(quality, tmp_path):
    # Same process as the baseline: every metric differs from the baseline's by noise only, so no violation.
    root, *_ = quality
    result = _monitor(root, tmp_path, ground_truth_source=str(root / "truth_clean"))
    assert result.returncode == 0, result.stdout
    assert json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"] == []
    assert message(tmp_path).startswith("Completed: Job completed successfully with no violations.")


def test_best_constant_classifier_scores_are_statistics_not_constraints(quality):
    root, _, label, _, _ = quality
    section = json.loads((root / "baseline" / "statistics.json").read_text())["binary_classification_metrics"]
    constraints = json.loads((root / "baseline" / "constraints.json").read_text())["binary_classification_constraints"]
    constant = {name for name in section if name.endswith("_best_constant_classifier")}
    assert constant >= {"accuracy_best_constant_classifier", "f1_best_constant_classifier"}
    assert not constant & set(constraints)
    assert set(constraints) == {n for n, v in section.items() if isinstance(v, dict) and "value" in v} - constant
    # They depend on the label mix alone: the scores of always predicting the positive class.
    assert section["accuracy_best_constant_classifier"]["value"] == pytest.approx(label.mean())
    assert section["recall_best_constant_classifier"]["value"] == 1.0


def _capture_with_garbage(root, tmp_path, garbage):
    folder = tmp_path / "capture"
    folder.mkdir()
    lines = (root / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19" / "00.jsonl").read_text().splitlines()
    (folder / "00.jsonl").write_text("\n".join(lines[: 2000 - garbage] + ["{garbage"] * garbage) + "\n")
    return folder


def test_bad_records_beyond_the_share_are_a_model_quality_violation(quality, tmp_path):
    root, *_ = quality
    result = _monitor(root, tmp_path, dataset_source=str(_capture_with_garbage(root, tmp_path, 200)))
    assert result.returncode == 0, result.stdout
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    bad = next(v for v in violations if v["constraint_check_type"] == "bad_record_check")
    assert (bad["feature_name"], bad["bad_records"], bad["records"]) == ("<dataset>", 200, 2000)
    metrics = {
        json.loads(x)["MetricName"]: json.loads(x)["Value"]
        for x in (tmp_path / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    }
    assert metrics["bad_record_share"] == 200 / 2000 and metrics["constraint_violations"] == len(violations)
    assert "200 bad record(s) skipped; see the log." in message(tmp_path)


def test_a_window_of_garbage_is_never_green_for_model_quality(quality, tmp_path):
    root, *_ = quality
    result = _monitor(root, tmp_path, dataset_source=str(_capture_with_garbage(root, tmp_path, 2000)))
    assert result.returncode == 0, result.stdout
    violations = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"]
    assert [v["constraint_check_type"] for v in violations] == ["bad_record_check"]
    assert message(tmp_path).startswith("CompletedWithViolations: Job completed successfully with 1 violations. 2000 bad")


def test_a_model_quality_baseline_from_bad_records_is_refused(tmp_path):
    data = tmp_path / "validation"
    data.mkdir()
    (data / "v.csv").write_text("probability,label\n" + "0.9,1\n" * 90 + "0.9,1,extra\n" * 10)
    result = run_container(
        tmp_path,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(data),
        output_path=str(tmp_path / "baseline"),
        probability_attribute="probability",
        ground_truth_attribute="label",
        **BINARY,
    )
    assert result.returncode == 2, result.stdout
    assert message(tmp_path).startswith("ClientError: the baseline dataset is not fit for a baseline.")
    assert "Observed: 10.0% of the 100 records read could not be used (10 row(s) skipped)" in message(tmp_path)


def test_too_few_labels_is_not_enough_data(quality, tmp_path):
    root, *_ = quality
    few = tmp_path / "few" / "2024" / "01" / "19" / "21"
    few.mkdir(parents=True)
    lines = (root / "truth" / "2024" / "01" / "19" / "21" / "labels.jsonl").read_text().splitlines()[:10]
    (few / "labels.jsonl").write_text("\n".join(lines) + "\n")
    result = _monitor(root, tmp_path, ground_truth_source=str(tmp_path / "few"))
    assert result.returncode == 0, result.stdout
    assert message(tmp_path).startswith("Completed: Job completed successfully with no violations. 10 of 2000 predictions")
    assert "Not enough data" in message(tmp_path)
    assert json.loads((tmp_path / "out" / "constraint_violations.json").read_text())["violations"] == []


def test_a_missing_attribute_is_named(quality, tmp_path):
    root, *_ = quality
    result = _monitor(root, tmp_path, probability_attribute="score")
    assert result.returncode == 2
    assert "probability_attribute='score' names no column of the data" in message(tmp_path)


def test_settings_from_the_analysis_config(quality, tmp_path):
    root, *_ = quality
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {"model_quality": {"problem_type": "BinaryClassification", "probability_attribute": "0", "min_labelled": 5000}}
        )
    )
    result = _monitor(root, tmp_path, analysis_config=str(config), problem_type="", probability_attribute="")
    assert result.returncode == 0, result.stdout
    assert "Not enough data: 5000 labelled predictions are needed" in message(tmp_path)


@pytest.mark.parametrize("problem", ["MulticlassClassification", "Regression"])
def test_a_score_alone_is_no_prediction_beyond_binary(tmp_path, problem):
    data = tmp_path / "validation"
    data.mkdir()
    (data / "v.csv").write_text("score,label\n" + "0.9,1\n0.2,0\n" * 20)
    result = run_container(
        tmp_path,
        dataset_source=str(data),
        output_path=str(tmp_path / "baseline"),
        probability_attribute="score",
        ground_truth_attribute="label",
        **{**BINARY, "problem_type": problem},
    )
    assert result.returncode == 2, result.stdout
    assert message(tmp_path) == (
        f"ClientError: problem_type={problem} needs inference_attribute (the predicted label or value); "
        "a score gives a prediction only for BinaryClassification."
    )


def _multiclass_rows(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Three classes ("a", "b", "c"); the scores are over-sharpened chances, so they need calibrating."""
    logits = rng.normal(size=(n, 3)) * 1.2
    chance = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    sharp = np.exp(2 * logits) / np.exp(2 * logits).sum(axis=1, keepdims=True)
    label = np.array(list("abc"))[(rng.random((n, 1)) > np.cumsum(chance, axis=1)).sum(axis=1)]
    return np.round(sharp, 4), label


def test_a_multiclass_estimate_from_per_class_scores_calibrated_on_the_baseline(tmp_path):
    rng = np.random.default_rng(8)
    config = tmp_path / "analysis_config.json"
    classes = {"a": "1", "b": "2", "c": "3"}  # the CSV positions of each class's score in the endpoint output
    config.write_text(json.dumps({"model_quality": {"class_probability_attributes": classes}}))
    scores, label = _multiclass_rows(rng, 4000)
    (tmp_path / "validation").mkdir()
    predicted = np.array(list("abc"))[scores.argmax(axis=1)]
    frame = pd.DataFrame({"label": label, "predicted": predicted, "1": scores[:, 0], "2": scores[:, 1], "3": scores[:, 2]})
    frame.to_csv(tmp_path / "validation" / "v.csv", index=False)
    multiclass = {"analysis_type": "MODEL_QUALITY", "problem_type": "MulticlassClassification", "analysis_config": str(config)}
    result = run_container(
        tmp_path,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(tmp_path / "validation"),
        output_path=str(tmp_path / "baseline"),
        inference_attribute="predicted",
        ground_truth_attribute="label",
        **multiclass,
    )
    assert result.returncode == 0, result.stdout
    calibration = json.loads((tmp_path / "baseline" / "statistics.json").read_text())["calibration"]
    assert calibration["method"] == "isotonic" and set(calibration["classes"]) == {"a", "b", "c"}

    scores, label = _multiclass_rows(rng, 3000)
    predicted = np.array(list("abc"))[scores.argmax(axis=1)]
    capture = tmp_path / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19"
    truth = tmp_path / "truth" / "2024" / "01" / "19" / "21"
    capture.mkdir(parents=True)
    truth.mkdir(parents=True)
    output = ["{},{},{},{}".format(p, *s) for p, s in zip(predicted, scores, strict=True)]
    (capture / "00.jsonl").write_text("".join(_capture_line(i, text) + "\n" for i, text in enumerate(output)))
    (truth / "labels.jsonl").write_text("".join(_label_line(i, y) + "\n" for i, y in enumerate(label)))
    result = run_container(
        tmp_path,
        dataset_source=str(tmp_path / "capture"),
        output_path=str(tmp_path / "out"),
        baseline_statistics=str(tmp_path / "baseline" / "statistics.json"),
        baseline_constraints=str(tmp_path / "baseline" / "constraints.json"),
        ground_truth_source=str(tmp_path / "truth"),
        start_time="2024-01-19T19:00:00Z",
        end_time="2024-01-19T20:00:00Z",
        inference_attribute="0",
        **multiclass,
    )
    assert result.returncode == 0, result.stdout
    stats = json.loads((tmp_path / "out" / "statistics.json").read_text())
    estimated = stats["estimated_multiclass_classification_metrics"]
    realised = stats["multiclass_classification_metrics"]
    assert realised["accuracy"]["value"] == pytest.approx(sk.accuracy_score(label, predicted))
    assert realised["weighted_f1"]["value"] == pytest.approx(sk.f1_score(label, predicted, average="weighted"))
    raw_accuracy = float(np.mean(scores.max(axis=1)))  # what the over-sharpened scores promise
    assert raw_accuracy - realised["accuracy"]["value"] > 0.05
    for name in ("accuracy", "weighted_precision", "weighted_recall", "weighted_f1"):
        assert estimated[name]["lower"] <= realised[name]["value"] <= estimated[name]["upper"], name
        assert stats["estimate_gap"][name] == pytest.approx(realised[name]["value"] - estimated[name]["value"])


def _capture_line(i: int, output: str) -> str:
    data = {
        "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": "1,2", "encoding": "CSV"},
        "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": output, "encoding": "CSV"},
    }
    metadata = {"eventId": f"e{i}", "inferenceTime": "2024-01-19T19:10:00Z"}
    return json.dumps({"captureData": data, "eventMetadata": metadata, "eventVersion": "0"})


def _label_line(i: int, label: str) -> str:
    return json.dumps(
        {"groundTruthData": {"data": label, "encoding": "CSV"}, "eventMetadata": {"eventId": f"e{i}"}, "eventVersion": "0"}
    )
