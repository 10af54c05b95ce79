"""Turning decoded rows (CSV lines, JSON arrays, JSON objects) into string tables.

Every value becomes text here, and the column normaliser classifies it (integral, fractional,
string, missing) in one vectorised place, whatever format it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.csv as pacsv

from container.load.csv_text import width
from container.load.names import NameRules
from container.load.problems import ProblemLog

_ENCODE = msgspec.json.Encoder()


# A record's join key (inferenceId, else eventId) rides along as a first column when ground truth is
# joined later; widths in messages never count it.
KEY_COLUMN = "__record_key"


def positional_names(width: int) -> tuple[str, ...]:
    """Spark's names for headerless columns, which AWS's baselines carry (``_c0``, ``_c1``, ...)."""
    return tuple(f"_c{i}" for i in range(width))


def parse_csv_lines(
    lines: list[str],
    origins: Sequence[str],
    names: Sequence[str] | None,
    problems: ProblemLog,
    keyed: bool = False,
) -> pa.Table | None:
    """Parse header-less CSV lines into a table of strings; see ``parse_csv``."""
    if not lines:
        return None
    data = "\n".join(lines).encode("utf-8")
    return parse_csv(data, lambda i: origins[i] if 0 <= i < len(origins) else "?", names, problems, lines[0], keyed)


def parse_csv(
    data: bytes | pa.Buffer,
    origin: Callable[[int], str],
    names: Sequence[str] | None,
    problems: ProblemLog,
    first_line: str,
    keyed: bool = False,
) -> pa.Table:
    """Parse header-less CSV text into a table of strings, one row per line.

    ``names`` fixes the expected width; without it the first line decides. A row of any other
    width is skipped and counted, with ``origin(row_index)`` (``file:line``) as its example position.
    Every line must end outside quotes (``csv_text.is_safe``) and none be blank (the readers leave
    blank lines out): so rows never span lines, and row ``i`` is line ``i``.
    """
    extra = 1 if keyed else 0
    width_names = list(names) if names is not None else list(positional_names(width(first_line) - extra))
    if keyed:
        width_names = [KEY_COLUMN, *width_names]
    invalid = 0

    def count_invalid(row: pacsv.InvalidRow) -> str:
        nonlocal invalid
        invalid += 1
        return "skip"

    def report_invalid(row: pacsv.InvalidRow) -> str:
        where = origin((row.number or 0) - 1)
        problems.wrong_width(row.actual_columns - extra, row.expected_columns - extra, where, row.text)
        return "skip"

    if _starts_with_bom(data):
        # pyarrow drops a byte-order mark at the start of its input: here it is a value's first character.
        data = _BOM + (data if isinstance(data, bytes) else data.to_pybytes())
    # Parse in parallel; only when some row is bad, parse again on one thread, where pyarrow
    # knows each bad row's number, to report where it was.
    table = _read_csv(data, width_names, count_invalid, threads=True)
    return table if not invalid else _read_csv(data, width_names, report_invalid, threads=False)


_BOM = "\ufeff".encode()


def _starts_with_bom(data: bytes | pa.Buffer) -> bool:
    return (data[:3] if isinstance(data, bytes) else data[:3].to_pybytes()) == _BOM


def _read_csv(
    data: bytes | pa.Buffer, names: list[str], on_invalid: Callable[[pacsv.InvalidRow], str], *, threads: bool
) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=threads),
        # Never skip a line silently: row numbers must stay line numbers (and counts add up).
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def to_text(value: Any) -> str | None:
    """A JSON value as the text the column normaliser classifies."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return _ENCODE.encode(value).decode("utf-8")


def rows_to_table(
    rows: list[Any],
    origins: Sequence[str],
    names: Sequence[str] | None,
    problems: ProblemLog,
    keys: Sequence[str] | None = None,
    rules: NameRules | None = None,
) -> pa.Table | None:
    """Rows that are JSON arrays map by position, objects by key, scalars to a single column.
    ``keys``: each row's join key, kept in ``KEY_COLUMN``; ``rules``: which JSON keys may be features."""
    if not rows:
        return None
    columns: dict[str, list[str | None]] = {}
    ignored: set[str] = set()
    expected = list(names) if names is not None else None
    kept = 0
    kept_keys: list[str] = []
    for i, (row, where) in enumerate(zip(rows, origins, strict=True)):
        if isinstance(row, dict):
            _new_keys(row, columns, ignored, kept, (rules, where))
            for key, values in columns.items():
                values.append(to_text(row.get(key)))
            kept += 1
            kept_keys.append(keys[i] if keys is not None else "")
            continue
        values_row = row if isinstance(row, list) else [row]
        if expected is None:
            expected = list(positional_names(len(values_row)))
        if len(values_row) != len(expected):
            problems.wrong_width(
                len(values_row), len(expected), where, _ENCODE.encode(values_row).decode("utf-8", errors="replace")
            )
            continue
        for key in expected:
            if key not in columns:
                columns[key] = [None] * kept
        for key, value in zip(expected, values_row, strict=True):
            columns[key].append(to_text(value))
        for values in columns.values():
            if len(values) == kept:
                values.append(None)
        kept += 1
        kept_keys.append(keys[i] if keys is not None else "")
    return _table(columns, kept_keys if keys is not None else None, kept)


def _table(columns: dict[str, list[str | None]], keys: list[str] | None, rows: int) -> pa.Table | None:
    if not rows:
        return None
    table = {k: pa.array(v, type=pa.string()) for k, v in columns.items()}
    if keys is not None:
        table = {KEY_COLUMN: pa.array(keys, type=pa.string()), **table}
    if not table:  # rows without any value ({}): they still count, in a table of no columns
        return pa.table({"": pa.nulls(rows)}).drop_columns([""])
    return pa.table(table)


def _new_keys(
    row: dict[str, Any],
    columns: dict[str, list[str | None]],
    ignored: set[str],
    kept: int,
    rules_at: tuple[NameRules | None, str],
) -> None:
    """Open a column (missing in the ``kept`` rows before) for each new key that may be a feature name."""
    rules, where = rules_at
    for key in row:
        if key not in columns and key not in ignored:
            if rules is None or rules.usable(key, f"a JSON key at {where}"):
                columns[key] = [None] * kept
            else:
                ignored.add(key)
