"""One record's bytes never change how another record is read, and every count adds up.

Expected values are hand counts of the files written here, never recomputed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analyzers.types import InferredType
from container.contract import from_env
from container.ingest import Ingested, ingest
from container.load.capture import CaptureReader
from container.load.problems import ProblemLog
from container.load.spec import ReaderSettings
from container.load.window import TimeWindow
from container.settings import AnalysisConfig
from tests.conftest import capture_line

CAPTURE = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
CSV = '{"csv": {"header": true}}'
JSON_LINES = '{"json": {"line": true}}'
HOUR = ("2024-01-19T19:00:00Z", "2024-01-19T20:00:00Z")
NAMES = ("s", "n", "c")
TYPES = {"s": InferredType.FRACTIONAL, "n": InferredType.INTEGRAL, "c": InferredType.STRING}


def run(tmp_path: Path, files: dict[str, str | bytes], fmt: str, names=NAMES, types=TYPES, workers=1, window=None, config=None):
    """Ingest ``files`` (relative path -> content) as a monitoring job (``types`` given) or a baseline job."""
    root = tmp_path / "data"
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        path = root / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    env = {"SAGEMAKER_BASE_DIR": str(tmp_path), "dataset_source": str(root), "dataset_format": fmt}
    if types is not None:
        env["baseline_statistics"] = "statistics.json"
    if window is not None:
        env["start_time"], env["end_time"] = window
    return ingest(from_env(env), config or AnalysisConfig(), names, types, workers=workers)


def counts(data: Ingested) -> tuple[int, int, int, int, int, int]:
    """(read, kept, bad, outside the window, rows analysed, rows skipped)."""
    return (
        data.records_read,
        data.records_kept,
        data.records_bad,
        data.records_outside_window,
        data.rows,
        data.rows_skipped,
    )


def lines(records: list[str]) -> str:
    return "\n".join(records) + "\n"


def capture_with_one_open_quote() -> str:
    """1,101 records: 1,100 in the window, of which #101 (line 101) has an unclosed quote; the last is outside."""
    records = [capture_line(f"{i},c{i}", "0.5") for i in range(1100)]
    records[100] = capture_line('100,"c100', "0.5")
    records.append(capture_line("9,late", "0.5", when="2024-01-19T20:00:00Z"))
    return lines(records)


def test_an_open_quote_costs_its_capture_record_only(tmp_path):
    data = run(tmp_path, {"x.jsonl": capture_with_one_open_quote()}, CAPTURE, window=HOUR)
    assert counts(data) == (1101, 1099, 1, 1, 1099, 0)
    assert data.problems.counts == {"records whose endpointInput has a quoted field that is never closed": 1}
    assert data.problems.examples[next(iter(data.problems.counts))][0].where == "x.jsonl:101"
    assert data.profiles["n"].types.integral == 1099  # every other record's row, whole
    assert data.summary_lines() == [
        "records: 1101 read = 1099 kept + 1 bad + 1 outside the window",
        "rows: 1099 analysed + 0 skipped = 1099 in kept records",
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_processes_count_the_same(tmp_path, workers):
    files = {f"h{i}/x.jsonl": capture_with_one_open_quote() for i in range(3)}
    data = run(tmp_path, files, CAPTURE, window=HOUR, workers=workers)
    assert counts(data) == (3 * 1101, 3 * 1099, 3, 3, 3 * 1099, 0)
    assert data.files == 3


def test_an_open_quote_costs_its_csv_row_only(tmp_path):
    rows = ["a,b"] + [f"{i},x{i}" for i in range(5000)]
    rows[101] = '100,"x100'  # file line 102
    data = run(tmp_path, {"x.csv": lines(rows)}, CSV, names=None, types=None)
    assert counts(data) == (5000, 4999, 1, 0, 4999, 0)
    kind = next(iter(data.problems.counts))
    assert data.problems.examples[kind][0].where == "x.csv:102"
    assert data.profiles["a"].types.integral == 4999


def test_quoted_commas_keep_the_fast_path(tmp_path, monkeypatch):
    def no_careful_path(*_args):
        raise AssertionError("a clean block went record by record")

    monkeypatch.setattr(CaptureReader, "_decode", no_careful_path)
    records = [capture_line(f'{i},"a,{i}"', "0.5") for i in range(10)] + [capture_line('7,b"c', "0.5")]
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (11, 11, 0, 0, 11, 0)
    assert data.profiles["c"].categories.as_dict()["a,3"] == 1
    assert data.profiles["c"].categories.as_dict()['b"c'] == 1


def _read(tmp_path, records, names=NAMES, parts=("endpointOutput", "endpointInput")):
    """The rows read, sorted (a block's joined CSV rows and its rows parsed record by record come as
    two tables), and the reader with its counts."""
    path = tmp_path / "capture.jsonl"
    path.write_text(lines(records))
    reader = CaptureReader(
        parts=parts, names=names, settings=ReaderSettings.of(AnalysisConfig()), window=TimeWindow(), problems=ProblemLog()
    )
    tables = list(reader.read(path))
    table = pa.concat_tables(tables, promote_options="default").to_pydict() if tables else {}
    return sorted(zip(*table.values(), strict=True), key=repr), reader


def test_quoted_line_break_stays_in_its_record(tmp_path):
    rows, reader = _read(tmp_path, [capture_line('1,"two\nlines"', "0.5"), capture_line("2,b", "0.1")])
    assert rows == [("0.1", "2", "b"), ("0.5", "1", "two\nlines")]
    assert reader.problems.total == 0


def test_carriage_return_inside_a_payload_is_a_row_break_of_that_record(tmp_path):
    records = [capture_line("1,a\r2,b", "0.5"), capture_line("3,c", "0.1"), capture_line("4,d\r5,e", output=None)]
    rows, reader = _read(tmp_path, records, names=("n", "c"), parts=("endpointInput",))
    assert rows == [("1", "a"), ("2", "b"), ("3", "c"), ("4", "d"), ("5", "e")]
    assert (reader.records_kept, reader.rows_in_kept_records, reader.problems.total) == (3, 5, 0)
    _, both = _read(tmp_path, records[:2])
    assert both.problems.counts == {"records whose output and input hold different numbers of rows": 1}
    assert (both.records_read, both.records_kept, both.rows_in_kept_records) == (2, 1, 1)


@pytest.mark.parametrize("broken", [False, True], ids=["fast-path", "record-by-record"])
def test_both_paths_count_an_empty_payload_as_a_bad_record(tmp_path, broken):
    records = [capture_line("1,a", "0.5"), capture_line("", "0.7"), capture_line("2,b", "0.1"), capture_line("3,c", "\r\n")]
    rows, reader = _read(tmp_path, records + (["{not json"] if broken else []))
    assert rows == [("0.1", "2", "b"), ("0.5", "1", "a")]
    assert (reader.records_read, reader.records_kept, reader.rows_in_kept_records) == (4 + broken, 2, 2)
    assert reader.problems.counts == {
        "records whose endpointInput is empty": 1,
        "records whose endpointOutput is empty": 1,
        **({"malformed lines (JSON is malformed: object keys must be strings (byte 1))": 1} if broken else {}),
    }


@pytest.mark.parametrize("quoted", [False, True], ids=["joined", "on-its-own"])
def test_a_blank_line_inside_a_payload_holds_no_row(tmp_path, quoted):
    text = '1,"a"\n\n2,"b\nc"' if quoted else "1,a\n\n2,b"
    rows, reader = _read(tmp_path, [capture_line(text, output=None)], names=("n", "c"), parts=("endpointInput",))
    assert rows == [("1", "a"), ("2", "b\nc" if quoted else "b")]
    assert reader.problems.total == 0 and reader.rows_in_kept_records == 2


def test_json_lines_and_parquet_count_records_and_rows(tmp_path):
    good = [json.dumps({"n": i, "c": f"x{i}"}) for i in range(6)]
    data = run(tmp_path, {"x.jsonl": lines([*good[:3], '{"n": 3, "c": "open', *good[3:], "[1, 2, 3]"])}, JSON_LINES, names=None)
    # 8 records: 1 malformed; 7 kept, each one row; the array is a row of 3 positional values.
    assert counts(data) == (8, 7, 1, 0, 7, 0)
    pq.write_table(pa.table({"n": [1, 2, None], "c": ["a", None, "b"]}), tmp_path / "x.parquet")
    data = run(tmp_path / "pq", {"x.parquet": (tmp_path / "x.parquet").read_bytes()}, '{"parquet": {}}', names=None)
    assert counts(data) == (3, 3, 0, 0, 3, 0)


def test_wrong_width_rows_are_rows_not_records(tmp_path):
    records = [capture_line("1,a\n2,b\n3", "0.1\n0.2\n0.3"), capture_line("4,d,extra", "0.4")]
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (2, 2, 0, 0, 2, 2)
    assert data.problems.widths == {2: 1, 4: 1}
    assert data.problems.bad_records == 0 and data.problems.rows_skipped == 2


def test_counts_that_do_not_add_up_are_our_bug():
    data = Ingested(records_read=3, records_kept=2, rows=2, rows_in_kept_records=2)
    with pytest.raises(RuntimeError, match="do not add up: records: 3 read = 2 kept"):
        data.check("x.jsonl")
    Ingested(records_read=3, records_kept=2, records_bad=1, rows=2, rows_skipped=1, rows_in_kept_records=3).check("ok")


@pytest.mark.parametrize("extra", ["", "{broken"], ids=["alone", "beside-a-bad-line"])
@pytest.mark.parametrize("line", ["null", "[]", '"x"', "{}"])
def test_a_capture_line_that_is_not_a_capture_record(tmp_path, line, extra):
    """pyarrow's JSON reader dies on a first line `null`: such a line never reaches it."""
    records = [line, capture_line("1,a", "0.5")] + ([extra] if extra else [])
    data = run(tmp_path, {"x.jsonl": lines(records)}, CAPTURE)
    assert counts(data) == (2 + bool(extra), 1, 1 + bool(extra), 0, 1, 0)


@pytest.mark.parametrize("literal", ["NaN", "-Infinity", "Inf"])
def test_nan_and_infinity_literals_make_a_line_bad_on_both_paths(tmp_path, literal):
    """pyarrow's reader takes them, msgspec (and JSON) does not: the line is bad whichever path reads it."""
    bad = capture_line("2,b", "0.5")[:-1] + f', "x": {literal}}}'
    for extra in ([], ["{broken"]):
        data = run(tmp_path / str(len(extra)), {"x.jsonl": lines([capture_line("1,a"), bad, *extra])}, CAPTURE)
        assert counts(data) == (2 + len(extra), 1, 1 + len(extra), 0, 1, 0)
        assert data.problems.examples[min(data.problems.counts)][0].where == "x.jsonl:2"


def test_a_byte_order_mark_inside_the_data_is_a_character(tmp_path):
    """pyarrow drops a BOM at the start of its input; a value that starts with one keeps it."""
    data = run(tmp_path / "c", {"x.jsonl": lines([capture_line("\ufeff1,a"), capture_line("2,b")])}, CAPTURE)
    assert counts(data) == (2, 2, 0, 0, 2, 0)
    assert (data.profiles["n"].types.integral, data.profiles["n"].types.string) == (1, 1)
    rows = ["c0", "\ufeff", '\ufeff"a', "1", "2"]  # the BOM at a line start is not a quote's field start
    data = run(tmp_path / "p", {"x.csv": lines(rows)}, CSV, names=None, types=None)
    assert counts(data) == (4, 4, 0, 0, 4, 0)
    assert data.profiles["c0"].categories.as_dict() == {"1": 1, "2": 1, "\ufeff": 1, '\ufeff"a': 1}
