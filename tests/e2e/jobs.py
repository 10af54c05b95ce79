"""Running ``python -m container`` as SageMaker does: a fresh process, env vars, a temporary /opt/ml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.conftest import ROOT

CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'


def run_container(base: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {"PATH": os.environ.get("PATH", ""), "SAGEMAKER_BASE_DIR": str(base), **env}
    return subprocess.run([sys.executable, "-m", "container"], cwd=ROOT, env=full, capture_output=True, text=True, timeout=300)


def message(base: Path) -> str:
    return (base / "output" / "message").read_text()


def monitor(base: Path, sample: Path, baseline: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "dataset_format": CAPTURE_FORMAT,
        "dataset_source": str(sample / "capture"),
        "output_path": str(base / "processing" / "output"),
        "baseline_statistics": str(baseline / "statistics.json"),
        "baseline_constraints": str(baseline / "constraints.json"),
        "sagemaker_endpoint_name": "churn-endpoint",
        "sagemaker_monitoring_schedule_name": "churn-hourly",
        "start_time": "2024-01-19T19:00:00Z",
        "end_time": "2024-01-19T20:00:00Z",
        **extra,
    }
    return run_container(base, **env)


SAMPLE_COLUMNS = ["score", "age", "income", "tenure_months", "balance", "num_products", "credit_score", "region", "plan"]


def window_rows(sample: Path) -> pd.DataFrame:
    """The sample window's good rows as text, read independently of the container (json + pandas)."""
    rows = []
    for path in sorted((sample / "capture").rglob("*.jsonl")):
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            data = record["captureData"]
            in_window = "2024-01-19T19:00:00Z" <= record["eventMetadata"]["inferenceTime"] < "2024-01-19T20:00:00Z"
            if not in_window or data["endpointInput"]["encoding"] != "CSV":
                continue
            values = [data["endpointOutput"]["data"], *data["endpointInput"]["data"].split(",")]
            if len(values) == len(SAMPLE_COLUMNS):
                rows.append(values)
    return pd.DataFrame(rows, columns=SAMPLE_COLUMNS)
