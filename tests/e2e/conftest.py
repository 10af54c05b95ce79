"""Fixtures of the end-to-end tests: sample data and a baseline made once per session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.jobs import run_container


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    subprocess.run([sys.executable, "scripts/make_sample_data.py", str(out)], cwd=ROOT, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def baseline(sample, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ml")
    result = run_container(
        base,
        dataset_format='{"csv": {"header": true}}',
        dataset_source=str(sample / "baseline"),
        output_path=str(base / "processing" / "output"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "processing" / "output"
