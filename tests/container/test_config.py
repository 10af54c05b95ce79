import json

import pytest

from container.config import parse, parse_text
from container.errors import ConfigError


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
            "unknown key 'colums'; allowed keys are bias, columns, drift, empty_window, expectations, limits, model_quality, payload",
        ),
        ({"columns": {"inputs": []}}, "columns: unknown key 'inputs'; allowed keys are input, output"),
        ({"columns": {"input": ["a", "a"]}}, "names 'a' twice"),
        ({"empty_window": "skip"}, "empty_window must be 'complete' or 'fail'. Got 'skip' instead."),
        ({"payload": {"input_records": 3}}, "payload.input_records must be a non-empty string"),
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
