import json

import pyarrow as pa
import pyarrow.parquet as pq

from container.config import AnalysisConfig, parse
from container.load.problems import ProblemLog
from container.load.tabular import CsvReader, JsonReader, ParquetReader


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
    assert problems.examples[next(iter(problems.counts))][0].where == "train.csv:4"


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
    table = _all(JsonReader(lines=True, names=None, config=AnalysisConfig(), problems=problems), path)
    assert table.to_pydict() == {"a": ["1", "2.5", None], "b": ["x", None, "y"], "c": [None, None, "true"]}
    assert problems.total == 1


def test_json_document_with_records_path(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"instances": [[1, 2], [3, 4]]}))
    config = parse({"payload": {"input_records": "instances"}}, source="t")
    table = _all(JsonReader(lines=False, names=("a", "b"), config=config, problems=ProblemLog()), path)
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
