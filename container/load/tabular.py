"""Reading plain datasets (batch transform output, training data): CSV, JSON Lines, JSON; Parquet is in
``parquet``.

Each reader yields bounded tables. CSV and JSON values arrive as strings and are classified later
in one place. A CSV row is one line, as Spark reads CSV by default: a line that cannot be parsed on
its own (not UTF-8, a quote never closed, a carriage return inside) is one bad record, and the lines
after it are read as usual. A JSON line is one record.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa

from container.errors import CaptureFormatError
from container.load.csv_text import is_closed
from container.load.depth import TooDeepError, decode, deep_kind
from container.load.lines import BOM, LongLine, iter_line_blocks, too_long_kind
from container.load.names import NameRules
from container.load.parquet import ParquetReader
from container.load.payload import PayloadError, select_rows
from container.load.problems import ProblemLog
from container.load.rows import parse_csv_lines, rows_to_table
from container.load.spec import ReaderSettings

__all__ = ["CsvReader", "JsonReader", "ParquetReader"]

_BATCH_ROWS = 65_536


@dataclass(slots=True)
class CsvReader:
    header: bool
    names: tuple[str, ...] | None
    problems: ProblemLog
    block_bytes: int = 32 << 20
    max_record_bytes: int = 64 << 20
    strict_names: bool = False
    records_read: int = 0
    records_kept: int = 0
    records_outside_window: int = 0  # plain data carries no capture time
    rows_in_kept_records: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        names, keep = (self.names, None) if not self.header else self._header(path)
        first_data_line = 2 if self.header else 1
        for item in iter_line_blocks(path, self.block_bytes, self.max_record_bytes):
            if isinstance(item, LongLine):
                if item.line >= first_data_line:  # a long header has already stopped the job
                    self.records_read += 1
                    self.problems.add(too_long_kind(self.max_record_bytes), f"{path.name}:{item.line}", item.prefix)
                continue
            lines, origins = self._lines(path, item[0], item[1], first_data_line)
            self.records_kept += len(lines)
            self.rows_in_kept_records += len(lines)  # a CSV record is one row
            table = parse_csv_lines(lines, origins, names, self.problems)
            if table is not None:
                yield table if keep is None else table.select([i for i, k in enumerate(keep) if k])

    def _lines(self, path: Path, first_line: int, block: bytes, first_data_line: int) -> tuple[list[str], list[str]]:
        """The block's data lines that parse on their own, with their ``file:line``; the others are counted."""
        lines, origins = [], []
        for i, line in enumerate(_utf8_lines(block)):
            number = first_line + i
            if number < first_data_line or not line.strip():
                continue  # the header, and blank lines: no records
            self.records_read += 1
            where = f"{path.name}:{number}"
            reason = _unreadable(line)
            if reason is not None:
                self.problems.add(reason, where, line)
            elif isinstance(line, str):
                lines.append(line.rstrip("\r"))
                origins.append(where)
        return lines, origins

    def _header(self, path: Path) -> tuple[tuple[str, ...], list[bool] | None]:
        """The header's names and which columns to keep (a name that cannot be a feature is not kept)."""
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
            first = handle.readline(self.max_record_bytes + 1)
        if len(first.rstrip("\r\n")) > self.max_record_bytes:
            raise CaptureFormatError(
                f"the CSV header of {path.name} is longer than limits.max_record_bytes ({self.max_record_bytes:,}); "
                'check the file is CSV, or read it with {"csv": {"header": false}}.'
            )
        row = next(csv.reader([first]), None) if first.strip() else None
        if not row:
            raise CaptureFormatError(
                f"{path} is empty but dataset_format says csv with a header; "
                'remove the file or set {"csv": {"header": false}}.'
            )
        names = [name.strip() for name in row]
        keep = NameRules(self.strict_names, self.problems).usable_all(names, f"in the CSV header of {path.name}")
        if all(keep):
            return tuple(names), None
        # Ignored columns are still parsed (a row's width counts them), under names no kept column has.
        placeholder = "_" * (max(map(len, names)) + 1)
        return tuple(name if k else f"{placeholder}{i}" for i, (name, k) in enumerate(zip(names, keep, strict=True))), keep


def _utf8_lines(block: bytes) -> list[str] | list[str | bytes]:
    """The block's lines as text; a line that is not UTF-8 stays bytes."""
    try:
        return block.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        pass
    lines: list[str | bytes] = []
    for line in block.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line)
    return lines


def _unreadable(line: str | bytes) -> str | None:
    """Why one CSV line cannot be read on its own, or None."""
    if isinstance(line, bytes):
        return "lines that are not UTF-8"
    line = line.rstrip("\r")
    if "\r" in line:
        return "lines with a carriage return inside (a row break to CSV readers); end lines with \\n or \\r\\n"
    if not is_closed(line):
        return "lines with a quoted field that is not closed on the line (a CSV row is one line)"
    return None


@dataclass(slots=True)
class JsonReader:
    lines: bool
    names: tuple[str, ...] | None
    settings: ReaderSettings
    problems: ProblemLog
    block_bytes: int = 32 << 20
    strict_names: bool = False
    records_read: int = 0
    records_kept: int = 0
    records_outside_window: int = 0
    rows_in_kept_records: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        if not self.lines:
            yield from self._read_document(path)
            return
        limits = self.settings.limits
        rules = NameRules(self.strict_names, self.problems)
        for item in iter_line_blocks(path, self.block_bytes, limits.max_record_bytes):
            if isinstance(item, LongLine):
                self.records_read += 1
                self.problems.add(too_long_kind(limits.max_record_bytes), f"{path.name}:{item.line}", item.prefix)
                continue
            rows: list[Any] = []
            origins: list[str] = []
            for i, line in enumerate(item[1].split(b"\n")):
                if line.strip():
                    self._decode(line, f"{path.name}:{item[0] + i}", rows, origins)
            self.records_kept += len(rows)
            self.rows_in_kept_records += len(rows)  # a JSON line is one row
            table = rows_to_table(rows, origins, self.names, self.problems, rules=rules)
            if table is not None:
                yield table

    def _decode(self, line: bytes, where: str, rows: list[Any], origins: list[str]) -> None:
        self.records_read += 1
        limit = self.settings.limits.max_nesting_depth
        try:
            value = decode(line, limit)
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            self.problems.add(f"malformed lines ({str(exc)[:60]})", where, line)
            return
        except TooDeepError:
            self.problems.add(deep_kind(limit), where, line)
            return
        rows.append(value)
        origins.append(where)

    def _read_document(self, path: Path) -> Iterator[pa.Table]:
        # A single JSON document cannot be streamed by lines; it is read whole.
        data = path.read_bytes()
        data = data[len(BOM) :] if data.startswith(BOM) else data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaptureFormatError(f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
        p = self.settings.payload
        try:
            rows = select_rows("json", text, (p.input_records, p.input_record), self.settings.limits.max_nesting_depth)
        except PayloadError as exc:
            raise CaptureFormatError(_document_error(path, exc.kind)) from None
        self.records_read += len(rows)
        self.records_kept += len(rows)
        self.rows_in_kept_records += len(rows)
        rules = NameRules(self.strict_names, self.problems)
        for start in range(0, len(rows), _BATCH_ROWS):
            chunk = rows[start : start + _BATCH_ROWS]
            origins = [f"{path.name}:record {start + i}" for i in range(len(chunk))]
            table = rows_to_table(chunk, origins, self.names, self.problems, rules=rules)
            if table is not None:
                yield table


def _document_error(path: Path, kind: str) -> str:
    if "nested" in kind:
        return (
            f"{path.name} {kind}; write one record per line (JSON lines, where a too deep record costs only "
            "itself) or raise limits.max_nesting_depth in the analysis config."
        )
    return (
        f"{path.name} {kind}; dataset_format is json with line=false, so the file must be one JSON "
        "document (set payload.input_records in the analysis config to its list of records)."
    )
