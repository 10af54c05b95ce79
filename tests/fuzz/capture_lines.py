"""Hostile SageMaker capture lines (``captureData.endpointInput/endpointOutput``, ``eventMetadata``,
``eventVersion``): good ones in every encoding, and ones bad, outside the window, of the wrong width or wild."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from tests.fuzz.cases import (
    CAPTURE_FORMAT,
    ReaderCase,
    Rec,
    count_records,
    expect_of,
    good_only_files,
    hidden,
    layout,
    limits_section,
    unambiguous,
)
from tests.fuzz.draw import INSERTS, Deep, Draw, dumps, find_holder, json_delete, json_get, json_paths, json_set


@dataclass(frozen=True)
class Shape:
    """What every good record of a capture case looks like."""

    width: int  # values per row, model output first
    n_out: int  # of which the output part holds
    parts: tuple[str, ...]
    window: bool
    wrap: bool  # JSON inputs sit under {"instances": [...]} (payload.input_records)
    max_record_bytes: int | None
    max_depth: int


_TIMES_IN = [
    "2024-01-19T19:{m:02d}:{s:02d}Z",
    "2024-01-19T19:{m:02d}:{s:02d}.123Z",
    "2024-01-19T20:{m:02d}:{s:02d}+01:00",
    "2024-01-19T19:{m:02d}:{s:02d}",
    "2024-01-19T19:{m:02d}:{s:02d}.5+00:00",
]


_TIMES_OUT = [
    "2024-01-19T18:{m:02d}:{s:02d}Z",
    "2024-01-19T20:{m:02d}:{s:02d}Z",
    "2024-01-19T20:00:00Z",
    "2023-06-01T19:{m:02d}:{s:02d}Z",
    "2024-01-19T19:{m:02d}:{s:02d}-01:00",
    "2024-01-19T18:59:59.999Z",
]


def _time(d: Draw, inside: bool) -> str:
    pattern = d.pick(_TIMES_IN if inside else _TIMES_OUT)
    return pattern.format(m=d.int(0, 59), s=d.int(0, 59))


def _rows(d: Draw, n_rows: int, width: int, json_values: bool) -> list[list[Any]]:
    return [[d.json_scalar() if json_values else d.csv_value() for _ in range(width)] for _ in range(n_rows)]


def _csv_text(rows: list[list[str]], sep: str, trailing: bool) -> str:
    return sep.join(",".join(row) for row in rows) + (sep if trailing else "")


def _part(d: Draw, rows: list[list[Any]], style: str, wrap: bool) -> dict[str, Any]:
    """One captured part (endpointInput or endpointOutput) holding ``rows``."""
    if style in ("CSV", "B64CSV"):
        text = _csv_text(rows, d.pick(["\n", "\r\n"]), d.bool())
    else:
        if wrap:
            value: Any = {"instances": rows}
        elif len(rows) > 1:
            value = rows
        elif len(rows[0]) == 1:
            value = d.pick([rows[0][0], rows[0], rows])
        else:
            value = d.pick([rows[0], rows])
        text = dumps(value, ensure_ascii=d.bool()).decode("utf-8")
    if style == "CSV":
        return {"observedContentType": d.pick(["text/csv", "text/csv; charset=utf-8"]), "data": text,
                "encoding": d.pick(["CSV", "CSV", "csv"])}  # fmt: skip
    if style == "JSON":
        return {"observedContentType": d.pick(["application/json", "application/jsonlines"]), "data": text,
                "encoding": "JSON"}  # fmt: skip
    ctype = d.pick(["text/csv", "application/octet-stream"]) if style == "B64CSV" else "application/json"
    return {"observedContentType": ctype, "data": base64.b64encode(text.encode("utf-8")).decode("ascii"), "encoding": "BASE64"}


def _capture_dict(d: Draw, shape: Shape, *, inside: bool = True, n_rows: int | None = None,
                  width: int | None = None, heights: tuple[int, int] | None = None) -> tuple[dict[str, Any], int]:  # fmt: skip
    """A valid record: ``(record, rows)``; ``width`` overrides the row width, ``heights`` the rows per part."""
    rows_n = n_rows if n_rows is not None else d.pick([1, 1, 1, 1, 2, 3])
    total = width if width is not None else shape.width
    n_out = shape.n_out if total == shape.width else max(1 if "endpointOutput" in shape.parts else 0, min(shape.n_out, total - 1))
    if shape.parts == ("endpointOutput",):
        n_out = total
    styles = {p: d.pick(["CSV", "CSV", "JSON", "B64CSV", "B64JSON"]) for p in shape.parts}
    json_values = all(s in ("JSON", "B64JSON") for s in styles.values())
    capture: dict[str, Any] = {}
    for part in shape.parts:
        n = n_out if part == "endpointOutput" else total - n_out
        height = rows_n if heights is None else heights[0 if part == "endpointOutput" else 1]
        rows = _rows(d, height, n, json_values and styles[part] in ("JSON", "B64JSON"))
        if n == 1 and styles[part] in ("CSV", "B64CSV"):
            rows = [[v if v.strip("\r\n") else "0"] for (v,) in rows]  # a lone empty value would be an empty line
        payload = _part(d, rows, styles[part], shape.wrap and part == "endpointInput")
        payload["mode"] = "OUTPUT" if part == "endpointOutput" else "INPUT"
        capture[part] = payload
    meta = {"eventId": d.hex(32), "inferenceTime": _time(d, inside if shape.window else True)}
    if d.bool():
        meta["inferenceId"] = d.text("any", 1, 8)
    record: dict[str, Any] = {"captureData": capture, "eventMetadata": meta, "eventVersion": "0"}
    if d.rarely(9):
        record["customAttributes"] = d.text("any", 0, 10)
    return record, rows_n


def _serialise(d: Draw, record: Any) -> bytes:
    return dumps(record, ensure_ascii=d.bool(), compact=d.bool())


def capture_good(d: Draw, shape: Shape) -> Rec:
    record, rows = _capture_dict(d, shape)
    return Rec("good", "good", _serialise(d, record), rows)


def capture_outside(d: Draw, shape: Shape) -> Rec:
    record, _ = _capture_dict(d, shape, inside=False)
    return Rec("outside", "outside", _serialise(d, record), 0)


def capture_width(d: Draw, shape: Shape) -> Rec:
    low = 2 if len(shape.parts) == 2 else 1
    width = d.int_except(low, shape.width + 3, shape.width)
    record, _ = _capture_dict(d, shape, n_rows=1, width=width)
    return Rec("width", f"width {width}", _serialise(d, record), 1)


_NEEDED_TYPES = {
    "captureData": [5, "x", [1], True],
    "part": [5, "x", [], True],
    "data": [5, [], {}, True, 1.5],
    "encoding": [5, [], {}, True],
}


def capture_bad(d: Draw, shape: Shape) -> Rec:
    """A record that must be exactly one bad record."""
    kinds = ["truncated", "type:captureData", "type:part", "type:data", "type:encoding", "null:part", "null:data",
             "missing:part", "encoding:unknown", "base64:invalid", "base64:not-utf8", "json:invalid", "json:nan",
             "heights", "non-utf8", "nan-envelope", "deep-payload", "deep-envelope"]  # fmt: skip
    if shape.window:
        kinds += ["time:unreadable", "time:missing", "type:eventMetadata", "type:inferenceTime"]
    if shape.max_record_bytes is not None:
        kinds.append("oversized")
    if "endpointOutput" in shape.parts and "endpointInput" in shape.parts:
        kinds.append("object-beside-array")
    kind = d.pick(kinds)
    record, _ = _capture_dict(d, shape)
    capture = record["captureData"]
    part = d.pick(shape.parts)
    if kind == "truncated":
        line = _serialise(d, record)
        return Rec("bad", kind, line[: d.int(1, len(line) - 1)])
    if kind == "type:captureData":
        record["captureData"] = d.pick(_NEEDED_TYPES["captureData"])
    elif kind == "type:part":
        capture[part] = d.pick(_NEEDED_TYPES["part"])
    elif kind in ("type:data", "type:encoding"):
        capture[part][kind[5:]] = d.pick(_NEEDED_TYPES[kind[5:]])
    elif kind == "null:part":
        capture[part] = None
    elif kind == "null:data":
        capture[part]["data"] = None
    elif kind == "missing:part":
        del capture[part]
    elif kind == "encoding:unknown":
        capture[part]["encoding"] = d.pick(["XML", "GZIP", "UTF8", "BASE32", "text"])
    elif kind == "base64:invalid":
        capture[part] |= {"encoding": "BASE64", "data": d.pick(["not base64!", "%%%", "a=b=", "ab$d"])}
    elif kind == "base64:not-utf8":
        capture[part] |= {
            "encoding": "BASE64",
            "data": base64.b64encode(d.pick([b"\xff\xfe", b"1,\xc3\x28"])).decode(),
        }
    elif kind == "json:invalid":
        capture[part] |= {"encoding": "JSON", "data": d.pick(["{not json", "[1,2", "", "[1,]", "{'a': 1}"])}
    elif kind == "json:nan":
        capture[part] |= {"encoding": "JSON", "data": d.pick(["[NaN, 1]", "NaN", "[Infinity]", "[1, -Infinity]"])}
    elif kind == "heights":
        height_out, height_in = d.pick([(1, 2), (2, 1), (3, 1), (2, 3)])
        if len(shape.parts) == 1:
            height_out, height_in = 1, 1
            kind = "json:invalid"
            capture[part] |= {"encoding": "JSON", "data": "[1,2"}
        else:
            record, _ = _capture_dict(d, shape, heights=(height_out, height_in))
    elif kind == "non-utf8":
        line = _serialise(d, record)
        cut = line.index(b'"eventId"') + len(b'"eventId"') + 2
        return Rec("bad", kind, line[:cut] + d.pick([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]) + line[cut:])
    elif kind == "nan-envelope":
        line = _serialise(d, record)
        return Rec("bad", kind, line[:-1] + b',"eventVersion2":' + d.pick([b"NaN", b"Infinity", b"-Infinity"]) + b"}")
    elif kind == "deep-payload":
        depth = d.int(shape.max_depth + 1, 3000)
        capture[part] |= {"encoding": "JSON", "observedContentType": "application/json", "data": "[" * depth + "]" * depth}
    elif kind == "deep-envelope":
        record["extra"] = Deep(d.int(shape.max_depth + 1, 3000))
    elif kind == "time:unreadable":
        record["eventMetadata"]["inferenceTime"] = d.pick(
            ["yesterday", "2024-13-45T19:00:00Z", "19:30", "T", "2024-01-19T25:00:00Z"]
        )

    elif kind == "time:missing":
        del record["eventMetadata"]["inferenceTime"]
    elif kind == "type:eventMetadata":
        record["eventMetadata"] = d.pick([5, "x", [], True])
    elif kind == "type:inferenceTime":
        record["eventMetadata"]["inferenceTime"] = d.pick([5, [], {}, True, 1705692600])
    elif kind == "oversized":
        assert shape.max_record_bytes is not None
        record["eventMetadata"]["eventId"] = "x" * (shape.max_record_bytes + 10)
    elif kind == "object-beside-array":
        capture["endpointOutput"] |= {"encoding": "JSON", "observedContentType": "application/json", "data": '{"score": 0.5}'}
        capture["endpointInput"] |= {"encoding": "JSON", "observedContentType": "application/json", "data": "[1, 2]"}
    return Rec("bad", kind, _serialise(d, record))


_HOSTILE_PAYLOADS = ['1,"a', '"', 'a"b,c', "1\n2", "1\r2", "1,2\n3", ",,,", "", " ", "\t", "1e999", "NaN",
                     "[NaN]", "99999999999999999999999999999999", '{"a": 1}', "[[1,2],[3]]", "[]", "[[]]", "{}", "null",
                     '"' * 3, "\\", "\x00", "\ufeff1,2", "1,2\r\n", "\n", "\r\n\r\n"]  # fmt: skip


_HOSTILE_TIMES = ["2024-01-19T19:30:00.123456789Z", "2024-01-19t19:30:00z", "2024-01-19T23:59:60Z", "0000-01-01T00:00:00Z",
                  "9999-12-31T23:59:59Z", "2024-01-19T19:30:00+24:00", "2024-01-19", "2024-01-19T19:30Z", "", " ",
                  "2024-01-19 19:30:00Z", "20240119T193000Z", "2024-01-19T19:30:00+0100"]  # fmt: skip


def capture_wild(d: Draw, shape: Shape) -> Rec:
    """A record mutated 1-3 times, structurally and then byte by byte; its fate is not fixed."""
    record: Any
    record, _ = _capture_dict(d, shape)
    done = []
    for _ in range(d.int(1, 3)):
        if not isinstance(record, dict):
            break
        op = d.pick(["payload", "payload", "time", "node", "node", "delete", "empty-key", "unused-type"])
        done.append(op)
        capture = record.get("captureData")
        meta = record.get("eventMetadata")
        if op == "payload":
            payload = capture.get(d.pick(shape.parts)) if isinstance(capture, dict) else None
            if isinstance(payload, dict):
                payload["data"] = d.pick(_HOSTILE_PAYLOADS)
                payload["encoding"] = d.pick(["CSV", "JSON", payload.get("encoding", "CSV")])
        elif op == "time" and isinstance(meta, dict):
            meta["inferenceTime"] = d.pick(_HOSTILE_TIMES)
        elif op in ("node", "delete", "empty-key"):
            path = d.pick(json_paths(record))
            if op == "node":
                record = d.hostile(1) if not path else json_set(record, path, d.hostile(1))
            elif op == "delete" and path:
                json_delete(record, path)
            elif op == "empty-key" and isinstance(json_get(record, path), dict):
                json_get(record, path)[""] = d.hostile(0)
        elif op == "unused-type":
            key = d.pick(["mode", "eventVersion", "observedContentType", "eventId", "inferenceId"])
            holder = find_holder(record, key)
            if holder is not None:
                holder[key] = d.pick([5, None, [], {}, True, 1.5, "x"])
    line = _serialise(d, record)
    for _ in range(d.int(0, 3)):
        op = d.pick(["flip", "insert", "delete", "bom", "dup-key"])
        done.append(op)
        i = d.int(0, len(line))
        if op == "flip" and line:
            i = min(i, len(line) - 1)
            line = line[:i] + bytes([line[i] ^ (1 << d.int(0, 7))]) + line[i + 1 :]
        elif op == "insert":
            line = line[:i] + d.pick(INSERTS) + line[i:]
        elif op == "delete":
            line = line[:i] + line[i + d.int(1, 20) :]
        elif op == "bom":
            line = b"\xef\xbb\xbf" + line
        elif op == "dup-key" and line.endswith(b"}") and isinstance(record, dict):
            line = line[:-1] + b',"captureData":' + dumps(record.get("captureData")) + b"}"
    return Rec("wild", "+".join(done), unambiguous(line), 0)


def capture_cases(
    d: Draw, *, classes: tuple[str, ...] = ("good", "bad", "outside", "width", "wild"), width: int | None = None
) -> ReaderCase:
    """A capture dataset; ``classes`` limits the record classes drawn (``("good", "bad", "outside", "width")`` for
    exact counts); ``width``: the values per row of the good records (else 2 to 6)."""
    parts = d.pick([("endpointOutput", "endpointInput")] * 4 + [("endpointInput",), ("endpointOutput",)])
    width = width or d.int(2, 6)
    n_out = 0 if parts == ("endpointInput",) else width if parts == ("endpointOutput",) else d.int(1, width - 1)
    window = d.bool()
    config, size, depth = limits_section(d)
    wrap = "endpointInput" in parts and d.rarely(4)
    if wrap:
        config["payload"] = {"input_records": "instances"}
    shape = Shape(width, n_out, parts, window, wrap, size, depth)
    allowed = [c for c in classes if c != "outside" or window]
    # Without names the first row of a block decides the width: only good and plainly bad records then.
    named = d.int(0, 5) > 0 or not set(allowed) <= {"good", "bad", "outside"}
    names = tuple(f"c{i}" for i in range(width)) if named else None
    makers = {"good": capture_good, "bad": capture_bad, "outside": capture_outside, "width": capture_width, "wild": capture_wild}
    weights = {"good": 6, "bad": 2, "outside": 1, "width": 1, "wild": 3}
    pool = [c for c in allowed for _ in range(weights[c])]
    recs = [makers[c](d, shape) for c in d.list(pool, 0, 14)]
    files, labels = layout(d, recs, ".jsonl")
    good_files, _ = good_only_files(files, recs)
    types = None
    if names and d.bool():
        types = {n: d.pick(["Integral", "Fractional", "String", "Unknown"]) for n in names}
    fmt = CAPTURE_FORMAT if len(parts) == 2 else json.dumps({"sagemakerCaptureJson": {"captureIndexNames": list(parts)}})
    return ReaderCase(
        kind="capture",
        files=files,
        dataset_format=fmt,
        names=names,
        window=window,
        config=config,
        expect=expect_of(recs, sum(count_records(d) for n, d in files if not hidden(n))),
        types=types,
        good_only=good_files,
        labels=labels,
    )
