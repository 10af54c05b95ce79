"""Our violation sentences have the shapes AWS's analyzer writes, so its tooling keeps parsing them."""

import json
import re

import numpy as np
import pytest

from analyzers.drift.linf import cdf_distance
from analyzers.evaluate import _drift_finding
from analyzers.kll import KllSketch
from analyzers.profile import Categories, Moments, TypeCounts
from analyzers.quality.categorical_values import categorical_values_check
from analyzers.quality.completeness import completeness_check
from analyzers.quality.data_type import data_type_check
from analyzers.quality.non_negative import non_negative_check
from analyzers.types import InferredType

VALUE_SENTENCE = re.compile(r"^Value: (\S+) does not meet the constraint requirement! $")
# The 2022 prebuilt analyzer's data type sentence (SageMaker-ModelMonitoring_outputs.ipynb).
DATA_TYPE_SENTENCE = re.compile(
    r"^Data type match requirement is not met\. Expected data type: (Integral|Fractional|String), "
    r"Expected match: (\S+)%\. Observed: Only (\S+)% of data is \1\.$"
)


def test_aws_sample_sentences_have_the_shapes_we_write(aws):
    violations = json.loads((aws / "monitor_constraint_violations.json").read_text())["violations"]
    for v in violations:
        match = VALUE_SENTENCE.match(v["description"])
        assert match and 0 <= float(match.group(1)) <= 1
    ours = [
        completeness_check("f", TypeCounts(missing=1, fractional=999), expected=1.0),
        categorical_values_check("f", Categories.of({"a": 10, "b": 1}), ("a",), threshold=1.0),
        non_negative_check("f", Moments(count=10, negative=1)),
    ]
    for finding in ours:
        assert finding.violated
        assert float(VALUE_SENTENCE.match(finding.description).group(1)) == finding.statistic
    types = {v["constraint_check_type"] for v in violations}
    assert {f.check_type.value for f in ours[:2]} <= types


def test_data_type_sentence_as_the_2022_analyzer_writes_it():
    aws = "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 99.64592817400101% of data is Integral."
    assert DATA_TYPE_SENTENCE.match(aws)
    ours = data_type_check("f", InferredType.INTEGRAL, TypeCounts(integral=997, string=3), threshold=1.0)
    match = DATA_TYPE_SENTENCE.match(ours.description)
    assert match and float(match.group(3)) == 99.7


def test_aws_visualiser_parses_our_drift_distance():
    a = KllSketch.empty().update(np.arange(100.0))
    b = KllSketch.empty().update(np.arange(30.0, 130.0))
    distance = cdf_distance(a, b)
    finding = _drift_finding("f", "Numerical", distance, 0.1, True)
    # sagemaker_model_monitor/visualization/utils.py: re.search("distance: (.+) exceeds", desc)
    assert float(re.search("distance: (.+) exceeds", finding.description).group(1)) == distance
    assert distance == pytest.approx(0.3)
