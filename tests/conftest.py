"""Shared test helpers: fixture paths and a temporary /opt/ml tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings

# Seeded property tests: CI and every machine run the same cases, so a red run is reproducible.
settings.register_profile("seeded", derandomize=True, deadline=None)
settings.load_profile("seeded")

ROOT = Path(__file__).resolve().parents[1]
AWS = Path(__file__).parent / "fixtures" / "aws"


@pytest.fixture
def aws() -> Path:
    return AWS


def capture_line(
    inputs: str | None,
    output: str | None = "0.5",
    when: str = "2024-01-19T19:30:00Z",
    encoding: str = "CSV",
    content_type: str = "text/csv",
) -> str:
    """One capture record as the endpoint writes it."""
    data: dict[str, object] = {}
    if inputs is not None:
        data["endpointInput"] = {"observedContentType": content_type, "mode": "INPUT", "data": inputs, "encoding": encoding}
    if output is not None:
        data["endpointOutput"] = {"observedContentType": content_type, "mode": "OUTPUT", "data": output, "encoding": encoding}
    return json.dumps({"captureData": data, "eventMetadata": {"eventId": "e", "inferenceTime": when}, "eventVersion": "0"})


@pytest.fixture(scope="session")
def moto_server():
    """A real moto server over HTTP on 127.0.0.1 (moto's server mode), for the AWS APIs we call."""
    from scripts.local_moto import start_moto

    proc, url = start_moto()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def aws_env(moto_server):
    """Environment for a process that talks to the moto server (dummy credentials, fixed region)."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(moto_server + "/moto-api/reset", method="POST"), timeout=5)
    return {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def moto_client(service: str, aws_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A boto3 client for the moto server behind ``aws_env``."""
    import boto3

    return boto3.client(
        service,
        endpoint_url=aws_env["AWS_ENDPOINT_URL"],
        region_name=aws_env["AWS_DEFAULT_REGION"],
        aws_access_key_id=aws_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws_env["AWS_SECRET_ACCESS_KEY"],
    )
