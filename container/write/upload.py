"""Copying a run's outputs to S3 under ``<report_s3_uri>/yyyy/mm/dd/hh/`` (the hour of ``end_time``), the
layout Model Monitor itself uses, for scheduled Processing jobs that run without Model Monitor."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

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


def upload_reports(uri: str, when: datetime, files: list[Path]) -> str | None:
    """Upload ``files``; None on success, else a one-line reason (the local files stay)."""
    import botocore.exceptions

    bucket, prefix = report_prefix(uri, when)
    s3 = s3_client()
    try:
        for path in files:
            s3.upload_file(str(path), bucket, prefix + path.name)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, OSError) as exc:
        reason = f"reports were not uploaded to s3://{bucket}/{prefix}: {str(exc)[:160]}"
        log.error("%s", reason)
        return reason
    log.info("uploaded %d report file(s) to s3://%s/%s", len(files), bucket, prefix)
    return None
