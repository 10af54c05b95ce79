"""Reading a small text object from S3 (the analysis config), endpoint from AWS_ENDPOINT_URL*."""

from __future__ import annotations

from container.errors import ConfigError


def read_s3_text(uri: str) -> str:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise ConfigError(f"analysis_config={uri!r} is not an s3://bucket/key URI.")
    import boto3  # imported here: most runs never touch S3 and boto3 costs ~0.3 s to import
    import botocore.exceptions

    try:
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise ConfigError(
            f"analysis_config={uri!r} cannot be read from S3 ({str(exc)[:120]}); check the URI and the job role."
        ) from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"analysis_config={uri!r} is not UTF-8 text.") from None
