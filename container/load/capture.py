"""Reading SageMaker endpoint data capture (``sagemakerCaptureJson``) in bounded blocks.

Each line is one captured invocation (docs/contract.md #endpoint-data-capture). Payloads come as CSV, JSON or BASE64 text
and may hold several rows; model output columns come first, then the inputs (docs/contract.md #column-order).
Clean blocks take the vectorised path (``capture_fast``); the others are read record by record:
lines are decoded with msgspec into structs holding only the fields we use, each record is placed
in the window, and its payloads become rows. CSV payloads that end outside quotes are joined and
parsed by pyarrow in one go; any other payload is parsed on its own, so it can only cost its record.

Every line is a record: it ends up kept, bad (counted in the problem log once) or outside the window.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa

from container.hooks.preprocess import Failed, Preprocessor, Rows
from container.load.capture_fast import FastBlock, read_clean_block
from container.load.csv_text import is_safe
from container.load.depth import TooDeepError, decode, deep_kind, most_brackets_per_line
from container.load.lines import LongLine, iter_line_blocks, too_long_kind
from container.load.names import NameRules
from container.load.payload import PayloadError, combine, select_rows
from container.load.problems import ProblemLog
from container.load.rows import parse_csv, parse_csv_lines, rows_to_table
from container.load.spec import ReaderSettings
from container.load.window import Place, TimeWindow


class _Payload(msgspec.Struct):
    data: str | None = None
    encoding: str | None = None
    observedContentType: str | None = None  # noqa: N815 - the capture's own field name


class _CaptureData(msgspec.Struct):
    endpointInput: _Payload | None = None  # noqa: N815
    endpointOutput: _Payload | None = None  # noqa: N815


class EventMetadata(msgspec.Struct):
    """``eventMetadata`` of a capture, ground-truth or merged record: the fields we use."""

    inferenceTime: str | None = None  # noqa: N815
    eventId: str | None = None  # noqa: N815
    inferenceId: str | None = None  # noqa: N815

    @property
    def key(self) -> str:
        """The ground-truth join key: inferenceId when the caller gave one, else eventId."""
        return self.inferenceId or self.eventId or ""


class _Record(msgspec.Struct):
    captureData: _CaptureData | None = None  # noqa: N815
    eventMetadata: EventMetadata | None = None  # noqa: N815


_DECODER = msgspec.json.Decoder(_Record)
_RAW_DECODER = msgspec.json.Decoder()  # a whole line as Python objects: for filters and the preprocessor
_DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)
_Decoded = tuple[int, _Record, dict[str, Any] | None]  # line number, our view, the whole line (record by record)


@dataclass(slots=True)
class _Rows:
    """A block's rows on their way to tables: joined CSV lines, and rows parsed record by record."""

    csv_lines: list[str] = field(default_factory=list)
    csv_origins: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    value_origins: list[str] = field(default_factory=list)
    value_keys: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CaptureReader:
    """Reads capture files into string tables; counts what it cannot use in ``problems``."""

    parts: tuple[str, ...]
    names: tuple[str, ...] | None
    settings: ReaderSettings
    window: TimeWindow
    problems: ProblemLog
    block_bytes: int = 32 << 20
    with_keys: bool = False  # add each record's ground-truth join key as KEY_COLUMN
    strict_names: bool = False  # the baseline job: a JSON key that cannot be a feature name stops it
    records_read: int = 0
    records_kept: int = 0
    records_outside_window: int = 0
    rows_in_kept_records: int = 0
    preprocess: Preprocessor | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.settings.preprocessor is not None:
            self.preprocess = Preprocessor(self.settings.preprocessor, self.names)

    def read(self, path: Path) -> Iterator[pa.Table]:
        limits = self.settings.limits
        for item in iter_line_blocks(path, self.block_bytes, limits.max_record_bytes):
            if isinstance(item, LongLine):
                self.records_read += 1
                self.problems.add(too_long_kind(limits.max_record_bytes), f"{path.name}:{item.line}", item.prefix)
                continue
            first_line, block, newlines = item
            fast = None
            if not self.settings.record_by_record:
                fast = read_clean_block(
                    block, first_line, newlines, self.parts, self.window, self.with_keys, limits.max_nesting_depth
                )
            if fast is not None:
                yield from self._fast(path, fast)
            else:
                yield from self._tables(path, self._decode(path, first_line, block))

    def _fast(self, path: Path, fast: FastBlock) -> Iterator[pa.Table]:
        kept = len(fast.kept_lines)
        self.records_read += fast.rows_read
        self.records_kept += kept
        self.records_outside_window += fast.rows_read - kept
        self.rows_in_kept_records += kept  # one row per record on this path
        if kept:
            yield parse_csv(fast.text, fast.origin(path.name), self.names, self.problems, fast.first_row, self.with_keys)

    def _decode(self, path: Path, first_line: int, block: bytes) -> list[_Decoded]:
        lines = block.split(b"\n")
        numbered = [(first_line + i, line) for i, line in enumerate(lines) if line.strip()]
        self.records_read += len(numbered)
        whole = self.settings.record_by_record
        limit = self.settings.limits.max_nesting_depth
        if most_brackets_per_line(block) <= limit:  # else some line may be too deep to hand to the decoder
            try:
                decoded = (_RAW_DECODER if whole else _DECODER).decode_lines(block)
            except (*_DECODE_ERRORS, RecursionError):
                decoded = None
            if decoded is not None and len(decoded) == len(numbered):
                if not whole:
                    return [(n, record, None) for (n, _), record in zip(numbered, decoded, strict=True)]
                viewed = [_view(raw) for raw in decoded]
                if all(v is not None for v in viewed):
                    return [(n, v, raw) for (n, _), v, raw in zip(numbered, viewed, decoded, strict=True)]  # type: ignore[misc]
        # Some line is bad, or may be too deep. Decode one by one so it is counted and the rest kept.
        truncated_at = first_line + len(lines) - 1 if not block.endswith(b"\n") else None
        records: list[_Decoded] = []
        for n, line in numbered:
            where = f"{path.name}:{n}"
            try:
                if whole:
                    raw = decode(line, limit, _RAW_DECODER.decode)
                    view = _view(raw)
                    if view is None:
                        raise msgspec.ValidationError("not a capture record object")
                    records.append((n, view, raw))
                else:
                    records.append((n, decode(line, limit, _DECODER.decode), None))
            except TooDeepError:
                self.problems.add(deep_kind(limit), where, line)
            except _DECODE_ERRORS as exc:
                kind = "truncated lines" if n == truncated_at else "malformed lines"
                self.problems.add(f"{kind} ({_short(exc)})", where, line)
        return records

    def _tables(self, path: Path, records: list[_Decoded]) -> Iterator[pa.Table]:
        rows = _Rows()
        for line_no, record, raw in records:
            where = f"{path.name}:{line_no}"
            meta = record.eventMetadata
            place = self.window.place(meta.inferenceTime if meta else None, where, self.problems)
            if place is Place.OUTSIDE:
                self.records_outside_window += 1
            if place is not Place.INSIDE:
                continue
            if raw is not None and self._filtered_out(raw):
                continue
            key = meta.key if meta else ""
            if raw is not None and self.preprocess is not None:
                added = self._preprocessed(raw, where, key, rows)
                if added == 0:
                    continue  # skipped by the user's script on purpose: counted as filtered out
            else:
                texts = self._payload_texts(record, where)
                added = None if texts is None else self._add_rows(texts, where, key, rows)
            if added is not None:  # else the record is bad, already counted once
                self.records_kept += 1
                self.rows_in_kept_records += added
        rules = NameRules(self.strict_names, self.problems)
        keys = rows.value_keys if self.with_keys else None
        for table in (
            parse_csv_lines(rows.csv_lines, rows.csv_origins, self.names, self.problems, self.with_keys),
            rows_to_table(rows.values, rows.value_origins, self.names, self.problems, keys, rules),
        ):
            if table is not None and table.num_rows:
                yield table

    def _filtered_out(self, raw: dict[str, Any]) -> bool:
        """The traffic filters: a record whose eventMetadata matches an ``exclude`` pattern, or misses an
        ``include`` one, is left out and counted as filtered out."""
        metadata = raw.get("eventMetadata") if isinstance(raw.get("eventMetadata"), dict) else {}
        traffic = self.settings.traffic
        for key, pattern in traffic.exclude:
            if _matches(metadata.get(key), pattern):
                self.problems.filter(f"records whose eventMetadata.{key} matches {pattern!r} (traffic.exclude)")
                return True
        for key, pattern in traffic.include:
            if not _matches(metadata.get(key), pattern):
                self.problems.filter(f"records whose eventMetadata.{key} does not match {pattern!r} (traffic.include)")
                return True
        return False

    def _preprocessed(self, raw: dict[str, Any], where: str, key: str, rows: _Rows) -> int | None:
        """The user's ``preprocess_handler`` on the record: its rows (0 when it skipped the record), or None
        for a bad record (counted with the user's exception or what was wrong with the return)."""
        outcome = self.preprocess(raw)  # type: ignore[misc]
        if isinstance(outcome, Failed):
            self.problems.add(outcome.kind, where, outcome.text)
            return None
        if not isinstance(outcome, Rows):
            self.problems.filter("records preprocess_handler skipped (returned [] or None)")
            return 0
        for i, row in enumerate(outcome.rows):
            rows.values.append(row)
            rows.value_origins.append(where)
            rows.value_keys.append(row_key(key, i, len(outcome.rows)))
        return len(outcome.rows)

    def _payload_texts(self, record: _Record, where: str) -> list[tuple[str, str, str]] | None:
        """``(kind, part, text)`` per captured part, kind ``csv`` or ``json``; None if unusable."""
        capture = record.captureData
        out = []
        for part in self.parts:
            payload = getattr(capture, part) if capture else None
            if payload is None or payload.data is None:
                self.problems.add(f"records without captureData.{part}", where)
                return None
            decoded = _decode_payload(payload)
            if isinstance(decoded, str):
                self.problems.add(f"records whose {part} {decoded}", where, payload.data)
                return None
            if not decoded[1].strip("\r\n"):
                self.problems.add(f"records whose {part} is empty", where)
                return None
            out.append((decoded[0], part, decoded[1]))
        return out

    def _add_rows(self, texts: list[tuple[str, str, str]], where: str, key: str, rows: _Rows) -> int | None:
        """Add the record's rows; their number, or None (counted as a bad record) when it has none usable."""
        # A join key with a line break would be a quoted line break among the joined lines: parsed apart.
        if all(kind == "csv" for kind, _, _ in texts) and not (self.with_keys and ("\n" in key or "\r" in key)):
            split = [text.rstrip("\r\n").replace("\r\n", "\n") for _, _, text in texts]
            if all(is_safe(text) for text in split):
                # Blank lines hold no row (a blank line would be a row of nulls to pyarrow).
                return self._add_csv_lines([[line for line in t.split("\n") if line] for t in split], where, key, rows)
        values = self._value_rows(texts, where)
        if values is None:
            return None
        for i, value in enumerate(values):
            rows.values.append(value)
            rows.value_origins.append(where)
            rows.value_keys.append(row_key(key, i, len(values)))
        return len(values)

    def _add_csv_lines(self, per_part: list[list[str]], where: str, key: str, rows: _Rows) -> int | None:
        height = len(per_part[0])
        if any(len(lines) != height for lines in per_part):
            self.problems.add("records whose output and input hold different numbers of rows", where)
            return None
        for i, row in enumerate(zip(*per_part, strict=True)):
            prefix = _csv_field(row_key(key, i, height)) + "," if self.with_keys else ""
            rows.csv_lines.append(prefix + ",".join(row))
            rows.csv_origins.append(where)
        return height

    def _value_rows(self, texts: list[tuple[str, str, str]], where: str) -> list[Any] | None:
        per_part = []
        for kind, part, text in texts:
            try:
                per_part.append(select_rows(kind, text, self._paths(part), self.settings.limits.max_nesting_depth))
            except PayloadError as exc:
                self.problems.add(f"records whose {part} {exc.kind}", where, exc.text)
                return None
        if len({len(r) for r in per_part}) != 1:
            self.problems.add("records whose output and input hold different numbers of rows", where)
            return None
        columns = self.settings.columns
        names = tuple(columns.output if part == "endpointOutput" else columns.input for _, part, _ in texts)
        rules = NameRules(self.strict_names, self.problems)
        try:
            return [
                combine(parts, names, lambda name: rules.duplicate(name, f"a JSON key at {where}"))
                for parts in zip(*per_part, strict=True)
            ]
        except PayloadError as exc:
            self.problems.add(f"records whose payload {exc.kind}", where, exc.text)
            return None

    def _paths(self, part: str) -> tuple[str | None, str | None]:
        p = self.settings.payload
        if part == "endpointOutput":
            return p.output_records, p.output_record
        return p.input_records, p.input_record


def _decode_payload(payload: _Payload) -> tuple[str, str] | str:
    """``(kind, text)`` or a short reason the payload cannot be used."""
    data = payload.data or ""
    encoding = (payload.encoding or "").upper()
    content_type = (payload.observedContentType or "").lower()
    if encoding == "BASE64":
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            return "is not valid BASE64"
        try:
            data = raw.decode("utf-8")
        except UnicodeDecodeError:
            return "is not UTF-8 text after BASE64 decoding"
        encoding = "JSON" if "json" in content_type else "CSV"
    if encoding == "JSON" or (not encoding and "json" in content_type):
        return "json", data
    if encoding in ("CSV", ""):
        return "csv", data
    return f"has unknown encoding {payload.encoding!r}"


def _view(raw: object) -> _Record | None:
    """Our view of a line decoded whole; None when the line is not a capture record object."""
    if not isinstance(raw, dict):
        return None
    try:
        return msgspec.convert(raw, _Record)
    except msgspec.ValidationError:
        return None


def _matches(value: object, pattern: str) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str | int | float) and re.search(pattern, str(v)) for v in values)


def row_key(key: str, index: int, rows: int) -> str:
    """The join key of row ``index`` of a record holding ``rows`` rows: ``key#index`` in a batch.

    >>> row_key("e1", 0, 1), row_key("e1", 2, 3)
    ('e1', 'e1#2')
    """
    return key if rows == 1 else f"{key}#{index}"


def _csv_field(text: str) -> str:
    return text if not any(c in text for c in ',"\n\r') else '"' + text.replace('"', '""') + '"'


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0][:60]
