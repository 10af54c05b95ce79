"""The settings documents a job reads before any data (analysis config, Clarify bias config, expectation
suite): every wrong type or value ends the job as a ClientError naming the file, the path and the value."""

from __future__ import annotations

import json

import pytest

from analyzers.types import InferredType
from container.contract import from_env
from container.errors import ConfigError
from container.jobs.inputs import bias_config
from container.settings import AnalysisConfig, suite_source
from container.sources import read_text
from container.steps.expectations import check_document, load_suite

NAN = float("nan")
BIAS = {"label": "y", "label_values_or_threshold": [1], "facet": [{"name_or_index": "sex", "value_or_threshold": ["F"]}]}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"start_time": "0001-01-01T00:00:00+01:00"},
            "start_time='0001-01-01T00:00:00+01:00' lies outside the years 1 to 9999 once converted to UTC; "
            "use a time such as 2024-01-19T19:00:00Z.",
        ),
        (
            {"end_time": "2024-01-01T00:00:00Z", "analysis_window": "P9999999999D"},
            "analysis_window='P9999999999D' reaches back before the year 1 from end_time='2024-01-01T00:00:00Z'; "
            "use a duration such as PT1H or P1D.",
        ),
        (
            {"dataset_format": '{"sagemakerCaptureJson": {"captureIndexNames": 5}}'},
            "dataset_format: sagemakerCaptureJson.captureIndexNames is 5; expected a list of endpointInput and/or endpointOutput.",
        ),
    ],
)
def test_formerly_internal_errors_end_as_client_errors(tmp_path, env, expected):
    from container.__main__ import EXIT_CLIENT_ERROR, main

    assert main({"SAGEMAKER_BASE_DIR": str(tmp_path), **env}) == EXIT_CLIENT_ERROR
    assert (tmp_path / "output" / "message").read_text() == f"ClientError: {expected}"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"drift": {"correction": ["bh"]}}, "drift.correction is ['bh']; expected a string."),
        ({"drift": {"features": ["income"]}}, "drift.features is ['income']; expected an object."),
        ({"drift": {"features": {"income": {"floor": NAN}}}}, "drift.features.income.floor is NaN; a finite number is needed."),
    ],
)
def test_analysis_config_file_errors_name_the_file(tmp_path, document, expected):
    from container.__main__ import EXIT_CLIENT_ERROR, main

    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(document))  # json writes NaN as NaN, as a careless tool would
    assert main({"SAGEMAKER_BASE_DIR": str(tmp_path), "analysis_config": str(path)}) == EXIT_CLIENT_ERROR
    assert (tmp_path / "output" / "message").read_text() == f"ClientError: analysis_config {path}: {expected}"


def _clarify(tmp_path, text):
    path = tmp_path / "analysis_config.json"
    path.write_text(text)
    contract = from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), "bias_config": str(path)})
    return path, lambda: bias_config(contract, AnalysisConfig())


def test_clarify_file_keeps_clarify_keys_out_of_the_way(tmp_path):
    clarify = {**BIAS, "features": "data.features", "methods": {"post_training_bias": {}}, "headers": ["y", "sex"]}
    _, read = _clarify(tmp_path, json.dumps(clarify))
    config = read()
    assert (config.label, config.label_values, config.features) == ("y", (1,), None)
    assert config.facets[0].values == ("F",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps({**BIAS, "label": 3}), "{path}: label is 3; expected a string."),
        (
            json.dumps({**BIAS, "label_values_or_threshold": [NAN]}),
            "{path}: label_values_or_threshold[0] is NaN; a finite number is needed.",
        ),
        (json.dumps({**BIAS, "probability_threshold": "0.5"}), "{path}: probability_threshold is '0.5'; expected a number."),
        (json.dumps({**BIAS, "facet": "sex"}), "{path}: facet is 'sex'; expected a list."),
        (json.dumps({**BIAS, "bootstrap": {"seed": -1}}), "{path}: bootstrap.seed must be an integer >= 0. Got -1 instead."),
        ("{", "{path} is not valid JSON (Expecting property name enclosed in double quotes, line 1); fix the file."),
    ],
)
def test_clarify_file_errors_name_the_file_and_path(tmp_path, text, expected):
    path, read = _clarify(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read()
    assert str(info.value) == expected.format(path=f"bias_config {path}")


SUITE = "expectation suite 's.json'"


@pytest.mark.parametrize(
    ("suite", "expected"),
    [
        ([], f'{SUITE}: the expectation suite must be a JSON object with an "expectations" list (GE 1.x suite JSON).'),
        # A column given as a list was an Internal error (unhashable) in the column check before.
        (
            {"expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": ["age"]}}]},
            f"{SUITE}: expectations[0].kwargs.column is ['age']; expected a string or null.",
        ),
        ({"expectations": [{"type": 5, "kwargs": {}}]}, f"{SUITE}: expectations[0].type is 5; expected a string."),
        (
            {"expectations": [{"type": "expect_table_row_count_to_be_between"}]},
            f"{SUITE}: expectations[0] lacks the required key 'kwargs'; add it.",
        ),
        (
            {"expectations": ["expect_column_to_exist"]},
            f"{SUITE}: expectations[0] is 'expect_column_to_exist'; expected an object.",
        ),
        # Keys GE's ExpectationSuite does not take made validation fail after the whole window was read.
        (
            {"name": "s", "owner": "me", "expectations": []},
            f"{SUITE}: (top level) has an unknown key 'owner'; remove or correct it.",
        ),
        ({"name": "", "expectations": []}, f"{SUITE}: name is ''; expected a string of length >= 1."),
        ({"meta": "x", "expectations": []}, f"{SUITE}: meta is 'x'; expected an object or null."),
        (
            {"expectation_suite_name": "s", "expectations": []},
            f"{SUITE} is a Great Expectations 0.x suite (it has 'expectation_suite_name'); GE 1.x names the suite 'name' "
            "and each expectation's 'expectation_type' 'type': rename those keys.",
        ),
        (
            {"expectations": [{"expectation_type": "expect_column_to_exist", "kwargs": {"column": "age"}}]},
            f"{SUITE}: expectations[0] has the GE 0.x key 'expectation_type'; GE 1.x names the suite 'name' "
            "and each expectation's 'expectation_type' 'type': rename those keys.",
        ),
        # NaN as a bound makes every comparison false: a silently wrong expectation.
        (
            {"expectations": [{"type": "expect_column_values_to_be_between", "kwargs": {"column": "age", "max_value": NAN}}]},
            f"{SUITE}: expectations[0].kwargs.max_value is NaN; a finite number is needed (JSON has no NaN or Infinity).",
        ),
    ],
)
def test_suite_document_is_checked(suite, expected):
    with pytest.raises(ConfigError) as info:
        check_document(suite, source=SUITE)
    assert str(info.value) == expected


def test_suite_from_a_file(tmp_path):
    suite = {"name": "s", "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "age"}}]}
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(suite))
    contract = from_env({"SAGEMAKER_BASE_DIR": str(tmp_path), "expectation_suite": str(path)})
    assert load_suite(suite_source(contract, AnalysisConfig()), {"age": InferredType.INTEGRAL}).suite == suite
    path.write_text('{"expectations": [}')
    with pytest.raises(ConfigError) as info:
        load_suite(suite_source(contract, AnalysisConfig()), {"age": InferredType.INTEGRAL})
    assert str(info.value) == f"expectation suite {str(path)!r} is not valid JSON (Expecting value, line 1); fix the file."


def test_unreadable_settings_name_the_setting(tmp_path):
    from container.settings import ExpectationsConfig

    missing = str(tmp_path / "nope.json")
    config = AnalysisConfig(expectations=ExpectationsConfig(suite=missing))
    with pytest.raises(ConfigError) as info:
        load_suite(suite_source(from_env({"SAGEMAKER_BASE_DIR": str(tmp_path)}), config), {"age": InferredType.INTEGRAL})
    assert str(info.value) == f"expectations.suite={missing!r} cannot be read (FileNotFoundError); check the path."
    with pytest.raises(ConfigError) as info:
        read_text("bias_config", "s3://bucket-only")
    assert str(info.value) == "bias_config='s3://bucket-only' is not an s3://bucket/key URI."
