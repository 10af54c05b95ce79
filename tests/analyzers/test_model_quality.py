"""Model-quality metrics against scikit-learn, AWS's own sample file, and degenerate windows."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn import metrics as sk

from analyzers.model_quality import metrics as m
from analyzers.model_quality.report import Labelled, metrics_section, suggest_constraints, violations

RNG = np.random.default_rng(4)


def test_binary_against_scikit_learn():
    y = RNG.random(500) < 0.3
    score = np.clip(0.3 + 0.4 * y + RNG.normal(0, 0.25, 500), 0, 1).round(2)  # rounded: ties in the scores
    yhat = score > 0.5
    got = m.binary(y, yhat, score)
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(y, yhat))
    assert got["precision"] == pytest.approx(sk.precision_score(y, yhat))
    assert got["recall"] == pytest.approx(sk.recall_score(y, yhat))
    for beta, name in ((0.5, "f0_5"), (1.0, "f1"), (2.0, "f2")):
        assert got[name] == pytest.approx(sk.fbeta_score(y, yhat, beta=beta))
    assert got["auc"] == pytest.approx(sk.roc_auc_score(y, score))
    tn, fp, fn, tp = sk.confusion_matrix(y, yhat).ravel()
    assert got["confusion_matrix"] == {"0": {"0": tn, "1": fp}, "1": {"0": fn, "1": tp}}
    fpr, tpr, _ = sk.roc_curve(y, score, drop_intermediate=False)
    assert got["receiver_operating_characteristic_curve"]["false_positive_rates"] == pytest.approx(fpr.tolist())
    assert got["receiver_operating_characteristic_curve"]["true_positive_rates"] == pytest.approx(tpr.tolist())
    assert got["false_positive_rate"] == pytest.approx(fp / (fp + tn))


def test_binary_reproduces_aws_sample(aws):
    sample = json.loads((aws / "model_quality_binary_classification_statistics.json").read_text())[
        "binary_classification_metrics"
    ]
    # AWS's confusion matrix {"0": {"0": 1, "1": 2}, "1": {"0": 0, "1": 1}}: one positive, predicted right.
    y = np.array([False, False, False, True])
    yhat = np.array([False, True, True, True])
    got = m.binary(y, yhat)
    for name, entry in sample.items():
        if isinstance(entry, dict) and "value" in entry and name in got and name != "auc":
            assert got[name] == pytest.approx(entry["value"], abs=1e-12), name
    assert got["confusion_matrix"] == sample["confusion_matrix"]


def test_multiclass_against_scikit_learn():
    y = RNG.choice(np.array(["a", "b", "c"]), 400, p=[0.5, 0.3, 0.2])
    yhat = np.where(RNG.random(400) < 0.7, y, RNG.choice(np.array(["a", "b", "c"]), 400))
    got = m.multiclass(y, yhat)
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(y, yhat))
    assert got["weighted_precision"] == pytest.approx(sk.precision_score(y, yhat, average="weighted"))
    assert got["weighted_recall"] == pytest.approx(sk.recall_score(y, yhat, average="weighted"))
    assert got["weighted_f1"] == pytest.approx(sk.f1_score(y, yhat, average="weighted"))
    assert got["weighted_f2"] == pytest.approx(sk.fbeta_score(y, yhat, beta=2, average="weighted"))
    assert got["accuracy_best_constant_classifier"] == pytest.approx(np.mean(y == "a"))


def test_regression_against_scikit_learn():
    y = RNG.normal(3, 1, 300)
    yhat = y + RNG.normal(0.1, 0.5, 300)
    got = m.regression(y, yhat)
    assert got["mae"] == pytest.approx(sk.mean_absolute_error(y, yhat))
    assert got["mse"] == pytest.approx(sk.mean_squared_error(y, yhat))
    assert got["rmse"] == pytest.approx(np.sqrt(sk.mean_squared_error(y, yhat)))
    assert got["r2"] == pytest.approx(sk.r2_score(y, yhat))


def test_degenerate_windows():
    one_class = m.binary(np.zeros(5, bool), np.zeros(5, bool), np.full(5, 0.1))
    assert (one_class["accuracy"], one_class["precision"], one_class["recall"], one_class["auc"]) == (1.0, 0.0, 0.0, 0.0)
    all_positive = m.binary(np.array([True, False]), np.ones(2, bool))
    assert all_positive["true_negative_rate"] == 0.0 and all_positive["recall"] == 1.0
    constant = m.regression(np.full(4, 2.0), np.array([2.0, 2.0, 3.0, 1.0]))
    assert constant["r2"] == 0.0 and constant["mae"] == 0.5


def test_standard_deviation_from_five_80_percent_subsamples():
    y = RNG.normal(size=300)
    section = metrics_section(Labelled(m.REGRESSION, y, y + RNG.normal(size=300)), np.random.default_rng(0))
    assert section["mae"]["standard_deviation"] > 0
    small = metrics_section(Labelled(m.REGRESSION, y[:50], y[:50] + 1), np.random.default_rng(0))
    assert np.isnan(small["mae"]["standard_deviation"])


def test_constraints_and_violations_round_trip(aws):
    sample = json.loads((aws / "model_quality_regression_constraints.json").read_text())
    section = {"mae": {"value": 0.6}, "mse": {"value": 0.1}, "rmse": {"value": 0.5}, "r2": {"value": -4.0}}
    found = {dict(f.extra)["metric_name"]: f for f in violations(m.REGRESSION, sample, section)}
    assert set(found) == {"mae", "r2"}
    assert (found["mae"].check_type.value, found["r2"].check_type.value) == ("GreaterThanThreshold", "LessThanThreshold")
    assert found["r2"].description == "Metric r2 with -4.0 was LessThanThreshold -3.208758170289026"
    suggested = suggest_constraints(
        m.REGRESSION, {k: {"value": v["threshold"]} for k, v in sample["regression_constraints"].items()}
    )["regression_constraints"]
    # AWS's layout and operators; the thresholds sit a practical floor worse than the values (noise.py).
    assert {k: v["comparison_operator"] for k, v in suggested.items()} == {
        k: v["comparison_operator"] for k, v in sample["regression_constraints"].items()
    }
    mae = sample["regression_constraints"]["mae"]["threshold"]
    assert suggested["mae"]["threshold"] == pytest.approx(mae * 1.1)


@pytest.mark.parametrize(
    ("name", "problem", "labelled"),
    [
        (
            "model_quality_binary_classification_statistics.json",
            m.BINARY,
            lambda: (np.array([0, 0, 0, 1]), np.array([0, 1, 1, 1]), np.array([0.2, 0.6, 0.7, 0.9])),
        ),
        (
            "model_quality_regression_statistics.json",
            m.REGRESSION,
            lambda: (np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0]), None),
        ),
    ],
)
def test_our_statistics_have_aws_keys_and_nesting(aws, name, problem, labelled):
    from analyzers.model_quality.report import statistics_document

    sample = json.loads((aws / name).read_text())
    y, yhat, score = labelled()
    ours = statistics_document(problem, len(y), metrics_section(Labelled(problem, y, yhat, score), np.random.default_rng(0)))
    section = m.SECTION[problem]
    assert set(ours[section]) == set(sample[section])
    for key, entry in sample[section].items():
        if isinstance(entry, dict):
            assert set(ours[section][key]) == set(entry), key
