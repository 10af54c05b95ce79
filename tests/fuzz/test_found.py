"""The smallest inputs the fuzzing found breaking a property, kept as explicit cases so that each stays
fixed whatever the seeds of the sweeps draw. Each runs in a worker process (a native crash fails the test).
"""

from __future__ import annotations

import io
import json

import pytest

from tests.conftest import AWS
from tests.fuzz.cases import CAPTURE_FORMAT, Expect, ReaderCase
from tests.fuzz.documents import clarify_config
from tests.fuzz.jobs import JobCase
from tests.fuzz.runner import Isolated
from tests.fuzz.world import World

JSONL = '{"json": {"line": true}}'
CSV_HEADER = '{"csv": {"header": true}}'
PARQUET = '{"parquet": {}}'


def _reader(kind: str, fmt: str, data: bytes, expect: Expect, names: tuple[str, ...] | None = None) -> ReaderCase:
    return ReaderCase(
        kind=kind, files=((f"f.{kind}", data),), dataset_format=fmt, names=names, window=False, config={}, expect=expect
    )


def _flipped(at: int, bit: int) -> bytes:
    """A three-row Parquet file (as pyarrow writes it) with one bit flipped."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({"c0": pa.array([1, 2, 3], pa.int64())}), sink)
    data = sink.getvalue()
    return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]


GOOD = json.dumps(
    {
        "captureData": {
            "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": "1,2", "encoding": "CSV"},
            "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": "0.5", "encoding": "CSV"},
        },
        "eventMetadata": {"eventId": "e", "inferenceTime": "2024-01-19T19:30:00Z"},
        "eventVersion": "0",
    }
).encode()

READER_CASES = {
    # pyarrow's JSON reader (container/load/capture_fast.py) segfaults on a block whose line is `null`.
    "capture line null": _reader("capture", CAPTURE_FORMAT, b"null\n", Expect(records=1, bad=1)),
    "capture line null among good ones": _reader("capture", CAPTURE_FORMAT, GOOD + b"\nnull\n" + GOOD + b"\n", Expect(records=3, good=2, good_rows=2, bad=1)),
    "capture lines that are not objects": _reader("capture", CAPTURE_FORMAT, b'[]\n5\n"x"\ntrue\n', Expect(records=4, bad=4)),
    "JSON document []": _reader("json", '{"json": {"line": false}}', b"[]", Expect(records=0)),
    "JSON line not UTF-8": _reader("jsonl", JSONL, b'{"c0": "\xc3("}\n{"c0": 1}\n', Expect(records=2, good=1, good_rows=1, bad=1)),
    "JSON line with an empty key, in a baseline": _reader("jsonl", JSONL, b'{"c0": 1}\n{"c0": 2, "": 1}\n', Expect(records=None, client_error_ok=True)),
    # The fast path (pyarrow's JSON reader) accepts NaN/Infinity literals the careful path (msgspec) refuses:
    # the same line is kept when its block is clean, bad otherwise.
    "capture line with an Infinity literal": _reader("capture", CAPTURE_FORMAT, GOOD[:-1] + b', "x": -Infinity}\n', Expect(records=1, bad=1)),
    "capture line with a NaN literal, no final newline": _reader("capture", CAPTURE_FORMAT, GOOD[:-1] + b', "x": NaN}', Expect(records=1, bad=1)),
    # The fast path checks UTF-8 only in the payloads it keeps: a non-UTF-8 byte elsewhere in the line
    # (eventId here) passes it, while the careful path (no final newline) counts the same line bad.
    "capture line with a non-UTF-8 byte in eventId": _reader("capture", CAPTURE_FORMAT, GOOD.replace(b'"e"', b'"\xffe"') + b"\n", Expect(records=1, bad=1)),
    # container/load/columns.py _mixed: an integer text too large for a double is taken off the fractional count.
    "CSV integer of 400 digits beside text": _reader("csv", CSV_HEADER, b"c0\n-" + b"9" * 400 + b"\nx\n", Expect(records=2, good=2, good_rows=2)),
    "CSV line that is only a BOM": _reader("csv", CSV_HEADER, b"c0\n\xef\xbb\xbf\n", Expect(records=1, wild=1)),
    "Parquet with one bit flipped in a column name": _reader("parquet", PARQUET, _flipped(139, 7), Expect(records=None, client_error_ok=True)),
    "Parquet with one bit flipped in a column's integer width": _reader("parquet", PARQUET, _flipped(373, 4), Expect(records=None, client_error_ok=True)),
    "CSV line opening with a BOM then an unclosed quote": _reader("csv", CSV_HEADER, b'c0\n\xef\xbb\xbf"a\n1\n2\n', Expect(records=3, good=2, good_rows=2, wild=1)),
}  # fmt: skip


@pytest.mark.parametrize("name", READER_CASES)
def test_found_reader_case(isolated: Isolated, name: str) -> None:
    verdict = isolated.check(READER_CASES[name])
    assert not verdict.failures, verdict.summary()


def _job_cases(world: World) -> dict[str, JobCase]:
    statistics = json.loads((AWS / "monitor_statistics.json").read_text())
    del statistics["features"][0]["string_statistics"]["common"]
    facet = clarify_config() | {"facet": [{"name_or_index": "sex", "value_or_threshold": [""]}]}
    return {
        # analyzers/drift/linf.py divides by a feature's num_present (0 when common is absent).
        "statistics without common": JobCase(
            "statistics",
            world.monitor_env("{base}", "aws-monitor", baseline_statistics="{base}/statistics.json"),
            (("statistics.json", json.dumps(statistics).encode()),),
        ),
        # A facet value "" becomes a CloudWatch dimension value "" (CloudWatch wants 1 to 1024 characters).
        "facet value empty": JobCase(
            "bias_config",
            world.monitor_env("{base}", bias_config="{base}/clarify.json", ground_truth_source=str(world.truth)),
            (("clarify.json", json.dumps(facet).encode()),),
        ),
        # A non-UTF-8 byte in an environment value (Python sees a surrogate escape) reaches a UTF-8 file.
        "endpoint name not UTF-8": JobCase(
            "env", world.monitor_env("{base}", sagemaker_endpoint_name=b"ep\xff".decode("utf-8", "surrogateescape"))
        ),
        # analyzers/profile.py converts num_present to a float: an integer past 1e308 overflows.
        "statistics with a huge num_present": JobCase(
            "statistics",
            world.monitor_env("{base}", baseline_statistics="{base}/statistics.json"),
            (("statistics.json", _huge_count(world)),),
        ),
        # analyzers/bias/indicators.py converts a label value to a C long.
        "label value past a C long": JobCase(
            "bias_config",
            world.monitor_env("{base}", bias_config="{base}/clarify.json", ground_truth_source=str(world.truth)),
            (("clarify.json", json.dumps(clarify_config() | {"label_values_or_threshold": [10**400]}).encode()),),
        ),
        "dataset_source name too long": JobCase("env", world.monitor_env("{base}", dataset_source="{base}/" + "x" * 300)),
        "model quality, multiclass with a probability attribute": JobCase(
            "env", world.quality_env("{base}", problem_type="MulticlassClassification")
        ),
        "analysis window past the calendar": JobCase(
            "env", world.monitor_env("{base}", start_time="", end_time="0001-01-01T00:30:00Z", analysis_window="PT1H")
        ),
        "analysis window too long": JobCase("env", world.monitor_env("{base}", start_time="", analysis_window="P999999999D")),
        "capture line null, monitoring job": JobCase(
            "data",
            world.monitor_env("{base}", dataset_source="{base}/input"),
            (("input/c.jsonl", b"null\n"),),
        ),
    }


def _huge_count(world: World) -> bytes:
    statistics = json.loads(world.ours.statistics.read_text())
    statistics["features"][1]["numerical_statistics"]["common"]["num_present"] = 10**400
    return json.dumps(statistics).encode()


JOB_CASES = [
    "statistics without common",
    "statistics with a huge num_present",
    "label value past a C long",
    "facet value empty",
    "endpoint name not UTF-8",
    "dataset_source name too long",
    "model quality, multiclass with a probability attribute",
    "analysis window past the calendar",
    "analysis window too long",
    "capture line null, monitoring job",
]


@pytest.mark.parametrize("name", JOB_CASES)
def test_found_job_case(world: World, isolated: Isolated, name: str) -> None:
    case = _job_cases(world)[name]
    verdict = isolated.check(case)
    assert not verdict.failures, f"{verdict.summary()}\n{case.describe()}"
