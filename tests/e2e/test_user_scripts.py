"""AWS's user hooks end to end through ``python -m container``: record preprocessors written to AWS's
documented signatures (each shape AWS's developer guide shows, in our own words), a post-analytics script,
and the traffic filters. Expected values come from runs without the hooks on the same records."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import moto_client
from tests.e2e.jobs import message, monitor

# AWS's first example: the output then the inputs, keyed by zero-padded position (AWS sorts the keys).
POSITIONAL = """
def preprocess_handler(inference_record):
    input_data = inference_record.endpoint_input.data
    output_data = inference_record.endpoint_output.data.rstrip("\\n")
    data = output_data + "," + input_data
    return {str(i).zfill(20): d for i, d in enumerate(data.split(","))}
"""

# The logger signature, AWS's sampling idea made deterministic: a third of the records are skipped with [].
SAMPLING = """
def preprocess_handler(inference_record, logger):
    if int(inference_record.event_metadata.event_id[-1], 16) % 3 == 0:
        return []
    logger.info("kept %s", inference_record.event_metadata.event_id)
    values = (inference_record.endpoint_output.data.rstrip("\\n") + "," + inference_record.endpoint_input.data).split(",")
    return {i: v for i, v in enumerate(values)}
"""

# JSON payloads flattened by name, as the guide's "flattened JSON" advice asks.
FLATTEN = """
import json

NAMES = ["age", "income", "tenure_months", "balance", "num_products", "credit_score", "region", "plan"]

def preprocess_handler(inference_record):
    features = json.loads(inference_record.endpoint_input.data)["features"]
    if len(features) != len(NAMES):
        raise ValueError(f"{len(features)} features, {len(NAMES)} expected")
    score = json.loads(inference_record.endpoint_output.data)["score"]
    return {"score": score, **dict(zip(NAMES, features))}
"""

RAISES_SOME = """
def preprocess_handler(inference_record):
    if inference_record.event_metadata.event_id.endswith("7"):
        raise ValueError("no thanks: " + inference_record.event_metadata.event_id)
    data = inference_record.endpoint_output.data.rstrip("\\n") + "," + inference_record.endpoint_input.data
    return {str(i).zfill(20): d for i, d in enumerate(data.split(","))}
"""

RAISES_ALL = """
def preprocess_handler(inference_record):
    return inference_record.endpoint_input.no_such_attribute
"""

POST_ADDS = """
import json, os

def postprocess_handler():
    out = os.environ["output_path"]
    with open(os.path.join(out, "constraint_violations.json")) as f:
        count = len(json.load(f)["violations"])
    with open(os.path.join(out, "violation_count.txt"), "w") as f:
        f.write(f"{count}\\n")
"""

POST_BREAKS = """
import os

def postprocess_handler():
    out = os.environ["output_path"]
    with open(os.path.join(out, "statistics.json"), "w") as f:
        f.write("half")
    with open(os.path.join(out, "partial.txt"), "w") as f:
        f.write("half")
    raise RuntimeError("the dashboard is down")
"""


def _script(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / "code" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def _run(tmp_path: Path, sample: Path, baseline: Path, name: str, **env: str):  # type: ignore[no-untyped-def]
    base = tmp_path / name
    result = monitor(base, sample, baseline, **env)
    return base, result


def _out(base: Path, name: str) -> dict:
    return json.loads((base / "processing" / "output" / name).read_text())


@pytest.fixture(scope="module")
def plain(tmp_path_factory, sample, baseline):
    base = tmp_path_factory.mktemp("plain")
    result = monitor(base, sample, baseline)
    assert result.returncode == 0, result.stdout
    return base


def test_awss_positional_example_gives_the_plain_runs_outputs(tmp_path, sample, baseline, plain):
    base, result = _run(tmp_path, sample, baseline, "pre", record_preprocessor_script=_script(tmp_path, "pre.py", POSITIONAL))
    assert result.returncode == 0, result.stdout
    assert _out(base, "statistics.json") == _out(plain, "statistics.json")
    assert _out(base, "constraint_violations.json") == _out(plain, "constraint_violations.json")


def test_a_sampling_preprocessor_with_a_logger_skips_records_as_filtered_not_bad(tmp_path, sample, baseline, plain):
    base, result = _run(tmp_path, sample, baseline, "sampling", record_preprocessor_script=_script(tmp_path, "s.py", SAMPLING))
    assert result.returncode == 0, result.stdout
    in_window = _in_window(sample)
    skipped = sum(int(r["eventMetadata"]["eventId"][-1], 16) % 3 == 0 for r in in_window)
    assert 0 < skipped < len(in_window)
    assert f"{skipped} records preprocess_handler skipped" in result.stdout
    assert "kept " in result.stdout  # the user's logger writes to the job's log
    counts = _summary(result.stdout)
    assert (
        counts["read"] == counts["kept"] + counts["bad"] + counts["outside"] + counts["filtered"]
        and counts["filtered"] == skipped
    )
    rows = _out(base, "statistics.json")["dataset"]["item_count"]
    assert rows < _out(plain, "statistics.json")["dataset"]["item_count"]


def test_json_payloads_flattened_by_name_give_the_csv_runs_statistics(tmp_path, sample, baseline, plain):
    def as_json(_: int, record: dict) -> None:
        data = record["captureData"]
        if data["endpointInput"]["encoding"] == "CSV":
            values = data["endpointInput"]["data"].split(",")
            score = data["endpointOutput"]["data"].strip()
            data["endpointInput"] = {
                "observedContentType": "application/json",
                "mode": "INPUT",
                "encoding": "JSON",
                "data": json.dumps({"features": values}),
            }
            data["endpointOutput"] = {
                "observedContentType": "application/json",
                "mode": "OUTPUT",
                "encoding": "JSON",
                "data": json.dumps({"score": score}),
            }

    capture = _rewritten(sample, tmp_path / "json-capture", as_json)
    base = tmp_path / "flatten"
    result = monitor(
        base, sample, baseline, dataset_source=str(capture), record_preprocessor_script=_script(tmp_path, "f.py", FLATTEN)
    )
    assert result.returncode == 0, result.stdout
    assert _out(base, "statistics.json") == _out(plain, "statistics.json")


def test_a_preprocessor_raising_on_some_records_costs_those_records(tmp_path, sample, baseline, plain):
    _, result = _run(tmp_path, sample, baseline, "some", record_preprocessor_script=_script(tmp_path, "r.py", RAISES_SOME))
    assert result.returncode == 0, result.stdout
    in_window = _in_window(sample)
    raised = sum(r["eventMetadata"]["eventId"].endswith("7") for r in in_window)
    assert f"{raised} records preprocess_handler raised ValueError on" in result.stdout
    assert "'ValueError: no thanks: " in result.stdout  # an example with the user's own message
    assert result.stdout.count("Traceback (most recent call last)") == 1  # the first one, not thousands
    assert _summary(result.stdout)["bad"] == raised + 1  # and the sample's one truncated line


def test_a_preprocessor_failing_on_every_record_is_a_client_error_naming_it(tmp_path, sample, baseline):
    script = _script(tmp_path, "all.py", RAISES_ALL)
    base, result = _run(tmp_path, sample, baseline, "all", record_preprocessor_script=script)
    assert result.returncode == 2, result.stdout
    text = message(base)
    assert text.startswith("ClientError: record_preprocessor_script=") and script in text
    assert "failed on every record it did not skip" in text and "AttributeError" in text


def test_a_script_without_the_handler_stops_the_job_before_any_data_is_read(tmp_path, sample, baseline):
    script = _script(tmp_path, "none.py", "def handler(record):\n    return {}\n")
    base, result = _run(tmp_path, sample, baseline, "none", record_preprocessor_script=script)
    assert result.returncode == 2 and "defines no function preprocess_handler()" in message(base)
    assert "Reading " not in result.stdout
    broken = _script(tmp_path, "broken.py", "def preprocess_handler(record:\n")
    base, result = _run(tmp_path, sample, baseline, "broken", record_preprocessor_script=broken)
    assert result.returncode == 2 and "is not valid Python" in message(base)


def test_the_preprocessor_from_s3(tmp_path, sample, baseline, plain, aws_env):
    s3 = moto_client("s3", aws_env)
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="monitor/preprocessor.py", Body=POSITIONAL.encode())
    base, result = _run(
        tmp_path, sample, baseline, "s3", record_preprocessor_script="s3://code/monitor/preprocessor.py", **aws_env
    )
    assert result.returncode == 0, result.stdout
    assert _out(base, "statistics.json") == _out(plain, "statistics.json")


def test_a_post_analytics_script_adds_a_file(tmp_path, sample, baseline, plain):
    base, result = _run(
        tmp_path, sample, baseline, "post", post_analytics_processor_script=_script(tmp_path, "post.py", POST_ADDS)
    )
    assert result.returncode == 0, result.stdout
    written = (base / "processing" / "output" / "violation_count.txt").read_text()
    assert written == f"{len(_out(plain, 'constraint_violations.json')['violations'])}\n"
    assert message(base) == message(plain)


def test_a_failing_post_analytics_script_is_the_users_and_leaves_our_outputs_intact(tmp_path, sample, baseline, plain):
    script = _script(tmp_path, "post.py", POST_BREAKS)
    base, result = _run(tmp_path, sample, baseline, "postfail", post_analytics_processor_script=script)
    assert result.returncode == 2, result.stdout
    text = message(base)
    assert text.startswith(f"ClientError: post_analytics_processor_script={script!r}: postprocess_handler() raised RuntimeError")
    assert message(plain) in text  # the analysis itself finished, and says how
    out = base / "processing" / "output"
    assert not (out / "partial.txt").exists()
    assert _out(base, "statistics.json") == _out(plain, "statistics.json")  # put back as we wrote it


def test_traffic_filters_drop_test_traffic_by_custom_attributes(tmp_path, sample, baseline, plain):
    def tag(_: int, record: dict) -> None:
        if record["eventMetadata"]["eventId"].endswith("3"):
            record["eventMetadata"]["customAttributes"] = ['{"testIndicator": "true"}']

    capture = _rewritten(sample, tmp_path / "tagged", tag)
    tagged = sum(r["eventMetadata"]["eventId"].endswith("3") for r in _in_window(sample))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"traffic": {"exclude": {"customAttributes": '"testIndicator": "true"'}}}))
    base = tmp_path / "filtered"
    result = monitor(base, sample, baseline, dataset_source=str(capture), analysis_config=str(config))
    assert result.returncode == 0, result.stdout
    counts = _summary(result.stdout)
    assert counts["filtered"] == tagged > 0 and counts["bad"] == 2  # filtered traffic is never bad
    assert (
        _out(base, "statistics.json")["dataset"]["item_count"] == _out(plain, "statistics.json")["dataset"]["item_count"] - tagged
    )

    keep = tmp_path / "keep.json"
    keep.write_text(json.dumps({"traffic": {"include": {"customAttributes": "testIndicator"}}}))
    only = tmp_path / "only"
    result = monitor(only, sample, baseline, dataset_source=str(capture), analysis_config=str(keep))
    assert result.returncode == 0, result.stdout
    assert _out(only, "statistics.json")["dataset"]["item_count"] == tagged


def test_mixed_encodings_in_one_window_are_read_record_by_record(tmp_path, sample, baseline, plain):
    def mix(n: int, record: dict) -> None:
        data = record["captureData"]
        if data["endpointInput"]["encoding"] == "CSV" and n % 2:
            text = data["endpointInput"]["data"]
            data["endpointInput"].update(encoding="BASE64", data=base64.b64encode(text.encode()).decode())
            output = json.dumps(float(data["endpointOutput"]["data"]))
            data["endpointOutput"].update(encoding="JSON", observedContentType="application/json", data=output)

    capture = _rewritten(sample, tmp_path / "mixed", mix)
    base = tmp_path / "mixed-run"
    result = monitor(base, sample, baseline, dataset_source=str(capture))
    assert result.returncode == 0, result.stdout
    assert _out(base, "statistics.json")["dataset"] == _out(plain, "statistics.json")["dataset"]
    ours = {f["name"]: f for f in _out(base, "statistics.json")["features"]}
    for f in _out(plain, "statistics.json")["features"]:
        stats = f.get("numerical_statistics") or f.get("string_statistics")
        mine = ours[f["name"]].get("numerical_statistics") or ours[f["name"]].get("string_statistics")
        assert mine["common"] == stats["common"], f["name"]
        for key in ("min", "max", "sum", "mean"):
            assert mine.get(key) == stats.get(key), (f["name"], key)


def _rewritten(sample: Path, target: Path, change: Callable[[int, dict], None]) -> Path:
    """The sample's capture files with ``change(line number, record)`` applied to every record; a line that does
    not decode, or lacks a field the change reads, is kept as it is (the sample's bad records stay bad)."""
    for path in sorted((sample / "capture").rglob("*.jsonl")):
        lines = []
        for n, line in enumerate(path.read_text().splitlines()):
            try:
                record = json.loads(line)
                change(n, record)
                line = json.dumps(record)
            except (ValueError, KeyError):
                pass
            lines.append(line)
        out = target / path.relative_to(sample / "capture")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(lines) + "\n")
    return target


def _in_window(sample: Path) -> list[dict]:
    return [
        r for r in _captures(sample) if "2024-01-19T19:00:00Z" <= r["eventMetadata"]["inferenceTime"] < "2024-01-19T20:00:00Z"
    ]


def _captures(sample: Path) -> list[dict]:
    out = []
    for path in sorted((sample / "capture").rglob("*.jsonl")):
        for line in path.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


def _summary(log: str) -> dict[str, int]:
    """The log's record line: ``records: R read = K kept + B bad + O outside the window [+ F filtered out]``."""
    import re

    found = re.search(
        r"records: (\d+) read = (\d+) kept \+ (\d+) bad \+ (\d+) outside the window(?: \+ (\d+) filtered out)?", log
    )
    assert found, log
    read, kept, bad, outside, filtered = (int(g or 0) for g in found.groups())
    return {"read": read, "kept": kept, "bad": bad, "outside": outside, "filtered": filtered}


def test_a_multi_model_window_gives_one_set_of_outputs_per_model_equal_to_its_records_alone(tmp_path, sample, baseline, plain):
    def assign(_: int, record: dict) -> None:
        odd = int(record["eventMetadata"]["eventId"][-1], 16) % 2
        record["eventMetadata"]["targetModel"] = "churn-a.tar.gz" if odd else "churn/b"

    capture = _rewritten(sample, tmp_path / "two-models", assign)
    models = ["churn-a.tar.gz", "churn/b"]
    config = tmp_path / "split.json"
    config.write_text(json.dumps({"traffic": {"per_model": {"key": "targetModel", "models": models}}}))
    base = tmp_path / "split"
    result = monitor(
        base, sample, baseline, dataset_source=str(capture), analysis_config=str(config), publish_cloudwatch_metrics="Enabled"
    )
    assert result.returncode == 0, result.stdout
    assert _out(base, "statistics.json") == _out(plain, "statistics.json")  # the whole window, where SageMaker reads it
    lines = [
        json.loads(x) for x in (base / "output" / "metrics" / "cloudwatch" / "cloudwatch_metrics.jsonl").read_text().splitlines()
    ]
    total = 0
    for model, folder in zip(models, ["targetModel=churn-a.tar.gz", "targetModel=churn_b"], strict=True):
        alone = tmp_path / f"alone-{folder}"
        only = tmp_path / f"{folder}.json"
        only.write_text(json.dumps({"traffic": {"include": {"targetModel": f"^{re.escape(model)}$"}}}))
        done = monitor(alone, sample, baseline, dataset_source=str(capture), analysis_config=str(only))
        assert done.returncode == 0, done.stdout
        mine = json.loads((base / "processing" / "output" / folder / "statistics.json").read_text())
        assert mine == _out(alone, "statistics.json")
        assert (base / "processing" / "output" / folder / "report.html").exists()
        total += mine["dataset"]["item_count"]
        tagged = [x for x in lines if {"Name": "targetModel", "Value": model} in x["Dimensions"]]
        assert any(x["MetricName"] == "constraint_violations" for x in tagged)
        count = len(
            json.loads((base / "processing" / "output" / folder / "constraint_violations.json").read_text())["violations"]
        )
        assert f"{model}: {count} violation(s)" in message(base)
    assert total == _out(plain, "statistics.json")["dataset"]["item_count"]
    untagged = [x for x in lines if all(d["Name"] != "targetModel" for d in x["Dimensions"])]
    assert any(x["MetricName"] == "constraint_violations" for x in untagged)  # the whole window's metrics stay


BATCH = """
def preprocess_handler(inference_record):
    assert inference_record.endpoint_input is None and inference_record.endpoint_output is None
    data = inference_record.batch_transform_output.data
    return {str(i).zfill(20): d for i, d in enumerate(data.split(","))}
"""


def test_the_batch_transform_shape_reaches_the_preprocessor(tmp_path, sample, baseline, plain):
    def as_batch(_: int, record: dict) -> None:
        data = record["captureData"]
        joined = data["endpointOutput"]["data"].rstrip("\n") + "," + data["endpointInput"]["data"]
        record["captureData"] = {
            "batchTransformOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": joined, "encoding": "CSV"}
        }

    capture = _rewritten(sample, tmp_path / "batch", as_batch)
    base = tmp_path / "batch-run"
    result = monitor(
        base, sample, baseline, dataset_source=str(capture), record_preprocessor_script=_script(tmp_path, "b.py", BATCH)
    )
    assert result.returncode == 0, result.stdout
    assert _out(base, "statistics.json") == _out(plain, "statistics.json")
