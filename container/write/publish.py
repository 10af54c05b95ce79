"""Sending metric records to CloudWatch with ``PutMetricData``, for runs outside SageMaker.

Inside a monitoring schedule SageMaker publishes the metrics file for us; a plain Processing job,
``docker compose`` or a laptop sets env ``cloudwatch_namespace`` instead. The endpoint comes from the
standard ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_CLOUDWATCH`` variables; throttling is retried by
botocore's standard retry mode. A failure is reported, never fatal: the files are already written.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

BATCH = 500  # PutMetricData takes up to 1,000 metrics and 1 MB per call; 500 stays well inside both


def put_metric_data(namespace: str, records: list[dict[str, Any]]) -> str | None:
    """Publish ``records``; return None on success or a one-line reason on failure."""
    import botocore.config
    import botocore.exceptions

    from container.sources import aws_client

    client = aws_client("cloudwatch", config=botocore.config.Config(retries={"mode": "standard"}))
    sent = 0
    try:
        for start in range(0, len(records), BATCH):
            batch = [_api_shape(r) for r in records[start : start + BATCH]]
            client.put_metric_data(Namespace=namespace, MetricData=batch)
            sent += len(batch)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        reason = f"CloudWatch PutMetricData to {namespace!r} failed after {sent} of {len(records)} metrics: {str(exc)[:200]}"
        log.error("%s", reason)
        return reason
    log.info("published %d metrics to CloudWatch namespace %s", sent, namespace)
    return None


def _api_shape(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    out["Timestamp"] = datetime.fromisoformat(record["Timestamp"].replace("Z", "+00:00"))
    return out
