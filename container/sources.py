"""Where a job's inputs live: a local path or an ``s3://`` URI, named by a setting.

One parser of ``s3://bucket/key`` URIs, one reader of a settings document (analysis config, suite, bias
config, bias baseline), one S3 client factory and one listing of hour folders (``yyyy/mm/dd/hh/``, the
layout of endpoint capture and ground truth). Messages name the setting that pointed at the input, so a
user knows which value to fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from container.errors import ClientError, ConfigError

S3 = "s3://"


def is_s3(value: str) -> bool:
    return value.startswith(S3)


@dataclass(frozen=True, slots=True)
class S3Uri:
    bucket: str
    key: str  # the object key, or the prefix of a folder (possibly empty)

    @classmethod
    def parse(cls, uri: str) -> S3Uri:
        """
        >>> S3Uri.parse("s3://b/reports/ep")
        S3Uri(bucket='b', key='reports/ep')
        """
        bucket, _, key = uri.removeprefix(S3).partition("/")
        return cls(bucket, key)

    @property
    def folder(self) -> str:
        """The key as a folder prefix: empty, or ending in ``/``.

        >>> S3Uri("b", "capture").folder, S3Uri("b", "").folder
        ('capture/', '')
        """
        return self.key if not self.key or self.key.endswith("/") else self.key + "/"

    def __str__(self) -> str:
        return f"{S3}{self.bucket}/{self.key}"


def aws_client(service: str, **options: Any) -> Any:
    """A boto3 client (endpoint from ``AWS_ENDPOINT_URL*``, region from ``AWS_DEFAULT_REGION`` or, which boto3
    itself does not read, ``AWS_REGION``); a missing region is the user's to set, not our bug."""
    import boto3  # imported here: most runs never touch AWS and boto3 costs ~0.3 s to import
    import botocore.exceptions

    if "region_name" not in options and not os.environ.get("AWS_DEFAULT_REGION") and os.environ.get("AWS_REGION"):
        options["region_name"] = os.environ["AWS_REGION"]
    try:
        return boto3.client(service, **options)
    except botocore.exceptions.NoRegionError:
        raise ConfigError(
            f"no AWS region is configured for {service}: set AWS_REGION (or AWS_DEFAULT_REGION) in the job's "
            "environment, e.g. AWS_REGION=us-east-1 (the fleet tool sets it)."
        ) from None


def s3_client() -> Any:
    return aws_client("s3")


def read_text(setting: str, source: str) -> str:
    """The text of the document setting ``setting`` names: a local path or an ``s3://bucket/key`` URI."""
    named = f"{setting}={source!r}"
    if not is_s3(source):
        try:
            return Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{named} cannot be read ({exc.__class__.__name__}); check the path.") from None
    uri = S3Uri.parse(source)
    if not uri.bucket or not uri.key:
        raise ConfigError(f"{named} is not an s3://bucket/key URI.")
    import botocore.exceptions

    try:
        body = s3_client().get_object(Bucket=uri.bucket, Key=uri.key)["Body"].read()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise ConfigError(f"{named} cannot be read from S3 ({str(exc)[:120]}); check the URI and the job role.") from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{named} is not UTF-8 text; save it as UTF-8 JSON.") from None


def s3_failure(setting: str, source: str, exc: Exception, error: type[ClientError]) -> ClientError:
    """The error for a failed S3 read of a dataset or a prefix that ``setting`` names."""
    return error(f"{setting}={source!r} cannot be read from S3 ({str(exc)[:120]}); check the URI and role.")


def hour_folders(start: datetime, end: datetime) -> list[str]:
    """``yyyy/mm/dd/hh/`` for every hour that overlaps ``[start, end)``.

    >>> from datetime import UTC
    >>> hour_folders(datetime(2024, 1, 19, 19, 30, tzinfo=UTC), datetime(2024, 1, 19, 21, tzinfo=UTC))
    ['2024/01/19/19/', '2024/01/19/20/']
    """
    hour = start.replace(minute=0, second=0, microsecond=0)
    out = []
    while hour < end:
        out.append(f"{hour:%Y/%m/%d/%H}/")
        hour += timedelta(hours=1)
    return out
