"""Rows inside one captured payload.

A JSON payload that is an array of arrays or objects holds one row per element; any other array
is one row by position; an object is one row by key; a scalar is a one-column row. The analysis
config's ``payload`` paths pick the list of records inside a wrapper (``instances``) and the
values inside each record (``features``). CSV payloads hold one row per line.
"""

from __future__ import annotations

from typing import Any

import msgspec


class PayloadError(ValueError):
    def __init__(self, kind: str, text: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.text = text


def select_rows(kind: str, text: str, paths: tuple[str | None, str | None]) -> list[Any]:
    if kind == "csv":
        return [line.split(",") for line in text.rstrip("\r\n").replace("\r\n", "\n").split("\n")]
    try:
        value = msgspec.json.decode(text)
    except msgspec.DecodeError:
        raise PayloadError("is not valid JSON", text) from None
    records_path, record_path = paths
    if records_path is not None:
        value = _dig(value, records_path, text)
        if not isinstance(value, list):
            raise PayloadError(f"has no list at {records_path!r}", text)
        rows = value
    elif isinstance(value, list) and value and all(isinstance(v, list | dict) for v in value):
        rows = value
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
