"""Streaming the dataset into per-feature profiles, with progress in the log.

Each file is read in bounded blocks; each block becomes a table, each column a ``ColumnData`` and a
partial profile. A file's profiles are merged block by block, and the files' profiles are merged in
file order, so the result is the same whether the files were read by one process or by several
(large windows use one worker process per CPU). Memory holds a block per worker plus the profiles,
however many records the window has.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa

from analyzers.profile import FeatureProfile, profile_column
from analyzers.types import InferredType
from container.contract import FormatKind, MonitorContract
from container.load.capture import CaptureReader
from container.load.capture_batch import JoinedRead, SmallFile, read_joined, small_file
from container.load.columns import normalise
from container.load.discover import discover_sized
from container.load.problems import ProblemLog
from container.load.rows import KEY_COLUMN
from container.load.s3_window import fetch
from container.load.tabular import CsvReader, JsonReader, ParquetReader
from container.load.window import TimeWindow
from container.sample import RowSample, row_keys
from container.settings import AnalysisConfig

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 10.0
# Below this many bytes, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 64 << 20
# Files go to workers in tasks of consecutive files of about this many bytes (or this many files):
# thousands of tiny files cost a few tasks, not thousands.
TASK_BYTES = 4 << 20
TASK_FILES = 10_000
# Capture files up to this size are joined with their clean neighbours, in runs of up to JOIN_FILES
# files or JOIN_BYTES bytes, into one block for the vectorised path. A run with a file that needs the
# careful path is halved until runs of JOIN_MIN_FILES files, which are read file by file.
SMALL_FILE_BYTES = 256 << 10
JOIN_FILES = 4096
JOIN_BYTES = 4 << 20
JOIN_MIN_FILES = 8
# A task profiles its tables of the same columns together, up to this many bytes of table at once.
PROFILE_BYTES = 16 << 20


class _Reader(Protocol):
    records_read: int
    records_kept: int
    records_outside_window: int
    rows_in_kept_records: int  # counted by the reader as it takes rows out of records, before any parsing

    def read(self, path: Path) -> Iterator[pa.Table]: ...


@dataclass(slots=True)
class Ingested:
    """What the dataset held: profiles by column, in first-seen order, and what could not be read.

    The counts always add up (``check``): records read = kept + bad + outside the window, and the
    rows of the kept records = rows analysed (``rows``) + rows skipped (wrong width)."""

    profiles: dict[str, FeatureProfile] = field(default_factory=dict)
    rows: int = 0  # rows analysed: in the profiles
    files: int = 0
    records_read: int = 0
    records_kept: int = 0
    records_bad: int = 0
    records_outside_window: int = 0
    rows_skipped: int = 0
    rows_in_kept_records: int = 0
    seconds: float = 0.0
    problems: ProblemLog = field(default_factory=ProblemLog)
    sample: RowSample | None = None  # rows kept for row-level checks (expectation suites)

    def absorb(self, part: Ingested) -> None:
        """Add a later, disjoint part of the dataset (a block, or a whole file)."""
        for name, profile in part.profiles.items():
            previous = self.profiles.get(name)
            if previous is None:
                # A column first seen now was missing from every earlier row.
                self.profiles[name] = _all_missing(name, self.rows).merge(profile) if self.rows else profile
            else:
                self.profiles[name] = previous.merge(profile)
        for name, previous in self.profiles.items():
            if name not in part.profiles and part.rows:
                self.profiles[name] = previous.merge(_all_missing(name, part.rows))
        self.rows += part.rows
        self.files += part.files
        self.records_read += part.records_read
        self.records_kept += part.records_kept
        self.records_bad += part.records_bad
        self.records_outside_window += part.records_outside_window
        self.rows_skipped += part.rows_skipped
        self.rows_in_kept_records += part.rows_in_kept_records
        self.problems.absorb(part.problems)
        if self.sample is not None:
            self.sample.absorb(part.sample)

    def summary_lines(self) -> list[str]:
        """The record and row counts for the log, each line a sum that adds up."""
        return [
            f"records: {self.records_read} read = {self.records_kept} kept + {self.records_bad} bad"
            f" + {self.records_outside_window} outside the window",
            f"rows: {self.rows} analysed + {self.rows_skipped} skipped = {self.rows_in_kept_records} in kept records",
        ]

    def check(self, what: str) -> None:
        """Raise RuntimeError (a bug of ours, never the data's) when the counts do not add up."""
        records = self.records_kept + self.records_bad + self.records_outside_window
        if self.records_read != records or self.rows + self.rows_skipped != self.rows_in_kept_records:
            raise RuntimeError(f"the counts of {what} do not add up: {'; '.join(self.summary_lines())}")


@dataclass(frozen=True, slots=True)
class _Job:
    """Everything a worker needs to read files (picklable; sent to each worker once)."""

    contract: MonitorContract
    config: AnalysisConfig
    names: tuple[str, ...] | None
    types: dict[str, InferredType] | None
    sample_rows: int | None = None
    seed: int = 0
    record_keys: bool = False


@dataclass(frozen=True, slots=True)
class _Task:
    """Consecutive files read by one worker in one go: ``paths[i]`` is file number ``first + i``, of
    ``sizes[i]`` bytes when listed. Paths are ``str``: a ``Path`` is built only for a file read alone."""

    first: int
    paths: tuple[str, ...]
    sizes: tuple[int, ...]


def ingest(
    contract: MonitorContract,
    config: AnalysisConfig,
    names: tuple[str, ...] | None,
    types: dict[str, InferredType] | None,
    workers: int | None = None,
    sample_rows: int | None = None,
    seed: int = 0,
    record_keys: bool = False,
) -> Ingested:
    """Profile every row of the dataset. ``names`` are the positional column names (None: from
    the data); ``types`` are the baseline's inferred types, which decide per column whether to
    count categories (String) and whether to parse numbers (not String). None: a baseline job,
    which must do both for every column to infer types and domains. ``workers``: processes to
    read files with (None: one per CPU on large windows); it never changes the result.
    ``sample_rows``: also keep a seeded uniform sample of at most this many rows; ``record_keys``: the
    sample also holds each captured record's ground-truth join key."""
    if contract.dataset_uri is not None:
        with tempfile.TemporaryDirectory(prefix="window-") as local:
            fetched = fetch(contract.dataset_uri, contract.start_time, contract.end_time, Path(local))
            log.info("Fetched %d object(s) of the window from %s", fetched, contract.dataset_uri)
            local_contract = replace(contract, dataset_source=Path(local), dataset_uri=None)
            return ingest(local_contract, config, names, types, workers, sample_rows, seed, record_keys)
    files, sizes = discover_sized(contract.dataset_source)  # one stat a file, as it is listed
    tasks = _tasks(files, sizes)
    job = _Job(contract, config, names, types, sample_rows, seed, record_keys)
    workers = workers or _workers(sizes, len(tasks))
    log.info(
        "Reading %d file(s) under %s as %s with %d process(es)",
        len(files),
        contract.dataset_source,
        contract.dataset_format.kind,
        workers,
    )
    result = Ingested(sample=RowSample(sample_rows, seed) if sample_rows else None)
    started = last_report = time.monotonic()
    for part in _parts(job, tasks, workers):
        result.absorb(part)
        now = time.monotonic()
        if now - last_report >= PROGRESS_EVERY_S:
            last_report = now
            _log_progress(result, len(files), now - started)
    result.seconds = time.monotonic() - started
    result.check(str(contract.dataset_source))
    return result


def _log_progress(result: Ingested, files: int, seconds: float) -> None:
    log.info(
        "progress: %d/%d files, %d records read, %d kept, %d bad, %.0f records/s",
        result.files,
        files,
        result.records_read,
        result.records_kept,
        result.records_bad,
        result.records_read / seconds,
    )


def _tasks(files: list[str], sizes: list[int]) -> list[_Task]:
    """Consecutive files in tasks of about ``TASK_BYTES``: a big file alone, thousands of tiny ones together.
    Depends on the files alone, never on the worker count, so neither does the result."""
    tasks: list[_Task] = []
    first, total = 0, 0
    for i, size in enumerate(sizes):
        total += size
        if total >= TASK_BYTES or i - first + 1 >= TASK_FILES:
            tasks.append(_Task(first, tuple(files[first : i + 1]), tuple(sizes[first : i + 1])))
            first, total = i + 1, 0
    if first < len(files):
        tasks.append(_Task(first, tuple(files[first:]), tuple(sizes[first:])))
    return tasks


def _workers(sizes: list[int], tasks: int) -> int:
    if tasks < 2 or sum(sizes) < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), tasks))


def _parts(job: _Job, tasks: list[_Task], workers: int) -> Iterator[Ingested]:
    if workers == 1:
        yield from (_read_task(job, task) for task in tasks)
        return
    # spawn, not fork: pyarrow's thread pools must not be forked. The pool's exit terminates the
    # workers, so a SIGTERM to this process stops them too. The job goes to each worker once.
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_set_worker_job, initargs=(job,)) as pool:
        yield from pool.imap(_read_worker_task, tasks)


_worker_job: _Job | None = None


def _set_worker_job(job: _Job) -> None:
    global _worker_job
    _worker_job = job


def _read_worker_task(task: _Task) -> Ingested:
    assert _worker_job is not None, "the pool's initializer sets the job"
    return _read_task(_worker_job, task)


class _TaskResult:
    """A task's counts, sample and profiles. Tables of the same columns are profiled together, up to
    ``PROFILE_BYTES``: a few rows from each of thousands of files cost one profile, not thousands."""

    def __init__(self, job: _Job, files: int) -> None:
        self.job = job
        self.result = Ingested(files=files, sample=RowSample(job.sample_rows, job.seed) if job.sample_rows else None)
        self.pending: list[pa.Table] = []
        self.pending_bytes = 0

    def add(self, table: pa.Table, keys: np.ndarray | None) -> None:
        """Rows to profile; ``keys``: their row-sample keys (``row_keys`` of their file and place there),
        None when the job keeps no sample."""
        sample = self.result.sample
        if sample is not None and keys is not None:
            sample.absorb(RowSample(sample.budget, sample.seed, table, keys))
        if self.pending and table.schema != self.pending[0].schema:
            self.flush()
        self.pending.append(table)
        self.pending_bytes += table.nbytes
        if self.pending_bytes >= PROFILE_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            table = self.pending[0] if len(self.pending) == 1 else pa.concat_tables(self.pending)
            self.result.absorb(_profile_table(table, self.result.profiles, self.job.types))
            self.pending, self.pending_bytes = [], 0

    def count(self, reader: _Reader, problems: ProblemLog) -> None:
        """Add the counts of a file read alone."""
        r = self.result
        r.records_read += reader.records_read
        r.records_kept += reader.records_kept
        r.records_outside_window += reader.records_outside_window
        r.rows_in_kept_records += reader.rows_in_kept_records
        r.records_bad += problems.bad_records
        r.rows_skipped += problems.rows_skipped
        r.problems.absorb(problems)

    def done(self, what: str) -> Ingested:
        self.flush()
        self.result.check(what)
        return self.result


def _read_task(job: _Job, task: _Task) -> Ingested:
    out = _TaskResult(job, len(task.paths))
    if job.contract.dataset_format.kind is FormatKind.CAPTURE:
        _read_captures(job, task, out)
    else:
        for i, path in enumerate(task.paths):
            _read_alone(job, task.first + i, path, out)
    first = os.path.basename(task.paths[0])
    return out.done(first if len(task.paths) == 1 else f"{len(task.paths)} files from {first}")


def _read_alone(job: _Job, index: int, path: str, out: _TaskResult) -> None:
    problems = ProblemLog()
    reader = _reader(job, problems)
    rows = 0  # rows of this file so far: a row's sample key is its file number and its place in the file
    for table in reader.read(Path(path)):
        out.add(table, row_keys(index, rows, table.num_rows, job.seed) if job.sample_rows else None)
        rows += table.num_rows
    out.count(reader, problems)


def _read_captures(job: _Job, task: _Task, out: _TaskResult) -> None:
    """Clean small capture files are read in runs of up to ``JOIN_FILES`` or ``JOIN_BYTES`` (one block
    each); the others alone."""
    limit = min(SMALL_FILE_BYTES, job.config.limits.max_record_bytes)
    run: list[tuple[int, SmallFile]] = []
    run_bytes = 0
    for i, (path, size) in enumerate(zip(task.paths, task.sizes, strict=True)):
        index = task.first + i
        try:
            small = small_file(path, size, limit)
        except OSError:
            small = None  # reading it alone reports it
        if small is not None:
            run.append((index, small))
            run_bytes += len(small.data)
            if len(run) >= JOIN_FILES or run_bytes >= JOIN_BYTES:
                _read_run(job, run, out)
                run, run_bytes = [], 0
            continue
        _read_run(job, run, out)
        run, run_bytes = [], 0
        _read_alone(job, index, path, out)
    _read_run(job, run, out)


_Run = list[tuple[int, SmallFile]]  # (file number, file)


def _read_run(job: _Job, run: _Run, out: _TaskResult) -> None:
    if run:
        joined = _joined(job, run)
        if joined is not None:
            _add_joined(job, run, joined, out)
        else:
            _bisect(job, run, out)


def _bisect(job: _Job, run: _Run, out: _TaskResult) -> None:
    """A run that could not be read as one block: its halves are tried, down to ``JOIN_MIN_FILES`` files,
    to find the files that need the careful path. When both halves fail, joining fails throughout (JSON
    payloads, say) and every file is read alone."""
    if len(run) <= JOIN_MIN_FILES:
        _read_each(job, run, out)
        return
    halves = run[: len(run) // 2], run[len(run) // 2 :]
    joined = [_joined(job, half) for half in halves]
    if joined[0] is None and joined[1] is None:
        _read_each(job, run, out)
        return
    for half, read in zip(halves, joined, strict=True):  # in file order
        if read is None:
            _bisect(job, half, out)
        else:
            _add_joined(job, half, read, out)


def _read_each(job: _Job, run: _Run, out: _TaskResult) -> None:
    for index, small in run:
        _read_alone(job, index, small.path, out)


def _joined(job: _Job, run: _Run) -> JoinedRead | None:
    fmt, limits = job.contract.dataset_format, job.config.limits
    window = TimeWindow(job.contract.start_time, job.contract.end_time)
    files = [f for _, f in run]
    return read_joined(files, fmt.capture_parts, job.names, window, job.record_keys, limits.max_nesting_depth)


def _add_joined(job: _Job, run: _Run, joined: JoinedRead, out: _TaskResult) -> None:
    kept = int(joined.rows_per_file.sum())
    r = out.result
    r.records_read += joined.records_read
    r.records_kept += kept
    r.records_outside_window += joined.records_read - kept
    r.rows_in_kept_records += kept  # one row per record on the fast path
    if joined.table is not None:
        keys = None
        if job.sample_rows:
            keys = _joined_keys(np.array([index for index, _ in run], dtype=np.uint64), joined.rows_per_file, job.seed)
        out.add(joined.table, keys)


def _joined_keys(indices: np.ndarray, rows: np.ndarray, seed: int) -> np.ndarray:
    """The sample keys of the joined rows, file after file: ``row_keys(indices[k], 0, rows[k])`` for each file
    ``k``, as if it were read alone. Computed place by place (the rows at place ``j`` of every file that has
    one at once: ``row_keys`` is elementwise in the file number), so a run costs a few calls, not one a file."""
    offsets = np.concatenate(([0], np.cumsum(rows)[:-1]))
    keys = np.empty(int(rows.sum()), dtype=np.uint64)
    for place in range(int(rows.max(initial=0))):
        has = rows > place
        keys[offsets[has] + place] = row_keys(indices[has], place, 1, seed)  # type: ignore[arg-type]
    return keys


def _profile_table(table: pa.Table, so_far: dict[str, FeatureProfile], types: dict[str, InferredType] | None) -> Ingested:
    profiles = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name == KEY_COLUMN:
            continue
        known = types.get(name) if types is not None else None
        keep = _keep_texts(so_far.get(name)) if types is None else (known is None or not known.is_numeric)
        classify = known is not InferredType.STRING
        profiles[name] = profile_column(normalise(name, column, keep_texts=keep, classify=classify))
    return Ingested(profiles=profiles, rows=table.num_rows)


def _keep_texts(previous: FeatureProfile | None) -> bool:
    # Baseline job: stop counting categories of a column that has only held numbers and has
    # already more distinct values than any domain could; it will be inferred numeric.
    if previous is None or previous.categories is None:
        return True
    return previous.types.string > 0 or previous.categories.overflow == 0


def _all_missing(name: str, count: int) -> FeatureProfile:
    return profile_column(normalise(name, pa.nulls(count, pa.string()), keep_texts=False))


def _reader(job: _Job, problems: ProblemLog) -> _Reader:
    contract, names, config = job.contract, job.names, job.config
    fmt = contract.dataset_format
    strict = job.types is None  # the baseline job: a name it cannot write back stops it
    if fmt.kind is FormatKind.CAPTURE:
        window = TimeWindow(contract.start_time, contract.end_time)
        return CaptureReader(
            parts=fmt.capture_parts,
            names=names,
            config=config,
            window=window,
            problems=problems,
            with_keys=job.record_keys,
            strict_names=strict,
        )
    if fmt.kind is FormatKind.CSV:
        return CsvReader(
            header=fmt.header,
            names=None if fmt.header else names,
            problems=problems,
            max_record_bytes=config.limits.max_record_bytes,
            strict_names=strict,
        )
    if fmt.kind is FormatKind.JSON:
        return JsonReader(lines=fmt.json_lines, names=names, config=config, problems=problems, strict_names=strict)
    return ParquetReader(names=names, problems=problems, strict_names=strict)
