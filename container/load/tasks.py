"""Reading one task (consecutive files) into an ``Ingested`` part: in this process or in a worker.

Files go to tasks of about ``TASK_BYTES`` of consecutive files (thousands of tiny files cost a few tasks,
not thousands). In a task, clean small capture files are joined, in order, into one block for the
vectorised path; a run with a file that needs the careful path is halved down to ``JOIN_MIN_FILES`` files,
then read file by file, so counts, ``file:line`` reports and the sample are what reading file by file
gives. A row's sample key is its file number and its place in the file, whatever the batching.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa

from analyzers.profile import FeatureProfile, profile_column
from analyzers.quality.native_expectations import Partial, evaluate
from analyzers.types import InferredType
from container.dataset_format import FormatKind
from container.load.capture import CaptureReader
from container.load.capture_batch import JoinedRead, SmallFile, read_joined, small_file
from container.load.columns import expectation_column, normalise
from container.load.ingested import Ingested
from container.load.problems import ProblemLog
from container.load.rows import KEY_COLUMN
from container.load.sample import RowSample, row_keys
from container.load.spec import ReadSpec
from container.load.tabular import CsvReader, JsonReader, ParquetReader

# Files go to workers in tasks of consecutive files of about this many bytes (or this many files).
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


@dataclass(frozen=True, slots=True)
class Task:
    """Consecutive files read by one worker in one go: ``paths[i]`` is file number ``first + i``, of
    ``sizes[i]`` bytes when listed. Paths are ``str``: a ``Path`` is built only for a file read alone."""

    first: int
    paths: tuple[str, ...]
    sizes: tuple[int, ...]


def tasks(files: list[str], sizes: list[int]) -> list[Task]:
    """Consecutive files in tasks of about ``TASK_BYTES``: a big file alone, thousands of tiny ones together.
    Depends on the files alone, never on the worker count, so neither does the result."""
    tasks: list[Task] = []
    first, total = 0, 0
    for i, size in enumerate(sizes):
        total += size
        if total >= TASK_BYTES or i - first + 1 >= TASK_FILES:
            tasks.append(Task(first, tuple(files[first : i + 1]), tuple(sizes[first : i + 1])))
            first, total = i + 1, 0
    if first < len(files):
        tasks.append(Task(first, tuple(files[first:]), tuple(sizes[first:])))
    return tasks


class _TaskResult:
    """A task's counts, sample and profiles. Tables of the same columns are profiled together, up to
    ``PROFILE_BYTES``: a few rows from each of thousands of files cost one profile, not thousands."""

    def __init__(self, spec: ReadSpec, files: int) -> None:
        self.spec = spec
        self.result = Ingested(files=files, sample=RowSample(spec.sample_rows, spec.seed) if spec.sample_rows else None)
        self.pending: list[pa.Table] = []
        self.pending_bytes = 0

    def add(self, table: pa.Table, keys: np.ndarray | None) -> None:
        """Rows to profile; ``keys``: their row-sample keys (``row_keys`` of their file and place there),
        None when the spec keeps no sample."""
        sample = self.result.sample
        if sample is not None and keys is not None:
            sample.absorb(RowSample(sample.budget, sample.seed, table, keys))
        if self.spec.expectations:
            self.result.absorb(Ingested(expectations=_expectations(self.spec, table)))
        if self.pending and table.schema != self.pending[0].schema:
            self.flush()
        self.pending.append(table)
        self.pending_bytes += table.nbytes
        if self.pending_bytes >= PROFILE_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            table = self.pending[0] if len(self.pending) == 1 else pa.concat_tables(self.pending)
            self.result.absorb(_profile_table(table, self.result.profiles, self.spec.types))
            self.pending, self.pending_bytes = [], 0

    def count(self, reader: _Reader, problems: ProblemLog) -> None:
        """Add the counts of a file read alone."""
        counts = Ingested(
            records_read=reader.records_read,
            records_kept=reader.records_kept,
            records_outside_window=reader.records_outside_window,
            rows_in_kept_records=reader.rows_in_kept_records,
            records_bad=problems.bad_records,
            rows_skipped=problems.rows_skipped,
            problems=problems,
        )
        self.result.absorb(counts)

    def done(self, what: str) -> Ingested:
        self.flush()
        self.result.check(what)
        return self.result


def read_task(spec: ReadSpec, task: Task) -> Ingested:
    out = _TaskResult(spec, len(task.paths))
    if spec.format.kind is FormatKind.CAPTURE:
        _read_captures(spec, task, out)
    else:
        for i, path in enumerate(task.paths):
            _read_alone(spec, task.first + i, path, out)
    first = os.path.basename(task.paths[0])
    return out.done(first if len(task.paths) == 1 else f"{len(task.paths)} files from {first}")


def _read_alone(spec: ReadSpec, index: int, path: str, out: _TaskResult) -> None:
    problems = ProblemLog()
    reader = _reader(spec, problems)
    rows = 0  # rows of this file so far: a row's sample key is its file number and its place in the file
    for table in reader.read(Path(path)):
        out.add(table, row_keys(index, rows, table.num_rows, spec.seed) if spec.sample_rows else None)
        rows += table.num_rows
    out.count(reader, problems)


def _read_captures(spec: ReadSpec, task: Task, out: _TaskResult) -> None:
    """Clean small capture files are read in runs of up to ``JOIN_FILES`` or ``JOIN_BYTES`` (one block
    each); the others alone."""
    if spec.settings.record_by_record:  # filters and a preprocessor see each record: no joined blocks
        for i, path in enumerate(task.paths):
            _read_alone(spec, task.first + i, path, out)
        return
    limit = min(SMALL_FILE_BYTES, spec.settings.limits.max_record_bytes)
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
                _read_run(spec, run, out)
                run, run_bytes = [], 0
            continue
        _read_run(spec, run, out)
        run, run_bytes = [], 0
        _read_alone(spec, index, path, out)
    _read_run(spec, run, out)


_Run = list[tuple[int, SmallFile]]  # (file number, file)


def _read_run(spec: ReadSpec, run: _Run, out: _TaskResult) -> None:
    if run:
        joined = _joined(spec, run)
        if joined is not None:
            _add_joined(spec, run, joined, out)
        else:
            _bisect(spec, run, out)


def _bisect(spec: ReadSpec, run: _Run, out: _TaskResult) -> None:
    """A run that could not be read as one block: its halves are tried, down to ``JOIN_MIN_FILES`` files,
    to find the files that need the careful path. When both halves fail, joining fails throughout (JSON
    payloads, say) and every file is read alone."""
    if len(run) <= JOIN_MIN_FILES:
        _read_each(spec, run, out)
        return
    halves = run[: len(run) // 2], run[len(run) // 2 :]
    joined = [_joined(spec, half) for half in halves]
    if joined[0] is None and joined[1] is None:
        _read_each(spec, run, out)
        return
    for half, read in zip(halves, joined, strict=True):  # in file order
        if read is None:
            _bisect(spec, half, out)
        else:
            _add_joined(spec, half, read, out)


def _read_each(spec: ReadSpec, run: _Run, out: _TaskResult) -> None:
    for index, small in run:
        _read_alone(spec, index, small.path, out)


def _joined(spec: ReadSpec, run: _Run) -> JoinedRead | None:
    fmt, limits, window = spec.format, spec.settings.limits, spec.window
    files = [f for _, f in run]
    return read_joined(files, fmt.capture_parts, spec.names, window, spec.record_keys, limits.max_nesting_depth)


def _add_joined(spec: ReadSpec, run: _Run, joined: JoinedRead, out: _TaskResult) -> None:
    kept = int(joined.rows_per_file.sum())
    r = out.result
    r.records_read += joined.records_read
    r.records_kept += kept
    r.records_outside_window += joined.records_read - kept
    r.rows_in_kept_records += kept  # one row per record on the fast path
    if joined.table is not None:
        keys = None
        if spec.sample_rows:
            keys = _joined_keys(np.array([index for index, _ in run], dtype=np.uint64), joined.rows_per_file, spec.seed)
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


def _expectations(spec: ReadSpec, table: pa.Table) -> tuple[Partial, ...]:
    """The read spec's column expectations over a table's rows; each column typed once, as GX's frame types it.
    A column the table lacks is missing in every row, as it is in the frame."""
    types = spec.types or {}
    typed: dict[str, pa.Array] = {}
    partials = []
    for expectation in spec.expectations:
        kind = types.get(expectation.column, InferredType.STRING)
        column = typed.get(expectation.column)
        if column is None:
            raw = table.column(expectation.column) if expectation.column in table.column_names else None
            if raw is None:
                column = pa.nulls(table.num_rows, pa.float64() if kind.is_numeric else pa.string())
            else:
                column = expectation_column(raw, kind.is_numeric)
            typed[expectation.column] = column
        partials.append(evaluate(expectation, column, kind))
    return tuple(partials)


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


def _reader(spec: ReadSpec, problems: ProblemLog) -> _Reader:
    names, settings, fmt = spec.names, spec.settings, spec.format
    strict = spec.types is None  # the baseline job: a name it cannot write back stops it
    if fmt.kind is FormatKind.CAPTURE:
        return CaptureReader(
            parts=fmt.capture_parts,
            names=names,
            settings=settings,
            window=spec.window,
            problems=problems,
            with_keys=spec.record_keys,
            strict_names=strict,
        )
    if fmt.kind is FormatKind.CSV:
        return CsvReader(
            header=fmt.header,
            names=None if fmt.header else names,
            problems=problems,
            max_record_bytes=settings.limits.max_record_bytes,
            strict_names=strict,
        )
    if fmt.kind is FormatKind.JSON:
        return JsonReader(lines=fmt.json_lines, names=names, settings=settings, problems=problems, strict_names=strict)
    return ParquetReader(names=names, problems=problems, strict_names=strict)
