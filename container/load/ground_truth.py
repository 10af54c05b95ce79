"""Reading ground-truth labels (docs/contract.md #ground-truth): JSON lines with ``groundTruthData`` and
``eventMetadata.eventId``, from a local folder or an ``s3://`` prefix laid out by hour
(``<prefix>/yyyy/mm/dd/hh/...``). From S3 only the hour folders the window needs are listed: the
window's hours plus ``label_delay_hours`` after it, since labels arrive later than predictions.
Merged records (what AWS's merge job writes) are read the same way.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from container.errors import ContractError
from container.load import depth
from container.load.capture import EventMetadata, row_key
from container.load.discover import discover_files
from container.load.problems import ProblemLog
from container.settings import LimitsConfig
from container.sources import S3Uri, hour_folders, s3_client, s3_failure


class _Data(msgspec.Struct):
    data: str | None = None
    encoding: str | None = None


class _Label(msgspec.Struct):
    groundTruthData: _Data | None = None  # noqa: N815
    eventMetadata: EventMetadata | None = None  # noqa: N815


_DECODER = msgspec.json.Decoder(_Label)


@dataclass(slots=True)
class Labels:
    """Label texts in the order read (a later upload of the same key wins in the join)."""

    keys: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    files: int = 0


# Label lines are ours to bound too: a line nested past the default limit is a malformed line, not a crash.
_DEPTH = LimitsConfig().max_nesting_depth


def read_labels(source: str, start: datetime | None, end: datetime | None, delay_hours: int, problems: ProblemLog) -> Labels:
    labels = Labels()
    for name, data in _sources(source, start, end, delay_hours):
        labels.files += 1
        for number, line in enumerate(data.split(b"\n"), start=1):
            if not line.strip():
                continue
            where = f"{name}:{number}"
            try:
                record = depth.decode(line, _DEPTH, _DECODER.decode)
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, depth.TooDeepError):
                problems.add("malformed ground-truth lines", where, line)
                continue
            meta, truth = record.eventMetadata, record.groundTruthData
            key = meta.key if meta else None
            values = _values(truth) if truth else []
            if not key or not values:
                problems.add("ground-truth records without eventMetadata.eventId or a readable label", where, line)
                continue
            for i, value in enumerate(values):
                labels.keys.append(row_key(key, i, len(values)))
                labels.values.append(value)
    return labels


def _values(truth: _Data) -> list[str]:
    """The labels of one record: one per row (a batch record holds several, in row order)."""
    data = truth.data
    if data is None:
        return []
    encoding = (truth.encoding or "CSV").upper()
    if encoding == "BASE64":
        try:
            data = base64.b64decode(data, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return []
    if encoding != "JSON":
        return [line.split(",")[0] for line in data.strip().splitlines() if line.strip()]
    try:
        value = depth.decode(data, _DEPTH)
    except (msgspec.DecodeError, depth.TooDeepError):
        return []
    if isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), list):
        value = next(iter(value.values()))  # a wrapper such as {"instances": [...]}
    rows = value if isinstance(value, list) else [value]
    return [_label(row) for row in rows if _label(row) is not None]  # type: ignore[misc]


def _label(row: object) -> str | None:
    if isinstance(row, dict):
        row = row.get("label", next(iter(row.values()), None))
    return None if row is None else str(row)


def _sources(source: str, start: datetime | None, end: datetime | None, delay_hours: int) -> Iterator[tuple[str, bytes]]:
    if not source.startswith("s3://"):
        root = Path(source)
        if not root.exists():
            raise ContractError(f"ground_truth_source={source!r} does not exist; mount the labels there or fix the path.")
        for path in discover_files(root):
            yield path.name, path.read_bytes()
        return
    yield from _s3_objects(source, start, end, delay_hours)


def _s3_objects(uri: str, start: datetime | None, end: datetime | None, delay_hours: int) -> Iterator[tuple[str, bytes]]:
    import botocore.exceptions

    where = S3Uri.parse(uri)
    if start is None or end is None:
        raise ContractError("ground truth from S3 needs start_time and end_time, to list only the hours the window needs.")
    s3 = s3_client()
    # Labels arrive after their predictions: the hours from the window's start to delay_hours past its end.
    prefix = where.key.rstrip("/")
    try:
        for hour in hour_folders(start, end + timedelta(hours=delay_hours)):
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=where.bucket, Prefix=f"{prefix}/{hour}"):
                for item in page.get("Contents", []):
                    yield item["Key"], s3.get_object(Bucket=where.bucket, Key=item["Key"])["Body"].read()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise s3_failure("ground_truth_source", uri, exc, ContractError) from None
