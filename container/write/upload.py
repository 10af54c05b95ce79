"""Copying a run's outputs to S3 under ``<report_s3_uri>/yyyy/mm/dd/hh/`` (the hour of ``end_time``), the
layout Model Monitor itself uses, for scheduled Processing jobs that run without Model Monitor."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from container.errors import ConfigError
from container.sources import S3Uri, s3_client

log = logging.getLogger(__name__)


def report_prefix(uri: str, when: datetime) -> tuple[str, str]:
    """Bucket and key prefix of a run's reports.

    >>> from datetime import UTC
    >>> report_prefix("s3://b/reports/ep/sched/", datetime(2024, 1, 19, 20, tzinfo=UTC))
    ('b', 'reports/ep/sched/2024/01/19/20/')
    """
    where = S3Uri.parse(uri)
    return where.bucket, f"{S3Uri(where.bucket, where.key.rstrip('/')).folder}{when:%Y/%m/%d/%H}/"


def upload_reports(uri: str, when: datetime, files: list[Path], root: Path | None = None) -> None:
    """Upload ``files`` (keyed by their path under ``root``, else by name); a failure is a ``ConfigError`` naming
    the place and the fix (the local files stay)."""
    import boto3.exceptions
    import botocore.exceptions

    bucket, prefix = report_prefix(uri, when)
    s3 = s3_client()
    try:
        for path in files:
            s3.upload_file(str(path), bucket, prefix + (path.relative_to(root).as_posix() if root else path.name))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, boto3.exceptions.S3UploadFailedError) as exc:
        raise ConfigError(
            f"report_s3_uri={uri!r}: the reports were not uploaded to s3://{bucket}/{prefix} ({_reason(exc)}); "
            "check that the bucket exists and that the job's role may s3:PutObject under that prefix."
        ) from None
    log.info("uploaded %d report file(s) to s3://%s/%s", len(files), bucket, prefix)


def _reason(exc: Exception) -> str:
    """The service's own words (boto3's upload error puts the local path first, which says nothing)."""
    text = str(exc)
    start = text.find("An error occurred")
    return (text[start:] if start >= 0 else text)[:200]


MESSAGE_KEY = "message"  # the status message, next to the reports: `fleet.py runs` reads it, failed runs included


def share_message(uri: str, when: datetime, text: str) -> None:
    """Put the status message under the run's report prefix. Best effort: the job's outcome is already decided
    and its exit code stands, so a failure here is logged, not raised."""
    import boto3.exceptions
    import botocore.exceptions

    bucket, prefix = report_prefix(uri, when)
    try:
        s3_client().put_object(Bucket=bucket, Key=prefix + MESSAGE_KEY, Body=text.encode("utf-8"))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, boto3.exceptions.Boto3Error, ConfigError) as exc:
        log.warning("the status message was not put next to the reports at s3://%s/%s: %s", bucket, prefix, _reason(exc))
