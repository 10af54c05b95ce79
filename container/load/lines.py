"""Reading a line-based file (capture, CSV, JSON lines) in bounded blocks that end on line boundaries.

A line longer than ``max_record_bytes`` is never held whole: it is skipped up to its newline and
reported once as a ``LongLine`` (one bad record), so a runaway line costs that record and bounded memory.
A UTF-8 byte-order mark at the start of a file is dropped: it belongs to no record or name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BOM = b"\xef\xbb\xbf"
PREFIX_BYTES = 240  # enough for the 60-character prefix of the example, whatever the encoding


@dataclass(frozen=True, slots=True)
class LongLine:
    """A line past the limit: its number, its size in bytes (without the newline) and its start."""

    line: int
    size: int
    prefix: bytes


Block = tuple[int, bytes, int]  # (first line number, bytes ending with a newline or the file's end, newlines)


def too_long_kind(limit: int) -> str:
    return f"records longer than limits.max_record_bytes ({limit:,} bytes)"


def iter_line_blocks(path: Path, block_bytes: int, max_line: int = 64 << 20) -> Iterator[Block | LongLine]:
    """Blocks of whole lines, in file order, with every line past ``max_line`` bytes replaced by a ``LongLine``."""
    line_no, carry, skipping = 1, b"", None
    with path.open("rb") as handle:
        first = True
        while chunk := handle.read(block_bytes):
            if first and chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
            first = False
            if skipping is not None:  # inside a long line: drop bytes up to its newline
                cut = chunk.find(b"\n")
                if cut < 0:
                    skipping = LongLine(skipping.line, skipping.size + len(chunk), skipping.prefix)
                    continue
                yield LongLine(skipping.line, skipping.size + cut, skipping.prefix)
                line_no, chunk, skipping = line_no + 1, chunk[cut + 1 :], None
            data = carry + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                if len(carry) > max_line:
                    skipping, carry = LongLine(line_no, len(carry), carry[:PREFIX_BYTES]), b""
                continue
            block, carry = data[: cut + 1], data[cut + 1 :]
            for item in _split_long(line_no, block, max_line):
                yield item
                line_no += 1 if isinstance(item, LongLine) else item[2]
    if skipping is not None:
        yield skipping
    elif len(carry) > max_line:
        yield LongLine(line_no, len(carry), carry[:PREFIX_BYTES])
    elif carry:
        yield from _split_long(line_no, carry, max_line)


def _split_long(line_no: int, block: bytes, max_line: int) -> Iterator[Block | LongLine]:
    """The block as it is when no line in it is too long (the usual case, checked by its size alone)."""
    if len(block) <= max_line:
        yield line_no, block, block.count(b"\n")
        return
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
    if not len(ends) or ends[-1] != len(block) - 1:
        ends = np.append(ends, len(block))  # a last line without its newline
    starts = np.concatenate(([0], ends[:-1] + 1))
    long_lines = np.flatnonzero(ends - starts > max_line)
    if not len(long_lines):
        yield line_no, block, block.count(b"\n")
        return
    start = 0
    for i in long_lines.tolist():
        if starts[i] > start:
            yield line_no + _lines_before(ends, start), block[start : starts[i]], i - _lines_before(ends, start)
        yield LongLine(line_no + i, int(ends[i] - starts[i]), block[starts[i] : starts[i] + PREFIX_BYTES])
        start = int(ends[i]) + 1
    if start < len(block):
        rest = block[start:]
        yield line_no + _lines_before(ends, start), rest, rest.count(b"\n")


def _lines_before(ends: np.ndarray, offset: int) -> int:
    return int(np.searchsorted(ends, offset))
