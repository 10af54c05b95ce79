"""Recent runs of an endpoint, read from the reports' S3 layout ``<reports>/<endpoint>/<schedule>/yyyy/mm/dd/hh/``.

Every run puts its status message there (``message``), failed runs included, and a completed monitoring run
its ``constraint_violations.json``: so a run that failed shows as failed, with its message, not as missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MESSAGE_KEY = "message"  # what the container's share_message writes
VIOLATIONS_KEY = "constraint_violations.json"


@dataclass(frozen=True, slots=True)
class Run:
    hour: str  # yyyy/mm/dd/hh
    status: str  # the message's first word: Completed, CompletedWithViolations, ClientError, Internal error...
    violations: int | None
    message: str | None = None  # the status message, for a run that did not complete


def list_runs(s3: Any, reports_s3_uri: str, endpoint: str, schedule: str, last: int = 24) -> list[Run]:
    bucket, _, prefix = reports_s3_uri.removeprefix("s3://").partition("/")
    base = f"{prefix.rstrip('/') + '/' if prefix else ''}{endpoint}/{schedule}/"
    keys = {
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base)
        for item in page.get("Contents", [])
    }
    hours = sorted({key[len(base) :].rsplit("/", 1)[0] for key in keys if key.count("/") - base.count("/") == 4})
    return [_run(s3, bucket, f"{base}{hour}/", hour, keys) for hour in hours[-last:]]


def _run(s3: Any, bucket: str, folder: str, hour: str, keys: set[str]) -> Run:
    def read(name: str) -> bytes:
        return bytes(s3.get_object(Bucket=bucket, Key=folder + name)["Body"].read())

    violations = None
    if folder + VIOLATIONS_KEY in keys:
        violations = len(json.loads(read(VIOLATIONS_KEY)).get("violations", []))
    if folder + MESSAGE_KEY in keys:
        message = read(MESSAGE_KEY).decode("utf-8", errors="replace")
        status = message.split(":", 1)[0]
        completed = status.startswith("Completed")
        return Run(hour, status, violations, None if completed else message)
    if violations is None:
        return Run(hour, "no violations report", None)
    return Run(hour, "CompletedWithViolations" if violations else "Completed", violations)
