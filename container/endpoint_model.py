"""A model endpoint as a function of rows: SageMaker runtime ``InvokeEndpoint`` calls, bounded and counted.

Rows go out ``rows_per_call`` at a time (fewer when a body would pass the runtime's 6 MB limit), at most
``concurrency`` calls at once; botocore retries a throttled or failed call up to ``retries`` times (its
standard mode, with backoff). Past ``max_calls`` calls or ``time_limit_s`` seconds no call is made. A call
that fails for good, or whose answer holds no score per row, costs its rows only: they come back NaN, and
``EndpointUsage`` counts calls, rows and failures (with the first few reasons) for the report. Nothing here
raises for the endpoint's sake: the step decides what a share of failures means.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from container.endpoint_payloads import ScoreError, request_body, scores
from container.explainability_settings import JSON, EndpointSettings
from container.sources import aws_client

log = logging.getLogger(__name__)

MAX_BODY = 5 << 20  # InvokeEndpoint takes up to 6 MB; the margin is for headers and encoding
EXAMPLES = 3
CALL_TIMEOUT_S = 70  # the runtime answers or times out a call within 60 s


@dataclass(frozen=True, slots=True)
class EndpointUsage:
    endpoint: str
    calls: int
    failed_calls: int
    rows_sent: int
    rows_failed: int  # in failed calls
    rows_not_sent: int  # past the call budget or the time limit
    seconds: float
    failures: tuple[str, ...]  # the first few reasons


class EndpointModel:
    def __init__(self, name: str, headers: tuple[str, ...], settings: EndpointSettings) -> None:
        self.name = name
        self.headers = headers
        self.settings = settings
        self.sagemaker_runtime = runtime_client(settings)
        self.rows_per_call = 1 if _one_record_per_call(settings) else settings.rows_per_call
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._calls = self._failed_calls = self._rows_sent = self._rows_failed = self._rows_not_sent = 0
        self._failures: list[str] = []

    def calls_for(self, rows: int) -> int:
        """Calls that ``rows`` rows take (when no body is too large)."""
        return -(-rows // self.rows_per_call)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """One score per row; NaN where the call failed or was not made."""
        chunks = [rows[i : i + self.rows_per_call] for i in range(0, len(rows), self.rows_per_call)]
        pool = ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix="invoke-endpoint")
        try:
            parts = list(pool.map(self._score, chunks))
        finally:
            # A stop (SIGTERM) raised while waiting: no queued call starts; calls in flight end by their timeout.
            pool.shutdown(wait=False, cancel_futures=True)
        return np.concatenate(parts) if parts else np.zeros(0)

    def usage(self) -> EndpointUsage:
        with self._lock:
            return EndpointUsage(
                endpoint=self.name,
                calls=self._calls,
                failed_calls=self._failed_calls,
                rows_sent=self._rows_sent,
                rows_failed=self._rows_failed,
                rows_not_sent=self._rows_not_sent,
                seconds=round(time.monotonic() - self._started, 3),
                failures=tuple(self._failures),
            )

    def _score(self, rows: np.ndarray) -> np.ndarray:
        try:
            body = request_body(rows, self.headers, self.settings)
        except ValueError as exc:  # a value JSON cannot hold
            return self._failed(len(rows), f"rows cannot be sent as {self.settings.content_type}: {exc}", called=False)
        if len(body) > MAX_BODY and len(rows) > 1:  # halve until each body fits
            half = len(rows) // 2
            return np.concatenate([self._score(rows[:half]), self._score(rows[half:])])
        if not self._may_call(len(rows)):
            return np.full(len(rows), np.nan)
        try:
            answer = self.sagemaker_runtime.invoke_endpoint(
                EndpointName=self.name, Body=body, ContentType=self.settings.content_type, Accept=self.settings.accept_type
            )
            return scores(answer["Body"].read(), len(rows), self.settings, answer.get("ContentType"))
        except ScoreError as exc:
            return self._failed(len(rows), f"the endpoint's answer has no score per row: {exc}")
        except Exception as exc:  # noqa: BLE001 - botocore's ClientError, BotoCoreError, a socket error: this call's rows only
            return self._failed(len(rows), f"{type(exc).__name__}: {str(exc)[:200]}")

    def _may_call(self, rows: int) -> bool:
        with self._lock:
            late = time.monotonic() - self._started > self.settings.time_limit_s
            if late or self._calls >= self.settings.max_calls:
                self._rows_not_sent += rows
                return False
            self._calls += 1
            self._rows_sent += rows
            return True

    def _failed(self, rows: int, reason: str, called: bool = True) -> np.ndarray:
        with self._lock:
            self._failed_calls += called
            self._rows_failed += rows
            if len(self._failures) < EXAMPLES:
                self._failures.append(reason)
        return np.full(rows, np.nan)


def runtime_client(settings: EndpointSettings) -> Any:
    """The SageMaker runtime client: botocore's standard retries, a connection per concurrent call. Without any
    AWS credentials (a model served locally, ``AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`` pointing at it) the calls go
    unsigned, and the log says so; the real runtime refuses unsigned calls, which then count as failures."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    unsigned = boto3.Session().get_credentials() is None
    if unsigned:
        log.warning("no AWS credentials found: endpoint calls are sent unsigned (fine for a local model server)")
    config = Config(
        retries={"total_max_attempts": settings.retries + 1, "mode": "standard"},
        max_pool_connections=settings.concurrency,
        connect_timeout=10,
        read_timeout=CALL_TIMEOUT_S,
        **({"signature_version": UNSIGNED} if unsigned else {}),
    )
    return aws_client("sagemaker-runtime", config=config)


def _one_record_per_call(settings: EndpointSettings) -> bool:
    template = settings.content_template
    return settings.content_type == JSON and template is not None and "$records" not in template
