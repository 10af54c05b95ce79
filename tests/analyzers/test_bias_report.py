"""The typed bias report: built once with its intervals, facet values carried from the data (never
rebuilt from their text), written in Clarify's layout and read back strictly from a baseline file."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analyzers.bias.clarify_json import report_json
from analyzers.bias.intervals import Bootstrap
from analyzers.bias.report import BiasReport, BiasSpec, FacetEntry, MetricValue, StageReport, stage
from container.errors import BaselineError
from container.steps.bias import read_baseline_report
from container.write._json import dumps
from tests.conftest import AWS


def _frame(facet: list) -> pd.DataFrame:
    n = len(facet)
    rng = np.random.default_rng(3)
    return pd.DataFrame({"y": rng.integers(0, 2, n), "p": rng.integers(0, 2, n), "f": pd.Series(facet, dtype=object)})


def test_one_vs_all_entries_carry_the_original_values():
    frame = _frame([1, "1", 2] * 40)  # 1 and "1" print alike: only the carried value tells them apart
    spec = BiasSpec(label="y", label_values=[1], facet="f", facet_values=None, predicted="p")
    entries = stage(frame, spec, post_training=True, bootstrap=Bootstrap(20, 0.95, np.random.default_rng(0)))
    assert [(e.text, e.values) for e in entries] == [("1", (1,)), ("1", ("1",)), ("2", (2,))]
    assert all(e.metrics for e in entries)
    for entry in entries:  # every finite value got its interval when the report was built
        for m in entry.metrics:
            assert (m.interval is not None) == (m.value is not None and np.isfinite(m.value) and m.name != "FT")


def test_configured_values_are_carried_and_no_bootstrap_means_no_interval():
    frame = _frame(["a", "b", "c"] * 20)
    spec = BiasSpec(label="y", label_values=[1], facet="f", facet_values=["a", "c"])
    [entry] = stage(frame, spec, post_training=False)
    assert (entry.text, entry.values) == ("a,c", ("a", "c"))
    assert all(m.interval is None for m in entry.metrics)
    assert [m.name for m in entry.metrics] == sorted(m.name for m in entry.metrics)


def test_writer_spells_values_as_clarify_does():
    metrics = (
        MetricValue("DI", "Disparate Impact (DI)", float("inf")),
        MetricValue("CI", "Class Imbalance (CI)", 0, interval=(-0.1, 0.1)),
        MetricValue("FT", "Flip Test (FT)", None, "Facet set is empty"),
    )
    stage_report = StageReport("y", "1", {"f": (FacetEntry("a", ("a",), metrics),)}, error="ValueError: x")
    doc = report_json(BiasReport(stage_report, stage_report))
    assert list(doc) == ["version", "pre_training_bias_metrics", "post_training_bias_metrics"]
    assert list(doc["pre_training_bias_metrics"]) == ["label", "label_value_or_threshold", "facets", "error"]
    assert doc["pre_training_bias_metrics"]["facets"]["f"][0]["metrics"] == [
        {"name": "DI", "description": "Disparate Impact (DI)", "value": "Infinity"},
        {"name": "CI", "description": "Class Imbalance (CI)", "value": 0, "confidence_interval": [-0.1, 0.1]},
        {"name": "FT", "description": "Flip Test (FT)", "value": None, "error": "Facet set is empty"},
    ]


@pytest.mark.parametrize("name", ["bias_baseline_analysis_constraints.json", "clarify_data_bias_analysis.json"])
def test_a_clarify_baseline_reads_back_to_what_it_says(name):
    report = read_baseline_report(str(AWS / name))
    assert json.loads(dumps(report_json(report))) == json.loads((AWS / name).read_text())
    assert all(entry.values is None for _, _, _, entry, _ in report.metrics())  # a file holds only the text


def test_infinities_nulls_and_nan_are_read_as_numbers(tmp_path):
    metrics = [{"name": n, "description": n, "value": v} for n, v in (("A", "Infinity"), ("B", None), ("C", "NaN"), ("D", 0))]
    path = tmp_path / "analysis.json"
    path.write_text(
        json.dumps({"post_training_bias_metrics": {"facets": {"s": [{"value_or_threshold": "F", "metrics": metrics}]}}})
    )
    report = read_baseline_report(str(path))
    assert report.pre is None and report.post is not None
    values = [m.value for _, _, _, _, m in report.metrics()]
    assert values[0] == float("inf") and values[1] is None and np.isnan(values[2]) and values[3] == 0


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([], "(top level) is []; expected an object"),
        ({"pre_training_bias_metrics": {"facets": []}}, "pre_training_bias_metrics.facets is []; expected an object"),
        (
            {
                "post_training_bias_metrics": {
                    "facets": {"sex": [{"value_or_threshold": "F", "metrics": [{"name": "DI", "value": "big"}]}]}
                }
            },
            "post_training_bias_metrics.facets.sex[0].metrics[0].value is 'big'; expected",
        ),
        (
            {"post_training_bias_metrics": {"facets": {"sex": [{"metrics": []}]}}},
            "post_training_bias_metrics.facets.sex[0] lacks the required key 'value_or_threshold'",
        ),
        (
            {"pre_training_bias_metrics": {"facets": {"age": [{"value_or_threshold": 3, "metrics": []}]}}},
            "pre_training_bias_metrics.facets.age[0].value_or_threshold is 3; expected a string",
        ),
    ],
)
def test_a_malformed_baseline_names_the_file_and_the_path(tmp_path, document, expected):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(document))
    with pytest.raises(BaselineError) as caught:
        read_baseline_report(str(path))
    assert str(caught.value).startswith(f"bias baseline {path}: ")
    assert expected in str(caught.value)


def test_a_baseline_that_is_not_json_names_the_file(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text("{")
    with pytest.raises(BaselineError, match=f"bias baseline {path} is not valid JSON"):
        read_baseline_report(str(path))
