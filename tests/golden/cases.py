"""The golden-output job cases: every job type on the sample data and the test fixtures (issue 14).

A case is a name, the environment ``python -m container`` reads (as SageMaker sets it), the cases whose
outputs it reads (a monitoring job reads its baseline job's files) and the exit code it ends with.

Everything lives under one work folder ``W``, laid out so every path is known before anything runs:

    W/inputs/...                  built by :func:`build_inputs`, deterministically from fixed seeds
    W/cases/<case>/               the case's SAGEMAKER_BASE_DIR; its outputs are every file under it:
        processing/output/...         output_path (statistics.json, constraints.json, violations, reports)
        output/message                SageMaker's ExitMessage
        output/metrics/cloudwatch/... the CloudWatch metrics file

In env values (and in the config files the inputs hold) ``<inputs>`` stands for ``W/inputs``, ``<base>``
for the case's own base folder and ``<out:NAME>`` for case NAME's output_path.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import AWS, ROOT

BIAS_FIXTURES = ROOT / "tests" / "fixtures" / "bias"
CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
CSV_HEADER = '{"csv": {"header": true}}'
WINDOW = {"start_time": "2024-01-19T19:00:00Z", "end_time": "2024-01-19T20:00:00Z"}
ENDPOINT = {"sagemaker_endpoint_name": "churn-endpoint", "sagemaker_monitoring_schedule_name": "churn-hourly"}
SAMPLE_HOUR = Path("churn-endpoint/AllTraffic/2024/01/19/19")
BINARY = {"analysis_type": "MODEL_QUALITY", "problem_type": "BinaryClassification", "probability_threshold_attribute": "0.5"}


@dataclass(frozen=True)
class Case:
    name: str
    env: dict[str, str]
    needs: tuple[str, ...] = ()
    exit_code: int = 0
    doc: str = ""


def _dq_baseline(source: str, **env: str) -> dict[str, str]:
    return {"dataset_format": CSV_HEADER, "dataset_source": source, "output_path": "<base>/processing/output", **env}


def _dq_monitor(baseline: str, source: str = "<inputs>/sample/capture", **env: str) -> dict[str, str]:
    return {
        "dataset_format": CAPTURE_FORMAT,
        "dataset_source": source,
        "output_path": "<base>/processing/output",
        "baseline_statistics": f"<out:{baseline}>/statistics.json",
        "baseline_constraints": f"<out:{baseline}>/constraints.json",
        "publish_cloudwatch_metrics": "Enabled",
        **ENDPOINT,
        **WINDOW,
        **env,
    }


def _mq_monitor(baseline: str, capture: str, truth: str, **env: str) -> dict[str, str]:
    return {
        "dataset_source": capture,
        "output_path": "<base>/processing/output",
        "baseline_statistics": f"<out:{baseline}>/statistics.json",
        "baseline_constraints": f"<out:{baseline}>/constraints.json",
        "ground_truth_source": truth,
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_endpoint_name": "ep",
        "sagemaker_monitoring_schedule_name": "quality",
        **WINDOW,
        **env,
    }


CASES: list[Case] = [
    # (a) data-quality baseline on the sample data: statistics.json, constraints.json, the suggested suite.
    Case("dq_baseline_sample", _dq_baseline("<inputs>/sample/baseline"), doc="data-quality baseline on the sample data"),
    # (c) a bias baseline: the sample training data with a label column, a bias section in the analysis config.
    Case(
        "bias_baseline_sample",
        _dq_baseline("<inputs>/sample_labelled", analysis_config="<inputs>/configs/bias_baseline.json"),
        doc="baseline job with a bias section (analysis.json) on the labelled sample data",
    ),
    Case(
        "bias_baseline_fixture_ds1",
        _dq_baseline("<inputs>/bias_ds1", bias_config="<inputs>/configs/clarify_ds1.json"),
        doc="baseline job with a Clarify bias_config on the smclarify fixture ds1",
    ),
    # The README's demo: the sample capture against the sample baseline, nothing optional.
    Case(
        "dq_monitor_plain",
        _dq_monitor("dq_baseline_sample"),
        needs=("dq_baseline_sample",),
        doc="monitoring the sample capture (drift, unseen category, 3 bad records), CloudWatch metrics",
    ),
    # (b) monitoring with every optional step: drift section, expectation suite, bias with ground truth.
    Case(
        "dq_monitor_drift_suite_bias",
        _dq_monitor(
            "dq_baseline_sample",
            analysis_config="<inputs>/configs/monitor_drift_bias.json",
            expectation_suite="<out:dq_baseline_sample>/expectation_suite.json",
            ground_truth_source="<inputs>/sample_truth",
        ),
        needs=("dq_baseline_sample", "bias_baseline_sample"),
        doc="monitoring the sample capture with a drift section, the suggested suite, bias + ground truth",
    ),
    # Monitoring against a baseline AWS's analyzer wrote (tests/fixtures/aws).
    Case(
        "dq_monitor_aws_baseline",
        {
            "dataset_format": CSV_HEADER,
            "dataset_source": "<inputs>/aws_window",
            "output_path": "<base>/processing/output",
            "baseline_statistics": str(AWS / "data_quality_statistics.json"),
            "baseline_constraints": str(AWS / "data_quality_constraints.json"),
            "publish_cloudwatch_metrics": "Enabled",
            "sagemaker_monitoring_schedule_name": "aws-fixture",
            "end_time": "2024-01-19T20:00:00Z",
        },
        doc="monitoring a CSV window against AWS's own data_quality_statistics/constraints fixtures",
    ),
    # (e) bad records beyond the share: a bad_record_check violation; and a window of nothing but garbage.
    Case(
        "dq_monitor_bad_share",
        _dq_monitor("dq_baseline_sample", source="<inputs>/bad_capture"),
        needs=("dq_baseline_sample",),
        doc="window with 12% bad records of every kind: bad_record_check",
    ),
    Case(
        "dq_monitor_all_garbage",
        _dq_monitor("dq_baseline_sample", source="<inputs>/garbage_capture"),
        needs=("dq_baseline_sample",),
        doc="window where nothing read is usable: never green",
    ),
    # (f) an empty window: nothing to compare (default), and the same with empty_window=fail (ClientError).
    Case(
        "dq_monitor_empty_window",
        _dq_monitor("dq_baseline_sample", start_time="2024-01-20T19:00:00Z", end_time="2024-01-20T20:00:00Z"),
        needs=("dq_baseline_sample",),
        doc="window with no records: Completed, nothing compared",
    ),
    Case(
        "dq_monitor_empty_window_fail",
        _dq_monitor(
            "dq_baseline_sample",
            start_time="2024-01-20T19:00:00Z",
            end_time="2024-01-20T20:00:00Z",
            analysis_config="<inputs>/configs/empty_fail.json",
        ),
        needs=("dq_baseline_sample",),
        exit_code=2,
        doc="window with no records and empty_window=fail: ClientError",
    ),
    # (g) ClientErrors: a suite naming a column the baseline lacks; an unknown dataset format.
    Case(
        "client_error_bad_suite",
        _dq_monitor("dq_baseline_sample", expectation_suite="<inputs>/configs/bad_suite.json"),
        needs=("dq_baseline_sample",),
        exit_code=2,
        doc="expectation suite naming a column the baseline lacks: ClientError message",
    ),
    Case(
        "client_error_bad_format",
        _dq_baseline("<inputs>/sample/baseline", dataset_format='{"avro": {}}'),
        exit_code=2,
        doc="unknown dataset_format: ClientError message",
    ),
    # Other dataset formats: a JSON-lines baseline; a Parquet window (batch transform: no endpoint name).
    Case(
        "dq_baseline_jsonlines",
        _dq_baseline("<inputs>/sample_jsonlines", dataset_format='{"json": {"line": true}}'),
        doc="data-quality baseline on 300 sample rows as JSON lines",
    ),
    Case(
        "dq_monitor_parquet_batch",
        {
            "dataset_format": '{"parquet": {}}',
            "dataset_source": "<inputs>/sample_parquet",
            "output_path": "<base>/processing/output",
            "baseline_statistics": "<out:dq_baseline_sample>/statistics.json",
            "baseline_constraints": "<out:dq_baseline_sample>/constraints.json",
            "publish_cloudwatch_metrics": "Enabled",
            "sagemaker_monitoring_schedule_name": "churn-batch",
            "end_time": "2024-01-19T20:00:00Z",
        },
        needs=("dq_baseline_sample",),
        doc="monitoring 300 window rows as Parquet, batch-transform style (MonitoringSchedule dimension only)",
    ),
    # (d) model quality: binary, multiclass (class_probability_attributes), regression.
    Case(
        "mq_binary_baseline",
        {
            **_dq_baseline("<inputs>/mq_binary/validation"),
            "probability_attribute": "probability",
            "ground_truth_attribute": "label",
            **BINARY,
        },
        doc="model-quality binary baseline (metrics, constraints, isotonic calibration)",
    ),
    Case(
        "mq_binary_monitor",
        _mq_monitor(
            "mq_binary_baseline", "<inputs>/mq_binary/capture", "<inputs>/mq_binary/truth", probability_attribute="0", **BINARY
        ),
        needs=("mq_binary_baseline",),
        doc="model-quality binary monitoring with labels (concept drift) and the estimate",
    ),
    Case(
        "mq_binary_monitor_no_labels",
        _mq_monitor(
            "mq_binary_baseline", "<inputs>/mq_binary/capture", "<inputs>/mq_binary/no_truth", probability_attribute="0", **BINARY
        ),
        needs=("mq_binary_baseline",),
        doc="model-quality binary monitoring before any label: the label-free estimate alone",
    ),
    Case(
        "mq_multiclass_baseline",
        {
            **_dq_baseline("<inputs>/mq_multiclass/validation"),
            "analysis_type": "MODEL_QUALITY",
            "problem_type": "MulticlassClassification",
            "analysis_config": "<inputs>/configs/multiclass.json",
            "inference_attribute": "predicted",
            "ground_truth_attribute": "label",
        },
        doc="model-quality multiclass baseline with class_probability_attributes",
    ),
    Case(
        "mq_multiclass_monitor",
        _mq_monitor(
            "mq_multiclass_baseline",
            "<inputs>/mq_multiclass/capture",
            "<inputs>/mq_multiclass/truth",
            analysis_type="MODEL_QUALITY",
            problem_type="MulticlassClassification",
            analysis_config="<inputs>/configs/multiclass.json",
            inference_attribute="0",
        ),
        needs=("mq_multiclass_baseline",),
        doc="model-quality multiclass monitoring with labels and the calibrated estimate",
    ),
    Case(
        "mq_regression_baseline",
        {
            **_dq_baseline("<inputs>/mq_regression/validation"),
            "analysis_type": "MODEL_QUALITY",
            "problem_type": "Regression",
            "inference_attribute": "prediction",
            "ground_truth_attribute": "label",
        },
        doc="model-quality regression baseline",
    ),
    Case(
        "mq_regression_monitor",
        _mq_monitor(
            "mq_regression_baseline",
            "<inputs>/mq_regression/capture",
            "<inputs>/mq_regression/truth",
            analysis_type="MODEL_QUALITY",
            problem_type="Regression",
            inference_attribute="0",
        ),
        needs=("mq_regression_baseline",),
        doc="model-quality regression monitoring with labels (errors grew: violations)",
    ),
]

BY_NAME = {case.name: case for case in CASES}

_TOKEN = re.compile(r"<(inputs|base|out:[a-z0-9_]+)>")


def base_dir(work: Path, name: str) -> Path:
    return work / "cases" / name


def resolve(text: str, work: Path, name: str | None = None) -> str:
    """Replace ``<inputs>``, ``<base>`` and ``<out:NAME>`` by the paths under the work folder."""

    def one(match: re.Match[str]) -> str:
        token = match.group(1)
        if token == "inputs":
            return str(work / "inputs")
        if token == "base":
            assert name is not None, text
            return str(base_dir(work, name))
        return str(base_dir(work, token.removeprefix("out:")) / "processing" / "output")

    return _TOKEN.sub(one, text)


def case_env(case: Case, work: Path) -> dict[str, str]:
    return {key: resolve(value, work, case.name) for key, value in case.env.items()}


def waves(cases: list[Case]) -> list[list[Case]]:
    """The cases in dependency order: each wave needs only cases of earlier waves."""
    done: set[str] = set()
    left = list(cases)
    order: list[list[Case]] = []
    while left:
        ready = [c for c in left if set(c.needs) <= done]
        assert ready, f"cases with unmet or circular needs: {[c.name for c in left]}"
        order.append(ready)
        done |= {c.name for c in ready}
        left = [c for c in left if c.name not in done]
    return order


# ---------------------------------------------------------------------------------------------- inputs


def build_inputs(work: Path) -> Path:
    """Write every case's input files under ``work/inputs``; the same bytes on every run."""
    inputs = work / "inputs"
    inputs.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "scripts/make_sample_data.py", str(inputs / "sample")], cwd=ROOT, check=True, capture_output=True
    )
    _sample_labelled(inputs)
    _sample_truth(inputs)
    _other_formats(inputs)
    _bad_captures(inputs)
    _aws_window(inputs)
    _bias_ds1(inputs)
    _mq_binary(inputs)
    _mq_multiclass(inputs)
    _mq_regression(inputs)
    _configs(work, inputs)
    return inputs


def _write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _sample_labelled(inputs: Path) -> None:
    """The sample training data plus a label drawn from its score (plan 'basic' raises both)."""
    train = pd.read_csv(inputs / "sample" / "baseline" / "train.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(1401)
    score = train["score"].astype(float).to_numpy()
    train["label"] = (rng.random(len(train)) < np.clip(score * 1.5, 0, 1)).astype(int).astype(str)
    (inputs / "sample_labelled").mkdir()
    train.to_csv(inputs / "sample_labelled" / "train.csv", index=False, lineterminator="\n")


def _sample_records(inputs: Path) -> list[dict]:
    records = []
    for path in sorted((inputs / "sample" / "capture").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


def _label_line(key: str, label: str) -> str:
    return json.dumps(
        {"groundTruthData": {"data": label, "encoding": "CSV"}, "eventMetadata": {"eventId": key}, "eventVersion": "0"}
    )


def _sample_truth(inputs: Path) -> None:
    """Labels for nine in ten of the sample capture's records, an hour after the window, plus one stray label.
    In the window the model turned against the 'basic' plan: its positives are twice as likely."""
    rng = np.random.default_rng(1402)
    lines = []
    for i, record in enumerate(_sample_records(inputs)):
        data = record["captureData"]
        try:
            score = float(data["endpointOutput"]["data"])
        except (KeyError, ValueError):
            continue
        basic = data["endpointInput"]["data"].endswith(",basic")
        chance = min(1.0, score * (3.0 if basic else 1.2))
        label = str(int(rng.random() < chance))
        if i % 10 != 9:
            lines.append(_label_line(record["eventMetadata"]["eventId"], label))
    lines.append(_label_line("not-in-window", "1"))
    _write_lines(inputs / "sample_truth" / "2024" / "01" / "19" / "20" / "labels.jsonl", lines)


def _other_formats(inputs: Path) -> None:
    """300 training rows as JSON lines; 300 rows of the capture window as Parquet."""
    train = pd.read_csv(inputs / "sample" / "baseline" / "train.csv").head(300)
    _write_lines(inputs / "sample_jsonlines" / "train.jsonl", [json.dumps(r) for r in train.to_dict(orient="records")])
    rows = []
    for record in _sample_records(inputs):
        data = record["captureData"]
        values = [data["endpointOutput"]["data"], *data["endpointInput"]["data"].split(",")]
        if record["eventMetadata"]["inferenceTime"] >= "2024-01-19T19:00:00Z" and len(values) == len(train.columns):
            rows.append(values)
    window = pd.DataFrame(rows[:300], columns=train.columns).astype({c: float for c in train.columns[:-2]})
    (inputs / "sample_parquet").mkdir()
    window.to_parquet(inputs / "sample_parquet" / "part-0.parquet", index=False)


def _bad_captures(inputs: Path) -> None:
    """The sample's first capture file with 12% bad records of every kind; and a file of garbage only."""
    first = sorted((inputs / "sample" / "capture" / SAMPLE_HOUR).glob("*.jsonl"))
    lines = first[0].read_text(encoding="utf-8").splitlines()
    good = json.loads(lines[5])
    bad: list[str] = []
    for k in range(200, 215):  # in the window (the file's first records come before it)
        bad.append(lines[k][: 40 + k % 7])  # truncated JSON
        b64 = json.loads(lines[k])
        b64["captureData"]["endpointInput"] |= {"encoding": "BASE64", "data": f"not base64 {k}!"}
        bad.append(json.dumps(b64, separators=(",", ":")))
        wide = json.loads(lines[k])
        wide["captureData"]["endpointInput"]["data"] += ",extra"
        bad.append(json.dumps(wide, separators=(",", ":")))
        no_output = json.loads(lines[k])
        del no_output["captureData"]["endpointOutput"]
        bad.append(json.dumps(no_output, separators=(",", ":")))
    mixed = lines[:200] + [line for pair in zip(lines[200:260], bad, strict=True) for line in pair] + lines[260:]
    folder = inputs / "bad_capture" / SAMPLE_HOUR
    _write_lines(folder / "00.jsonl", mixed)
    # A non-UTF-8 record and a line of stray bytes, then a good record again.
    with (folder / "00.jsonl").open("ab") as f:
        f.write(b'{"captureData": "\xff\xfe"}\n')
        f.write(json.dumps(good).encode() + b"\n")
    _write_lines(inputs / "garbage_capture" / SAMPLE_HOUR / "00.jsonl", ["{garbage"] * 40 + ["[1, 2", "null"])


def _aws_window(inputs: Path) -> None:
    """Rows for AWS's data_quality fixture baseline (_c0.._c5): in its ranges, the last column shifted."""
    stats = json.loads((AWS / "data_quality_statistics.json").read_text())
    rng = np.random.default_rng(1403)
    columns = []
    for k, feature in enumerate(stats["features"]):
        numeric = feature.get("numerical_statistics") or {}
        low, high = numeric.get("min", 0.0), numeric.get("max", 1.0)
        values = rng.uniform(low, high + (3 * (high - low) if k == len(stats["features"]) - 1 else 0), 120)
        if feature.get("inferred_type") == "Integral":
            columns.append([f"{v:.0f}" for v in values])
        else:
            columns.append([f"{v:.3f}" for v in values])
    names = [f["name"] for f in stats["features"]]
    _write_lines(inputs / "aws_window" / "window.csv", [",".join(names), *(",".join(r) for r in zip(*columns, strict=True))])


def _bias_ds1(inputs: Path) -> None:
    (inputs / "bias_ds1").mkdir()
    (inputs / "bias_ds1" / "data.csv").write_bytes((BIAS_FIXTURES / "ds1_categorical_and_int_age.csv").read_bytes())


def _capture_line(i: int, inputs: str, output: str, when: str = "2024-01-19T19:10:00Z") -> str:
    data = {
        "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": inputs, "encoding": "CSV"},
        "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": output, "encoding": "CSV"},
    }
    return json.dumps({"captureData": data, "eventMetadata": {"eventId": f"e{i}", "inferenceTime": when}, "eventVersion": "0"})


def _mq_binary(inputs: Path) -> None:
    """As tests/e2e/test_model_quality_job.py: calibrated scores, then a window under concept drift."""
    rng = np.random.default_rng(21)

    def scores(n: int) -> tuple[np.ndarray, np.ndarray]:
        score = np.round(rng.beta(2, 2, n), 4)
        return score, (rng.random(n) < score).astype(int)

    score, label = scores(1500)
    folder = inputs / "mq_binary"
    (folder / "validation").mkdir(parents=True)
    pd.DataFrame({"probability": score, "label": label}).to_csv(folder / "validation" / "validation.csv", index=False)
    window_score, window_label = scores(1000)
    window_label[window_score > 0.6] = 1 - window_label[window_score > 0.6]
    _write_lines(
        folder / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19" / "00.jsonl",
        [_capture_line(i, "1,2", str(s)) for i, s in enumerate(window_score)],
    )
    _write_lines(
        folder / "truth" / "2024" / "01" / "19" / "21" / "labels.jsonl",
        [_label_line(f"e{i}", str(y)) for i, y in enumerate(window_label)],
    )
    (folder / "no_truth").mkdir()


def _mq_multiclass(inputs: Path) -> None:
    """Three classes; over-sharpened per-class scores that the baseline's calibration corrects."""
    rng = np.random.default_rng(8)

    def rows(n: int) -> tuple[np.ndarray, np.ndarray]:
        logits = rng.normal(size=(n, 3)) * 1.2
        chance = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        sharp = np.exp(2 * logits) / np.exp(2 * logits).sum(axis=1, keepdims=True)
        label = np.array(list("abc"))[(rng.random((n, 1)) > np.cumsum(chance, axis=1)).sum(axis=1)]
        return np.round(sharp, 4), label

    folder = inputs / "mq_multiclass"
    scores, label = rows(2000)
    predicted = np.array(list("abc"))[scores.argmax(axis=1)]
    (folder / "validation").mkdir(parents=True)
    frame = pd.DataFrame({"label": label, "predicted": predicted, "1": scores[:, 0], "2": scores[:, 1], "3": scores[:, 2]})
    frame.to_csv(folder / "validation" / "v.csv", index=False)
    scores, label = rows(1000)
    predicted = np.array(list("abc"))[scores.argmax(axis=1)]
    output = ["{},{},{},{}".format(p, *s) for p, s in zip(predicted, scores, strict=True)]
    _write_lines(
        folder / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19" / "00.jsonl",
        [_capture_line(i, "1,2", text) for i, text in enumerate(output)],
    )
    _write_lines(
        folder / "truth" / "2024" / "01" / "19" / "21" / "labels.jsonl",
        [_label_line(f"e{i}", str(y)) for i, y in enumerate(label)],
    )


def _mq_regression(inputs: Path) -> None:
    """A value predicted with noise; in the window the noise doubled and a bias crept in."""
    rng = np.random.default_rng(1404)
    folder = inputs / "mq_regression"
    x = rng.normal(50, 10, 1500)
    truth = np.round(x + rng.normal(0, 3, 1500), 3)
    (folder / "validation").mkdir(parents=True)
    pd.DataFrame({"prediction": np.round(x, 3), "label": truth}).to_csv(folder / "validation" / "v.csv", index=False)
    x = rng.normal(50, 10, 800)
    truth = np.round(x + 2.0 + rng.normal(0, 6, 800), 3)
    _write_lines(
        folder / "capture" / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19" / "00.jsonl",
        [_capture_line(i, "1,2", repr(float(v))) for i, v in enumerate(np.round(x, 3))],
    )
    _write_lines(
        folder / "truth" / "2024" / "01" / "19" / "21" / "labels.jsonl",
        [_label_line(f"e{i}", repr(float(y))) for i, y in enumerate(truth)],
    )


def _configs(work: Path, inputs: Path) -> None:
    folder = inputs / "configs"
    folder.mkdir()
    bias = {
        "label": "label",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "plan", "value_or_threshold": ["basic"]}],
        "group_variable": "region",
        "predicted_label": "score",
        "probability_threshold": 0.15,
        "bootstrap": {"resamples": 30, "seed": 1},
    }
    documents = {
        "bias_baseline.json": {"bias": bias},
        "monitor_drift_bias.json": {
            "drift": {"correction": "benjamini-hochberg", "level": 0.01},
            "bias": {**bias, "baseline": "<out:bias_baseline_sample>/analysis.json"},
        },
        "empty_fail.json": {"empty_window": "fail"},
        "bad_suite.json": {
            "name": "bad",
            "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "gender"}}],
        },
        "multiclass.json": {"model_quality": {"class_probability_attributes": {"a": "1", "b": "2", "c": "3"}}},
        "clarify_ds1.json": {
            "dataset_type": "text/csv",
            "label": "label",
            "label_values_or_threshold": [1],
            "facet": [{"name_or_index": "facet", "value_or_threshold": ["B"]}],
            "group_variable": "group",
            "predicted_label": "pred",
            "bootstrap": {"resamples": 30, "seed": 2},
            "methods": {"post_training_bias": {"methods": "all"}},
        },
    }
    for name, document in documents.items():
        (folder / name).write_text(resolve(json.dumps(document, indent=1), work) + "\n", encoding="utf-8")
