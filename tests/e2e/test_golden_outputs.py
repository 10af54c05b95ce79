"""Golden outputs (issue 14): every job case of tests/golden/cases.py, run through ``python -m container``,
writes exactly the files recorded under tests/golden/expected/<case>/, byte for byte (after the one
normalisation documented in tests/golden/record.py: the run's work folder path reads ``<work>``).

A deliberate change of output is re-recorded with ``.venv/bin/python -m tests.golden.record`` and reviewed
in the diff. ``GOLDEN_REV=<commit>`` runs the container of that commit instead of the working tree's.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT
from tests.golden.cases import CASES
from tests.golden.record import EXPECTED, Result, compare, expected_files, export_revision, run_all


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> dict[str, Result]:
    root = tmp_path_factory.mktemp("golden")
    rev = os.environ.get("GOLDEN_REV")
    return run_all(root / "work", source=export_revision(rev, root / "source") if rev else ROOT)


def test_the_expected_tree_has_a_folder_per_case_and_nothing_else():
    assert sorted(p.name for p in EXPECTED.iterdir() if p.is_dir()) == sorted(c.name for c in CASES)


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_outputs_equal_the_golden_ones(golden, name):
    expected = expected_files(name)
    assert expected, f"nothing recorded for {name}; run .venv/bin/python -m tests.golden.record"
    problem = compare(golden[name], expected)
    if problem:
        pytest.fail(f"{name}: outputs differ from tests/golden/expected/{name}\n{problem}", pytrace=False)


def test_a_one_byte_change_is_caught(golden):
    # The comparison itself can fail: one changed byte, one missing file and one extra file are each reported.
    result = golden["dq_monitor_plain"]
    expected = dict(result.files)
    message = expected["output/message"]
    expected["output/message"] = message[:-1] + bytes([message[-1] ^ 1])
    report = compare(result, expected)
    assert report and "1 file(s) differ: ['output/message']" in report and "--- expected/output/message" in report
    assert "missing files: ['x']" in (compare(result, {**result.files, "x": b""}) or "")
    assert "unexpected files: ['output/message']" in (
        compare(result, {k: v for k, v in result.files.items() if k != "output/message"}) or ""
    )
