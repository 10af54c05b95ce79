"""Streaming the dataset into per-feature profiles, with progress in the log.

Files are read in a stable order, in bounded blocks; each block becomes a table, each column a
``ColumnData`` and a partial profile that is merged into the running one. Memory holds one block
plus the profiles, however many records the window has.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from container.load.tabular import CsvReader, JsonReader, ParquetReader
from container.load.window import TimeWindow

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 10.0


class _Reader(Protocol):
    records_read: int
    records_kept: int

    def read(self, path: object) -> Iterator[pa.Table]: ...


@dataclass(slots=True)
class Ingested:
    """What the dataset held: profiles by column, in first-seen order, and what could not be read."""

    profiles: dict[str, FeatureProfile] = field(default_factory=dict)
    rows: int = 0
    files: int = 0
    records_read: int = 0
    records_kept: int = 0
    seconds: float = 0.0
    problems: ProblemLog = field(default_factory=ProblemLog)


def ingest(
    contract: MonitorContract,
    config: AnalysisConfig,
    names: tuple[str, ...] | None,
    types: dict[str, InferredType] | None,
) -> Ingested:
    """Profile every row of the dataset. ``names`` are the positional column names (None: from
    the data); ``types`` are the baseline's inferred types, which decide per column whether to
    count categories (String) and whether to parse numbers (not String). None: a baseline job,
    which must do both for every column to infer types and domains."""
    result = Ingested()
    reader = _reader(contract, config, names, result.problems)
    files = discover_files(contract.dataset_source)
    result.files = len(files)
    started = last_report = time.monotonic()
    log.info("Reading %d file(s) under %s as %s", len(files), contract.dataset_source, contract.dataset_format.kind)
    for i, path in enumerate(files, start=1):
        for table in reader.read(path):
            _profile_table(table, result, types)
        now = time.monotonic()
        if now - last_report >= PROGRESS_EVERY_S:
            last_report = now
            log.info(
                "progress: %d/%d files, %d records read, %d kept, %.0f records/s",
                i,
                len(files),
                reader.records_read,
                reader.records_kept,
                reader.records_read / (now - started),
            )
    result.records_read = reader.records_read
    result.records_kept = reader.records_kept
    result.seconds = time.monotonic() - started
    return result


def _profile_table(table: pa.Table, result: Ingested, types: dict[str, InferredType] | None) -> None:
    result.rows += table.num_rows
    for name, column in zip(table.column_names, table.columns, strict=True):
        previous = result.profiles.get(name)
        known = types.get(name) if types is not None else None
        keep = _keep_texts(previous) if types is None else (known is None or not known.is_numeric)
        classify = known is not InferredType.STRING
        part = profile_column(normalise(name, column, keep_texts=keep, classify=classify))
        missing_before = result.rows - table.num_rows
        if previous is None and missing_before:
            # A column first seen now was missing from every earlier row.
            part = _all_missing(name, missing_before).merge(part)
        result.profiles[name] = part if previous is None else previous.merge(part)
    for name, previous in result.profiles.items():
        if name not in table.column_names:
            result.profiles[name] = previous.merge(_all_missing(name, table.num_rows))


def _keep_texts(previous: FeatureProfile | None) -> bool:
    # Baseline job: stop counting categories of a column that has only held numbers and has
    # already more distinct values than any domain could; it will be inferred numeric.
    if previous is None or previous.categories is None:
        return True
    return previous.types.string > 0 or previous.categories.overflow == 0


def _all_missing(name: str, count: int) -> FeatureProfile:
    return profile_column(normalise(name, pa.nulls(count, pa.string()), keep_texts=False))


def _reader(contract: MonitorContract, config: AnalysisConfig, names: tuple[str, ...] | None, problems: ProblemLog) -> _Reader:
    fmt = contract.dataset_format
    if fmt.kind is FormatKind.CAPTURE:
        window = TimeWindow(contract.start_time, contract.end_time)
        return CaptureReader(parts=fmt.capture_parts, names=names, config=config, window=window, problems=problems)
    if fmt.kind is FormatKind.CSV:
        return CsvReader(header=fmt.header, names=None if fmt.header else names, problems=problems)
    if fmt.kind is FormatKind.JSON:
        return JsonReader(lines=fmt.json_lines, names=names, config=config, problems=problems)
    return ParquetReader(names=names, problems=problems)
