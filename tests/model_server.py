"""A model served over HTTP on 127.0.0.1 as the SageMaker runtime serves it: ``POST /endpoints/<name>/invocations``.

The container's boto3 client is pointed at it with ``AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME``. Each request is checked
against botocore's ``InvokeEndpoint`` input shape (lengths, patterns, enums), so a request the real runtime would
refuse fails the test here too; a refused request is answered as the runtime answers (400, ValidationError).
Bodies are read as the runtime's containers read them: ``text/csv`` lines, ``application/json``
(``{"instances": [...]}`` or a list of rows; rows as lists or objects), ``application/jsonlines``. The answer holds
one score per row in the ``Accept`` type. ``model`` can be swapped while serving, and ``fail_calls`` makes the next
calls fail with the runtime's 500 ``InternalFailure`` (which botocore retries).
"""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

from tests.botocore_model import request_errors

Model = Callable[[np.ndarray], np.ndarray]


def logistic(weights: list[float], bias: float = 0.0) -> Model:
    w = np.asarray(weights, dtype=np.float64)
    return lambda rows: 1 / (1 + np.exp(-(rows @ w + bias)))


class ModelServer:
    def __init__(self, model: Model, headers: tuple[str, ...] = ()) -> None:
        self.model = model
        self.headers = headers  # the order of the features in object records ($features_kvp)
        self.calls = 0
        self.rows = 0
        self.fail_calls = 0
        self.failed = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.invalid: list[str] = []
        self.names: set[str] = set()
        self.signed = self.unsigned = 0  # requests with and without a SigV4 Authorization header
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self, credentials: bool = True) -> dict[str, str]:
        """What a process needs to call this server through boto3 (without ``credentials``: none at all, and no
        instance metadata to look them up in)."""
        env = {"AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": self.url, "AWS_REGION": "us-east-1"}
        if credentials:
            return env | {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        return env | {
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, name: str, body: bytes, content_type: str, accept: str) -> tuple[int, bytes, str]:
        errors = request_errors(
            "sagemaker-runtime",
            "InvokeEndpoint",
            {"EndpointName": name, "Body": body, "ContentType": content_type, "Accept": accept},
        )
        with self._lock:
            self.names.add(name)
            if errors:
                self.invalid.extend(errors)
                return 400, json.dumps({"__type": "ValidationError", "message": errors[0]}).encode(), "application/json"
            if self.fail_calls > 0:
                self.fail_calls -= 1
                self.failed += 1
                return 500, json.dumps({"__type": "InternalFailure", "message": "injected"}).encode(), "application/json"
        rows = self._rows(body.decode("utf-8"), content_type)
        scores = self.model(rows)
        with self._lock:
            self.calls += 1
            self.rows += len(rows)
        return 200, _encode(scores, accept), accept

    def _rows(self, text: str, content_type: str) -> np.ndarray:
        if content_type == "text/csv":
            return np.array([[float(v) for v in row] for row in csv.reader(io.StringIO(text)) if row])
        if content_type == "application/jsonlines":
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            value = json.loads(text)
            records = value["instances"] if isinstance(value, dict) else value
        records = [r.get("features", r) if isinstance(r, dict) and "features" in r else r for r in records]
        return np.array([[float(r[h]) for h in self.headers] if isinstance(r, dict) else [float(v) for v in r] for r in records])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = self.path.strip("/").split("/")
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with server._lock:
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                try:
                    if len(parts) != 3 or parts[0] != "endpoints" or parts[2] != "invocations":
                        status, out, kind = 404, b'{"__type": "UnknownOperationException"}', "application/json"
                    else:
                        with server._lock:
                            if self.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"):
                                server.signed += 1
                            else:
                                server.unsigned += 1
                        name = urllib.parse.unquote(parts[1])
                        status, out, kind = server.answer(
                            name, body, self.headers.get("Content-Type", ""), self.headers.get("Accept", "")
                        )
                finally:
                    with server._lock:
                        server.in_flight -= 1
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def _encode(scores: np.ndarray, accept: str) -> bytes:
    if accept == "text/csv":
        return "".join(f"{float(s)!r}\n" for s in scores).encode()
    if accept == "application/jsonlines":
        return "".join(json.dumps({"score": float(s)}) + "\n" for s in scores).encode()
    return json.dumps({"predictions": [{"score": float(s)} for s in scores]}).encode()
