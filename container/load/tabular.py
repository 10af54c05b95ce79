"""Reading plain datasets (batch transform output, training data): CSV, JSON Lines, JSON, Parquet.

Each reader yields bounded tables. CSV and JSON values arrive as strings and are classified later
in one place; Parquet keeps its column types.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from container.config import AnalysisConfig
from container.errors import CaptureFormatError
from container.load.discover import iter_line_blocks
from container.load.payload import PayloadError, select_rows
from container.load.problems import ProblemLog
from container.load.rows import parse_csv_lines, rows_to_table

_BATCH_ROWS = 65_536


@dataclass(slots=True)
class CsvReader:
    header: bool
    names: tuple[str, ...] | None
    problems: ProblemLog
    block_bytes: int = 32 << 20
    records_read: int = 0
    records_kept: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        names = self.names
        if self.header:
            names = self._header(path)
        first_data_line = 2 if self.header else 1
        for first_line, block, _ in iter_line_blocks(path, self.block_bytes):
            text = _utf8(block, path, first_line, self.problems)
            lines = text.split("\n")
            numbers = range(first_line, first_line + len(lines))
            kept = [(n, line) for n, line in zip(numbers, lines, strict=True) if line.strip() and n >= first_data_line]
            self.records_read += len(kept)
            table = parse_csv_lines(
                [line.rstrip("\r") for _, line in kept], [f"{path.name}:{n}" for n, _ in kept], names, self.problems
            )
            if table is not None:
                self.records_kept += table.num_rows
                yield table

    def _header(self, path: Path) -> tuple[str, ...]:
        with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
            row = next(csv.reader(handle), None)
        if not row:
            raise CaptureFormatError(
                f"{path} is empty but dataset_format says csv with a header; "
                'remove the file or set {"csv": {"header": false}}.'
            )
        names = tuple(name.strip() for name in row)
        if len(set(names)) != len(names) or not all(names):
            raise CaptureFormatError(
                f"the CSV header of {path.name} has empty or repeated column names ({', '.join(names)[:200]}); "
                "fix the header or read the file without one."
            )
        return names


@dataclass(slots=True)
class JsonReader:
    lines: bool
    names: tuple[str, ...] | None
    config: AnalysisConfig
    problems: ProblemLog
    block_bytes: int = 32 << 20
    records_read: int = 0
    records_kept: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        if not self.lines:
            yield from self._read_document(path)
            return
        for first_line, block, _ in iter_line_blocks(path, self.block_bytes):
            rows: list[Any] = []
            origins: list[str] = []
            for i, line in enumerate(block.split(b"\n")):
                if not line.strip():
                    continue
                self.records_read += 1
                where = f"{path.name}:{first_line + i}"
                try:
                    value = msgspec.json.decode(line)
                except msgspec.DecodeError as exc:
                    self.problems.add(f"malformed lines ({str(exc)[:60]})", where, line)
                    continue
                rows.append(value)
                origins.append(where)
            table = rows_to_table(rows, origins, self.names, self.problems)
            if table is not None:
                self.records_kept += table.num_rows
                yield table

    def _read_document(self, path: Path) -> Iterator[pa.Table]:
        # A single JSON document cannot be streamed by lines; it is read whole.
        text = _utf8(path.read_bytes(), path, 1, self.problems)
        p = self.config.payload
        try:
            rows = select_rows("json", text, (p.input_records, p.input_record))
        except PayloadError as exc:
            raise CaptureFormatError(
                f"{path.name} {exc.kind}; dataset_format is json with line=false, so the file must be one JSON "
                "document (set payload.input_records in the analysis config to its list of records)."
            ) from None
        self.records_read += len(rows)
        for start in range(0, len(rows), _BATCH_ROWS):
            chunk = rows[start : start + _BATCH_ROWS]
            table = rows_to_table(
                chunk, [f"{path.name}:record {start + i}" for i in range(len(chunk))], self.names, self.problems
            )
            if table is not None:
                self.records_kept += table.num_rows
                yield table


@dataclass(slots=True)
class ParquetReader:
    names: tuple[str, ...] | None
    problems: ProblemLog
    records_read: int = 0
    records_kept: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        try:
            handle = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            self.problems.add(f"unreadable Parquet files ({str(exc)[:60]})", path.name)
            return
        for batch in handle.iter_batches(batch_size=_BATCH_ROWS):
            table = pa.Table.from_batches([batch])
            self.records_read += table.num_rows
            self.records_kept += table.num_rows
            yield table


def _utf8(data: bytes, path: Path, first_line: int, problems: ProblemLog) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Count each line that is not UTF-8 and drop it; the others are still read.
    good = []
    for i, line in enumerate(data.split(b"\n")):
        try:
            good.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            problems.add("lines that are not UTF-8", f"{path.name}:{first_line + i}", line)
            good.append("")
    return "\n".join(good)
