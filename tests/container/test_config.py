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
        ({"colums": {}}, "unknown key 'colums'; allowed keys are columns, empty_window, payload"),
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
