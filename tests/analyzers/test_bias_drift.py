"""Bias drift rule, bootstrap interval and ground-truth join: the cases the fairness issue lists."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzers.bias.bootstrap import normal_interval
from analyzers.bias.drift import compare, number, violates
from analyzers.bias.ground_truth import join
from tests.conftest import AWS


@pytest.mark.parametrize(
    ("current", "interval", "expected"),
    [
        (0.1999, None, False),  # just inside the baseline's range
        (0.2001, None, True),  # just outside
        (-0.2001, None, True),  # farther from 0 on the other side
        (0.2, None, False),  # equal is no violation
        (0.35, (0.15, 0.55), False),  # outside, but a wide interval reaches the range
        (0.35, (0.25, 0.45), True),  # outside, and so is all of the interval
        (-0.35, (-0.45, -0.21), True),
        (float("inf"), None, True),
    ],
)
def test_rule_around_a_baseline_of_0_2(current, interval, expected):
    assert violates("DPPL", current, 0.2, interval) is expected


def test_disparate_impact_is_measured_from_parity():
    assert not violates("DI", 1.15, 0.8, None)  # 0.15 from parity against 0.2
    assert violates("DI", 0.75, 0.8, None)


def test_compare_with_the_real_violations_fixture_shape():
    baseline = json.loads((AWS / "bias_baseline_analysis_constraints.json").read_text())
    current = json.loads(json.dumps(baseline))
    entry = current["post_training_bias_metrics"]["facets"]
    facet = next(iter(entry))
    metrics = entry[facet][0]["metrics"]
    dppl = next(m for m in metrics if m["name"] == "DPPL")
    base_value = number(dppl["value"])
    dppl["value"] = -(abs(base_value) + 0.1)
    found = compare(baseline, current, {})
    assert [(v.facet, v.metric_name) for v in found] == [(facet, "DPPL")]
    assert (
        found[0].description
        == f"Metric value {-(abs(base_value) + 0.1)!r} doesn't meet the baseline constraint requirement {base_value!r}"
    )


def test_null_and_infinite_values():
    assert number(None) is None and number("Infinity") == float("inf") and number(0) == 0.0


def test_bootstrap_interval_covers_the_truth_about_95_percent():
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(200):
        rows = rng.random(400) < 0.3
        low, high = normal_interval(lambda idx, r=rows: float(r[idx].mean()), 400, resamples=200, rng=rng)
        covered += low <= 0.3 <= high
    assert 0.90 <= covered / 200 <= 0.99


def test_join_with_duplicates_missing_labels_and_orphans():
    captures = ["e1", "i2", "e3", "i4"]  # the capture reader's keys: inferenceId, else eventId
    result = join(captures, ["e1", "i2", "e2", "i2", "outside"], ["1", "0", "9", "1", "0"])
    assert result.labels == ("1", "1", None, None)  # i2's later label wins; e2 is not a capture's key
    assert (result.matched, result.unlabelled, result.orphan_labels, result.duplicate_labels) == (2, 2, 2, 1)


def test_every_real_violation_satisfies_the_rule():
    violations = json.loads((AWS / "bias_constraint_violations.json").read_text())["violations"]
    assert len(violations) == 8
    for v in violations:
        current, baseline = (
            number(float(x))
            for x in v["description"].replace("Metric value ", "").split(" doesn't meet the baseline constraint requirement ")
        )
        assert violates(v["metric_name"], current, baseline, None), v


def test_infinite_bias_metrics_are_published_as_clarify_does():
    from container.steps.bias import CLOUDWATCH_INFINITY, _metrics

    entry = {
        "value_or_threshold": "F",
        "metrics": [
            {"name": "DI", "value": "Infinity"},
            {"name": "TE", "value": "-Infinity"},
            {"name": "CDDPL", "value": None, "error": "x"},
        ],
    }
    stage = {"label": "y", "label_value_or_threshold": "1", "facets": {"sex": [entry]}}
    report = {"pre_training_bias_metrics": {**stage, "facets": {}}, "post_training_bias_metrics": stage}
    assert [(m.name, m.value) for m in _metrics(report)] == [
        ("bias_metric_DI", CLOUDWATCH_INFINITY),
        ("bias_metric_TE", -CLOUDWATCH_INFINITY),
    ]
