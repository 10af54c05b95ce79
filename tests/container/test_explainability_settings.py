"""The feature-attribution settings: Clarify's keys with Clarify's meaning, ours checked, every mistake named."""

from __future__ import annotations

import pytest

from container.errors import ConfigError
from container.explainability_settings import parse_clarify_explainability
from container.settings import parse


def _section(**keys):
    return parse({"explainability": keys}, source="cfg.json").explainability


def test_clarifys_keys_and_ours_are_read():
    settings = _section(
        headers=["label", "a", "b"],
        label="label",
        methods={"shap": {"baseline": [[1, "x"]], "num_samples": 100, "agg_method": "median", "use_logit": True}},
        predictor={"endpoint_name": "shadow", "content_type": "application/jsonlines", "probability": "score"},
        max_calls=10,
        bootstrap={"confidence": 0.9},
    )
    assert (settings.headers, settings.label, settings.background) == (("label", "a", "b"), "label", ((1, "x"),))
    assert (settings.num_samples, settings.agg_method, settings.link, settings.confidence) == (100, "median", "logit", 0.9)
    endpoint = settings.endpoint
    assert (endpoint.name, endpoint.content_type, endpoint.accept_type, endpoint.probability) == (
        "shadow",
        "application/jsonlines",
        "application/jsonlines",  # Clarify: accept_type defaults to content_type
        "score",
    )
    assert endpoint.max_calls == 10 and endpoint.rows_per_call == 500


def test_a_clarify_file_keeps_clarifys_other_keys_to_itself():
    clarify = {
        "version": "1.0",
        "dataset_type": "text/csv",
        "headers": ["a", "b"],
        "methods": {"shap": {"num_samples": 50, "save_local_shap_values": False}, "report": {"name": "r"}, "pdp": {}},
        "predictor": {"endpoint_name": "ep", "instance_type": "ml.m5.xlarge", "endpoint_name_prefix": "x"},
    }
    settings = parse_clarify_explainability(clarify, source="clarify.json")
    assert settings.headers == ("a", "b") and settings.num_samples == 50 and settings.endpoint.name == "ep"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"source": "model"}, "explainability.source must be one of endpoint, capture. Got 'model'"),
        ({"source": "capture"}, "explainability.attributions must name where the model's output holds"),
        ({"methods": {"shap": {"agg_method": "max"}}}, "agg_method must be one of mean_abs, median, mean_sq"),
        ({"methods": {"shap": {"num_samples": 1}}}, "methods.shap.num_samples must be an integer >= 2"),
        ({"methods": {"shap": {"baseline": [[1, 2], [3]]}}}, "rows of one width"),
        ({"predictor": {"model_name": "m"}}, "does not create"),
        ({"predictor": {"content_type": "text/plain"}}, "predictor.content_type must be one of text/csv"),
        ({"predictor": {"accept_type": "application/json", "probability": 1}}, "a column index (>= 0) is for text/csv"),
        ({"predictor": {"label_headers": ["a", "b"]}}, "names 2 outputs; one output"),
        ({"predictor": {"record_template": "$row"}}, "record_template must be"),
        ({"threshold": 1.5}, "threshold must be a number in (0, 1]"),
        ({"bootstrap": {"confidence": 1}}, "bootstrap.confidence must be a number in (0, 1)"),
        ({"time_limit_s": 0}, "time_limit_s must be a number of seconds > 0"),
        ({"headers": ["a", "a"]}, "names 'a' twice"),
        ({"predictor": {"endpoint": "x"}}, "unknown key 'endpoint'"),
    ],
)
def test_mistakes_are_named_with_the_fix(keys, message):
    with pytest.raises(ConfigError) as raised:
        _section(**keys)
    assert message in str(raised.value) and str(raised.value).startswith("cfg.json: explainability.")
