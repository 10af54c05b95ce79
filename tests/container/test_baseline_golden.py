"""Every statistics.json and constraints.json AWS produced must read, with the right values."""

import json
import subprocess
import sys

import numpy as np
import pytest

from analyzers.constraints import ComparisonMethod
from analyzers.types import InferredType
from container.contract import from_env
from container.errors import BaselineError
from container.jobs import run
from container.load.baseline import read_constraints, read_statistics
from container.load.quality_baseline import read_quality_constraints, read_quality_statistics
from tests.conftest import AWS, ROOT

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
    ("text", "expected"),
    [
        ("not json", "baseline_statistics file '{path}' is not valid JSON (Expecting value, line 1); fix the file."),
        (
            '{"features": [{"inferred_type": "String"}]}',
            "baseline_statistics statistics.json: features[0] lacks the required key 'name'; add it.",
        ),
        (
            '{"features": [{"name": "a", "inferred_type": "Text"}]}',
            "baseline_statistics statistics.json: features[0].inferred_type is 'Text'; "
            "expected one of 'Integral', 'Fractional', 'String', 'Unknown'.",
        ),
    ],
)
def test_bad_baselines_are_named(tmp_path, text, expected):
    path = tmp_path / "statistics.json"
    path.write_text(text)
    with pytest.raises(BaselineError) as info:
        read_statistics(path)
    assert str(info.value) == expected.format(path=path)


def test_sketch_data_must_be_numbers(aws, tmp_path):
    raw = json.loads((aws / "data_quality_statistics.json").read_text())
    raw["features"][0]["numerical_statistics"]["distribution"]["kll"]["sketch"]["data"] = [["a", 1.0]]
    path = tmp_path / "statistics.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(BaselineError) as info:
        read_statistics(path)
    assert str(info.value) == (
        "baseline_statistics statistics.json: features[0].numerical_statistics.distribution.kll.sketch.data[0][0] "
        "is 'a'; expected a number."
    )


# Every baseline our own baseline job writes decodes with the strict schema.
EDGE_CSV = "age,income,empty,city,huge\n30,1.5,,north,1e308\n-4,2.5,,south,1e308\n41,,,north,1e308\n"


@pytest.mark.filterwarnings("ignore:overflow encountered")  # the huge column's sum overflows, on purpose
@pytest.mark.parametrize("data", ["sample", "edges"])
def test_every_baseline_our_job_writes_decodes(tmp_path, data):
    source = tmp_path / "data"
    if data == "sample":
        subprocess.run([sys.executable, "scripts/make_sample_data.py", str(tmp_path)], cwd=ROOT, check=True, capture_output=True)
        source = tmp_path / "baseline"
    else:
        source.mkdir()
        (source / "train.csv").write_text(EDGE_CSV)
    out = tmp_path / "out"
    env = {"SAGEMAKER_BASE_DIR": str(tmp_path), "dataset_format": '{"csv": {"header": true}}'}
    run(from_env({**env, "dataset_source": str(source), "output_path": str(out)}))
    stats = read_statistics(out / "statistics.json")
    constraints, _ = read_constraints(out / "constraints.json")
    written = json.loads((out / "statistics.json").read_text())
    assert stats.names == tuple(f["name"] for f in written["features"]) == tuple(f.name for f in constraints.features)
    assert stats.item_count == written["dataset"]["item_count"]


QUALITY_CSV = "probability,label,value\n" + "".join(f"{(i % 10) / 10},{i % 3 == 0:d},{i % 7}\n" for i in range(60))


@pytest.mark.parametrize(
    ("problem", "attributes", "section"),
    [
        ("BinaryClassification", {"probability_attribute": "probability"}, "binary_classification_constraints"),
        ("Regression", {"inference_attribute": "value"}, "regression_constraints"),
    ],
)
def test_every_model_quality_baseline_our_job_writes_decodes(tmp_path, problem, attributes, section):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "validation.csv").write_text(QUALITY_CSV)
    out = tmp_path / "out"
    env = {"SAGEMAKER_BASE_DIR": str(tmp_path), "dataset_format": '{"csv": {"header": true}}', "output_path": str(out)}
    env |= {"dataset_source": str(tmp_path / "data"), "analysis_type": "MODEL_QUALITY", "problem_type": problem}
    run(from_env({**env, "ground_truth_attribute": "label", **attributes}))
    written = json.loads((out / "constraints.json").read_text())[section]
    assert [r.metric for r in read_quality_constraints(out / "constraints.json", section)] == list(written)
    assert read_statistics(out / "statistics.json").features == ()
    assert read_constraints(out / "constraints.json")[0].features == ()
    statistics = read_quality_statistics(out / "statistics.json", section.replace("constraints", "metrics"))
    binary = problem == "BinaryClassification"
    assert (statistics.calibration_error is not None) is binary and (statistics.calibration is not None) is binary
    assert statistics.item_count is not None and set(statistics.spread) <= set(written) | {"auc"}
