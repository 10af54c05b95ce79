"""Reading many small capture files as one block: a window of thousands of files of a few records each.

Endpoint capture writes a file per instance and flush interval, so a quiet endpoint leaves thousands of
files of a handful of records. Read one by one, each file pays the fast path's fixed costs (the JSON
and CSV readers, the Arrow kernels) for a few hundred bytes. Here clean small files are joined, in
order, into one block and go through ``capture_fast`` together. Each kept row still knows its file, so
the row sample keys it by its file and its place there, exactly as a file read alone would.

Only files that cannot change how another is read are joined: non-empty, ending with a newline, with
no blank line, no line that could be too long, and a byte-order mark dropped as a lone file's would
be. A joined block that is not clean, or one in which any row is not the expected width, returns None,
and the caller reads its files one by one: the careful path names each problem ``file:line`` and counts it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from container.load.capture_fast import read_clean_block
from container.load.lines import BOM
from container.load.problems import ProblemLog
from container.load.rows import parse_csv
from container.load.window import TimeWindow


class SmallFile(NamedTuple):
    """A small file's path, its bytes (byte-order mark dropped) and its line count. A named tuple: one is
    built per file, thousands a window."""

    path: str
    data: bytes
    lines: int


def small_file(path: str, size: int, max_bytes: int) -> SmallFile | None:
    """The file (``size`` bytes when listed), ready to join; None when it is bigger than ``max_bytes``
    or must be read alone: empty, without a newline at its end, or with a blank line. Costs three system
    calls (open, one read, close): no ``stat`` (the size comes from the listing), no file object."""
    if size > max_bytes:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, size + 1)  # a file grown since it was listed is read alone
    finally:
        os.close(fd)
    if len(data) > size:
        return None
    if data.startswith(BOM):
        data = data[len(BOM) :]
    # One pass finds the three (``b"\n\n" in data`` alone scans slower than this split, on Python 3.11):
    # the last part is what follows the last newline, empty when the file ends with one; any other empty
    # part is a blank line (or the file starts with a newline).
    parts = data.split(b"\n")
    if len(parts) < 2 or parts[-1] or parts.count(b"") > 1:  # empty, no newline at its end, a blank line
        return None
    return SmallFile(path, data, len(parts) - 1)


@dataclass(frozen=True, slots=True)
class JoinedRead:
    """What the joined files held: records read, and the kept rows (one per kept record) with the
    number of them from each file, in file order."""

    records_read: int
    table: pa.Table | None
    rows_per_file: np.ndarray


def read_joined(
    files: Sequence[SmallFile],
    parts: tuple[str, ...],
    names: Sequence[str] | None,
    window: TimeWindow,
    with_keys: bool,
    max_depth: int,
) -> JoinedRead | None:
    """The files read as one clean block, or None when one of them needs the careful path."""
    block = b"".join(f.data for f in files)
    starts = np.cumsum([0, *(f.lines for f in files)])  # starts[k]: lines before file k
    fast = read_clean_block(block, 1, int(starts[-1]), parts, window, with_keys, max_depth)
    if fast is None:
        return None
    file_of_row = np.searchsorted(starts, fast.kept_lines - 1, side="right") - 1
    rows_per_file = np.bincount(file_of_row, minlength=len(files))
    if not len(fast.kept_lines):
        return JoinedRead(fast.rows_read, None, rows_per_file)
    problems = ProblemLog()  # thrown away: any problem sends the files to be read alone, where it is reported
    table = parse_csv(fast.text, lambda i: "", names, problems, fast.first_row, with_keys)
    if problems.total or table.num_rows != len(fast.kept_lines):
        return None  # a row of another width: read alone, each file's rows are judged as before
    return JoinedRead(fast.rows_read, table, rows_per_file)
