"""Feature names from the data: a byte-order mark never joins a name; an empty, blank or repeated name
stops the baseline job with a ClientError and is ignored (and listed) by a monitoring job."""

from __future__ import annotations

import json
import logging
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analyzers.types import InferredType
from container.errors import ClientError
from container.load.discover import discover_files
from tests.conftest import capture_line
from tests.container.test_record_boundaries import CAPTURE, CSV, JSON_LINES, counts, lines, run

BOM = b"\xef\xbb\xbf"


def test_bom_leaves_the_csv_header(tmp_path):
    data = run(tmp_path, {"x.csv": BOM + b"score,age\n0.5,3\n0.7,4\n"}, CSV, names=None, types=None)
    assert list(data.profiles) == ["score", "age"]
    assert counts(data) == (2, 2, 0, 0, 2, 0)


def test_bom_leaves_the_first_value_of_a_headerless_csv(tmp_path):
    data = run(tmp_path, {"x.csv": BOM + b"1,a\n2,b\n"}, '{"csv": {"header": false}}', names=None, types=None)
    assert data.profiles["_c0"].types.integral == 2


def test_bom_leaves_the_first_json_line_and_capture_record(tmp_path):
    data = run(tmp_path, {"x.jsonl": BOM + b'{"a": 1}\n{"a": 2}\n'}, JSON_LINES, names=None, types=None)
    assert list(data.profiles) == ["a"] and counts(data) == (2, 2, 0, 0, 2, 0)
    capture = BOM + lines([capture_line("1,a"), capture_line("2,b")]).encode()
    data = run(tmp_path / "c", {"x.jsonl": capture}, CAPTURE)
    assert counts(data) == (2, 2, 0, 0, 2, 0)


@pytest.mark.parametrize("key,reason", [("", "is empty"), ("  ", "is only whitespace")])
def test_a_blank_json_key_stops_the_baseline(tmp_path, key, reason):
    records = ['{"a": 1}', json.dumps({"a": 2, key: 3}), '{"a": 3}']
    with pytest.raises(ClientError) as error:
        run(tmp_path, {"x.jsonl": lines(records)}, JSON_LINES, names=None, types=None)
    assert f"the feature name {key!r} (a JSON key at x.jsonl:2) {reason}" in str(error.value)


def test_a_blank_json_key_is_ignored_when_monitoring(tmp_path):
    records = ['{"a": 1}', '{"a": 2, "": 3}', '{"": 4}']
    data = run(tmp_path, {"x.jsonl": lines(records)}, JSON_LINES, names=None, types={"a": InferredType.INTEGRAL})
    assert list(data.profiles) == ["a"]
    assert counts(data) == (3, 3, 0, 0, 3, 0)
    assert data.problems.ignored_columns == {"": "a JSON key at x.jsonl:2: is empty"}
    assert data.profiles["a"].types.integral == 2 and data.profiles["a"].types.missing == 1
    assert "columns ignored for their names (1):" in data.problems.lines()


@pytest.mark.parametrize("header,bad", [("a,b,a", "'a'"), ("a,,c", "''"), ("a, ,c", "''")])
def test_a_bad_csv_header_name_stops_the_baseline(tmp_path, header, bad):
    with pytest.raises(ClientError, match=re.escape(f"the feature name {bad} (in the CSV header of x.csv)")):
        run(tmp_path, {"x.csv": lines([header, "1,2,3"])}, CSV, names=None, types=None)


def test_bad_csv_header_names_are_ignored_when_monitoring(tmp_path):
    data = run(
        tmp_path, {"x.csv": lines(["a,b,a,,c", "1,2,3,4,5", "6,7,8,9,10"])}, CSV, names=None, types={"b": InferredType.INTEGRAL}
    )
    assert list(data.profiles) == ["b", "c"]
    assert counts(data) == (2, 2, 0, 0, 2, 0)
    assert data.profiles["c"].types.integral == 2
    assert data.problems.ignored_columns == {
        "a": "in the CSV header of x.csv: names 2 columns",
        "": "in the CSV header of x.csv: is empty",
    }


def test_a_name_in_both_output_and_input(tmp_path):
    record = capture_line('{"x": 1, "y": 2}', '{"x": 0.5}', encoding="JSON", content_type="application/json")
    with pytest.raises(ClientError, match=re.escape("'x' (a JSON key at x.jsonl:1) is in both the output and the input")):
        run(tmp_path, {"x.jsonl": lines([record])}, CAPTURE, names=None, types=None)
    data = run(tmp_path / "m", {"x.jsonl": lines([record, record])}, CAPTURE, names=None, types={"y": InferredType.INTEGRAL})
    assert list(data.profiles) == ["y"] and counts(data) == (2, 2, 0, 0, 2, 0)
    assert data.problems.ignored_columns == {"x": "a JSON key at x.jsonl:1: is in both the output and the input"}


def test_bad_parquet_column_names(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table([pa.array([1, 2]), pa.array(["a", "b"]), pa.array([3, 4])], names=["n", "", "n"]), path)
    with pytest.raises(ClientError, match=re.escape("the feature name 'n' (a column of x.parquet) names 2 columns")):
        run(tmp_path / "b", {"x.parquet": path.read_bytes()}, '{"parquet": {}}', names=None, types=None)
    table = pa.table([pa.array([1, 2]), pa.array(["a", "b"]), pa.array([3.5, 4.5])], names=["n", " ", "f"])
    pq.write_table(table, path)
    data = run(
        tmp_path / "m", {"x.parquet": path.read_bytes()}, '{"parquet": {}}', names=None, types={"n": InferredType.INTEGRAL}
    )
    assert list(data.profiles) == ["n", "f"] and counts(data) == (2, 2, 0, 0, 2, 0)
    assert data.problems.ignored_columns == {" ": "a column of x.parquet: is only whitespace"}


def test_skipped_files_and_folders_are_logged(tmp_path, caplog):
    for name in ["a.jsonl", "_SUCCESS", "_temporary/0/part-1.jsonl", "_temporary/0/part-2.jsonl", ".a.jsonl.crc", "h/_x"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n")
    with caplog.at_level(logging.INFO, logger="container.load.discover"):
        assert discover_files(tmp_path) == [tmp_path / "a.jsonl"]
    assert caplog.messages == [
        f"Skipped 5 file(s) under {tmp_path} whose name or folder starts with '.' or '_' (hidden files, Spark/Hadoop "
        "markers): .a.jsonl.crc, _SUCCESS, _temporary, h/_x"
    ]


def test_worker_processes_stop_the_baseline_the_same_way(tmp_path):
    files = {"a.jsonl": lines(['{"a": 1}']), "b.jsonl": lines(['{"a": 2}', '{"a": 3, "": 4}'])}
    with pytest.raises(ClientError, match=re.escape("the feature name '' (a JSON key at b.jsonl:2) is empty")):
        run(tmp_path, files, JSON_LINES, names=None, types=None, workers=2)


def test_a_dataset_source_that_cannot_be_looked_at_is_a_client_error(tmp_path):
    with pytest.raises(ClientError, match=re.escape("cannot be read (File name too long); fix the variable.")):
        discover_files(tmp_path / ("x" * 300))
