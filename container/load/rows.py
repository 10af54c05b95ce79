"""Turning decoded rows (CSV lines, JSON arrays, JSON objects) into string tables.

Every value becomes text here, and the column normaliser classifies it (integral, fractional,
string, missing) in one vectorised place, whatever format it came from.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.csv as pacsv

from container.load.problems import ProblemLog

_ENCODE = msgspec.json.Encoder()


def positional_names(width: int) -> tuple[str, ...]:
    """Spark's names for headerless columns, which AWS's baselines carry (``_c0``, ``_c1``, ...)."""
    return tuple(f"_c{i}" for i in range(width))


def parse_csv_lines(
    lines: list[str],
    origins: Sequence[str],
    names: Sequence[str] | None,
    problems: ProblemLog,
) -> pa.Table | None:
    """Parse header-less CSV lines into a table of strings.

    ``names`` fixes the expected width; without it the first line decides. A row of any other
    width is skipped and counted, with ``origins[i]`` (``file:line``) as its example position.
    """
    if not lines:
        return None
    width_names = list(names) if names is not None else list(positional_names(_first_width(lines[0])))

    def on_invalid(row: pacsv.InvalidRow) -> str:
        index = (row.number or 1) - 1
        where = origins[index] if 0 <= index < len(origins) else "?"
        problems.wrong_width(row.actual_columns, row.expected_columns, where, row.text)
        return "skip"

    data = "\n".join(lines).encode("utf-8")
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            column_names=width_names,
            block_size=max(1 << 20, len(data) + 1),
            use_threads=False,  # row numbers of bad rows are only known single-threaded
        ),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in width_names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _first_width(line: str) -> int:
    # Only a hint for the expected width; quoted commas are rare in captured payloads.
    return line.count(",") + 1


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
) -> pa.Table | None:
    """Rows that are JSON arrays map by position, objects by key, scalars to a single column."""
    if not rows:
        return None
    columns: dict[str, list[str | None]] = {}
    expected = list(names) if names is not None else None
    kept = 0
    for row, where in zip(rows, origins, strict=True):
        if isinstance(row, dict):
            for key in row:
                if key not in columns:
                    columns[key] = [None] * kept
            for key, values in columns.items():
                values.append(to_text(row.get(key)))
            kept += 1
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
    if not kept:
        return None
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})
