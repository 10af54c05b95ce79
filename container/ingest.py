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

import pyarrow as pa

from analyzers.profile import FeatureProfile, profile_column
from analyzers.types import InferredType
from container.config import AnalysisConfig
from container.contract import FormatKind, MonitorContract
from container.load.capture import CaptureReader
from container.load.columns import normalise
from container.load.discover import discover_files
from container.load.problems import ProblemLog
from container.load.rows import KEY_COLUMN
from container.load.s3_window import fetch
from container.load.tabular import CsvReader, JsonReader, ParquetReader
from container.load.window import TimeWindow
from container.sample import RowSample

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 10.0
# Below this many bytes, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 64 << 20


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
    """Everything a worker needs to read one file (picklable)."""

    contract: MonitorContract
    config: AnalysisConfig
    names: tuple[str, ...] | None
    types: dict[str, InferredType] | None
    sample_rows: int | None = None
    seed: int = 0
    record_keys: bool = False


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
    files = discover_files(contract.dataset_source)
    job = _Job(contract, config, names, types, sample_rows, seed, record_keys)
    workers = workers or _workers(files)
    log.info(
        "Reading %d file(s) under %s as %s with %d process(es)",
        len(files),
        contract.dataset_source,
        contract.dataset_format.kind,
        workers,
    )
    result = Ingested(sample=RowSample(sample_rows, seed) if sample_rows else None)
    started = last_report = time.monotonic()
    for part in _parts(job, files, workers):
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


def _workers(files: list[Path]) -> int:
    if len(files) < 2 or sum(p.stat().st_size for p in files) < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), len(files)))


def _parts(job: _Job, files: list[Path], workers: int) -> Iterator[Ingested]:
    if workers == 1:
        yield from (_read_file(job, path, i) for i, path in enumerate(files))
        return
    # spawn, not fork: pyarrow's thread pools must not be forked. The pool's exit terminates the
    # workers, so a SIGTERM to this process stops them too.
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(_read_file_star, [(job, path, i) for i, path in enumerate(files)])


def _read_file_star(args: tuple[_Job, Path, int]) -> Ingested:
    return _read_file(*args)


def _read_file(job: _Job, path: Path, index: int) -> Ingested:
    problems = ProblemLog()
    reader = _reader(job, problems)
    result = Ingested(files=1, problems=problems, sample=RowSample(job.sample_rows, job.seed) if job.sample_rows else None)
    for table in reader.read(path):
        if result.sample is not None:
            result.sample.offer(table, index, result.rows)
        result.absorb(_profile_table(table, result.profiles, job.types))
    result.records_read = reader.records_read
    result.records_kept = reader.records_kept
    result.records_outside_window = reader.records_outside_window
    result.rows_in_kept_records = reader.rows_in_kept_records
    result.records_bad = problems.bad_records
    result.rows_skipped = problems.rows_skipped
    result.check(path.name)
    return result


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
