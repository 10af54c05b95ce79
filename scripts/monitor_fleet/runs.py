"""Recent runs of an endpoint, read from the reports' S3 layout ``<reports>/<endpoint>/<schedule>/yyyy/mm/dd/hh/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Run:
    hour: str  # yyyy/mm/dd/hh
    status: str
    violations: int | None


def list_runs(s3: Any, reports_s3_uri: str, endpoint: str, schedule: str, last: int = 24) -> list[Run]:
    bucket, _, prefix = reports_s3_uri.removeprefix("s3://").partition("/")
    base = f"{prefix.rstrip('/') + '/' if prefix else ''}{endpoint}/{schedule}/"
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base)
        for item in page.get("Contents", [])
    ]
    hours = sorted({key[len(base) :].rsplit("/", 1)[0] for key in keys if key.count("/") - base.count("/") == 4})
    runs = []
    for hour in hours[-last:]:
        key = f"{base}{hour}/constraint_violations.json"
        if key not in keys:
            runs.append(Run(hour, "no violations report", None))
            continue
        body = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        count = len(body.get("violations", []))
        runs.append(Run(hour, "CompletedWithViolations" if count else "Completed", count))
    return runs
