"""Every statistics.json and constraints.json AWS produced must read, with the right values."""

import json

import numpy as np
import pytest

from analyzers.constraints import ComparisonMethod
from analyzers.types import InferredType
from container.errors import BaselineError
from container.load.baseline import read_constraints, read_statistics
from tests.conftest import AWS

STATISTICS = sorted(AWS.glob("*statistics.json"))
CONSTRAINTS = sorted(AWS.glob("*constraints.json"))


@pytest.mark.parametrize("path", STATISTICS, ids=lambda p: p.name)
def test_every_aws_statistics_file_reads(path):
    stats = read_statistics(path)
    raw = json.loads(path.read_text())
    assert stats.names == tuple(f["name"] for f in raw.get("features", []))


@pytest.mark.parametrize("path", CONSTRAINTS, ids=lambda p: p.name)
def test_every_aws_constraints_file_reads(path):
    constraints, _ = read_constraints(path)
    raw = json.loads(path.read_text())
    assert [f.name for f in constraints.features] == [f["name"] for f in raw.get("features", [])]


def test_numeric_statistics_rebuild_the_cdf(aws):
    stats = read_statistics(aws / "data_quality_statistics.json")
    f = stats.features[0]
    assert f.inferred_type is InferredType.FRACTIONAL
    p = f.profile
    assert (p.types.present, p.moments.mean, p.moments.minimum, p.moments.maximum) == (100, 2.31, 1.0, 3.0)
    assert p.moments.std_dev == pytest.approx(0.8330066026148891)
    items, weights = p.sketch.weighted_items()
    cdf = dict(zip(items.tolist(), (np.cumsum(weights) / weights.sum()).tolist(), strict=True))
    assert cdf[1.0] == pytest.approx(0.24) and cdf[2.0] == pytest.approx(0.45) and cdf[3.0] == 1.0


def test_string_statistics(aws):
    f = read_statistics(aws / "monitor_statistics.json").features[0]
    assert f.inferred_type is InferredType.STRING
    assert f.profile.categories.as_dict() == {"preproc-not-YET-supported-for-csv-json": 418}


def test_constraint_variants(aws):
    suggested, _ = read_constraints(aws / "data_quality_constraints.json")
    assert suggested.monitoring_config.distribution.comparison_method is ComparisonMethod.ROBUST
    assert suggested.monitoring_config.datatype_check_threshold == 1.0
    assert suggested.features[0].is_non_negative is True
    sdk, _ = read_constraints(aws / "monitor_constraints.json")
    assert sdk.features[0].overrides.evaluate_constraints is True
    assert sdk.features[0].domains == ("preproc-not-YET-supported-for-csv-json",)
    assert sdk.monitoring_config.distribution.perform_comparison is True  # old key enable_comparisons


def test_docs_spellings(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            {
                "version": 0,
                "features": [
                    {"name": "a", "inferred_type": "Integral", "monitoringConfigOverrides": {"evaluate_constraints": "Disabled"}}
                ],
                "monitoring_config": {"distribution_constraints": {"comparison_method": "linf_simple"}},
                "analysis_config": {"empty_window": "fail"},
            }
        )
    )
    c, embedded = read_constraints(path)
    assert c.features[0].overrides.evaluate_constraints is False
    assert c.monitoring_config.distribution.comparison_method is ComparisonMethod.SIMPLE
    assert embedded == {"empty_window": "fail"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not json", "is not valid JSON"),
        ('{"features": [{"inferred_type": "String"}]}', "has no 'name'"),
        ('{"features": [{"name": "a", "inferred_type": "Text"}]}', "inferred_type 'Text' is not one of"),
    ],
)
def test_bad_baselines_are_named(tmp_path, text, fragment):
    path = tmp_path / "statistics.json"
    path.write_text(text)
    with pytest.raises(BaselineError) as info:
        read_statistics(path)
    assert fragment in str(info.value)


def test_sketch_data_must_be_numbers(aws, tmp_path):
    raw = json.loads((aws / "data_quality_statistics.json").read_text())
    raw["features"][0]["numerical_statistics"]["distribution"]["kll"]["sketch"]["data"] = [["a", 1.0]]
    path = tmp_path / "statistics.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(BaselineError, match=r"features\[0\]: distribution.kll.sketch.data must be a list of lists of numbers"):
        read_statistics(path)
