"""Rows inside one captured payload.

A JSON payload that is an array of arrays or objects holds one row per element (``[]``: none); any
other array is one row by position; an object is one row by key; a scalar is a one-column row. The analysis
config's ``payload`` paths pick the list of records inside a wrapper (``instances``) and the
values inside each record (``features``). CSV payloads hold one row per line, parsed on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from container.load.csv_text import CsvTextError, split_rows
from container.load.depth import TooDeepError, decode


class PayloadError(ValueError):
    def __init__(self, kind: str, text: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.text = text


def select_rows(kind: str, text: str, paths: tuple[str | None, str | None], max_depth: int = 64) -> list[Any]:
    """The rows of one payload; a payload that cannot be read raises ``PayloadError``."""
    if kind == "csv":
        try:
            return list(split_rows(text))
        except CsvTextError as exc:
            raise PayloadError(exc.kind, text) from None
    try:
        value = decode(text, max_depth)
    except msgspec.DecodeError:
        raise PayloadError("is not valid JSON", text) from None
    except TooDeepError:
        raise PayloadError(f"is nested deeper than limits.max_nesting_depth ({max_depth})", text) from None
    records_path, record_path = paths
    if records_path is not None:
        value = _dig(value, records_path, text)
        if not isinstance(value, list):
            raise PayloadError(f"has no list at {records_path!r}", text)
        rows = value
    elif isinstance(value, list) and all(isinstance(v, list | dict) for v in value):
        rows = value  # [] holds no rows
    else:
        rows = [value]
    if record_path is not None:
        rows = [_dig(row, record_path, text) for row in rows]
    return rows


def _dig(value: Any, path: str, text: str) -> Any:
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            raise PayloadError(f"has no key {path!r}", text)
        value = value[key]
    return value


def combine(parts: tuple[Any, ...], names: tuple[tuple[str, ...] | None, ...], on_duplicate: Callable[[str], None]) -> Any:
    """One row from the output and input parts: arrays concatenate, objects merge; an array or
    scalar beside an object is named by the analysis config's ``columns`` for its part. A name held
    by two parts is reported to ``on_duplicate`` and left out (two columns cannot share a feature)."""
    if len(parts) == 1:
        return parts[0]
    if not any(isinstance(p, dict) for p in parts):
        flat: list[Any] = []
        for p in parts:
            flat.extend(p if isinstance(p, list) else [p])
        return flat
    named = [_named(p, part_names) for p, part_names in zip(parts, names, strict=True)]
    merged: dict[str, Any] = {}
    shared = set()
    for part in named:
        shared.update(k for k in part if k in merged)
        merged.update(part)
    for name in sorted(shared):
        on_duplicate(name)
        del merged[name]
    return merged


def _named(part: Any, names: tuple[str, ...] | None) -> dict[str, Any]:
    if isinstance(part, dict):
        return part
    values = part if isinstance(part, list) else [part]
    if names is None or len(names) != len(values):
        raise PayloadError(
            "mixes a JSON object with an array or scalar; name its columns in the analysis config "
            "(columns.output / columns.input)",
            repr(values),
        )
    return dict(zip(names, values, strict=True))
