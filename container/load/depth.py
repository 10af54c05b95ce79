"""JSON nesting depth: a value nested deeper than ``limits.max_nesting_depth`` is a bad record.

Decoders recurse: msgspec raises RecursionError near depth 1,000 and pyarrow's JSON reader crashes the
whole process near depth 1,000,000. So nothing is handed to pyarrow unless a bound that costs almost
nothing (a line cannot nest deeper than it has opening brackets) is within the limit. msgspec fails
cleanly, so it decodes first and the decoded value is measured after; only a text with more opening
brackets than the limit is measured, and brackets inside strings (a JSON payload inside a capture line)
are never counted. Catching RecursionError alone would make the limit depend on the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import numpy as np

_NOT_BRACKET_OR_NEWLINE = bytes(sorted(set(range(256)) - {ord("\n"), ord("["), ord("{")}))


class TooDeepError(ValueError):
    """A JSON value nests arrays and objects deeper than the limit."""


def deep_kind(limit: int) -> str:
    return f"records nested deeper than limits.max_nesting_depth ({limit})"


def most_brackets_per_line(block: bytes) -> int:
    """The largest number of opening brackets on one line of ``block``: a bound on every line's depth."""
    kept = block.translate(None, _NOT_BRACKET_OR_NEWLINE)  # ~1 GB/s; only "[", "{" and newlines remain
    newlines = np.flatnonzero(np.frombuffer(kept, dtype=np.uint8) == ord("\n"))
    edges = np.concatenate(([-1], newlines, [len(kept)]))
    return int((np.diff(edges) - 1).max())


def brackets(text: str | bytes) -> int:
    if isinstance(text, str):
        return text.count("[") + text.count("{")
    return text.count(b"[") + text.count(b"{")


def decode(text: str | bytes, limit: int, decoder: Callable[[Any], Any] = msgspec.json.decode) -> Any:
    """``decoder(text)``, refusing a value nested deeper than ``limit`` with ``TooDeepError`` (decoding
    errors are the decoder's own). A typed ``decoder`` gets the text only once its depth is known."""
    if brackets(text) <= limit:
        return _decode(decoder, text)
    value = _decode(msgspec.json.decode, text)
    check(value, limit)
    return value if decoder is msgspec.json.decode else _decode(decoder, text)


def _decode(decoder: Callable[[Any], Any], text: str | bytes) -> Any:
    try:
        return decoder(text)
    except RecursionError:
        raise TooDeepError from None


def check(value: Any, limit: int) -> None:
    """Raise ``TooDeepError`` if the decoded ``value`` nests deeper than ``limit``.

    >>> check({"a": [1, {"b": "[[[["}]}, 3)
    >>> check([[[1]]], 2)
    Traceback (most recent call last):
    ...
    container.load.depth.TooDeepError
    """
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            raise TooDeepError
        level = [child for item in level for child in _children(item)]


_CONTAINERS = {dict, list}  # what msgspec decodes arrays and objects into


def _children(value: Any) -> Any:
    items = value.values() if isinstance(value, dict) else value
    # A set of the items' types is built at C speed: rows of scalars (most of them) are passed over fast.
    if _CONTAINERS.isdisjoint(set(map(type, items))):
        return ()
    return [v for v in items if type(v) in _CONTAINERS]
