"""Bias drift rule, bootstrap interval and ground-truth join: the cases the fairness issue lists."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from analyzers.bias.bootstrap import normal_interval
from analyzers.bias.drift import compare, violates
from analyzers.bias.ground_truth import join
from analyzers.bias.report import BiasReport, FacetEntry, MetricValue, StageReport
from container.steps.bias import read_baseline_report
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


def _with_metric(report: BiasReport, name: str, **changes) -> BiasReport:
    """``report`` with the post-training metric ``name`` of its first facet value changed."""
    assert report.post is not None
    facet, (entry, *rest) = next(iter(report.post.facets.items()))
    metrics = tuple(dataclasses.replace(m, **changes) if m.name == name else m for m in entry.metrics)
    facets = {**report.post.facets, facet: (dataclasses.replace(entry, metrics=metrics), *rest)}
    return dataclasses.replace(report, post=dataclasses.replace(report.post, facets=facets))


def _metric(report: BiasReport, name: str) -> MetricValue:
    return next(m for post, _, _, _, m in report.metrics() if post and m.name == name)


def test_compare_with_the_real_violations_fixture_shape():
    baseline = read_baseline_report(str(AWS / "bias_baseline_analysis_constraints.json"))
    base_value = _metric(baseline, "DPPL").number
    assert base_value is not None
    current = _with_metric(baseline, "DPPL", value=-(abs(base_value) + 0.1))
    found = compare(baseline, current)
    facet = next(iter(baseline.post.facets))
    assert [(v.facet, v.metric_name) for v in found] == [(facet, "DPPL")]
    assert (
        found[0].description
        == f"Metric value {-(abs(base_value) + 0.1)!r} doesn't meet the baseline constraint requirement {base_value!r}"
    )
    # the current metric's interval decides: one that reaches the allowed range is no violation
    reaching = _with_metric(current, "DPPL", interval=(-(abs(base_value) + 0.2), 0.0))
    assert compare(baseline, reaching) == []


def test_errors_and_nulls_are_skipped_on_either_side():
    def report(value, error=None):
        metric = MetricValue("DPPL", "Difference in Positive Proportions in Predicted Labels (DPPL)", value, error)
        stage = StageReport("y", "1", {"sex": (FacetEntry("F", ("F",), (metric,)),)})
        return BiasReport(StageReport("y", "1", {}), stage)

    assert [v.metric_name for v in compare(report(0.1), report(0.5))] == ["DPPL"]
    assert compare(report(None, "Facet set is empty"), report(0.5)) == []
    assert compare(report(0.1), report(None, "Facet set is empty")) == []
    assert compare(report(0.1), report(float("nan"))) == []


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
            float(x)
            for x in v["description"].replace("Metric value ", "").split(" doesn't meet the baseline constraint requirement ")
        )
        assert violates(v["metric_name"], current, baseline, None), v


def test_infinite_bias_metrics_are_published_as_clarify_does():
    from container.steps.bias import CLOUDWATCH_INFINITY, _metrics

    metrics = (
        MetricValue("DI", "Disparate Impact (DI)", float("inf")),
        MetricValue("TE", "Treatment Equality (TE)", float("-inf")),
        MetricValue("CDDPL", "Conditional Demographic Disparity in Predicted Labels (CDDPL)", None, "x"),
    )
    stage = StageReport("y", "1", {"sex": (FacetEntry("F", ("F",), metrics),)})
    report = BiasReport(StageReport("y", "1", {}), stage)
    assert [(m.name, m.value) for m in _metrics(report)] == [
        ("bias_metric_DI", CLOUDWATCH_INFINITY),
        ("bias_metric_TE", -CLOUDWATCH_INFINITY),
    ]
