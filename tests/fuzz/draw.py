"""Where generated inputs come from: ``Draw`` turns integers (from hypothesis or a seeded ``random.Random``)
into hostile values, and ``dumps`` writes JSON as hostile producers do (NaN literals, nesting deeper
than ``json.dumps`` can recurse)."""

from __future__ import annotations

import json
import math
import random
import struct
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

SPECIAL_TEXT = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "0", "-0", "+0",
    "+5", "00012", ".5", "5.", "1_000", "0x1F", "1e5", "3.0", " 3", "3 ", " ", "\t", "NULL", "null", "None", "N/A",
    "true", "False", "é", "日本語", "\u200b", "\u2028", "\x85", "\x00", "٣", "Ⅻ", "9" * 40, "-" + "9" * 400,
    "1." + "0" * 50, "\U0001f600",
]  # fmt: skip


_PALETTE = (
    "abcxyzABCXYZ019_-.+ !#$%&'()*/:;<=>?@[]^`{|}~\\\t\x00\x01\x1b\x1c\x7f"
    "\xa0\xad\xe9\xff\u0100\u0301\u200b\u2028\u2029\u3000\ufeff\ufffd\u0663\u216b\u65e5\U0001f600\U00010000\x85"
)


_SPECIAL_FLOATS = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    1e308,
    -1e308,
    5e-324,
    2.2250738585072014e-308,
    1e16,
    0.1,
    math.nan,
    math.inf,
    -math.inf,
]


class Draw(ABC):
    """Where a generator's choices come from. Every choice is an integer drawn by ``int``, so one
    generator serves both hypothesis (which then shrinks every choice) and a plain seeded
    ``random.Random`` (``scripts/fuzz_inputs.py``: ~100x faster than hypothesis's engine on cases this big)."""

    @abstractmethod
    def int(self, lo: int, hi: int) -> int:
        """An integer in ``[lo, hi]``: the one choice every other draw is built from."""

    def bool(self) -> bool:
        return self.int(0, 1) == 1

    def rarely(self, n: int) -> bool:
        """True once in ``n + 1`` draws; shrinks to False, so a minimal case leaves the rare thing out."""
        return self.int(0, n) == n

    def pick(self, options: Any) -> Any:
        options = list(options)
        return options[self.int(0, len(options) - 1)]

    def int_except(self, lo: int, hi: int, excluded: int) -> int:
        value = self.int(lo, hi - 1)
        return value + 1 if lo <= excluded <= value else value

    def list(self, pool: Any, lo: int, hi: int) -> list[Any]:
        return [self.pick(pool) for _ in range(self.int(lo, hi))]

    def subset(self, keys: list[str]) -> list[str]:
        return [k for k in keys if self.bool()] or [self.pick(keys)]

    def hex(self, digits: int) -> str:
        return f"{self.int(0, 16**digits - 1):0{digits}x}"

    def rng(self) -> random.Random:
        return random.Random(self.int(0, 2**32 - 1))

    def text(self, kind: str, lo: int, hi: int) -> str:
        palette = {"any": _PALETTE + ',"\r\n', "csv": _PALETTE, "no-newline": _PALETTE + ',"'}[kind]
        return "".join(self.pick(palette) for _ in range(self.int(lo, hi)))

    def float(self, finite: bool = False) -> float:
        way = self.int(0, 3)
        if way == 0:
            value = self.pick(_SPECIAL_FLOATS)
        elif way == 1:
            value = self.int(-(10**6), 10**6) / 10 ** self.int(0, 6)
        else:
            value = struct.unpack("<d", self.int(0, 2**64 - 1).to_bytes(8, "little"))[0]
        return value if not finite or math.isfinite(value) else 0.5

    def number_text(self) -> str:
        way = self.int(0, 2)
        if way == 0:
            return str(self.int(-(10**25), 10**25))
        value = self.float()
        return repr(value) if way == 1 else f"{value:.6g}"

    def csv_value(self) -> str:
        way = self.int(0, 2)
        return self.number_text() if way == 0 else self.pick(SPECIAL_TEXT) if way == 1 else self.text("csv", 0, 6)

    def json_scalar(self) -> Any:
        way = self.int(0, 5)
        if way == 0:
            return self.pick([None, True, False])
        if way == 1:
            return self.int(-(2**63), 2**64 - 1)
        if way == 2:
            return self.float(finite=True)
        return self.pick(SPECIAL_TEXT) if way == 3 else self.text("any", 0, 8)

    def hostile(self, depth: int = 2) -> Any:
        """Any JSON value, including ones that break typed readers: huge numbers, NaN, empty keys, deep nesting."""
        way = self.int(0, 9 if depth > 0 else 5)
        if way == 0:
            return self.pick([None, True, False, 0, -1, 1, 10**400, -(10**400), 2**64, -(2**63) - 1])
        if way == 1:
            return self.float()  # NaN and infinities: json.dumps writes them as bare NaN / Infinity
        if way == 2:
            return self.pick([*SPECIAL_TEXT, "", "Enabled", "Disabled", "String", "Integral", "Fractional", "a" * 3000])
        if way == 3:
            return self.text("any", 0, 10)
        if way in (4, 5):
            return self.int(-(2**70), 2**70)
        if way == 6:
            return [self.hostile(depth - 1) for _ in range(self.int(0, 3))]
        if way in (7, 8):
            keys = ["", "a", "name", "value", "count", "data"]
            return {self.pick(keys): self.hostile(depth - 1) for _ in range(self.int(0, 3))}
        return Deep(self.int(65, 3000))


class RandomDraw(Draw):
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self._random.randint(lo, hi)


class HypothesisDraw(Draw):
    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def int(self, lo: int, hi: int) -> int:
        return self._draw(st.integers(lo, hi))


def strategy(build: Any, **options: Any) -> st.SearchStrategy[Any]:
    """A hypothesis strategy of ``build(draw, **options)``."""
    return st.composite(lambda draw: build(HypothesisDraw(draw), **options))()


@dataclass(frozen=True)
class Deep:
    """Arrays nested ``depth`` deep, written by ``dumps`` (json.dumps itself would recurse too far)."""

    depth: int


def dumps(value: Any, *, ensure_ascii: bool = True, compact: bool = True) -> bytes:
    """JSON text of ``value``; ``Deep`` placeholders become nested arrays; NaN/Infinity bare (as Python writes them)."""
    deep: list[int] = []

    def default(obj: Any) -> Any:
        if isinstance(obj, Deep):
            deep.append(obj.depth)
            return f"\x00deep{len(deep) - 1}\x00"
        raise TypeError(type(obj).__name__)

    text = json.dumps(value, ensure_ascii=ensure_ascii, separators=(",", ":") if compact else (", ", ": "), default=default)
    for i, depth in enumerate(deep):
        text = text.replace(json.dumps(f"\x00deep{i}\x00"), "[" * depth + "]" * depth)
    return text.encode("utf-8", errors="surrogatepass")


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += json_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:2]):
            out += json_paths(v, (*path, i))
        if len(value) > 2:
            out += json_paths(value[-1], (*path, len(value) - 1))
    return out


def json_get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def json_set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    json_get(doc, path[:-1])[path[-1]] = value
    return doc


def json_delete(doc: Any, path: tuple[Any, ...]) -> None:
    parent = json_get(doc, path[:-1])
    del parent[path[-1]]


def find_holder(value: Any, key: str) -> dict[str, Any] | None:
    if isinstance(value, dict):
        if key in value:
            return value
        for v in value.values():
            found = find_holder(v, key)
            if found is not None:
                return found
    return None


# Bytes a wild mutation inserts into a line.
INSERTS = [b'"', b"\\", b"{", b"}", b"[", b"]", b",", b":", b"\r", b"\n", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\t",
            b"NaN", b"1e999", b'"":1,', b'"captureData":null,']  # fmt: skip
