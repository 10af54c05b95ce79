"""Shared test helpers: fixture paths and a temporary /opt/ml tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
