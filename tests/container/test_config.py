import json

import pytest

from container.errors import ConfigError
from container.settings import ClusterConfig, parse, parse_text


def test_full_config():
    c = parse(
        {
            "columns": {"output": ["score"], "input": ["a", "b"]},
            "payload": {"input_records": "instances", "input_record": "features"},
            "empty_window": "fail",
        },
        source="t",
    )
    assert c.columns.names == ("score", "a", "b")
    assert c.payload.input_records == "instances"
    assert c.empty_window == "fail"


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (
            {"colums": {}},
            "unknown key 'colums'; allowed keys are bias, cluster, columns, drift, empty_window, expectations, explainability, limits, model_quality, multivariate, payload",
        ),
        ({"columns": {"inputs": []}}, "columns: unknown key 'inputs'; allowed keys are input, output"),
        ({"columns": {"input": ["a", "a"]}}, "names 'a' twice"),
        ({"empty_window": "skip"}, "empty_window must be 'complete' or 'fail'. Got 'skip' instead."),
        ({"payload": {"input_records": 3}}, "cfg.json: payload.input_records is 3; expected a string."),
    ],
)
def test_bad_config_is_named(doc, fragment):
    with pytest.raises(ConfigError) as info:
        parse(doc, source="cfg.json")
    assert fragment in str(info.value)


def test_not_json():
    with pytest.raises(ConfigError, match="is not valid JSON"):
        parse_text("{", source="cfg.json")
    assert parse_text(json.dumps({}), source="x").columns.names is None


def test_drift_section_is_layered():
    from analyzers.drift.settings import Correction, Effect

    c = parse(
        {
            "drift": {
                "correction": "holm",
                "level": 0.05,
                "floor": 0.2,
                "numeric": {"effect": "wasserstein"},
                "categorical": {"effect": "psi", "min_samples": 500},
                "features": {"age": {"effect": "js", "floor": 0.3}},
            }
        },
        source="t",
    )
    d = c.drift
    assert d.correction is Correction.HOLM and d.level == 0.05
    assert d.resolve("age", numeric=True) == type(d.resolve("age", numeric=True))(Effect.JS, 0.3, 50)
    assert d.resolve("income", numeric=True).effect is Effect.WASSERSTEIN and d.resolve("income", numeric=True).floor == 0.2
    assert d.resolve("city", numeric=False).min_samples == 500


@pytest.mark.parametrize(
    ("drift", "fragment"),
    [
        ({"correction": "bonferoni"}, "drift.correction must be one of benjamini-hochberg, holm. Got 'bonferoni' instead."),
        ({"level": 1.5}, "drift.level must be a number in (0, 1)"),
        (
            {"numeric": {"effect": "kl"}},
            "The 'effect' parameter of cfg.json: drift.numeric must be one of linf, psi, js, wasserstein. Got 'kl' instead.",
        ),
        (
            {"features": {"age": {"floor": -1}}},
            "The 'floor' parameter of cfg.json: drift.features.age must be a number >= 0. Got -1 instead.",
        ),
        ({"categorical": {"effect": "wasserstein"}}, "cannot be wasserstein"),
        ({"numeric": {"threshold": 0.1}}, "drift.numeric: unknown key 'threshold'; allowed keys are effect, floor, min_samples"),
        ({"min_samples": 0}, "must be an integer >= 1"),
    ],
)
def test_bad_drift_settings_are_named(drift, fragment):
    with pytest.raises(ConfigError) as info:
        parse({"drift": drift}, source="cfg.json")
    assert fragment in str(info.value)


NAN, INF = float("nan"), float("inf")
BIAS = {"label": "y", "label_values_or_threshold": [1], "facet": [{"name_or_index": "sex"}]}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # Lists where one value belongs were an Internal error (unhashable list) before.
        ({"drift": {"correction": ["bh"]}}, "cfg.json: drift.correction is ['bh']; expected a string."),
        ({"drift": {"effect": ["linf"]}}, "cfg.json: drift.effect is ['linf']; expected a string."),
        ({"drift": {"features": ["age"]}}, "cfg.json: drift.features is ['age']; expected an object."),
        ({"drift": {"features": {"age": [{"floor": 1}]}}}, "cfg.json: drift.features.age is [{'floor': 1}]; expected an object."),
        # NaN (which Python's JSON reader accepts) used to switch drift off for the feature.
        (
            {"drift": {"features": {"income": {"floor": NAN}}}},
            "cfg.json: drift.features.income.floor is NaN; a finite number is needed.",
        ),
        ({"drift": {"floor": INF}}, "cfg.json: drift.floor is Infinity; a finite number is needed."),
        ({"drift": {"level": True}}, "cfg.json: drift.level is True; expected a number."),
        ({"drift": {"numeric": {"min_samples": 1.5}}}, "cfg.json: drift.numeric.min_samples is 1.5; expected an integer."),
        (
            {"drift": {"features": {"income": {"flor": 0.1}}}},
            "cfg.json: drift.features.income: unknown key 'flor'; allowed keys are effect, floor, min_samples.",
        ),
        ({"limits": {"bad_record_share": NAN}}, "cfg.json: limits.bad_record_share is NaN; a finite number is needed."),
        ({"limits": {"bad_record_share": "0.1"}}, "cfg.json: limits.bad_record_share is '0.1'; expected a number."),
        ({"limits": {"max_record_bytes": 0}}, "cfg.json: limits.max_record_bytes must be an integer >= 1. Got 0 instead."),
        ({"limits": {"max_nesting_depth": 8.0}}, "cfg.json: limits.max_nesting_depth is 8.0; expected an integer."),
        ({"expectations": {"row_budget": INF}}, "cfg.json: expectations.row_budget is Infinity; expected an integer."),
        ({"columns": {"output": "score"}}, "cfg.json: columns.output is 'score'; expected a list."),
        ({"empty_window": NAN}, "cfg.json: empty_window is NaN; expected a string."),
        ([], "cfg.json: (top level) is []; expected an object."),
    ],
)
def test_wrong_types_name_the_path_and_the_value(doc, expected):
    with pytest.raises(ConfigError) as info:
        parse(doc, source="cfg.json")
    assert str(info.value) == expected


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"calibration_tolerance": "0.05"}, "cfg.json: model_quality.calibration_tolerance is '0.05'; expected a number."),
        ({"calibration_tolerance": NAN}, "cfg.json: model_quality.calibration_tolerance is NaN; a finite number is needed."),
        (
            {"calibration_tolerance": 2},
            "cfg.json: model_quality.calibration_tolerance must be a number in [0, 1], e.g. 0.05. Got 2 instead.",
        ),
        ({"min_labelled": "30"}, "cfg.json: model_quality.min_labelled is '30'; expected an integer."),
        ({"min_labelled": -1}, "cfg.json: model_quality.min_labelled must be an integer >= 0. Got -1 instead."),
        ({"row_budget": 0}, "cfg.json: model_quality.row_budget must be an integer >= 1. Got 0 instead."),
        ({"seed": True}, "cfg.json: model_quality.seed is True; expected an integer."),
        ({"probability_attribute": 0}, "cfg.json: model_quality.probability_attribute is 0; expected a string."),
        (
            {"problem_type": "Binary"},
            "cfg.json: model_quality.problem_type must be one of BinaryClassification, MulticlassClassification, "
            "Regression. Got 'Binary' instead.",
        ),
        (
            {"probability_threshold_attribute": "nan"},
            "cfg.json: model_quality.probability_threshold_attribute must be a number such as 0.5. Got 'nan' instead.",
        ),
        (
            {"probability_threshold_attribute": [0.5]},
            "cfg.json: model_quality.probability_threshold_attribute is [0.5]; expected a number or a string.",
        ),
        (
            {"class_probability_attributes": ["1", "2"]},
            "cfg.json: model_quality.class_probability_attributes is ['1', '2']; expected an object.",
        ),
        (
            {"class_probability_attributes": {"cat": ""}},
            "cfg.json: model_quality.class_probability_attributes maps each class label to its score column, "
            """e.g. {"cat": "1", "dog": "2"}. Got 'cat': ''.""",
        ),
    ],
)
def test_model_quality_values_are_type_checked(section, expected):
    with pytest.raises(ConfigError) as info:
        parse({"model_quality": section}, source="cfg.json")
    assert str(info.value) == expected


def test_model_quality_keeps_the_values_given():
    section = {"problem_type": "BinaryClassification", "min_labelled": 5, "calibration_tolerance": 0, "seed": 3}
    section |= {"probability_threshold_attribute": "0.7", "probability_attribute": "0"}
    assert parse({"model_quality": section}, source="t").model_quality == section
    assert parse({"model_quality": {"row_budget": None}}, source="t").model_quality == {}  # null is absent


@pytest.mark.parametrize(
    ("bias", "expected"),
    [
        (
            {**BIAS, "label_values_or_threshold": [NAN]},
            "cfg.json: bias.label_values_or_threshold[0] is NaN; a finite number is needed.",
        ),
        ({**BIAS, "probability_threshold": INF}, "cfg.json: bias.probability_threshold is Infinity; a finite number is needed."),
        ({**BIAS, "bootstrap": {"confidence": NAN}}, "cfg.json: bias.bootstrap.confidence is NaN; a finite number is needed."),
        (
            {**BIAS, "bootstrap": {"confidence": 1}},
            "cfg.json: bias.bootstrap.confidence must be a number in (0, 1). Got 1 instead.",
        ),
        ({**BIAS, "label": 3}, "cfg.json: bias.label is 3; expected a string."),
        (
            {**BIAS, "label": ""},
            "cfg.json: bias.label must name the label (ground-truth) column, e.g. \"label\". Got '' instead.",
        ),
        ({**BIAS, "row_budget": 0}, "cfg.json: bias.row_budget must be an integer >= 1. Got 0 instead."),
        ({**BIAS, "features": ["age", "age"]}, "cfg.json: bias.features names 'age' twice; column names must be unique."),
        (
            {**BIAS, "facet": [{"name_or_index": "sex", "value_or_threshold": [{"F": 1}]}]},
            "cfg.json: bias.facet[0].value_or_threshold[0] is {'F': 1}; expected true or false or a number or a string.",
        ),
        (
            {**BIAS, "facet": [{"name_or_index": "sex", "values": ["F"]}]},
            "cfg.json: bias.facet[0]: unknown key 'values'; allowed keys are name_or_index, value_or_threshold.",
        ),
        ({"label": "y", "facet": []}, "cfg.json: bias lacks the required key 'label_values_or_threshold'; add it."),
        # An empty value matches nothing (empty is missing) and became an empty CloudWatch dimension.
        (
            {**BIAS, "facet": [{"name_or_index": "sex", "value_or_threshold": ["F", ""]}]},
            "cfg.json: bias.facet[0].value_or_threshold[1] is ''; an empty value never matches (empty is missing): remove it.",
        ),
        (
            {**BIAS, "label_values_or_threshold": [""]},
            "cfg.json: bias.label_values_or_threshold[0] is ''; an empty value never matches (empty is missing): remove it.",
        ),
    ],
)
def test_bias_section_names_the_path(bias, expected):
    with pytest.raises(ConfigError) as info:
        parse({"bias": bias}, source="cfg.json")
    assert str(info.value) == expected


def test_nan_in_the_text_is_refused_where_it_sits():
    with pytest.raises(ConfigError) as info:
        parse_text('{"drift": {"features": {"income": {"floor": NaN}}}}', source="analysis_config cfg.json")
    assert str(info.value) == "analysis_config cfg.json: drift.features.income.floor is NaN; a finite number is needed."
    with pytest.raises(ConfigError) as info:
        parse_text('{"limits": {"bad_record_share": -Infinity}}', source="analysis_config cfg.json")
    assert str(info.value) == "analysis_config cfg.json: limits.bad_record_share is -Infinity; a finite number is needed."


def test_valid_values_keep_their_meaning():
    c = parse(
        {"drift": {"level": 0.01, "floor": 0, "features": {"age": {"floor": 1}}}, "limits": {"bad_record_share": 1}},
        source="t",
    )
    assert c.drift.level == 0.01 and c.drift.default.floor == 0.0 and dict(c.drift.features)["age"].floor == 1.0
    assert c.limits.bad_record_share == 1.0 and isinstance(c.limits.bad_record_share, float)
    assert parse({"drift": None, "columns": None}, source="t").drift is None  # null is absent
    assert parse({"drift": {}}, source="t").drift is not None  # an empty section switches drift on


def test_cluster_settings_and_their_defaults():
    assert parse({}, source="c").cluster == ClusterConfig(8786, None, None, 120.0)
    given = {"scheduler_port": 9786, "worker_ports": "9000:9099", "nanny_ports": "9100:9199", "join_timeout_s": 30}
    assert parse({"cluster": given}, source="c").cluster == ClusterConfig(9786, "9000:9099", "9100:9199", 30.0)


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        ({"scheduler_port": 80}, "c: cluster.scheduler_port must be a port in [1024, 65535], e.g. 8786. Got 80 instead."),
        (
            {"worker_ports": "9100:9000"},
            "c: cluster.worker_ports must be a port range 'low:high' within [1024, 65535], e.g. '9000:9099'. Got '9100:9000' instead.",
        ),
        ({"join_timeout_s": 0}, "c: cluster.join_timeout_s must be a number of seconds in [1, 3600], e.g. 120. Got 0.0 instead."),
        (
            {"workers": 3},
            "c: cluster: unknown key 'workers'; allowed keys are join_timeout_s, nanny_ports, scheduler_port, worker_ports.",
        ),
    ],
)
def test_bad_cluster_settings_are_named(cluster, expected):
    with pytest.raises(ConfigError) as caught:
        parse({"cluster": cluster}, source="c")
    assert str(caught.value) == expected


def test_multivariate_settings_and_their_defaults():
    from analyzers.multivariate.settings import MultivariateSettings

    assert parse({"multivariate": {}}, source="t").multivariate == MultivariateSettings()
    assert parse({}, source="t").multivariate is None
    chosen = parse({"multivariate": {"level": 0.01, "classifier": False, "features": ["a", "b"]}}, source="t").multivariate
    assert (chosen.level, chosen.classifier, chosen.reconstruction, chosen.features) == (0.01, False, True, ("a", "b"))


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"level": 0.7}, "cfg.json: multivariate.level must be in [1e-09, 0.5], e.g. 0.002. Got 0.7 instead."),
        ({"folds": 1}, "multivariate.folds must be in [2, 20], e.g. 3. Got 1 instead."),
        ({"auc_floor": 0.4}, "multivariate.auc_floor must be in [0.5, 1], e.g. 0.55. Got 0.4 instead."),
        ({"reconstruction": False, "classifier": False}, "turns both methods off"),
        ({"features": ["a", "a"]}, "names 'a' twice"),
        ({"variance": 0.9}, "multivariate: unknown key 'variance'"),
        ({"row_budget": "many"}, "multivariate.row_budget is 'many'; expected an integer"),
    ],
)
def test_bad_multivariate_settings_are_named(section, expected):
    with pytest.raises(ConfigError) as info:
        parse({"multivariate": section}, source="cfg.json")
    assert expected in str(info.value)
