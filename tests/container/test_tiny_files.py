"""A window held in many tiny capture files reads as the same records in one file (issue 13, item 4a).

Small clean files are joined into one block for the vectorised path (``capture_batch``); these tests pin
that joining changes nothing but the speed: counts, profiles, the row sample and the problems named
``file:line`` are the same as reading each file alone, and the counts and profiles the same as one file.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pyarrow as pa
import pytest

import container.load.discover as discover_module
import container.load.tasks as ingest_module
from analyzers.types import InferredType
from container.contract import MonitorContract, from_env
from container.errors import ClientError
from container.ingest import Ingested, _parts, ingest
from container.load.discover import discover_files, discover_sized
from container.load.spec import read_spec
from container.load.tasks import Task
from container.settings import AnalysisConfig

CAPTURE = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
NAMES = ("s", "n", "c")
TYPES = {"s": InferredType.FRACTIONAL, "n": InferredType.INTEGRAL, "c": InferredType.STRING}
WINDOW = ("2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z")  # 48 hours; records of hour 48 are outside
FILES, PER_FILE = 50, 6


def line(i: int, inputs: str | None = None) -> str:
    hour = i // PER_FILE
    when = f"2024-01-{1 + hour // 24:02d}T{hour % 24:02d}:{i % PER_FILE:02d}:00Z"
    data = {
        "endpointInput": {
            "observedContentType": "text/csv",
            "mode": "INPUT",
            "data": inputs or f"{i % 97},c{i % 7}",
            "encoding": "CSV",
        },
        "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": f"0.{i:03d}", "encoding": "CSV"},
    }
    return json.dumps({"captureData": data, "eventMetadata": {"eventId": f"e{i}", "inferenceTime": when}, "eventVersion": "0"})


def records(changed: dict[int, str] | None = None) -> list[str]:
    """FILES * PER_FILE records, one hour of PER_FILE records a file; ``changed``: record -> its line instead."""
    lines = [line(i) for i in range(FILES * PER_FILE)]
    for i, text in (changed or {}).items():
        lines[i] = text
    return lines


def one_file(root: Path, lines: list[str]) -> Path:
    (root / "one").mkdir(parents=True)
    (root / "one" / "capture.jsonl").write_text("\n".join(lines) + "\n")
    return root / "one"


def tiny_files(root: Path, lines: list[str], raw: dict[int, bytes] | None = None) -> Path:
    """One file an hour in SageMaker's ``yyyy/mm/dd/hh`` folders; ``raw``: file number -> its bytes instead."""
    for f in range(FILES):
        folder = root / "tiny" / "ep" / "AllTraffic" / "2024" / "01" / f"{1 + f // 24:02d}" / f"{f % 24:02d}"
        folder.mkdir(parents=True)
        text = "\n".join(lines[f * PER_FILE : (f + 1) * PER_FILE]) + "\n"
        (folder / f"f{f:03d}.jsonl").write_bytes(raw.get(f, text.encode()) if raw else text.encode())
    return root / "tiny"


def run(
    tmp_path: Path,
    source: Path,
    sample_rows: int | None = None,
    seed: int = 3,
    workers: int = 1,
    keys: bool = False,
    **more_env: str,
) -> Ingested:
    return ingest(
        run_contract(tmp_path, source, **more_env),
        AnalysisConfig(),
        NAMES,
        TYPES,
        workers=workers,
        sample_rows=sample_rows,
        seed=seed,
        record_keys=keys,
    )


def run_contract(tmp_path: Path, source: Path, **more_env: str) -> MonitorContract:
    env = {
        "SAGEMAKER_BASE_DIR": str(tmp_path),
        "dataset_source": str(source),
        "dataset_format": CAPTURE,
        "baseline_statistics": "statistics.json",
        "start_time": WINDOW[0],
        "end_time": WINDOW[1],
        **more_env,
    }
    return from_env(env)


def counts(data: Ingested) -> tuple[int, ...]:
    return (
        data.files,
        data.records_read,
        data.records_kept,
        data.records_bad,
        data.records_outside_window,
        data.rows,
        data.rows_skipped,
        data.rows_in_kept_records,
    )


def profiles(data: Ingested) -> dict[str, tuple]:
    """Every part of every profile (fewer than 2,048 values: the sketches hold each value, in order)."""
    return {
        name: (p.types, repr(p.moments), p.categories, p.sketch.to_data() if p.sketch is not None else None)
        for name, p in data.profiles.items()
    }


def rows(table: pa.Table | None) -> list[tuple]:
    assert table is not None
    return sorted(zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True))


@pytest.fixture
def read_alone(monkeypatch):
    """Ingest as before joining existed: every capture file read alone."""

    def alone(*args, **kwargs) -> Ingested:
        with monkeypatch.context() as m:
            m.setattr(ingest_module, "SMALL_FILE_BYTES", 0)
            return run(*args, **kwargs)

    return alone


def test_tiny_files_give_the_counts_profiles_and_full_sample_of_one_file(tmp_path):
    lines = records()
    one = run(tmp_path, one_file(tmp_path, lines), sample_rows=10_000)
    tiny = run(tmp_path, tiny_files(tmp_path, lines), sample_rows=10_000)
    # 300 records in 50 files; the last 2 files (hours 48 and 49) are outside the window
    assert counts(one) == (1, 300, 288, 0, 12, 288, 0, 288)
    assert counts(tiny) == (50, 300, 288, 0, 12, 288, 0, 288)
    assert profiles(tiny) == profiles(one)
    assert rows(tiny.sample.table) == rows(one.sample.table)  # the whole window fits the budget: every row, once


def test_joining_never_changes_the_sample_or_the_profiles(tmp_path, read_alone, monkeypatch):
    source = tiny_files(tmp_path, records())
    alone = read_alone(tmp_path, source, sample_rows=40, seed=11, keys=True)
    joined = run(tmp_path, source, sample_rows=40, seed=11, keys=True)
    monkeypatch.setattr(ingest_module, "JOIN_FILES", 7)  # runs that end anywhere in the window
    short_runs = run(tmp_path, source, sample_rows=40, seed=11, keys=True)
    for data in (joined, short_runs):
        assert counts(data) == counts(alone)
        assert profiles(data) == profiles(alone)
        assert data.sample.table.equals(alone.sample.table)  # the same rows, in the same order
        assert data.sample.keys.tolist() == alone.sample.keys.tolist()
    other_seed = run(tmp_path, source, sample_rows=40, seed=12, keys=True)
    assert not other_seed.sample.table.equals(alone.sample.table)  # the check above can fail


def test_worker_processes_do_not_change_a_joined_window(tmp_path):
    source = tiny_files(tmp_path, records())
    one = run(tmp_path, source, sample_rows=25, workers=1)
    two = run(tmp_path, source, sample_rows=25, workers=2)
    assert counts(one) == counts(two) and profiles(one) == profiles(two)
    assert one.sample.table.equals(two.sample.table)


# A preprocessor that kills its own process on one record: what the OOM killer or a crash in native code does.
DIES = """
import os, signal

def preprocess_handler(inference_record):
    if inference_record.event_metadata.event_id == "e150":
        os.kill(os.getpid(), signal.SIGKILL)
    return inference_record.endpoint_input.data.split(",")
"""


def test_a_worker_process_that_dies_ends_the_job_with_a_message_not_a_hang(tmp_path):
    source = tiny_files(tmp_path, records())
    script = tmp_path / "dies.py"
    script.write_text(DIES)
    with pytest.raises(ClientError, match=r"a worker process reading the dataset died.*OOM killer"):
        run(tmp_path, source, workers=2, record_preprocessor_script=str(script))
    assert multiprocessing.active_children() == []


def test_abandoned_reading_terminates_the_worker_processes(tmp_path):
    """A stop (SIGTERM becomes an exception in the main thread) leaves the reading generator mid-way: the
    workers still reading are terminated, not waited for."""
    source = tiny_files(tmp_path, records())
    spec = read_spec(run_contract(tmp_path, source), AnalysisConfig(), NAMES, TYPES, None, 0, False)
    files, sizes = discover_sized(source)
    each_file = [Task(i, (file,), (size,)) for i, (file, size) in enumerate(zip(files, sizes, strict=True))]
    parts = _parts(spec, each_file, 2)
    assert next(parts).files == 1
    assert len(multiprocessing.active_children()) == 2
    parts.close()
    assert multiprocessing.active_children() == []


def test_a_bad_record_among_tiny_files_is_named_by_its_file_and_line(tmp_path, read_alone):
    lines = records({61: '{"captureData": {"endpointInput"', 100: line(100, inputs="1,2,3")})
    raw = {
        3: b"",  # empty
        5: ("\n".join(lines[30:36])).encode(),  # no newline at its end
        7: ("\ufeff" + "\n".join(lines[42:48]) + "\n").encode(),  # a byte-order mark
        9: ("\n".join(lines[54:57]) + "\n\n" + "\n".join(lines[57:60]) + "\n").encode(),  # a blank line
    }
    source = tiny_files(tmp_path, lines, raw)
    tiny = run(tmp_path, source, sample_rows=10_000)
    alone = read_alone(tmp_path, source, sample_rows=10_000)
    one = run(tmp_path, one_file(tmp_path, [x for i, x in enumerate(lines) if not 18 <= i < 24]), sample_rows=10_000)
    # file 3 is empty (its 6 records gone); record 61 (file 10, line 2) is malformed; record 100 (file 16,
    # line 5) has a row of 4 columns
    assert counts(tiny) == counts(alone) == (50, 294, 281, 1, 12, 280, 1, 281)
    assert counts(one)[1:] == counts(tiny)[1:]
    assert profiles(tiny) == profiles(alone) == profiles(one)
    assert tiny.problems.counts == alone.problems.counts and len(tiny.problems.counts) == 1
    assert [e.where for e in tiny.problems.examples[next(iter(tiny.problems.counts))]] == ["f010.jsonl:2"]
    assert [e.where for e in tiny.problems.examples[next(iter(tiny.problems.row_counts))]] == ["f016.jsonl:5"]
    assert rows(tiny.sample.table) == rows(alone.sample.table) == rows(one.sample.table)


def test_files_are_found_in_the_order_of_their_paths_parts(tmp_path):
    for name in ("a-b", "a/b", "a/_SUCCESS", ".hidden/x", "b/.crc", "c"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert discover_files(tmp_path) == [tmp_path / "a" / "b", tmp_path / "a-b", tmp_path / "c"]


def test_files_are_listed_with_their_sizes_once_each_and_by_the_same_rules(tmp_path, monkeypatch):
    """``discover_sized`` (what ingest lists with) finds ``discover_files``' files, in its order, each with its
    size: a link to a file is a file of its target's size, a link to a folder is not followed, hidden files and
    markers are skipped, and a folder that cannot be listed is passed over."""
    for name, text in {"a/b": "xy", "a-b": "x", "a/_SUCCESS": "", ".hidden/x": "x", "c/d/e": "abc", "locked/f": "x"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    os.symlink(tmp_path / "c" / "d" / "e", tmp_path / "a" / "link")
    os.symlink(tmp_path / "c", tmp_path / "z")  # a link to a folder: not followed
    os.symlink(tmp_path / "gone", tmp_path / "a" / "dangling")  # a link to nothing: not a file
    scandir = os.scandir

    def locked(folder):
        if os.path.basename(folder) == "locked":
            raise PermissionError(13, "Permission denied", folder)
        return scandir(folder)

    monkeypatch.setattr(discover_module.os, "scandir", locked)
    expected = ["a/b", "a/link", "a-b", "c/d/e"]
    assert discover_files(tmp_path) == [tmp_path / name for name in expected]
    assert discover_sized(tmp_path) == ([str(tmp_path / name) for name in expected], [2, 3, 1, 3])
    assert discover_sized(tmp_path / "a-b") == ([str(tmp_path / "a-b")], [1])  # a file given as the source
