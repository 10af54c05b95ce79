"""What a job-level case runs against: baselines (ours, written by a baseline job, and AWS's own samples),
a capture window with ground truth, and a model-quality validation set. Built once, deterministically,
by running the container's own jobs in-process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tests.conftest import AWS
from tests.fuzz.cases import CAPTURE_FORMAT, WINDOW_END, WINDOW_START

INPUTS = ["age", "income", "sex", "region", "plan"]
BIAS = {
    "label": "label",
    "label_values_or_threshold": [1],
    "facet": [{"name_or_index": "sex", "value_or_threshold": ["F"]}],
    "group_variable": "region",
    "predicted_label": "score",
    "probability_threshold": 0.5,
    "bootstrap": {"resamples": 5, "seed": 1},
}
# Every environment variable of the contract (container/contract.py). cloudwatch_namespace and report_s3_uri
# are left out of fuzzing: they make the job call AWS over the network.
ENV_NAMES = [
    "dataset_format", "dataset_source", "output_path", "baseline_statistics", "baseline_constraints",
    "publish_cloudwatch_metrics", "sagemaker_endpoint_name", "sagemaker_monitoring_schedule_name", "start_time",
    "end_time", "analysis_config", "expectation_suite", "ground_truth_source", "analysis_window", "analysis_type",
    "problem_type", "inference_attribute", "probability_attribute", "probability_threshold_attribute",
    "ground_truth_attribute", "bias_config",
]  # fmt: skip


@dataclass(frozen=True)
class Pair:
    """A baseline and a dataset it describes."""

    statistics: Path
    constraints: Path
    dataset_format: str
    dataset: Path


@dataclass(frozen=True)
class World:
    root: Path
    ours: Pair  # our baseline job's statistics/constraints, and a capture window
    pairs: dict[str, Pair]  # ours and AWS's samples with CSV datasets
    suite: Path  # the expectation suite our baseline job suggested
    bias_baseline: Path  # analysis.json of our baseline job
    truth: Path  # ground truth for the capture window
    train: Path  # the labelled training set
    validation: Path  # a labelled validation set for model-quality jobs

    def monitor_env(self, base: str, pair: str = "ours", **extra: str) -> dict[str, str]:
        p = self.pairs[pair]
        env = {
            "SAGEMAKER_BASE_DIR": base,
            "dataset_format": p.dataset_format,
            "dataset_source": str(p.dataset),
            "output_path": f"{base}/processing/output",
            "baseline_statistics": str(p.statistics),
            "baseline_constraints": str(p.constraints),
            "publish_cloudwatch_metrics": "Enabled",
            "sagemaker_endpoint_name": "churn-endpoint",
            "sagemaker_monitoring_schedule_name": "churn-hourly",
            "start_time": WINDOW_START,
            "end_time": WINDOW_END,
        }
        return env | extra

    def baseline_env(self, base: str, **extra: str) -> dict[str, str]:
        return {
            "SAGEMAKER_BASE_DIR": base,
            "dataset_format": '{"csv": {"header": true}}',
            "dataset_source": str(self.train),
            "output_path": f"{base}/processing/output",
        } | extra

    def quality_env(self, base: str, **extra: str) -> dict[str, str]:
        return {
            "SAGEMAKER_BASE_DIR": base,
            "analysis_type": "MODEL_QUALITY",
            "problem_type": "BinaryClassification",
            "probability_attribute": "score",
            "probability_threshold_attribute": "0.5",
            "ground_truth_attribute": "label",
            "dataset_format": '{"csv": {"header": true}}',
            "dataset_source": str(self.validation),
            "output_path": f"{base}/processing/output",
        } | extra


def _people(rng: np.random.Generator, n: int, drift: bool) -> list[dict[str, Any]]:
    rows = []
    for _ in range(n):
        age = int(rng.integers(18, 80))
        income = round(float(rng.lognormal(10.5, 0.4)) * (1.3 if drift else 1.0), 2)
        sex = str(rng.choice(["F", "M"]))
        region = str(rng.choice(["north", "south", "east", "west", "central"] if drift else ["north", "south", "east", "west"]))
        plan = str(rng.choice(["basic", "plus", "premium"]))
        merit = (age - 45) / 15 + (np.log(income) - 10.5) / 0.4
        label = int(merit + rng.normal(0, 1) > 0)
        score = round(float(1 / (1 + np.exp(-(1.5 * merit - (1.0 if drift and sex == "F" else 0.0))))), 4)
        rows.append({"score": score, "age": age, "income": income, "sex": sex, "region": region, "plan": plan, "label": label})
    return rows


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    return "\n".join([",".join(columns)] + [",".join(str(r[c]) for c in columns) for r in rows]) + "\n"


def build_world(root: Path) -> World:
    """Write the datasets and run the baseline jobs (in-process); deterministic."""
    from tests.fuzz.job_checks import run_main

    rng = np.random.default_rng(20240119)
    columns = ["score", *INPUTS, "label"]
    train = root / "train"
    train.mkdir(parents=True)
    (train / "train.csv").write_text(_csv(_people(rng, 400, drift=False), columns))
    validation = root / "validation"
    validation.mkdir()
    (validation / "validation.csv").write_text(_csv(_people(rng, 300, drift=False), ["score", "label"]))
    config = root / "baseline_config.json"
    config.write_text(json.dumps({"bias": BIAS}))
    baseline = root / "baseline"
    code, logged, escaped = run_main(
        {
            "SAGEMAKER_BASE_DIR": str(root / "baseline-job"),
            "dataset_format": '{"csv": {"header": true}}',
            "dataset_source": str(train),
            "output_path": str(baseline),
            "analysis_config": str(config),
        }
    )
    if code != 0:
        message = (root / "baseline-job" / "output" / "message").read_text() if code is not None else ""
        raise RuntimeError(f"the world's baseline job failed: {code} {message} {logged} {escaped}")
    capture = root / "capture" / "churn-endpoint" / "AllTraffic" / "2024" / "01" / "19" / "19"
    truth = root / "truth" / "2024" / "01" / "19" / "20"
    capture.mkdir(parents=True)
    truth.mkdir(parents=True)
    lines, labels = [], []
    for i, r in enumerate(_people(rng, 120, drift=True)):
        meta = {"eventId": f"e{i}", "inferenceTime": f"2024-01-19T19:{i % 60:02d}:00Z"}
        if i % 3 == 0:
            meta["inferenceId"] = f"inf{i}"
        record = {
            "captureData": {
                "endpointInput": {
                    "observedContentType": "text/csv",
                    "mode": "INPUT",
                    "data": ",".join(str(r[c]) for c in INPUTS),
                    "encoding": "CSV",
                },
                "endpointOutput": {
                    "observedContentType": "text/csv",
                    "mode": "OUTPUT",
                    "data": str(r["score"]),
                    "encoding": "CSV",
                },
            },
            "eventMetadata": meta,
            "eventVersion": "0",
        }
        lines.append(json.dumps(record))
        if i % 10 != 9:
            key = meta.get("inferenceId", meta["eventId"])
            labels.append(
                json.dumps(
                    {
                        "groundTruthData": {"data": str(r["label"]), "encoding": "CSV"},
                        "eventMetadata": {"eventId": key},
                        "eventVersion": "0",
                    }
                )
            )
    (capture / "00.jsonl").write_text("\n".join(lines) + "\n")
    (truth / "labels.jsonl").write_text("\n".join(labels) + "\n")
    pairs = {"ours": Pair(baseline / "statistics.json", baseline / "constraints.json", CAPTURE_FORMAT, root / "capture")}
    for name, stats, cons in (
        ("aws-data-quality", "data_quality_statistics.json", "data_quality_constraints.json"),
        ("aws-monitor", "monitor_statistics.json", "monitor_constraints.json"),
    ):
        folder = root / name
        folder.mkdir()
        (folder / "data.csv").write_text(
            _aws_dataset(json.loads((AWS / stats).read_text()), json.loads((AWS / cons).read_text()), rng)
        )
        pairs[name] = Pair(AWS / stats, AWS / cons, '{"csv": {"header": true}}', folder)
    return World(
        root=root,
        ours=pairs["ours"],
        pairs=pairs,
        suite=baseline / "expectation_suite.json",
        bias_baseline=baseline / "analysis.json",
        truth=root / "truth",
        train=train,
        validation=validation,
    )


def _aws_dataset(statistics: dict[str, Any], constraints: dict[str, Any], rng: np.random.Generator) -> str:
    """CSV rows in the ranges and categories an AWS baseline describes."""
    names = [f["name"] for f in statistics["features"]]
    names += [f["name"] for f in constraints["features"] if f["name"] not in names]
    by_name = {f["name"]: f for f in statistics["features"]}
    columns = {}
    for name in names:
        feature = by_name.get(name, {})
        numeric = feature.get("numerical_statistics")
        if numeric:
            columns[name] = [f"{v:.3f}" for v in rng.uniform(numeric.get("min", 0), numeric.get("max", 1), 60)]
        else:
            buckets = ((feature.get("string_statistics") or {}).get("distribution") or {}).get("categorical", {}).get(
                "buckets"
            ) or []
            values = [b["value"] for b in buckets] or ["preproc-not-YET-supported-for-csv-json"]
            columns[name] = [str(rng.choice(values)) for _ in range(60)]
    return "\n".join([",".join(names)] + [",".join(columns[n][i] for n in names) for i in range(60)]) + "\n"
