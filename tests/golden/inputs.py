"""The golden cases' inputs, built deterministically from fixed seeds under ``W/inputs`` (see ``cases``):
the sample data and its labels, other formats, bad captures, an AWS-baseline window, Clarify fixtures,
model-quality datasets and the analysis configs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import AWS, ROOT
from tests.golden.cases import BIAS_FIXTURES, SAMPLE_HOUR, resolve


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
