"""Reading a small settings document from S3 (analysis config, suite, bias config), endpoint from AWS_ENDPOINT_URL*."""

from __future__ import annotations

from container.errors import ConfigError


def read_s3_text(uri: str, *, what: str = "") -> str:
    """The object's text; ``what`` names the setting that gave the URI (``analysis_config``), for messages."""
    named = f"{what}={uri!r}" if what else repr(uri)
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise ConfigError(f"{named} is not an s3://bucket/key URI.")
    import boto3  # imported here: most runs never touch S3 and boto3 costs ~0.3 s to import
    import botocore.exceptions

    try:
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise ConfigError(f"{named} cannot be read from S3 ({str(exc)[:120]}); check the URI and the job role.") from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{named} is not UTF-8 text; save it as UTF-8 JSON.") from None
