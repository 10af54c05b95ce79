"""``record_preprocessor_script``: the user's ``preprocess_handler`` on every captured record in the window.

Called as AWS documents (container/hooks/record.py for the record): with ``(inference_record)`` or, when the
function takes a second argument, ``(inference_record, logger)``. What it returns decides the record's fate:

- a flat dict of feature -> value: one row; a list of such dicts: one row each;
- ``[]`` or None: the record is skipped on purpose (AWS's sampling example), counted as filtered out;
- ``{}``, anything else, or an exception: a bad record, counted with the user's exception type and message
  (the first traceback goes to the log), and the run goes on.

Keys become columns as AWS's analyzer makes them: by name when every key is a known column name (or, in
a baseline job, when no names are known), else by position in key order. AWS sorts the keys, which is why its
examples write ``str(i).zfill(20)``; keys that are all digits are ordered as numbers here, so plain
``0, 1, ..., 10`` keys keep their order too.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from container.hooks.record import CapturedData
from container.hooks.script import UserScript, takes_logger

log = logging.getLogger("preprocess_handler")  # the user's log lines, under the name they wrote them for
_traced: list[bool] = []  # whether this process logged a traceback of the handler yet


@dataclass(frozen=True, slots=True)
class Rows:
    rows: list[Any]  # dicts by name, or lists by position


@dataclass(frozen=True, slots=True)
class Skipped:
    pass


@dataclass(frozen=True, slots=True)
class Failed:
    kind: str  # the bad-record kind: the user's exception type and message, or what was wrong with the return
    text: str  # an example for the log


Outcome = Rows | Skipped | Failed


class Preprocessor:
    def __init__(self, script: UserScript, names: Sequence[str] | None) -> None:
        self.script = script
        self.handler: Callable[..., Any] = script.function("preprocess_handler")
        self.with_logger = takes_logger(self.handler)
        self.names = set(names or ())

    def __call__(self, event_dict: dict[str, Any]) -> Outcome:
        record = CapturedData(event_dict)
        try:
            result = self.handler(record, log) if self.with_logger else self.handler(record)
        except Exception as exc:  # noqa: BLE001 - the user's code: its failure costs this record only
            if not _traced:  # the first one in this process in full: enough to find the bug, not thousands
                _traced.append(True)
                log.error("preprocess_handler raised on a record:\n%s", traceback.format_exc())
            # One kind per exception type (messages differ record by record); the message is the example.
            return Failed(f"records preprocess_handler raised {type(exc).__name__} on", f"{type(exc).__name__}: {exc}"[:200])
        return self._rows(result)

    def _rows(self, result: object) -> Outcome:
        if result is None or (isinstance(result, list | tuple) and not result):
            return Skipped()
        if isinstance(result, dict):
            if not result:
                return Failed("records preprocess_handler returned {} for (AWS: an error; return [] to skip)", "{}")
            return Rows([self._row(result)])
        if isinstance(result, list | tuple) and all(isinstance(r, dict) and r for r in result):
            return Rows([self._row(r) for r in result])
        return Failed(
            f"records preprocess_handler returned a {type(result).__name__}, not a dict or a list of dicts", repr(result)[:200]
        )

    def _row(self, row: dict[Any, Any]) -> dict[str, Any] | list[Any]:
        pairs = [(str(k), v) for k, v in row.items()]
        if self.names and all(k in self.names for k, _ in pairs):
            return dict(pairs)
        ordered = sorted(pairs, key=lambda kv: _order(kv[0]))
        if not self.names:  # no names to line up with (a baseline job): the keys name the columns, in key order
            return dict(ordered)
        return [value for _, value in ordered]


def _order(key: str) -> tuple[int, int, str]:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)
