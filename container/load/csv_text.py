"""Keeping CSV rows inside their record.

Many records' rows are parsed in one go (pyarrow's CSV reader on the joined lines): that is what keeps
the reading fast. It is only safe when every line ends outside quotes: a line that leaves a quote open
would swallow the lines after it, other requests' records included. ``CLOSED`` matches a line that ends
outside quotes, exactly as pyarrow's parser reads it (a quote opens a quoted part only at the start of a
field, ``""`` inside it is a quote, after its closing quote the field goes on unquoted; checked on random
strings against pyarrow). A lone carriage return is a row break to pyarrow, so it is not safe either.
Text that is not safe is parsed on its own (``split_rows``), where it can only harm itself.
"""

from __future__ import annotations

import csv
import io
import re
import sys

_FIELD = r'(?:"(?:[^"]|"")*"(?:[^",][^,]*)?|[^",][^,]*|)'
CLOSED = rf"{_FIELD}(?:,{_FIELD})*"  # one line (no line break) that ends outside quotes; for RE2 (pyarrow)
# Python's own engine backtracks: possessive quantifiers leave it one way to match, so it runs in linear time.
_CLOSED = re.compile(CLOSED.replace(")*", ")*+").replace("]*", "]*+").replace(")?", ")?+"))
_FIELD_ML = r'(?:"(?:[^"]|"")*+"[^,\r\n]*+|[^",\r\n][^,\r\n]*+|)'
_CLOSED_ML = re.compile(rf"(?:{_FIELD_ML}(?:,|\r\n?+|\n))*+{_FIELD_ML}")  # quoted parts may span lines


class CsvTextError(ValueError):
    """One record's CSV text cannot be read; ``kind`` says why, for the problem log."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def is_safe(text: str) -> bool:
    """Whether ``text`` (rows separated by "\\n", no trailing newline) can be parsed together with others.

    >>> is_safe('1,"a,b"'), is_safe('1,"a'), is_safe('1,a"b'), is_safe("1\\r2")
    (True, False, True, False)
    """
    if "\r" in text:
        return False
    return '"' not in text or all(_CLOSED.fullmatch(line) is not None for line in text.split("\n"))


def is_closed(line: str) -> bool:
    """Whether one line (no line break) ends outside quotes."""
    return '"' not in line or _CLOSED.fullmatch(line) is not None


def split_rows(text: str) -> list[list[str]]:
    """The rows of one record's CSV text, parsed on its own (a quoted field may hold a line break).

    Blank lines hold no row, as in the joined parse (where they are left out before parsing).

    >>> split_rows('1,"a\\nb"\\r\\n2,c')
    [['1', 'a\\nb'], ['2', 'c']]
    """
    text = text.rstrip("\r\n")
    if '"' in text and _CLOSED_ML.fullmatch(text) is None:
        raise CsvTextError("has a quoted field that is never closed")
    # The csv module refuses fields over 128 KiB by default; a record's size is bounded by the limits.
    previous = csv.field_size_limit(sys.maxsize)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    except csv.Error as exc:
        raise CsvTextError(f"is not CSV text ({str(exc)[:60]})") from None
    finally:
        csv.field_size_limit(previous)
    return [row for row in rows if row]


def width(line: str) -> int:
    """The number of fields of one CSV line (quoted commas do not separate)."""
    return len(next(csv.reader([line]), None) or [""])
