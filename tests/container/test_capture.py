import base64
import json
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from container.load.capture import CaptureReader
from container.load.problems import ProblemLog
from container.load.spec import ReaderSettings
from container.load.window import TimeWindow
from container.settings import AnalysisConfig, PayloadConfig, parse
from tests.conftest import capture_line

BOTH = ("endpointOutput", "endpointInput")


def read(tmp_path, lines, names=None, parts=BOTH, config=None, window=None, raw=None):
    path = tmp_path / "capture.jsonl"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text("\n".join(lines) + "\n")
    problems = ProblemLog()
    reader = CaptureReader(
        parts=parts,
        names=names,
        settings=ReaderSettings.of(config or AnalysisConfig()),
        window=window or TimeWindow(),
        problems=problems,
    )
    tables = list(reader.read(path))
    table = pa.concat_tables(tables, promote_options="default") if tables else None
    return table, problems, reader


def test_csv_payloads_put_the_output_first(tmp_path):
    table, problems, reader = read(tmp_path, [capture_line("1,a", "0.9"), capture_line("2,b\n", "0.1\n")])
    assert table.column_names == ["_c0", "_c1", "_c2"]
    assert table.to_pydict() == {"_c0": ["0.9", "0.1"], "_c1": ["1", "2"], "_c2": ["a", "b"]}
    assert problems.total == 0 and reader.records_kept == 2


def test_payload_with_several_rows(tmp_path):
    table, _problems, _ = read(tmp_path, [capture_line("1,a\n2,b\n3,c", "0.1\n0.2\n0.3")], names=("s", "n", "c"))
    assert table.to_pydict() == {"s": ["0.1", "0.2", "0.3"], "n": ["1", "2", "3"], "c": ["a", "b", "c"]}


def test_rows_of_the_wrong_width_are_counted_not_guessed(tmp_path):
    lines = [capture_line("1,a"), capture_line("1,a,extra"), capture_line("1")]
    table, problems, reader = read(tmp_path, lines, names=("s", "n", "c"))
    assert table.num_rows == 1
    assert problems.widths == {4: 1, 2: 1}
    assert any("capture.jsonl:2" == e.where for ex in problems.examples.values() for e in ex)
    # Rows, not records: all three records were kept; two of their three rows were skipped.
    assert (reader.records_read, reader.records_kept, reader.rows_in_kept_records) == (3, 3, 3)
    assert (problems.bad_records, problems.rows_skipped, problems.total) == (0, 2, 2)
    assert problems.lines() == [
        "rows skipped (2):",
        "  1 rows with 2 columns where 3 were expected",
        "      at capture.jsonl:3: '0.5,1'",
        "  1 rows with 4 columns where 3 were expected",
        "      at capture.jsonl:2: '0.5,1,a,extra'",
    ]


def test_only_inputs(tmp_path):
    table, _, _ = read(tmp_path, [capture_line("1,2", output=None)], parts=("endpointInput",))
    assert table.to_pydict() == {"_c0": ["1"], "_c1": ["2"]}


def test_missing_part_is_counted(tmp_path):
    table, problems, _ = read(tmp_path, [capture_line("1,2", output=None), capture_line("3,4")])
    assert table.num_rows == 1
    assert problems.counts == {"records without captureData.endpointOutput": 1}


def test_base64_payloads(tmp_path):
    good = base64.b64encode(b"7,x").decode()
    lines = [
        capture_line(good, base64.b64encode(b"0.3").decode(), encoding="BASE64", content_type="application/octet-stream"),
        capture_line("%%%not base64", "MC4z", encoding="BASE64"),
        capture_line(base64.b64encode(b"\xff\xfe").decode(), "MC4z", encoding="BASE64"),
    ]
    table, problems, _ = read(tmp_path, lines)
    assert table.to_pydict() == {"_c0": ["0.3"], "_c1": ["7"], "_c2": ["x"]}
    assert problems.counts == {
        "records whose endpointInput is not valid BASE64": 1,
        "records whose endpointInput is not UTF-8 text after BASE64 decoding": 1,
    }


def test_base64_json_from_a_real_issue(tmp_path):
    # aws/sagemaker-python-sdk#2629: a BASE64 output whose decoded text is JSON
    line = json.loads(capture_line("1", None))
    line["captureData"]["endpointOutput"] = {
        "observedContentType": "application/json",
        "mode": "OUTPUT",
        "data": "eyJtZWRpYW5faG91c2VfdmFsdWUiOiBbNDc4MDQ2LjY2LCAyMDY1NTEuMDFdfQ==",
        "encoding": "BASE64",
    }
    config = AnalysisConfig(payload=PayloadConfig(output_records="median_house_value"))
    table, _problems, _ = read(tmp_path, [json.dumps(line)], parts=("endpointOutput",), config=config)
    assert table.column("_c0").to_pylist() == ["478046.66", "206551.01"]


def test_malformed_and_truncated_lines_are_counted(tmp_path):
    good = capture_line("1,a")
    raw = (good + "\n" + "{not json}\n" + good + "\n" + good[:40]).encode()
    table, problems, reader = read(tmp_path, None, raw=raw)
    assert table.num_rows == 2
    assert (reader.records_read, reader.records_kept, problems.bad_records) == (4, 2, 2)
    kinds = sorted(problems.counts)
    assert kinds[0].startswith("malformed lines") and kinds[1].startswith("truncated lines")
    assert problems.examples[kinds[1]][0].where == "capture.jsonl:4"


def test_non_utf8_line_is_counted(tmp_path):
    good = capture_line("1,a").encode()
    table, problems, _ = read(tmp_path, None, raw=good + b"\n" + good.replace(b"1,a", b"\xff,a") + b"\n")
    assert table.num_rows == 1 and problems.total == 1


def test_window_keeps_start_and_drops_end(tmp_path):
    window = TimeWindow(datetime(2024, 1, 19, 19, tzinfo=UTC), datetime(2024, 1, 19, 20, tzinfo=UTC))
    lines = [
        capture_line("1", when="2024-01-19T18:59:59Z"),
        capture_line("2", when="2024-01-19T19:00:00Z"),
        capture_line("3", when="2024-01-19T19:59:59.999Z"),
        capture_line("4", when="2024-01-19T20:00:00Z"),
        capture_line("5", when="{%s}"),
    ]
    table, problems, _ = read(tmp_path, lines, window=window)
    assert table.column("_c1").to_pylist() == ["2", "3"]
    assert problems.counts == {"records with an unreadable eventMetadata.inferenceTime": 1}


def test_json_payloads_by_key_and_by_position(tmp_path, aws):
    record = json.loads((aws / "endpoint_capture_json_record.json").read_text())
    config = parse(
        {
            "columns": {"input": [f"f{i}" for i in range(14)]},
            "payload": {"input_records": "instances", "input_record": "features", "output_records": "predictions"},
        },
        source="t",
    )
    table, problems, _ = read(tmp_path, [json.dumps(record)], config=config)
    assert problems.total == 0
    assert table.num_rows == 2
    assert table.column("score").to_pylist() == ["0.9899773597717285", "0.5041388273239136"]
    assert table.column("f0").to_pylist() == ["28", "43"]
    assert table.column("f13").to_pylist() == ["37", "37"]


def test_json_array_payload_without_config_is_one_row(tmp_path):
    line = capture_line('{"a": 1, "b": "x"}', '{"p": 0.5}', encoding="JSON", content_type="application/json")
    table, _, _ = read(tmp_path, [line])
    assert table.to_pydict() == {"p": ["0.5"], "a": ["1"], "b": ["x"]}


@pytest.mark.parametrize("name", ["monitor_capture.jsonl", "endpoint_capture_csv.jsonl"])
def test_aws_capture_files(tmp_path, aws, name):
    lines = (aws / name).read_text().splitlines()
    table, problems, _ = read(tmp_path, lines)
    assert problems.total == 0
    assert table.num_rows == len(lines)
    first = json.loads(lines[0])["captureData"]
    assert table.column("_c0")[0].as_py() == first["endpointOutput"]["data"]
    assert table.column("_c1")[0].as_py() == first["endpointInput"]["data"].split(",")[0]


def test_aws_json_capture_file(tmp_path, aws):
    lines = (aws / "monitor_captured-data.jsonl").read_text().splitlines()
    config = parse({"payload": {"input_records": "instances", "output_records": "predictions"}}, source="t")
    table, problems, _ = read(tmp_path, lines, config=config)
    assert problems.total == 0
    assert table.to_pydict() == {"_c0": ["3.5", "4.0", "5.5"] * 2, "_c1": ["1.0", "2.0", "5.0"] * 2}


def _keyed_line(inputs, output, event, inference=None):
    record = json.loads(capture_line(inputs, output))
    record["eventMetadata"]["eventId"] = event
    if inference:
        record["eventMetadata"]["inferenceId"] = inference
    return json.dumps(record)


@pytest.mark.parametrize("clean", [True, False], ids=["fast-path", "record-by-record"])
def test_records_carry_their_ground_truth_key(tmp_path, clean):
    from container.load.rows import KEY_COLUMN

    lines = [_keyed_line("1,a", "0.9", "e1"), _keyed_line("2,b", "0.1", "e2", "i2"), _keyed_line("3", "0.5", "e3")]
    if not clean:
        lines.append("{broken")
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(lines) + "\n")
    problems = ProblemLog()
    reader = CaptureReader(
        parts=BOTH,
        names=("s", "n", "c"),
        settings=ReaderSettings.of(AnalysisConfig()),
        window=TimeWindow(),
        problems=problems,
        with_keys=True,
    )
    table = pa.concat_tables(list(reader.read(path)))
    assert table.column_names == [KEY_COLUMN, "s", "n", "c"]
    assert table.column(KEY_COLUMN).to_pylist() == ["e1", "i2"]
    assert problems.widths == {2: 1}  # the key is never counted in a row's width


def test_merged_records_join_row_by_row(tmp_path, aws):
    """AWS's merge job writes capture and labels in one record; a batch record has one label per row."""
    from analyzers.bias.ground_truth import join
    from container.load.ground_truth import read_labels
    from container.load.rows import KEY_COLUMN

    merged = json.loads((aws / "merged_record_endpoint.json").read_text())
    path = tmp_path / "merged.jsonl"
    path.write_text(json.dumps(merged) + "\n")
    config = parse(
        {
            "columns": {"input": [f"f{i}" for i in range(14)]},
            "payload": {"input_records": "instances", "input_record": "features", "output_records": "predictions"},
        },
        source="t",
    )
    problems = ProblemLog()
    reader = CaptureReader(
        parts=BOTH, names=None, settings=ReaderSettings.of(config), window=TimeWindow(), problems=problems, with_keys=True
    )
    table = pa.concat_tables(list(reader.read(path)))
    labels = read_labels(str(tmp_path), None, None, 0, problems)
    assert problems.total == 0
    keys = table.column(KEY_COLUMN).to_pylist()
    assert len(keys) == 334 and keys[:2] == ["7#0", "7#1"]  # inferenceId "7", rows 0 and 1
    result = join(keys, labels.keys, labels.values)
    expected = [str(row["label"]) for row in json.loads(merged["groundTruthData"]["data"])["instances"]]
    assert result.matched == 334 and list(result.labels) == expected


def test_join_keys_with_line_breaks_and_quotes_stay_with_their_row(tmp_path):
    from container.load.rows import KEY_COLUMN

    keys = ["a\nb", 'q"x', "ok", "c\rd", "e,f"]
    lines = [_keyed_line(f"{i},x", "0.5", "e", key) for i, key in enumerate(keys)]
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(lines) + "\n")
    problems = ProblemLog()
    reader = CaptureReader(
        parts=BOTH,
        names=("s", "n", "c"),
        settings=ReaderSettings.of(AnalysisConfig()),
        window=TimeWindow(),
        problems=problems,
        with_keys=True,
    )
    table = pa.concat_tables(list(reader.read(path)))
    assert sorted(zip(table.column(KEY_COLUMN).to_pylist(), table.column("n").to_pylist(), strict=True)) == sorted(
        (key, str(i)) for i, key in enumerate(keys)
    )
    assert (reader.records_kept, reader.rows_in_kept_records, problems.total) == (5, 5, 0)
