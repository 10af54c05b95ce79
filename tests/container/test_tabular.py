import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from container.errors import CaptureFormatError
from container.load.problems import ProblemLog
from container.load.spec import ReaderSettings
from container.load.tabular import CsvReader, JsonReader, ParquetReader
from container.settings import AnalysisConfig, parse


def _all(reader, path):
    tables = list(reader.read(path))
    return pa.concat_tables(tables, promote_options="default")


def test_csv_with_header(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("label,age,city\n1,30,paris\n0,,rome\n1,41,paris,extra\n")
    problems = ProblemLog()
    table = _all(CsvReader(header=True, names=None, problems=problems), path)
    assert table.to_pydict() == {"label": ["1", "0"], "age": ["30", None], "city": ["paris", "rome"]}
    assert problems.widths == {4: 1}
    assert problems.examples[next(iter(problems.row_counts))][0].where == "train.csv:4"


def test_csv_without_header_small_blocks(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("".join(f"{i},{i * 2}\n" for i in range(1000)))
    reader = CsvReader(header=False, names=("a", "b"), problems=ProblemLog(), block_bytes=100)
    table = _all(reader, path)
    assert table.column("b").to_pylist() == [str(i * 2) for i in range(1000)]
    assert reader.records_read == 1000


def test_json_lines(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text('{"a": 1, "b": "x"}\n{"a": 2.5}\nnot json\n{"b": "y", "c": true}\n')
    problems = ProblemLog()
    table = _all(JsonReader(lines=True, names=None, settings=ReaderSettings.of(AnalysisConfig()), problems=problems), path)
    assert table.to_pydict() == {"a": ["1", "2.5", None], "b": ["x", None, "y"], "c": [None, None, "true"]}
    assert problems.total == 1


def test_json_document_with_records_path(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"instances": [[1, 2], [3, 4]]}))
    config = parse({"payload": {"input_records": "instances"}}, source="t")
    table = _all(JsonReader(lines=False, names=("a", "b"), settings=ReaderSettings.of(config), problems=ProblemLog()), path)
    assert table.to_pydict() == {"a": ["1", "3"], "b": ["2", "4"]}


def test_parquet_keeps_types(tmp_path):
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"n": [1, 2, None], "s": ["a", None, "b"]}), path)
    table = _all(ParquetReader(names=None, problems=ProblemLog()), path)
    assert table.column("n").type == pa.int64()
    assert table.num_rows == 3


def test_cloudwatch_names_and_values_stay_within_limits():
    from datetime import UTC, datetime

    from container.write.cloudwatch import Metric, dimensions, records

    long = "f" * 300
    out = records([Metric(f"feature_non_null_{long}", value=0.5)], datetime(2024, 1, 1, tzinfo=UTC), dimensions("e" * 2000, "s"))
    assert len(out[0]["MetricName"]) == 255
    assert len(out[0]["Dimensions"][0]["Value"]) == 1024
    assert out[0]["Timestamp"] == "2024-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "column,kind",
    [
        (pa.array([[1.0, 2.0], [3.0]]), "list<element: double>"),  # Parquet names a list's item "element"
        (pa.array([{"a": 1}, {"a": 2}]), "struct<a: int64>"),
        (pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())), "map<string, int64 ('bad')>"),
    ],
    ids=["list", "struct", "map"],
)
def test_parquet_columns_without_one_value_per_row_are_a_client_error(tmp_path, column, kind):
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"n": [1, 2], "bad": column}), path)
    with pytest.raises(CaptureFormatError) as error:
        list(ParquetReader(names=None, problems=ProblemLog()).read(path))
    assert str(error.value).startswith(f"data.parquet: column 'bad' has Arrow type {kind}, which is not one value per row")
    assert "flatten it into one column per value (or drop it)" in str(error.value)


def test_types_without_a_text_form_are_refused():
    from container.load.parquet import _readable

    assert not _readable(pa.month_day_nano_interval())  # Parquet cannot hold it; an in-memory table can
    assert not _readable(pa.dictionary(pa.int32(), pa.list_(pa.int64())))
    assert _readable(pa.dictionary(pa.int32(), pa.string())) and _readable(pa.timestamp("ms", tz="UTC"))


def test_parquet_binary_columns_are_read_as_text(tmp_path):
    path = tmp_path / "data.parquet"
    values = [b"paris", b"\xff\xfe", None, b"rome", b"\xc3"]
    pq.write_table(pa.table({"n": [1, 2, 3, 4, 5], "city": pa.array(values, pa.binary())}), path)
    problems = ProblemLog()
    reader = ParquetReader(names=None, problems=problems)
    table = _all(reader, path)
    assert table.to_pydict() == {"n": [1, 3, 4], "city": ["paris", None, "rome"]}
    assert (reader.records_read, reader.records_kept, problems.bad_records) == (5, 3, 2)
    kind = "records with a value that is not UTF-8 text in column 'city'"
    assert [e.where for e in problems.examples[kind]] == ["data.parquet:row 2", "data.parquet:row 5"]


def test_parquet_integers_beyond_double_precision(tmp_path):
    from container.load.columns import normalise

    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"id": pa.array([2**64 - 1, 2**53 + 1, 7], pa.uint64())}), path)
    column = normalise("id", _all(ParquetReader(names=None, problems=ProblemLog()), path).column("id"), keep_texts=False)
    assert column.n_integral == 3 and column.numbers.max() == float(2**64 - 1)


def test_a_damaged_parquet_file_is_a_bad_file(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1 not really parquet PAR1")
    problems = ProblemLog()
    reader = ParquetReader(names=None, problems=problems)
    assert list(reader.read(path)) == []
    assert problems.bad_files == 1 and problems.bad_records == 0 and reader.records_read == 0


def test_number_text_too_large_for_a_double_is_a_string():
    """Counted once, as a String: the classes always add up to the values present (never a negative count)."""
    from container.load.columns import normalise

    huge = "-" + "9" * 400
    for values, counts in [
        ([huge, "1", "2", None], (1, 2, 0, 1)),  # (missing, integral, fractional, string)
        ([huge, "1.5", "x", "1e999", "inf", "nan", ""], (1, 0, 1, 5)),
        (["1", "2.5", "1e999"], (0, 1, 1, 1)),
    ]:
        column = normalise("c", pa.array(values, pa.string()), keep_texts=False)
        assert (column.n_missing, column.n_integral, column.n_fractional, column.n_string) == counts
        assert len(column.numbers) == counts[1] + counts[2]


def test_a_parquet_footer_with_a_name_that_is_not_utf8_is_a_bad_file(tmp_path):
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"zq": [1, 2, 3]}), path)
    path.write_bytes(path.read_bytes().replace(b"zq", b"\xff\xfe"))  # the footer's names become invalid UTF-8
    problems = ProblemLog()
    assert list(ParquetReader(names=None, problems=problems).read(path)) == []
    assert problems.bad_files == 1 and next(iter(problems.file_counts)).startswith("unreadable Parquet files")
