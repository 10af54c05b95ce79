"""Reading Parquet datasets in bounded batches; each row is a record, columns keep their types.

Columns are checked once per file, from the schema: a column whose name cannot be a feature is a
ClientError at the baseline job and ignored (and listed) at monitoring; a column that holds several
values per row (list, struct, map, union) or a type with no text form (an interval) is a ClientError
naming the file, the column, its Arrow type and the fix, since no single reading of it is right.
Binary columns are read as UTF-8 text, as Spark writes strings without the annotation; a row with a
value that is not UTF-8 is one bad record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from container.errors import CaptureFormatError
from container.load.names import NameRules
from container.load.problems import ProblemLog

BATCH_ROWS = 65_536
# What a damaged file raises: Arrow's errors, I/O errors, and bad UTF-8 in the names its footer holds.
_DAMAGED = (pa.ArrowException, OSError, ValueError)


def _readable(kind: pa.DataType) -> bool:
    """Types the column normaliser reads: numbers, booleans, text, binary text, dates and times."""
    if pa.types.is_dictionary(kind):
        return _readable(kind.value_type)
    checks = (
        pa.types.is_integer,
        pa.types.is_floating,
        pa.types.is_decimal,
        pa.types.is_boolean,
        pa.types.is_null,
        pa.types.is_temporal,
        _is_text,
        _is_binary,
    )
    return not pa.types.is_interval(kind) and any(check(kind) for check in checks)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def _is_binary(kind: pa.DataType) -> bool:
    return (
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
        or pa.types.is_binary_view(kind)
    )


@dataclass(slots=True)
class ParquetReader:
    names: tuple[str, ...] | None  # unused: a Parquet file names its columns
    problems: ProblemLog
    strict_names: bool = False
    records_read: int = 0
    records_kept: int = 0
    records_outside_window: int = 0  # Parquet rows carry no capture time
    rows_in_kept_records: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        try:
            handle = pq.ParquetFile(path)
            schema = handle.schema_arrow
        except _DAMAGED as exc:
            self.problems.bad_file(f"unreadable Parquet files ({_short(exc)})", path.name)
            return
        columns = self._columns(path, schema)
        batches = handle.iter_batches(batch_size=BATCH_ROWS)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except _DAMAGED as exc:  # the rows before the damage were read and counted; the rest cannot be
                self.problems.bad_file(f"Parquet files cut short ({_short(exc)})", f"{path.name}:row {self.records_read + 1}")
                return
            yield self._table(batch, columns, path)

    def _table(self, batch: pa.RecordBatch, columns: list[int], path: Path) -> pa.Table:
        table = pa.Table.from_batches([batch]).select(columns)
        first_row = self.records_read + 1
        self.records_read += table.num_rows
        table = self._texts(table, path, first_row)
        self.records_kept += table.num_rows
        self.rows_in_kept_records += table.num_rows
        return table

    def _columns(self, path: Path, schema: pa.Schema) -> list[int]:
        """The indices of the columns to profile."""
        usable = NameRules(self.strict_names, self.problems).usable_all(schema.names, f"a column of {path.name}")
        for name, kind, keep in zip(schema.names, schema.types, usable, strict=True):
            if keep and not _readable(kind):
                raise CaptureFormatError(
                    f"{path.name}: column {name!r} has Arrow type {kind}, which is not one value per row of a "
                    "number, text, boolean or time; flatten it into one column per value (or drop it) when "
                    "writing the dataset."
                )
        return [i for i, keep in enumerate(usable) if keep]

    def _texts(self, table: pa.Table, path: Path, first_row: int) -> pa.Table:
        """Binary columns as text; a row holding a value that is not UTF-8 is one bad record."""
        good = np.ones(table.num_rows, dtype=bool)
        for i, kind in enumerate(table.schema.types):
            if not _is_binary(kind.value_type if pa.types.is_dictionary(kind) else kind):
                continue
            name = table.field(i).name
            text, bad = _as_text(table.column(i))
            for row in np.flatnonzero(bad & good).tolist():
                where = f"{path.name}:row {first_row + row}"
                self.problems.add(
                    f"records with a value that is not UTF-8 text in column {name!r}", where, table.column(i)[row].as_py()
                )
            good &= ~bad
            table = table.set_column(i, pa.field(name, pa.string()), text)
        return table if good.all() else table.filter(pa.array(good))


def _as_text(column: pa.ChunkedArray) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray]:
    """The column as UTF-8 text, and which rows' values are not UTF-8 (those become missing)."""
    bad = np.zeros(len(column), dtype=bool)
    try:
        return pc.cast(column, pa.string()), bad
    except pa.ArrowInvalid:
        pass  # some value is not UTF-8: find which, one by one
    texts: list[str | None] = []
    for row, value in enumerate(column.to_pylist()):
        try:
            texts.append(None if value is None else value.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
            bad[row] = True
    return pa.array(texts, pa.string()), bad


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0][:60]
