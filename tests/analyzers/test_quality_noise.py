"""Model-quality constraints with noise in mind (issue 13 item 1): quiet on unchanged windows at every size,
a real drop caught, and the standard errors and thresholds against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analyzers.model_quality import metrics as m
from analyzers.model_quality import noise
from analyzers.model_quality.report import Labelled, Noise, compute, metrics_section, suggest_constraints, violations

SIZES = {50: 100, 500: 100, 5_000: 100, 50_000: 40}  # window size: windows simulated (340 in all)


def _binary(rng: np.random.Generator, n: int, error: float) -> Labelled:
    y = rng.random(n) < 0.3
    yhat = y ^ (rng.random(n) < error)
    score = np.where(yhat, rng.uniform(0.5, 1.0, n), rng.uniform(0.0, 0.5, n)).round(3)
    return Labelled(m.BINARY, y, yhat, score)


def _regression(rng: np.random.Generator, n: int, spread: float) -> Labelled:
    y = rng.normal(10, 3, n)
    return Labelled(m.REGRESSION, y, y + rng.standard_t(5, n) * spread)


def _multiclass(rng: np.random.Generator, n: int, error: float) -> Labelled:
    classes = np.array(["a", "b", "c"])
    y = rng.choice(classes, n, p=[0.5, 0.3, 0.2])
    return Labelled(m.MULTICLASS, y, np.where(rng.random(n) < error, rng.choice(classes, n), y))


def _section(data: Labelled) -> dict:
    return {k: {"value": v} if isinstance(v, float | int) else v for k, v in compute(data).items()}


def _alarm_share(make, problem: str, seed: int) -> tuple[float, dict[int, int]]:
    rng = np.random.default_rng(seed)
    base = make(rng, 10_000)
    baseline = metrics_section(base, rng)
    constraints = suggest_constraints(problem, baseline)
    alarms, by_size = 0, {}
    for n, windows in SIZES.items():
        by_size[n] = 0
        for _ in range(windows):
            window = make(rng, n)
            found = violations(problem, constraints, _section(window), Noise(n, baseline, 10_000))
            by_size[n] += bool(found)
        alarms += by_size[n]
    return alarms / sum(SIZES.values()), by_size


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda rng, n: _binary(rng, n, 0.05), m.BINARY),
        (lambda rng, n: _regression(rng, n, 1.0), m.REGRESSION),
        (lambda rng, n: _multiclass(rng, n, 0.2), m.MULTICLASS),
    ],
    ids=["binary", "regression", "multiclass"],
)
def test_unchanged_windows_are_quiet_at_every_size(make, problem):
    share, by_size = _alarm_share(make, problem, seed=13)
    assert share <= 0.01, by_size


def test_the_old_point_thresholds_alarmed_on_unchanged_windows():
    # What issue 13 saw: the baseline's own values as thresholds, no margin, alarm on about every window.
    rng = np.random.default_rng(5)
    baseline = metrics_section(_binary(rng, 10_000, 0.05), rng)
    point = {"binary_classification_constraints": {}}
    for name, rule in suggest_constraints(m.BINARY, baseline)["binary_classification_constraints"].items():
        point["binary_classification_constraints"][name] = {**rule, "threshold": baseline[name]["value"]}
    alarmed = sum(bool(violations(m.BINARY, point, _section(_binary(rng, 5_000, 0.05)))) for _ in range(50))
    assert alarmed >= 40


def test_a_real_drop_is_caught():
    # Accuracy 0.90 -> 0.80 at 1,000 labelled records.
    rng = np.random.default_rng(17)
    baseline = metrics_section(_binary(rng, 10_000, 0.10), rng)
    assert baseline["accuracy"]["value"] == pytest.approx(0.90, abs=0.01)
    constraints = suggest_constraints(m.BINARY, baseline)
    caught = 0
    for _ in range(200):
        window = _section(_binary(rng, 1_000, 0.20))
        found = violations(m.BINARY, constraints, window, Noise(1_000, baseline, 10_000))
        caught += any(f.feature == "accuracy" for f in found)
    assert caught / 200 >= 0.99


def test_a_real_regression_drop_is_caught():
    # Errors 50% larger at 5,000 labelled records: MAE's margin uses the baseline's spread (Student's t, 4 df).
    rng = np.random.default_rng(2)
    baseline = metrics_section(_regression(rng, 10_000, 1.0), rng)
    constraints = suggest_constraints(m.REGRESSION, baseline)
    caught = 0
    for _ in range(100):
        found = violations(m.REGRESSION, constraints, _section(_regression(rng, 5_000, 1.5)), Noise(5_000, baseline, 10_000))
        caught += any(f.feature == "mae" for f in found)
    assert caught / 100 >= 0.99


def test_a_user_threshold_is_honoured_beyond_noise():
    constraints = {
        "binary_classification_constraints": {"accuracy": {"threshold": 0.74, "comparison_operator": "LessThanThreshold"}}
    }
    section = {"accuracy": {"value": 0.61}}
    found = violations(m.BINARY, constraints, section, Noise(1_000))
    assert [f.description for f in found] == ["Metric accuracy with 0.61 was LessThanThreshold 0.74"]
    # 0.73 at 1,000 records is 0.01 below 0.74: within noise (z * SE = 3.09 * 0.01387 = 0.0429).
    assert violations(m.BINARY, constraints, {"accuracy": {"value": 0.73}}, Noise(1_000)) == []
    # Without a window size the rule is AWS's: any crossing.
    assert len(violations(m.BINARY, constraints, {"accuracy": {"value": 0.73}})) == 1


def test_suggested_thresholds_by_hand():
    assert noise.suggested_threshold("accuracy", 0.94774) == (0.92774, "LessThanThreshold")
    assert noise.suggested_threshold("auc", 0.01) == (0.0, "LessThanThreshold")
    assert noise.suggested_threshold("false_positive_rate", 0.1) == (0.12, "GreaterThanThreshold")
    assert noise.suggested_threshold("false_negative_rate", 0.99) == (1.0, "GreaterThanThreshold")
    assert noise.suggested_threshold("mae", 0.5) == (0.55, "GreaterThanThreshold")
    assert noise.suggested_threshold("rmse", 2.0) == (2.2, "GreaterThanThreshold")
    assert noise.suggested_threshold("mse", 4.0) == (4.84, "GreaterThanThreshold")  # (2.2)^2: the same errors 10% larger
    assert noise.suggested_threshold("r2", 0.9) == (0.879, "LessThanThreshold")  # 1 - 0.1 * 1.21
    assert noise.suggested_threshold("weighted_f1", 0.5) == (0.48, "LessThanThreshold")
    value, operator = noise.suggested_threshold("accuracy", math.nan)
    assert math.isnan(value) and operator == "LessThanThreshold"


def test_standard_errors_by_hand():
    # Confusion matrix: tn 600, fp 100, fn 50, tp 250 (n = 1,000).
    matrix = {"0": {"0": 600, "1": 100}, "1": {"0": 50, "1": 250}}
    window = {"confusion_matrix": matrix}
    assert noise.standard_error("accuracy", 0.9, window, 1_000) == pytest.approx(math.sqrt(0.9 * 0.1 / 1_000))
    assert noise.standard_error("precision", 0.8, window, 1_000) == pytest.approx(math.sqrt(0.8 * 0.2 / 350))
    assert noise.standard_error("recall", 0.8, window, 1_000) == pytest.approx(math.sqrt(0.16 / 300))
    assert noise.standard_error("false_negative_rate", 0.2, window, 1_000) == pytest.approx(math.sqrt(0.16 / 300))
    assert noise.standard_error("true_negative_rate", 0.8, window, 1_000) == pytest.approx(math.sqrt(0.16 / 700))
    assert noise.standard_error("false_positive_rate", 0.2, window, 1_000) == pytest.approx(math.sqrt(0.16 / 700))
    # AUC 0.8 with 300 positives and 700 negatives (Hanley & McNeil): Q1 = 0.8/1.2, Q2 = 1.28/1.8.
    q1, q2 = 0.8 / 1.2, 1.28 / 1.8
    auc = math.sqrt((0.16 + 299 * (q1 - 0.64) + 699 * (q2 - 0.64)) / (300 * 700))
    assert noise.standard_error("auc", 0.8, window, 1_000) == pytest.approx(auc)
    # F1 = 500 / (500 + 50 + 100): a = 2, b2 = 1; Var = 4 (150^2 * 250 + 250^2 * 150) / 650^4.
    f1 = math.sqrt(4 * (150**2 * 250 + 250**2 * 150)) / 650**2
    assert noise.standard_error("f1", 0.7, window, 1_000) == pytest.approx(f1)
    # F1's delta-method SE matches simulation of multinomial counts.
    rng = np.random.default_rng(1)
    counts = rng.multinomial(1_000, [0.25, 0.05, 0.10, 0.60], size=20_000)
    simulated = 2 * counts[:, 0] / (2 * counts[:, 0] + counts[:, 1] + counts[:, 2])
    assert np.std(simulated) == pytest.approx(f1, rel=0.05)
    # Not a proportion: the baseline's 80%-subsample spread, sd * sqrt(0.8 N / (0.2 n)).
    baseline = {"mae": {"value": 1.0, "standard_deviation": 0.003}}
    assert noise.standard_error("mae", 1.1, {}, 500, baseline, 10_000) == pytest.approx(0.003 * math.sqrt(8_000 / 100))
    assert noise.standard_error("mae", 1.1, {}, 500, {"mae": {"standard_deviation": math.nan}}, 10_000) == 0.0
    assert noise.standard_error("precision", 0.8, {"confusion_matrix": {"0": {"0": 5}, "1": {"0": 5}}}, 10) == 0.0


def test_the_subsample_spread_rescaled_is_the_sampling_spread():
    # sd * sqrt(0.8 N / (0.2 n)) against the spread of MAE over independent windows of n records.
    rng = np.random.default_rng(3)
    base = _regression(rng, 10_000, 1.0)
    rescaled = []
    for seed in range(20):
        section = metrics_section(base, np.random.default_rng(seed))
        rescaled.append(noise.scaled_baseline_se(section, "mae", 10_000, 1_000))
    observed = np.std([m.regression(*(lambda d: (d.y, d.yhat))(_regression(rng, 1_000, 1.0)))["mae"] for _ in range(400)])
    assert np.mean(rescaled) == pytest.approx(observed, rel=0.2)


def test_critical_z_is_bonferroni():
    assert noise.critical_z(1) == pytest.approx(3.090232, abs=1e-6)
    assert noise.critical_z(10) == pytest.approx(3.719016, abs=1e-6)  # 0.001 / 10
    assert noise.beyond_noise(0.9, 0.92, "LessThanThreshold", 0.005, 3.0) is True
    assert noise.beyond_noise(0.91, 0.92, "LessThanThreshold", 0.005, 3.0) is False
    assert noise.beyond_noise(0.6, 0.5, "GreaterThanThreshold", 0.0, 3.0) is True
    assert noise.beyond_noise(0.5, 0.5, "GreaterThanThreshold", 0.0, 0.0) is False
