"""A record past a limit (``limits.max_record_bytes``, ``limits.max_nesting_depth``) is one bad record.

Expected values are hand counts of the files written here.
"""

from __future__ import annotations

import json

import pytest

from container.errors import CaptureFormatError
from container.load.depth import TooDeepError, decode, most_brackets_per_line
from container.load.lines import LongLine, iter_line_blocks
from container.settings import AnalysisConfig, parse
from tests.conftest import capture_line
from tests.container.test_record_boundaries import CAPTURE, CSV, JSON_LINES, counts, lines, run

DEEP = "too deep"


def nested(levels: int, kind: str = "array") -> str:
    """A JSON value nested ``levels`` deep."""
    if kind == "array":
        return "[" * levels + "1" + "]" * levels
    return '{"a":' * levels + "1" + "}" * levels


def with_field(record: str, name: str, value: str) -> str:
    """A capture line with one more top-level field (one the reader ignores)."""
    return record[:-1] + f', "{name}": {value}}}'


def small_limits(**limits) -> AnalysisConfig:
    return parse({"limits": limits}, source="test")


def test_depth_is_measured_outside_strings():
    assert decode(b'{"a": "[[[[", "b": [{"c": "\\\\\\"[["}]}', 3) == {"a": "[[[[", "b": [{"c": '\\"[['}]}
    for text, limit in [(nested(65), 64), (nested(1_000), 64), (nested(100_000, "object"), 64), ('[["[[[[[[", "{{{{"]]', 1)]:
        with pytest.raises(TooDeepError):
            decode(text, limit)
    assert decode(nested(64), 64) == json.loads(nested(64))
    assert decode('["[[[[[[", "{{{{{{{"]', 1) == ["[[[[[[", "{{{{{{{"]
    assert most_brackets_per_line(b'{"a": [1]}\n[[[]]]\n{}\n') == 3


@pytest.mark.parametrize("levels", [65, 1_000, 100_000])
def test_a_deep_json_payload_is_one_bad_record(tmp_path, levels):
    payload = json.dumps({"instances": json.loads(nested(levels))}) if levels < 900 else '{"instances": ' + nested(levels) + "}"
    records = [capture_line("1,a", "0.5")] * 3
    records[1] = capture_line(payload, "0.5", encoding="JSON", content_type="application/json")
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (3, 2, 1, 0, 2, 0)
    assert data.problems.counts == {"records whose endpointInput is nested deeper than limits.max_nesting_depth (64)": 1}


def test_payload_depth_at_the_limit_is_read(tmp_path):
    payload = json.dumps({"a": json.loads(nested(63))})  # the object plus 63 arrays: 64 levels
    records = [capture_line(payload, '{"p": 1}', encoding="JSON", content_type="application/json")]
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE, names=None)
    assert counts(data) == (1, 1, 0, 0, 1, 0)


@pytest.mark.parametrize("clean", [True, False], ids=["clean-block", "block-with-a-bad-line"])
@pytest.mark.parametrize("levels,kind", [(1_000, "array"), (1_000_000, "object")])
def test_a_deep_ignored_field_is_one_bad_record(tmp_path, clean, levels, kind):
    """A million nested objects crash pyarrow's JSON reader (the whole process): never handed to it."""
    records = [capture_line(f"{i},a", "0.5") for i in range(4)]
    records[2] = with_field(records[2], "custom", nested(levels, kind))
    if not clean:
        records.append("{broken")
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (4 + (not clean), 3, 1 + (not clean), 0, 3, 0)
    assert data.problems.counts["records nested deeper than limits.max_nesting_depth (64)"] == 1
    assert data.problems.examples["records nested deeper than limits.max_nesting_depth (64)"][0].where == "x.jsonl:3"


def test_capture_line_depth_counts_the_envelope(tmp_path):
    base = capture_line("1,a", "0.5")  # the record's object, captureData, endpointInput: 3 levels
    records = [with_field(base, "ok", nested(61)), with_field(base, "deep", nested(62))]  # 1 + 61 = 62, 63
    records.append(with_field(base, "deeper", nested(64)))  # 65 levels
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (3, 2, 1, 0, 2, 0)


@pytest.mark.parametrize("levels,bad", [(64, 0), (65, 1), (1_000, 1), (200_000, 1)])
def test_a_deep_json_line_is_one_bad_record(tmp_path, levels, bad):
    records = [json.dumps({"n": i}) for i in range(3)] + [nested(levels)]
    data = run(tmp_path, {"x.jsonl": lines(records)}, JSON_LINES, names=None, types=None)
    assert counts(data)[:3] == (4, 4 - bad, bad)


def test_a_deep_json_document_is_a_client_error(tmp_path):
    with pytest.raises(
        CaptureFormatError, match=r"nested deeper than limits\.max_nesting_depth \(64\); write one record per line"
    ):
        run(tmp_path, {"x.json": nested(1_000)}, '{"json": {"line": false}}', names=None, types=None)


def test_a_100_mib_line_is_one_bad_record(tmp_path):
    records = [capture_line("1,a", "0.5"), with_field(capture_line("2,b", "0.5"), "pad", '"' + "x" * (100 << 20) + '"')]
    records.append(capture_line("3,c", "0.5"))
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (3, 2, 1, 0, 2, 0)
    kind = "records longer than limits.max_record_bytes (67,108,864 bytes)"
    assert data.problems.counts == {kind: 1}
    assert data.problems.examples[kind][0].where == "x.jsonl:2"


@pytest.mark.parametrize("block_bytes", [64, 100, 1 << 20])
def test_long_lines_in_small_and_large_blocks(tmp_path, block_bytes):
    """Lines of 2,000 bytes with a 1,000-byte limit: skipped up to their newline, whatever the block size."""
    path = tmp_path / "x.txt"
    long = "y" * 2_000
    path.write_text(f"a\n{long}\nb\nc\n{long}\n{long}\nd\n{long}")  # 8 lines, 4 too long, the last unterminated
    items = list(iter_line_blocks(path, block_bytes, max_line=1_000))
    assert [(i.line, i.size) for i in items if isinstance(i, LongLine)] == [(2, 2000), (5, 2000), (6, 2000), (8, 2000)]
    kept = [
        (first + k, line)
        for first, block, _ in (i for i in items if not isinstance(i, LongLine))
        for k, line in enumerate(block.decode().splitlines())
    ]
    assert kept == [(1, "a"), (3, "b"), (4, "c"), (7, "d")]


def test_limits_reach_every_line_reader(tmp_path):
    config = small_limits(max_record_bytes=1_000, max_nesting_depth=4)
    long = "z" * 1_500
    csv = run(tmp_path / "a", {"x.csv": lines(["n,c", "1,a", f"2,{long}", "3,c"])}, CSV, names=None, types=None, config=config)
    assert counts(csv) == (3, 2, 1, 0, 2, 0)
    assert csv.problems.examples[next(iter(csv.problems.counts))][0].where == "x.csv:3"
    records = ['{"n": 1}', json.dumps({"n": long}), '{"n": [[[[1]]]]}', '{"n": [[[1]]]}']  # depth 5 and 4
    json_lines = run(tmp_path / "b", {"x.jsonl": lines(records)}, JSON_LINES, names=None, types=None, config=config)
    assert counts(json_lines) == (4, 2, 2, 0, 2, 0)


def test_a_long_header_is_a_client_error(tmp_path):
    config = small_limits(max_record_bytes=100)
    with pytest.raises(CaptureFormatError, match=r"header of x\.csv is longer than limits\.max_record_bytes"):
        run(tmp_path, {"x.csv": lines([",".join(f"c{i}" for i in range(100)), "1"])}, CSV, names=None, types=None, config=config)
