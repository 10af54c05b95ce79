"""Reading SageMaker endpoint data capture (``sagemakerCaptureJson``) in bounded blocks.

Each line is one captured invocation (CONTRACT §5.1). Payloads come as CSV, JSON or BASE64 text
and may hold several rows; model output columns come first, then the inputs (CONTRACT §5.4).
Lines are decoded with msgspec into structs holding only the fields we use (the fastest JSON
path measured on this workload); CSV payloads are joined and parsed by pyarrow in one go.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa

from container.config import AnalysisConfig
from container.load.capture_fast import read_clean_block
from container.load.discover import iter_line_blocks
from container.load.payload import PayloadError, select_rows
from container.load.problems import ProblemLog
from container.load.rows import parse_csv, parse_csv_lines, rows_to_table
from container.load.window import TimeWindow


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


@dataclass(slots=True)
class CaptureReader:
    """Reads capture files into string tables; counts what it cannot use in ``problems``."""

    parts: tuple[str, ...]
    names: tuple[str, ...] | None
    config: AnalysisConfig
    window: TimeWindow
    problems: ProblemLog
    block_bytes: int = 32 << 20
    with_keys: bool = False  # add each record's ground-truth join key as KEY_COLUMN
    records_read: int = 0
    records_kept: int = 0

    def read(self, path: Path) -> Iterator[pa.Table]:
        for first_line, block, newlines in iter_line_blocks(path, self.block_bytes):
            fast = read_clean_block(block, first_line, newlines, self.parts, self.window, self.with_keys)
            if fast is not None:
                self.records_read += fast.rows_read
                self.records_kept += len(fast.kept_lines)
                if len(fast.kept_lines):
                    origin = fast.origin(path.name)
                    yield parse_csv(fast.text, origin, self.names, self.problems, fast.first_row, self.with_keys)
                continue
            records = self._decode(path, first_line, block)
            self.records_read += len(records)
            yield from self._tables(path, records)

    def _decode(self, path: Path, first_line: int, block: bytes) -> list[tuple[int, _Record]]:
        try:
            decoded = _DECODER.decode_lines(block)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
            decoded = None
        lines = block.split(b"\n")
        if decoded is not None and len(decoded) == sum(1 for line in lines if line.strip()):
            numbers = (first_line + i for i, line in enumerate(lines) if line.strip())
            return list(zip(numbers, decoded, strict=True))
        # Slow path: some line is bad. Decode one by one so it is counted and the rest kept.
        records = []
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                records.append((first_line + i, _DECODER.decode(line)))
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
                kind = "truncated lines" if i == len(lines) - 1 and not block.endswith(b"\n") else "malformed lines"
                self.problems.add(f"{kind} ({_short(exc)})", f"{path.name}:{first_line + i}", line)
        return records

    def _tables(self, path: Path, records: list[tuple[int, _Record]]) -> Iterator[pa.Table]:
        csv_lines: list[str] = []
        csv_origins: list[str] = []
        rows: list[Any] = []
        row_origins: list[str] = []
        row_keys: list[str] = []
        for line_no, record in records:
            where = f"{path.name}:{line_no}"
            if not self.window.contains(
                record.eventMetadata.inferenceTime if record.eventMetadata else None, where, self.problems
            ):
                continue
            texts = self._payload_texts(record, where)
            if texts is None:
                continue
            self.records_kept += 1
            key = record.eventMetadata.key if record.eventMetadata else ""
            if all(kind == "csv" for kind, _, _ in texts):
                _append_csv(texts, where, csv_lines, csv_origins, self.problems, key if self.with_keys else None)
            else:
                record_rows = self._json_rows(texts, where)
                for i, row in enumerate(record_rows):
                    rows.append(row)
                    row_origins.append(where)
                    row_keys.append(row_key(key, i, len(record_rows)))
        for table in (
            parse_csv_lines(csv_lines, csv_origins, self.names, self.problems, self.with_keys),
            rows_to_table(rows, row_origins, self.names, self.problems, row_keys if self.with_keys else None),
        ):
            if table is not None and table.num_rows:
                yield table

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
            out.append((decoded[0], part, decoded[1]))
        return out

    def _json_rows(self, texts: list[tuple[str, str, str]], where: str) -> list[Any]:
        try:
            per_part = [select_rows(kind, text, self._paths(part)) for kind, part, text in texts]
        except PayloadError as exc:
            self.problems.add(f"records whose payload {exc.kind}", where, exc.text)
            return []
        heights = {len(r) for r in per_part}
        if len(heights) != 1:
            self.problems.add("records whose output and input hold different numbers of rows", where)
            return []
        columns = self.config.columns
        names = tuple(columns.output if part == "endpointOutput" else columns.input for _, part, _ in texts)
        try:
            return [_combine(parts, names) for parts in zip(*per_part, strict=True)]
        except PayloadError as exc:
            self.problems.add(f"records whose payload {exc.kind}", where, exc.text)
            return []

    def _paths(self, part: str) -> tuple[str | None, str | None]:
        p = self.config.payload
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


def row_key(key: str, index: int, rows: int) -> str:
    """The join key of row ``index`` of a record holding ``rows`` rows: ``key#index`` in a batch.

    >>> row_key("e1", 0, 1), row_key("e1", 2, 3)
    ('e1', 'e1#2')
    """
    return key if rows == 1 else f"{key}#{index}"


def _csv_field(text: str) -> str:
    return text if not any(c in text for c in ',"\n\r') else '"' + text.replace('"', '""') + '"'


def _append_csv(
    texts: list[tuple[str, str, str]],
    where: str,
    lines: list[str],
    origins: list[str],
    problems: ProblemLog,
    key: str | None = None,
) -> None:
    stripped = [text.rstrip("\r\n") for _, _, text in texts]
    if not any("\n" in s for s in stripped):
        lines.append(("" if key is None else _csv_field(key) + ",") + ",".join(stripped))
        origins.append(where)
        return
    split = [s.replace("\r\n", "\n").split("\n") for s in stripped]
    if len({len(rows) for rows in split}) != 1:
        problems.add("records whose output and input hold different numbers of rows", where)
        return
    for i, row in enumerate(zip(*split, strict=True)):
        prefix = "" if key is None else _csv_field(row_key(key, i, len(split[0]))) + ","
        lines.append(prefix + ",".join(row))
        origins.append(where)


def _combine(parts: tuple[Any, ...], names: tuple[tuple[str, ...] | None, ...]) -> Any:
    """One row from the output and input parts: arrays concatenate, objects merge; an array or
    scalar beside an object is named by the analysis config's ``columns`` for its part."""
    if len(parts) == 1:
        return parts[0]
    if not any(isinstance(p, dict) for p in parts):
        flat: list[Any] = []
        for p in parts:
            flat.extend(p if isinstance(p, list) else [p])
        return flat
    merged: dict[str, Any] = {}
    for p, part_names in zip(parts, names, strict=True):
        if isinstance(p, dict):
            merged.update(p)
            continue
        values = p if isinstance(p, list) else [p]
        if part_names is None or len(part_names) != len(values):
            raise PayloadError(
                "mixes a JSON object with an array or scalar; name its columns in the analysis config "
                "(columns.output / columns.input)",
                repr(values),
            )
        merged.update(zip(part_names, values, strict=True))
    return merged


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0][:60]
