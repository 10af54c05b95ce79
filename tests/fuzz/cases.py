"""A reader-level case (the files, the format, and what a correct reader must report) and the layout of
its records over files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.fuzz.draw import Draw

WINDOW_START = "2024-01-19T19:00:00Z"


WINDOW_END = "2024-01-19T20:00:00Z"


CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'


BLANK = b" \t\r\n"  # JSON's whitespace: a line of only these is no record


@dataclass(frozen=True)
class Expect:
    """What a correct reader reports for a case (see the module docstring for the classes)."""

    records: int | None  # None: unknowable (a corrupted Parquet footer, a mutated JSON document)
    good: int = 0
    good_rows: int = 0
    bad: int = 0
    outside: int = 0
    width: int = 0
    wild: int = 0
    client_error_ok: bool = False  # a whole-file problem (hostile header, corrupt Parquet) may end the read


@dataclass(frozen=True)
class ReaderCase:
    kind: str  # capture | csv | jsonl | json | parquet
    files: tuple[tuple[str, bytes], ...]  # relative path under dataset_source, content
    dataset_format: str
    names: tuple[str, ...] | None
    window: bool
    config: dict[str, Any]
    expect: Expect
    types: dict[str, str] | None = None  # baseline inferred types by name (None: a baseline job)
    good_only: tuple[tuple[str, bytes], ...] | None = None  # the files with only the good records
    labels: tuple[str, ...] = ()  # "file:line class/kind" of every record not good, for messages

    def describe(self, limit: int = 4000) -> str:
        lines = [f"kind={self.kind} format={self.dataset_format} names={self.names} window={self.window}"]
        lines.append(f"config={json.dumps(self.config)} types={self.types} expect={self.expect}")
        lines.extend(f"  {label}" for label in self.labels)
        for name, data in self.files:
            shown = data if len(data) <= 1500 else data[:1500] + b"...(%d bytes)" % len(data)
            lines.append(f"--- {name}\n{shown!r}")
        text = "\n".join(lines)
        return text if len(text) <= limit else text[:limit] + "..."


@dataclass
class Rec:
    cls: str  # good | bad | outside | width | wild
    kind: str  # which generator or mutation made it
    data: bytes  # the line(s), without the final newline
    rows: int = 1


def unambiguous(data: bytes) -> bytes:
    """A line whose blankness Python and JSON judge differently (only \\v or \\f) gets a visible byte."""
    return b"\n".join(s + b"x" if not s.strip() and s.strip(BLANK) else s for s in data.split(b"\n"))


def unambiguous_csv(data: bytes) -> bytes:
    out = []
    for s in data.split(b"\n"):
        text = s.decode("utf-8", errors="replace")
        out.append(s + b"x" if not text.strip() and s.strip(b" \t\r") else s)
    return b"\n".join(out)


def count_records(data: bytes) -> int:
    """Non-blank lines; a UTF-8 BOM opening the data is the file's mark, not part of a record."""
    return sum(1 for s in data.removeprefix(b"\xef\xbb\xbf").split(b"\n") if s.strip(BLANK))


def count_records_csv(data: bytes) -> int:
    """Lines holding something besides spaces, tabs and carriage returns (after the file's BOM, if any)."""
    return sum(1 for s in data.removeprefix(b"\xef\xbb\xbf").split(b"\n") if s.strip(b" \t\r"))


def hidden(name: str) -> bool:
    return any(part.startswith((".", "_")) for part in name.split("/"))


def layout(d: Draw, recs: list[Rec], suffix: str, header: bytes | None = None) -> tuple[tuple[tuple[str, bytes], ...], tuple[str, ...]]:  # fmt: skip
    """Spread records over 1-3 files (nested folders, CRLF or LF, blank lines, maybe no final newline),
    plus hidden and marker files the reader must skip. Returns the files and labels of non-good records."""
    n_files = d.int(1, 3)
    owner = [d.int(0, n_files - 1) for _ in recs]
    files, labels = [], []
    for f in range(n_files):
        newline = d.pick([b"\n", b"\n", b"\r\n"])
        lines: list[bytes] = [header] if header is not None else []
        for rec, o in zip(recs, owner, strict=True):
            if o != f:
                continue
            if d.rarely(15):
                lines.append(d.pick([b"", b" ", b"\t", b"\r"]))
            if rec.cls != "good":
                labels.append(f"f{f}{suffix}:{len(lines) + 1} {rec.cls}/{rec.kind}")
            lines.append(rec.data)
        body = newline.join(lines)
        if lines and d.int(0, 3):
            body += newline
        folder = d.pick(["", "ep/AllTraffic/2024/01/19/19/", "a/"])
        files.append((f"{folder}f{f}{suffix}", body))
    if d.rarely(4):
        junk = b'{"captureData": broken\n1,2,3\n\xff\xfe\n'
        files.append((d.pick([".hidden.jsonl", "_SUCCESS", "x/.part-0.crc", "_temporary/0/part"]), junk))
    return tuple(files), tuple(labels)


def good_only_files(files: tuple[tuple[str, bytes], ...], recs: list[Rec]) -> tuple[tuple[tuple[str, bytes], ...], None]:
    """The same files holding only the good records (for the differential check)."""
    good = {r.data for r in recs if r.cls == "good"}
    out = []
    for name, data in files:
        if hidden(name):
            continue
        kept = [line for line in data.replace(b"\r\n", b"\n").split(b"\n") if line in good]
        out.append((name, b"\n".join(kept) + b"\n" if kept else b""))
    return tuple(out), None


def expect_of(recs: list[Rec], records: int, client_error_ok: bool = False) -> Expect:
    """What the records of a case add up to; ``records``: how many the files hold. Every record not wild
    is one line, so the wild ones (which may hold newlines) are the rest."""
    count = {c: sum(1 for r in recs if r.cls == c) for c in ("good", "bad", "outside", "width")}
    return Expect(
        records=records,
        good=count["good"],
        good_rows=sum(r.rows for r in recs if r.cls == "good"),
        bad=count["bad"],
        outside=count["outside"],
        width=count["width"],
        wild=records - sum(count.values()),
        client_error_ok=client_error_ok,
    )


def limits_section(d: Draw) -> tuple[dict[str, Any], int | None, int]:
    """An optional ``limits`` section; returns it, the record-size limit and the nesting limit in force."""
    if not d.rarely(3):
        return {}, None, 64
    limits: dict[str, Any] = {}
    size = d.pick([None, 8192, 20000])
    depth = d.pick([None, 8, 16, 64])
    if size is not None:
        limits["max_record_bytes"] = size
    if depth is not None:
        limits["max_nesting_depth"] = depth
    return ({"limits": limits} if limits else {}), size, depth or 64
