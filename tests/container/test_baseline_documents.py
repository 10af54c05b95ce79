"""The strict baseline schema: every wrong type is refused with the file, the path, the value and the
expectation; what AWS really writes (and what our own baseline job writes) still reads."""

import copy
import json
import math

import pytest

from container.errors import BaselineError
from container.load.baseline import read_constraints, read_statistics
from container.load.quality_baseline import QualityConstraint, read_quality_constraints, read_quality_statistics
from tests.conftest import AWS

FIXTURES = {"dq": "data_quality_statistics.json", "mon": "monitor_statistics.json"}
# Dotted paths into the fixtures, and the same paths as the messages spell them.
N, N_ = "features.0.numerical_statistics", "features[0].numerical_statistics"
K, K_ = f"{N}.distribution.kll.sketch", f"{N_}.distribution.kll.sketch"
T = "features.0.string_statistics"
B, B_ = f"{T}.distribution.categorical.buckets", "features[0].string_statistics.distribution.categorical.buckets"
NUM, NUM_ = "features.0.num_constraints", "features[0].num_constraints"
STR, STR_ = "features.0.string_constraints", "features[0].string_constraints"
M, D, OV = "monitoring_config", "monitoring_config.distribution_constraints", "monitoring_config_overrides"
METHODS = "'Simple', 'Robust', 'linf_simple', 'linf_robust'"
DRIFT_METHODS = "'LInfinity', 'ChiSquared'"
QUOTED = " (a JSON boolean, not a string)."
S = "baseline_statistics statistics.json: "
C = "baseline_constraints constraints.json: "
TYPO = ", which looks like a misspelling of {!r}; correct it (other keys we do not read are ignored)."


def _edited(name: str, path: str, value: object) -> dict:
    """The AWS fixture ``name`` with the value at the dotted ``path`` replaced."""
    doc = json.loads((AWS / name).read_text())
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = doc
    for key in parents:
        node = node[key]
    node[last] = copy.deepcopy(value)
    return doc


def _write(tmp_path, name: str, doc: dict):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def _refusal(read, path) -> str:
    with pytest.raises(BaselineError) as info:
        read(path)
    return str(info.value)


# (fixture, dotted path to replace, the value put there, the message after the file's name)
STATISTICS_REFUSED = [
    ("dq", "features", 5, "features is 5; expected a list or null."),
    ("dq", f"{N}.common.num_present", "NaN", f"{N_}.common.num_present is 'NaN'; expected an integer."),
    ("dq", f"{N}.common.num_present", 3.0, f"{N_}.common.num_present is 3.0; expected an integer."),
    ("dq", f"{N}.common.num_missing", -1, f"{N_}.common.num_missing is -1; expected an integer >= 0."),
    ("dq", f"{N}.distribution", "kll", f"{N_}.distribution is 'kll'; expected an object or null."),
    ("dq", f"{N}.mean", "nan", f"{N_}.mean is 'nan'; expected a number or one of '-Infinity', 'Infinity', 'NaN'."),
    ("dq", f"{K}.data", [[1.0, math.nan]], f"{K_}.data[0][1] is NaN; a finite number is needed."),
    ("dq", f"{K}.parameters.k", math.inf, f"{K_}.parameters.k is Infinity; a finite number is needed."),
    ("dq", f"{K}.parameters.k", 2048.5, f"{K_}.parameters.k is 2048.5; expected a whole number (Deequ's sketch size, 2048)."),
    ("dq", f"{K}.parameters.c", "NaN", f"{K_}.parameters.c is 'NaN'; expected a number."),
    ("dq", f"{K}.parameters.c", 0, f"{K_}.parameters.c is 0; expected a number > 0.0."),
    ("mon", "dataset.item_count", 1.5, "dataset.item_count is 1.5; expected an integer or null."),
    ("mon", f"{T}.distribution", "x", "features[0].string_statistics.distribution is 'x'; expected an object or null."),
    ("mon", B, [1, 2], f"{B_}[0] is 1; expected an object."),
    (
        "mon",
        B,
        [{"value": "a", "count": 1}, {"value": "a", "count": 2}],
        f"{B_}[1].value is 'a'; expected a value no other bucket has.",
    ),
    ("mon", B, [{"value": 7, "count": 1}], f"{B_}[0].value is 7; expected a string."),
    ("mon", "features.0.string_statistic", {}, "features[0] has the key 'string_statistic'" + TYPO.format("string_statistics")),
]


@pytest.mark.parametrize(("fixture", "path", "value", "message"), STATISTICS_REFUSED, ids=lambda x: str(x)[:40])
def test_wrong_statistics_are_refused(tmp_path, fixture, path, value, message):
    target = _write(tmp_path, "statistics.json", _edited(FIXTURES[fixture], path, value))
    assert _refusal(read_statistics, target) == S + message


CONSTRAINTS_REFUSED = [
    ("dq", NUM, [1], "features[0].num_constraints is [1]; expected an object or null."),
    ("dq", f"{NUM}.is_non_negative", "false", f"{NUM_}.is_non_negative is 'false'; expected true or false or null{QUOTED}"),
    ("dq", NUM, {"is_non_negativ": False}, f"{NUM_} has the key 'is_non_negativ'" + TYPO.format("is_non_negative")),
    ("dq", "features.0.completeness", math.nan, "features[0].completeness is NaN; a finite number is needed."),
    ("dq", "features.0.completeness", 1.5, "features[0].completeness is 1.5; expected a number <= 1.0."),
    ("dq", "features.0.completeness", "1.0", "features[0].completeness is '1.0'; expected a number or null."),
    ("dq", D, "Robust", f"{D} is 'Robust'; expected an object or null."),
    ("dq", f"{D}.comparison_threshold", math.inf, f"{D}.comparison_threshold is Infinity; a finite number is needed."),
    ("dq", f"{D}.comparison_method", "Fast", f"{D}.comparison_method is 'Fast'; expected one of {METHODS}."),
    ("dq", f"{D}.categorical_drift_method", "KL", f"{D}.categorical_drift_method is 'KL'; expected one of {DRIFT_METHODS}."),
    ("dq", f"{M}.datatype_check_threshold", "NaN", f"{M}.datatype_check_threshold is 'NaN'; expected a number."),
    ("dq", f"{M}.domain_content_threshold", -math.inf, f"{M}.domain_content_threshold is -Infinity; a finite number is needed."),
    (
        "dq",
        f"{D}.categorical_comparison_threshold",
        math.nan,
        f"{D}.categorical_comparison_threshold is NaN; a finite number is needed.",
    ),
    ("dq", f"{M}.evaluate_constraints", "On", f"{M}.evaluate_constraints is 'On'; expected 'Enabled' or 'Disabled'."),
    ("mon", f"{STR}.domains", 5, f"{STR_}.domains is 5; expected a list or null."),
    ("mon", f"{STR}.domains", "north", f"{STR_}.domains is 'north'; expected a list or null."),
    ("mon", f"{STR}.domains", ["a", 1], f"{STR_}.domains[1] is 1; expected a string."),
    (
        "mon",
        f"{STR}.{OV}",
        [{"emit_metrics": "Disabled"}],
        f"{STR_}.{OV} is [{{'emit_metrics': 'Disabled'}}]; expected an object or null.",
    ),
    ("mon", f"{STR}.{OV}.emit_metrics", "yes", f"{STR_}.{OV}.emit_metrics is 'yes'; expected 'Enabled' or 'Disabled'."),
    ("mon", f"{STR}.monitoringConfigOverrides", {}, f"{STR_} has the key 'monitoringConfigOverrides'" + TYPO.format(OV)),
    ("mon", "Features", [], "(top level) has the key 'Features'" + TYPO.format("features")),
]


@pytest.mark.parametrize(("fixture", "path", "value", "message"), CONSTRAINTS_REFUSED, ids=lambda x: str(x)[:40])
def test_wrong_constraints_are_refused(tmp_path, fixture, path, value, message):
    target = _write(tmp_path, "constraints.json", _edited(FIXTURES[fixture].replace("statistics", "constraints"), path, value))
    assert _refusal(read_constraints, target) == C + message


@pytest.mark.parametrize(("value", "read"), [("NaN", math.nan), ("Infinity", math.inf), ("-Infinity", -math.inf)])
def test_jackson_spellings_of_statistics_read(tmp_path, value, read):
    doc = _edited("data_quality_statistics.json", f"{N}.sum", value)
    moments = read_statistics(_write(tmp_path, "statistics.json", doc)).features[0].profile.moments
    assert math.isnan(moments.sum) if math.isnan(read) else moments.sum == read
    assert moments.mean == 2.31


def test_keys_we_do_not_read_are_ignored(tmp_path):
    doc = _edited("data_quality_constraints.json", "features.0.num_constraints", {"is_non_negative": False, "notes": [1]})
    doc["post_training_bias_metrics"] = {"label": "x"}
    doc["version"] = "1.0"
    constraints, _ = read_constraints(_write(tmp_path, "constraints.json", doc))
    assert constraints.features[0].is_non_negative is False


@pytest.mark.parametrize(
    ("value", "read"), [(True, True), (False, False), (" enabled ", True), ("DISABLED", False), ("false", False)]
)
def test_switches_read_as_before(tmp_path, value, read):
    doc = _edited("data_quality_constraints.json", "monitoring_config.emit_metrics", value)
    constraints, _ = read_constraints(_write(tmp_path, "constraints.json", doc))
    assert constraints.monitoring_config.emit_metrics is read


def test_override_layers_win_key_by_key(tmp_path):
    feature = {
        "name": "a",
        "inferred_type": "String",
        "monitoring_config_overrides": {"evaluate_constraints": "Disabled", "emit_metrics": "Disabled"},
        "monitoringConfigOverrides": {"emit_metrics": "Enabled"},
        "string_constraints": {"monitoring_config_overrides": {"evaluate_constraints": "Enabled"}},
    }
    constraints, _ = read_constraints(_write(tmp_path, "constraints.json", {"features": [feature]}))
    overrides = constraints.features[0].overrides
    assert (overrides.evaluate_constraints, overrides.emit_metrics) == (True, True)


def test_model_quality_constraints(tmp_path):
    rules = read_quality_constraints(AWS / "model_quality_regression_constraints.json", "regression_constraints")
    assert rules[0] == QualityConstraint("mae", 0.5040653554420981, "GreaterThanThreshold")
    assert [r.metric for r in rules] == ["mae", "mse", "rmse", "r2"]
    bad = {"regression_constraints": {"mae": {"threshold": 1, "comparison_operator": "GreaterThanOrEqualToThreshold"}}}
    assert _refusal(
        lambda p: read_quality_constraints(p, "regression_constraints"), _write(tmp_path, "constraints.json", bad)
    ) == (
        C + "regression_constraints.mae.comparison_operator is 'GreaterThanOrEqualToThreshold'; "
        "expected one of 'GreaterThanThreshold', 'LessThanThreshold'."
    )


@pytest.mark.parametrize(
    ("calibration", "read"),
    [(None, None), ({"expected_calibration_error": "NaN"}, None), ({"expected_calibration_error": 0.02}, 0.02)],
)
def test_calibration_error(tmp_path, calibration, read):
    doc = json.loads((AWS / "model_quality_binary_classification_statistics.json").read_text())
    if calibration is not None:
        doc["calibration"] = calibration
    statistics = read_quality_statistics(_write(tmp_path, "statistics.json", doc), "binary_classification_metrics")
    assert statistics.calibration_error == read and statistics.calibration is None


def test_the_spreads_and_count_of_aws_model_quality_statistics():
    doc = json.loads((AWS / "model_quality_binary_classification_statistics.json").read_text())
    statistics = read_quality_statistics(
        AWS / "model_quality_binary_classification_statistics.json", "binary_classification_metrics"
    )
    section = doc["binary_classification_metrics"]
    assert statistics.item_count is None  # AWS's sample has no dataset section
    numbers = {
        k: v["standard_deviation"]
        for k, v in section.items()
        if isinstance(v, dict) and v.get("standard_deviation", "NaN") != "NaN"
    }
    assert statistics.spread == numbers == {"accuracy_best_constant_classifier": 0.2, "auc": 0.1}  # "NaN": not known


BLOCKS = {"lower": [0.1, 0.5], "upper": [0.4, 0.9], "probability": [0.2, 0.7], "count": [10, 20]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, None),
        ({"probability": [0.7, 0.2]}, "calibration.blocks.probability must not decrease with the score"),
        ({"lower": [0.5, 0.1]}, "calibration.blocks must be in increasing score order, each lower <= upper"),
        ({"count": [10]}, "calibration.blocks: a calibration needs one or more blocks"),
        ({"probability": [0.2, 1.5]}, "calibration.blocks.probability[1] is 1.5"),
    ],
)
def test_a_calibration_map_is_read_strictly(tmp_path, change, message):
    doc = {"version": 0.0, "dataset": {"item_count": 30}, "calibration": {"method": "isotonic", "blocks": {**BLOCKS, **change}}}
    path = _write(tmp_path, "statistics.json", doc)
    if message is None:
        calibration = read_quality_statistics(path, "binary_classification_metrics").calibration
        assert calibration is not None and calibration.probability == (0.2, 0.7) and calibration.count == (10, 20)
    else:
        assert message in _refusal(lambda p: read_quality_statistics(p, "binary_classification_metrics"), path)
