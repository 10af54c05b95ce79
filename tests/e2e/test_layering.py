"""Dependencies point one way: container -> analyzers -> numpy/scipy/pyarrow; GE only in its adapter."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_analyzers_never_import_the_container_or_io_libraries():
    for path in (ROOT / "analyzers").rglob("*.py"):
        imported = _imports(path)
        assert not imported & {"container", "boto3", "botocore", "os.environ"}, path
        if path.name != "expectations.py":
            assert "great_expectations" not in imported, path


def test_only_the_contract_knows_opt_ml():
    for path in list((ROOT / "container").rglob("*.py")) + list((ROOT / "analyzers").rglob("*.py")):
        if path.name != "contract.py":
            assert "/opt/ml" not in path.read_text(), path


def test_great_expectations_is_not_imported_without_a_suite(sample, baseline, tmp_path):
    code = "import os, sys\nfrom container.__main__ import main\nmain(os.environ)\nprint('GE' if 'great_expectations' in sys.modules else 'no GE')"
    env = {
        "PATH": os.environ["PATH"],
        "SAGEMAKER_BASE_DIR": str(tmp_path),
        "dataset_source": str(sample / "capture"),
        "output_path": str(tmp_path / "out"),
        "baseline_statistics": str(baseline / "statistics.json"),
        "baseline_constraints": str(baseline / "constraints.json"),
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120).stdout
    assert out.strip().endswith("no GE")
