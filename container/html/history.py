"""Past runs of a schedule, for the trend page: a local folder of run folders, or ``report_s3_uri``'s hours.

A run is a folder holding a ``statistics.json`` or a ``constraint_violations.json``; its label is its path
under the history root (``2024/01/19/20`` in the hour layout the job uploads to, container/write/upload.py).
From S3 only the documents the trend reads are fetched, for the last ``limit`` hours, into a local folder.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from container.contract import BIAS_REPORT_FILE, DRIFT_REPORT_FILE, STATISTICS_FILE, VIOLATIONS_FILE
from container.errors import ConfigError
from container.sources import S3Uri, is_s3, s3_client

log = logging.getLogger(__name__)

DOCUMENTS = (STATISTICS_FILE, VIOLATIONS_FILE, DRIFT_REPORT_FILE, BIAS_REPORT_FILE)
_HOUR = re.compile(r"^(\d{4}/\d{2}/\d{2}/\d{2})/([^/]+)$")


def runs(history: str, scratch: Path, limit: int) -> list[tuple[str, Path]]:
    """The last ``limit`` runs as (label, folder), oldest first."""
    if is_s3(history):
        return _local(_fetch(history, scratch, limit), limit)
    root = Path(history)
    if not root.is_dir():
        raise ConfigError(
            f"report history {history!r} is not a folder; give the folder of past runs' outputs or an s3:// prefix."
        )
    return _local(root, limit)


def _local(root: Path, limit: int) -> list[tuple[str, Path]]:
    folders = {p.parent for name in (STATISTICS_FILE, VIOLATIONS_FILE) for p in root.rglob(name)}
    found = sorted((folder.relative_to(root).as_posix() or ".", folder) for folder in folders)
    return found[-limit:] if limit else found


def _fetch(uri: str, scratch: Path, limit: int) -> Path:
    import botocore.exceptions

    where = S3Uri.parse(uri)
    prefix = where.key.rstrip("/") + "/" if where.key else ""
    s3 = s3_client()
    hours: dict[str, list[str]] = {}
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=where.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                match = _HOUR.match(item["Key"][len(prefix) :])
                if match and match.group(2) in DOCUMENTS:
                    hours.setdefault(match.group(1), []).append(item["Key"])
        kept = sorted(hours)[-limit:] if limit else sorted(hours)
        for hour in kept:
            for key in hours[hour]:
                target = scratch / hour / key.rsplit("/", 1)[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(where.bucket, key, str(target))
    except botocore.exceptions.ClientError as exc:
        raise ConfigError(
            f"report history {uri!r} cannot be read ({exc.response.get('Error', {}).get('Code', exc)}); check the prefix "
            "and that the role may s3:ListBucket and s3:GetObject there."
        ) from None
    log.info("fetched %d past run(s) from %s", len(kept), uri)
    return scratch
