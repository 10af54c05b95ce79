"""Hostile plain datasets: CSV (with and without a header), JSON lines, JSON documents and Parquet."""

from __future__ import annotations

import io
import json
import math
from typing import Any

from tests.fuzz.cases import (
    Expect,
    ReaderCase,
    Rec,
    count_records,
    count_records_csv,
    expect_of,
    hidden,
    layout,
    limits_section,
    unambiguous,
    unambiguous_csv,
)
from tests.fuzz.draw import INSERTS, SPECIAL_TEXT, Deep, Draw, dumps


def _csv_field(value: str, quote: bool) -> str:
    return '"' + value.replace('"', '""') + '"' if quote else value


def _csv_line(d: Draw, width: int) -> str:
    fields = []
    for _ in range(width):
        if d.rarely(7):  # properly quoted, may hold commas and quotes (never a newline)
            fields.append(_csv_field(d.text("no-newline", 0, 6), True))
        else:
            fields.append(d.csv_value())
    line = ",".join(fields)
    if not line.strip().strip("\ufeff"):
        line = "0" + line  # a blank line is no record (Python's strip: also \x85, \u2028...; a BOM may be a file's mark)
    return line


def csv_cases(d: Draw, *, classes: tuple[str, ...] = ("good", "bad", "width", "wild")) -> ReaderCase:
    width = d.int(1, 6)
    header = d.bool()
    config, size, _ = limits_section(d)
    names = tuple(f"c{i}" for i in range(width))
    hostile_header = header and "wild" in classes and d.rarely(5)
    header_line = ",".join(names)
    if hostile_header:
        header_line = d.pick(
            [
                ",".join(["a"] * max(width, 2)),
                "\ufeff" + header_line,
                ",".join([""] * max(width, 2)),
                '"a,b",c',
                "a,,b",
                "a;b;c",
                "\xff",
            ]
        )

    allowed = list(classes)
    named = header or d.int(0, 5) > 0 or not set(allowed) <= {"good", "bad"}
    recs: list[Rec] = []
    for cls in d.list([c for c in allowed for _ in range({"good": 6, "bad": 2, "width": 1, "wild": 3}[c])], 0, 14):
        line = _csv_line(d, width).encode("utf-8")
        if cls == "bad":
            kinds = ["non-utf8"] + (["oversized"] if size else [])
            kind = d.pick(kinds)
            if kind == "non-utf8":
                i = d.int(0, len(line))
                line = line[:i] + d.pick([b"\xff", b"\xc3\x28", b"\x80", b"\xed\xa0\x80"]) + line[i:]
            else:
                assert size is not None
                line = ("x" * (size + 10) + "," * (width - 1)).encode()
            recs.append(Rec("bad", kind, line))
        elif cls == "width":
            w = d.int_except(1, width + 3, width)
            recs.append(Rec("width", f"width {w}", _csv_line(d, w).encode("utf-8")))
        elif cls == "wild":
            for _ in range(d.int(1, 3)):
                i = d.int(0, len(line))
                line = (
                    line[:i]
                    + d.pick([b'"', b'"a', b'a"', b"\r", b"\x00", b"\xef\xbb\xbf", b'"x\ny"', b",", b"\xff", b"\n"])
                    + line[i:]
                )
            recs.append(Rec("wild", "mutated", unambiguous_csv(line)))
        else:
            recs.append(Rec("good", "good", line))
    head = header_line.encode("utf-8", errors="surrogateescape") if header else None
    files, labels = layout(d, recs, ".csv", head)
    if hostile_header:
        recs = [Rec("wild", "under a hostile header", r.data) if r.cls != "bad" else r for r in recs]
    records = sum(count_records_csv(d) - (1 if header and count_records_csv(d) else 0) for n, d in files if not hidden(n))
    fmt = json.dumps({"csv": {"header": header}})
    return ReaderCase(
        kind="csv",
        files=files,
        dataset_format=fmt,
        names=None if header else (names if named else None),
        window=False,
        config=config,
        expect=expect_of(recs, records, client_error_ok=hostile_header),
        good_only=None,
        labels=labels,
    )


def jsonl_cases(d: Draw, *, classes: tuple[str, ...] = ("good", "bad", "width", "wild")) -> ReaderCase:
    width = d.int(1, 6)
    config, size, depth = limits_section(d)
    named = d.int(0, 3) > 0 or "width" in classes
    names = tuple(f"c{i}" for i in range(width)) if named else None
    keys = list(names) if names else ["a", "b", "c"]
    recs: list[Rec] = []
    weights = {"good": 6, "bad": 2, "width": 1, "wild": 3}
    for cls in d.list([c for c in classes for _ in range(weights[c])], 0, 14):
        if names and d.bool():
            value: Any = [d.json_scalar() for _ in range(width)]
        else:
            value = {k: d.json_scalar() for k in d.subset(keys)}
        line = dumps(value, ensure_ascii=d.bool(), compact=d.bool())
        if cls == "bad":
            kinds = ["truncated", "non-utf8", "nan", "deep"] + (["oversized"] if size else [])
            kind = d.pick(kinds)
            if kind == "truncated":
                line = line[: d.int(1, len(line) - 1)] if len(line) > 2 else b"{"
            elif kind == "non-utf8":
                line = b'{"c0": "' + d.pick([b"\xff", b"\xc3\x28", b"\x80"]) + b'"}'
            elif kind == "nan":
                line = b'{"c0": ' + d.pick([b"NaN", b"Infinity", b"-Infinity"]) + b"}"
            elif kind == "deep":
                line = dumps({keys[0]: Deep(d.int(depth + 1, 3000))})
            else:
                assert size is not None
                line = dumps({keys[0]: "x" * (size + 10)})
            recs.append(Rec("bad", kind, line))
        elif cls == "width":
            w = d.int_except(0, width + 3, width)
            recs.append(Rec("width", f"width {w}", dumps([d.json_scalar() for _ in range(w)])))
        elif cls == "wild":
            choice = d.pick(["value", "bytes", "dup", "empty-key"])
            if choice == "value":
                line = dumps(d.hostile(2))
            elif choice == "bytes":
                for _ in range(d.int(1, 3)):
                    i = d.int(0, len(line))
                    line = line[:i] + d.pick(INSERTS) + line[i:]
            elif choice == "dup" and line.endswith(b"}") and len(line) > 2:
                line = line[:-1] + b',"' + keys[0].encode() + b'":1}'
            elif line.endswith(b"}"):
                line = (line[:-1] + b',"":1}') if len(line) > 2 else b'{"":1}'
            recs.append(Rec("wild", choice, unambiguous(line)))
        else:
            recs.append(Rec("good", "good", line))
    files, labels = layout(d, recs, ".jsonl")
    return ReaderCase(
        kind="jsonl",
        files=files,
        dataset_format=json.dumps({"json": {d.pick(["line", "lines"]): True}}),
        names=names,
        window=False,
        config=config,
        # An empty JSON key is a nameless feature: a baseline job (no types) refuses it with a ClientError.
        expect=expect_of(
            recs,
            sum(count_records(d) for n, d in files if not hidden(n)),
            client_error_ok=any(r.cls == "wild" and b'"":' in r.data for r in recs),
        ),
        labels=labels,
    )


def json_document_cases(d: Draw, *, wild: bool = True) -> ReaderCase:
    """One JSON document per file (``{"json": {"line": false}}``): a list of records, maybe under a wrapper."""
    keys = ["a", "b", "c"]
    files = []
    total = 0
    mutated = False
    for f in range(d.int(1, 2)):
        rows = [{k: d.json_scalar() for k in d.subset(keys)} for _ in range(d.int(0, 8))]
        total += len(rows)
        data = dumps({"instances": rows} if f == 0 and d.bool() else rows)
        if wild and d.rarely(2):
            mutated = True
            for _ in range(d.int(1, 3)):
                i = d.int(0, len(data))
                data = data[:i] + d.pick([*INSERTS, b"", b"[", b"{}"]) + data[i + d.int(0, 3) :]
        files.append((f"doc{f}.json", data))
    wrapped = any(d.startswith(b'{"instances"') for _, d in files)
    config = {"payload": {"input_records": "instances"}} if wrapped else {}
    if wrapped:  # the config applies to every file: wrap the others too
        files = [
            (n, d if d.startswith(b'{"instances"') or not d.startswith(b"[") else b'{"instances":' + d + b"}") for n, d in files
        ]
    return ReaderCase(
        kind="json",
        files=tuple(files),
        dataset_format='{"json": {"line": false}}',
        names=None,
        window=False,
        config=config,
        expect=Expect(
            records=None if mutated else total,
            good=0 if mutated else total,
            good_rows=0 if mutated else total,
            wild=total if mutated else 0,
            client_error_ok=mutated,
        ),
        labels=("mutated document",) if mutated else (),
    )


_PARQUET_KINDS = ["int64", "float64", "string", "bool", "null", "dictionary", "timestamp", "date", "decimal", "binary",
                  "binary-not-utf8", "list", "struct", "large_string", "int8", "uint64", "float-special", "map"]  # fmt: skip


_FLAT_PARQUET_KINDS = [k for k in _PARQUET_KINDS if k not in ("list", "struct", "map")]


def parquet_cases(d: Draw, *, corrupt: bool = True) -> ReaderCase:
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = []
    total = bad = 0
    broken = False
    schema = False  # a column no reader can profile (nested type, blank name): refusing the file is fair
    for f in range(d.int(1, 2)):
        n = d.int(0, 30)
        total += n
        not_text = [False] * n  # rows holding bytes that are not UTF-8: bad records, as in every other format
        columns = {}
        nested = d.rarely(3)  # list, struct and map columns (refused with a ClientError) in a quarter of the files
        for c, kind in enumerate(d.list(_PARQUET_KINDS if nested else _FLAT_PARQUET_KINDS, 1, 5)):
            nulls = [d.rarely(4) for _ in range(n)]
            name = f"c{c}" if not d.rarely(5) else d.pick(["", " ", "é", "c0", "__record_key", "a.b"])
            if name in columns:
                name = f"{name}_{c}"
            schema = schema or kind in ("list", "struct", "map") or not name.strip()
            if kind == "binary-not-utf8":
                not_text = [was or not null for was, null in zip(not_text, nulls, strict=True)]
            columns[name] = _parquet_column(kind, n, d.rng(), nulls)
        bad += sum(not_text)
        sink = io.BytesIO()
        pq.write_table(pa.table(columns), sink, row_group_size=d.pick([3, 10, 1000]))
        data = sink.getvalue()
        if corrupt and d.rarely(3):
            broken = True
            op = d.pick(["truncate", "flip", "flip", "empty", "garbage"])
            if op == "truncate":
                data = data[: d.int(0, len(data) - 1)]
            elif op == "flip":
                for _ in range(d.int(1, 8)):
                    i = d.int(0, len(data) - 1)
                    data = data[:i] + bytes([data[i] ^ (1 << d.int(0, 7))]) + data[i + 1 :]
            elif op == "empty":
                data = b""
            else:
                data = b"PAR1" + b"\x00" * 20 + b"PAR1"
        files.append((f"part-{f}.parquet", data))
    return ReaderCase(
        kind="parquet",
        files=tuple(files),
        dataset_format='{"parquet": {}}',
        names=None,
        window=False,
        config={},
        expect=Expect(
            records=None if broken else total,
            good=0 if broken else total - bad,
            good_rows=0 if broken else total - bad,
            bad=0 if broken else bad,
            wild=total if broken else 0,
            client_error_ok=broken or schema,
        ),
        labels=("corrupted file",) if broken else ("a column of nested type or blank name",) if schema else (),
    )


def _parquet_column(kind: str, n: int, rng: Any, nulls: list[bool]) -> Any:
    import decimal
    from datetime import date, datetime

    import pyarrow as pa

    def pick(make: Any) -> list[Any]:
        return [None if null else make() for null in nulls]

    makers = {
        "int64": lambda: pa.array(pick(lambda: rng.randint(-(2**63), 2**63 - 1)), pa.int64()),
        "float64": lambda: pa.array(pick(lambda: rng.uniform(-1e300, 1e300)), pa.float64()),
        "float-special": lambda: pa.array(pick(lambda: rng.choice([math.nan, math.inf, -math.inf, -0.0, 5e-324])), pa.float64()),
        "string": lambda: pa.array(pick(lambda: rng.choice([*SPECIAL_TEXT, "a,b", '"q"', "x\ny"])), pa.string()),
        "large_string": lambda: pa.array(pick(lambda: rng.choice(SPECIAL_TEXT)), pa.large_string()),
        "bool": lambda: pa.array(pick(lambda: rng.random() < 0.5), pa.bool_()),
        "null": lambda: pa.nulls(n),
        "dictionary": lambda: pa.array(pick(lambda: rng.choice(["a", "b", ""])), pa.string()).dictionary_encode(),
        "timestamp": lambda: pa.array(pick(lambda: datetime(2024, 1, 19, rng.randint(0, 23))), pa.timestamp("ms")),
        "date": lambda: pa.array(pick(lambda: date(2024, 1, rng.randint(1, 28))), pa.date32()),
        "decimal": lambda: pa.array(pick(lambda: decimal.Decimal(rng.randint(-(10**9), 10**9)) / 100), pa.decimal128(12, 2)),
        "binary": lambda: pa.array(pick(lambda: b"abc"), pa.binary()),
        "binary-not-utf8": lambda: pa.array(pick(lambda: b"\xff\xfe"), pa.binary()),
        "list": lambda: pa.array(pick(lambda: [rng.randint(0, 9)] * rng.randint(0, 3)), pa.list_(pa.int64())),
        "struct": lambda: pa.array(
            pick(lambda: {"x": rng.randint(0, 9), "y": "s"}), pa.struct([("x", pa.int64()), ("y", pa.string())])
        ),
        "uint64": lambda: pa.array(pick(lambda: rng.randint(0, 2**64 - 1)), pa.uint64()),
        "int8": lambda: pa.array(pick(lambda: rng.randint(-128, 127)), pa.int8()),
        "map": lambda: pa.array(pick(lambda: [("k", rng.randint(0, 9))]), pa.map_(pa.string(), pa.int64())),
    }
    return makers[kind]()
