"""The endpoint as a function of rows, against a model served over HTTP on the loopback address as the SageMaker
runtime serves it; every request is checked against botocore's InvokeEndpoint shape by the server."""

from __future__ import annotations

import json

import numpy as np
import pytest

from container.endpoint_model import EndpointModel
from container.endpoint_payloads import ScoreError, request_body, scores
from container.explainability_settings import EndpointSettings, ExplainabilitySettings
from container.steps.attribution_sources import from_endpoint
from tests.model_server import ModelServer, logistic

HEADERS = ("a", "b", "c")
WEIGHTS = [1.5, -2.0, 0.25]


@pytest.fixture
def served(monkeypatch):
    with ModelServer(logistic(WEIGHTS), headers=HEADERS) as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        yield server


def _rows(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 1, (n, 3)).round(4).astype(str).astype(object)


def _expected(rows: np.ndarray) -> np.ndarray:
    return logistic(WEIGHTS)(rows.astype(np.float64))


@pytest.mark.parametrize(
    ("content_type", "accept", "probability", "record"),
    [
        ("text/csv", "text/csv", None, "$features"),
        ("application/json", "application/json", "predictions[*].score", "$features"),
        ("application/json", "application/json", "predictions[*].score", "$features_kvp"),
        ("application/jsonlines", "application/jsonlines", "score", "$features"),
    ],
)
def test_scores_come_back_in_row_order_in_each_format(served, content_type, accept, probability, record):
    settings = EndpointSettings(
        content_type=content_type, accept_type=accept, probability=probability, rows_per_call=7, record_template=record
    )
    model = EndpointModel("churn-endpoint", HEADERS, settings)
    rows = _rows(50)
    assert model.predict(rows) == pytest.approx(_expected(rows), rel=1e-12)
    usage = model.usage()
    assert (usage.calls, usage.rows_sent, usage.failed_calls) == (8, 50, 0)  # ceil(50 / 7) calls
    assert served.invalid == [] and served.names == {"churn-endpoint"}


def test_concurrency_and_the_call_budget_are_bounds(served):
    model = EndpointModel("churn-endpoint", HEADERS, EndpointSettings(rows_per_call=10, concurrency=2, max_calls=5))
    out = model.predict(_rows(100))
    usage = model.usage()
    assert served.most_in_flight <= 2 and served.calls == usage.calls == 5
    assert np.isfinite(out[:50]).sum() == 50 and np.isnan(out[50:]).all()  # calls go out in row order
    assert (usage.rows_sent, usage.rows_not_sent) == (50, 50)


def test_failed_calls_are_retried_then_counted_and_cost_their_rows_only(served):
    served.fail_calls = 2  # the runtime's 500 InternalFailure, which botocore's standard mode retries
    retried = EndpointModel("churn-endpoint", HEADERS, EndpointSettings(rows_per_call=10, concurrency=1, retries=3))
    assert np.isfinite(retried.predict(_rows(30))).all()
    assert served.failed == 2 and retried.usage().failed_calls == 0
    served.fail_calls = 2
    once = EndpointModel("churn-endpoint", HEADERS, EndpointSettings(rows_per_call=10, concurrency=1, retries=0))
    out = once.predict(_rows(30))
    usage = once.usage()
    assert np.isnan(out[:20]).all() and np.isfinite(out[20:]).all()
    assert (usage.calls, usage.failed_calls, usage.rows_failed) == (3, 2, 20)
    assert "InternalFailure" in usage.failures[0] or "500" in usage.failures[0]


def test_an_endpoint_name_the_runtime_refuses_is_a_counted_failure(served):
    model = EndpointModel("not a valid name!", HEADERS, EndpointSettings(retries=0))
    assert np.isnan(model.predict(_rows(3))).all()
    assert model.usage().failed_calls == 1 and served.invalid  # the server saw the request botocore's model refuses


def test_request_bodies_follow_clarifys_templates():
    rows = np.array([["1", "x,y", None], [2.5, "z", "3"]], dtype=object)
    assert request_body(rows, HEADERS, EndpointSettings()) == b'1,"x,y",\n2.5,z,3\n'
    codes = np.array([["007", "-0", "1e3"]], dtype=object)  # text that is not an integer's own spelling stays text
    assert json.loads(request_body(codes, HEADERS, EndpointSettings(content_type="application/json"))) == [["007", "-0", 1000.0]]
    kvp = EndpointSettings(
        content_type="application/json", content_template='{"instances": $records}', record_template="$features_kvp"
    )
    assert json.loads(request_body(rows, HEADERS, kvp)) == {
        "instances": [{"a": 1, "b": "x,y", "c": None}, {"a": 2.5, "b": "z", "c": 3}]
    }
    lines = EndpointSettings(content_type="application/jsonlines", content_template='{"features": $features}')
    assert request_body(rows, HEADERS, lines).decode().splitlines() == [
        '{"features": [1, "x,y", null]}',
        '{"features": [2.5, "z", 3]}',
    ]


def test_answers_that_hold_no_score_per_row_say_why():
    csv = EndpointSettings()
    assert scores(b"0.1,0.9\n0.3,0.7\n", 2, EndpointSettings(probability=1)).tolist() == [0.9, 0.7]
    assert scores(b"0.1,0.2,0.3", 3, csv).tolist() == [0.1, 0.2, 0.3]  # one line, one value per row
    with pytest.raises(ScoreError, match="2 score"):
        scores(b"0.1\n0.2\n", 3, csv)
    as_json = EndpointSettings(content_type="application/json", accept_type="application/json")
    assert scores(b'{"predictions": [0.25, [0.5]]}', 2, as_json).tolist() == [0.25, 0.5]
    with pytest.raises(ScoreError, match=r"set predictor\.probability"):
        scores(b'{"a": 1, "b": [2]}', 1, as_json)
    with pytest.raises(ScoreError, match="not a number"):
        scores(b"high\n", 1, csv)
    # the answer's own content type wins over the one asked for, when it is one we read
    assert scores(b"[0.5, 0.25]", 2, csv, "application/json; charset=utf-8").tolist() == [0.5, 0.25]
    assert scores(b"0.5\n0.25\n", 2, as_json, "text/csv").tolist() == [0.5, 0.25]
    assert scores(b"0.5\n", 1, csv, "text/html").tolist() == [0.5]


def test_the_call_budget_sizes_the_rows_explained_so_that_no_planned_call_is_refused(served):
    settings = ExplainabilitySettings(num_samples=6, endpoint=EndpointSettings(rows_per_call=50, concurrency=2, max_calls=40))
    model = EndpointModel("churn-endpoint", HEADERS, settings.endpoint)
    # 3 features: all 6 coalitions over 5 background rows, then the row: 31 model rows per row explained. Calls of
    # 50 rows, 2 at once: batches of 100 model rows hold 3 rows (93 model rows, 2 calls). The background takes 1
    # call; 39 are left: 19 batches (57 rows, 38 calls), then 1 more row in the last call.
    found = from_endpoint(_rows(100), np.zeros((5, 3)), model, settings)
    assert (found.sampled, found.explained, found.unexplained) == (58, 58, 0)
    assert (found.usage.calls, found.usage.rows_not_sent, found.usage.failed_calls) == (40, 0, 0)
