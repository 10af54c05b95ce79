"""The fast path for clean blocks of CSV-encoded endpoint capture, fully vectorised.

Most capture blocks are clean: every line is a JSON object (by msgspec's rules, the careful path's
decoder: pyarrow's reader also takes NaN and Infinity) nested no deeper than the limit, every payload
is CSV text holding one non-empty row that ends outside quotes, every time stamp has the canonical form. For those,
pyarrow's JSON reader decodes only the fields we need, the window filter and the output-then-input join
run as Arrow kernels, and the joined rows go to the CSV reader without a Python loop. Any block that is
not clean returns ``None`` and is read by the record-by-record path, which counts and reports each bad
record. Both paths read a clean record the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from container.load.csv_text import CLOSED
from container.load.depth import most_brackets_per_line
from container.load.window import TimeWindow

_PART = pa.struct([("data", pa.string()), ("encoding", pa.string())])
_SCHEMA = pa.schema(
    [
        ("captureData", pa.struct([("endpointInput", _PART), ("endpointOutput", _PART)])),
        ("eventMetadata", pa.struct([("inferenceTime", pa.string()), ("eventId", pa.string()), ("inferenceId", pa.string())])),
    ]
)
_CANONICAL_TIME = "%Y-%m-%dT%H:%M:%SZ"


class FastBlock:
    """Rows of a clean block: the CSV text of the kept rows, and where each row came from."""

    def __init__(self, text: pa.Buffer, first_row: str, rows_read: int, kept_lines: np.ndarray) -> None:
        self.text = text
        self.first_row = first_row
        self.rows_read = rows_read
        self.kept_lines = kept_lines

    def origin(self, file_name: str) -> Callable[[int], str]:
        return lambda i: f"{file_name}:{self.kept_lines[i]}" if 0 <= i < len(self.kept_lines) else file_name


def read_clean_block(
    block: bytes,
    first_line: int,
    newlines: int,
    parts: tuple[str, ...],
    window: TimeWindow,
    with_keys: bool = False,
    max_depth: int = 64,
) -> FastBlock | None:
    """The block's rows as CSV text, or None when the block needs the record-by-record path."""
    if not block or block.startswith(b"\n") or b"\n\n" in block or not block.endswith(b"\n"):
        return None  # blank or truncated lines: line numbers and errors need the careful path
    if most_brackets_per_line(block) > max_depth:
        return None  # maybe too deep: the careful path measures each line before decoding it
    if not block.isascii() and not _utf8(block):
        return None  # a non-UTF-8 byte anywhere makes its line bad, as on the careful path
    if not _strict_json_objects(block, newlines):
        return None  # pyarrow would accept NaN or Infinity, or die on a line that is null: the careful path decides
    try:
        table = pajson.read_json(
            pa.BufferReader(block),
            read_options=pajson.ReadOptions(block_size=1 << 20),  # 1 MB chunks decode in parallel
            parse_options=pajson.ParseOptions(explicit_schema=_SCHEMA, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != newlines:
        return None
    texts = _payload_texts(table, parts)
    keep = _in_window(table, window)
    if texts is None or keep is None:
        return None
    if with_keys:
        key = _keys(table)
        if key is None:
            return None
        texts.insert(0, key)
    rows = pc.binary_join_element_wise(*texts, ",") if len(texts) > 1 else texts[0]
    try:
        rows.validate(full=True)  # the JSON reader does not check UTF-8 inside strings
    except pa.ArrowInvalid:
        return None
    line_numbers = np.arange(first_line, first_line + table.num_rows)
    if keep is not True:
        rows = rows.filter(keep)
        line_numbers = line_numbers[keep.to_numpy(zero_copy_only=False)]
    if len(rows) == 0:
        return FastBlock(pa.py_buffer(b""), "", table.num_rows, line_numbers)
    return FastBlock(_joined(rows), rows[0].as_py(), table.num_rows, line_numbers)


def _payload_texts(table: pa.Table, parts: tuple[str, ...]) -> list[pa.Array] | None:
    """Each part's CSV payloads, line breaks at the end trimmed; None unless every one is a clean row."""
    capture = table.column("captureData").combine_chunks()
    texts = []
    for part in parts:
        payload = pc.struct_field(capture, part)
        data = pc.struct_field(payload, "data")
        encoding = pc.struct_field(payload, "encoding")
        if data.null_count or not pc.all(pc.equal(encoding, "CSV")).as_py():
            return None
        data = pc.utf8_rtrim(data, characters="\r\n")
        if not _one_closed_line_each(data):
            return None
        texts.append(data)
    return texts


def _one_closed_line_each(data: pa.Array) -> bool:
    """Whether every payload is one CSV line ending outside quotes, so that no payload can change how
    another is read. Several rows in one payload are paired with the other part's record by record."""
    offsets = np.frombuffer(data.buffers()[1], dtype=np.int32, count=len(data) + 1, offset=data.offset * 4)
    if len(data) and np.diff(offsets).min() == 0:
        return False  # an empty payload is a bad record: counted on the careful path
    values = _value_bytes(data, offsets)
    if b"\n" in values or b"\r" in values:
        return False
    if b'"' not in values:
        return True
    quoted = data.filter(pc.match_substring(data, '"'))
    return bool(pc.all(pc.match_substring_regex(quoted, f"^{CLOSED}$")).as_py())


def _value_bytes(data: pa.Array, offsets: np.ndarray) -> bytes:
    """The characters of all values of a string array, back to back (a search there is a memchr)."""
    values = data.buffers()[2]
    if not len(data):
        return b""
    return b"" if values is None else values[int(offsets[0]) : int(offsets[-1])].to_pybytes()


class _AnyObject(msgspec.Struct):
    """Any JSON object: decoding into it skips every field, so only the syntax is checked."""


_SYNTAX = msgspec.json.Decoder(_AnyObject)


def _utf8(block: bytes) -> bool:
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _strict_json_objects(block: bytes, lines: int) -> bool:
    """Whether every line is a JSON object by msgspec's rules, the careful path's (~1 ms per MB)."""
    try:
        return len(_SYNTAX.decode_lines(block)) == lines
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return False


def _keys(table: pa.Table) -> pa.Array | None:
    """inferenceId, else eventId, else empty; None (the careful path) when a key needs CSV quoting."""
    meta = table.column("eventMetadata").combine_chunks()
    key = pc.coalesce(pc.struct_field(meta, "inferenceId"), pc.struct_field(meta, "eventId"), pa.scalar(""))
    if pc.any(pc.match_substring_regex(key, '[,"\\r\\n]')).as_py():
        return None
    return key


def _in_window(table: pa.Table, window: TimeWindow) -> pa.Array | bool | None:
    if window.start is None and window.end is None:
        return True
    stamps = pc.struct_field(table.column("eventMetadata").combine_chunks(), "inferenceTime")
    moments = pc.strptime(stamps, format=_CANONICAL_TIME, unit="s", error_is_null=True)
    if moments.null_count:
        return None  # missing or other time formats: checked record by record
    keep = pa.array(np.ones(len(moments), dtype=bool))
    if window.start is not None:
        keep = pc.and_(keep, pc.greater_equal(moments, _scalar(window.start)))
    if window.end is not None:
        keep = pc.and_(keep, pc.less(moments, _scalar(window.end)))
    return keep


def _scalar(moment: datetime) -> pa.Scalar:
    return pa.scalar(moment.replace(tzinfo=None), type=pa.timestamp("s"))


def _joined(rows: pa.Array) -> pa.Buffer:
    """All rows, each ended by a newline, as one buffer: the data buffer of ``row + "\\n"``."""
    ended = pc.binary_join_element_wise(rows, pa.scalar(""), "\n")
    if ended.offset or ended.null_count:
        ended = pa.concat_arrays([ended])
    offsets = np.frombuffer(ended.buffers()[1], dtype=np.int32, count=len(ended) + 1)
    return ended.buffers()[2][int(offsets[0]) : int(offsets[-1])]
