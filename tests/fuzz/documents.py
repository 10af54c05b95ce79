"""The input documents of a job, as SageMaker, AWS's samples and our own jobs write them, and their hostile
mutations: types swapped (list <-> dict <-> string <-> number <-> NaN <-> null), keys deleted or added,
containers emptied, then maybe the bytes broken (truncated, flipped, BOM, non-UTF-8, UTF-16, deep nesting)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.fuzz.draw import Draw, dumps, json_delete, json_get, json_paths, json_set
from tests.fuzz.world import BIAS, World


def _swap(d: Draw, value: Any) -> Any:
    """The value in another JSON type: list <-> dict <-> string <-> number <-> NaN <-> null."""
    options: list[Any] = [None, float("nan"), float("inf"), "NaN", "", 0, -1, 10**400, True, [], {}, [value], {"value": value}]
    if isinstance(value, list):
        options += [{str(i): v for i, v in enumerate(value)}, json.dumps(value, default=str), len(value)]
    elif isinstance(value, dict):
        options += [list(value.values()), list(value), json.dumps(value, default=str)]
    elif isinstance(value, bool):
        options += ["true", "Enabled", 1]
    elif isinstance(value, int | float):
        options += [str(value), -value, 10**400 if isinstance(value, int) else value * 1e300, [value], -0.0]
    elif isinstance(value, str):
        options += [value.upper(), value + " ", " " + value, value * 50, 1.5, value[:1]]
    return d.pick(options)


def mutate_document(d: Draw, doc: Any) -> tuple[bytes, str]:
    """1-3 structural mutations (swap a value's type, replace, delete, add an unknown key, empty a container,
    repeat a list element), then maybe one on the bytes (truncate, flip, BOM, non-UTF-8, UTF-16, deep wrap...)."""
    doc = copy.deepcopy(doc)
    notes = []
    for _ in range(d.int(1, 3)):
        path = d.pick(json_paths(doc))
        op = d.pick(["swap", "swap", "swap", "replace", "delete", "delete", "unknown-key", "empty", "repeat"])
        where = "/".join(map(str, path)) or "(root)"
        current = json_get(doc, path)
        if op == "swap":
            doc = json_set(doc, path, _swap(d, current))
        elif op == "replace":
            doc = json_set(doc, path, d.hostile(2))
        elif op == "delete" and path:
            json_delete(doc, path)
        elif op == "unknown-key" and isinstance(current, dict):
            current[d.pick(["", "extra", "Name", "features ", "\u00e9"])] = d.hostile(1)
        elif op == "empty":
            doc = json_set(doc, path, type(current)() if isinstance(current, list | dict | str) else None)
        elif op == "repeat" and isinstance(current, list) and current:
            current.extend(copy.deepcopy(current[-1:]) * d.int(1, 3))
        else:
            continue
        notes.append(f"{op} {where}")
    data = dumps(doc, ensure_ascii=d.bool(), compact=d.bool())
    if d.rarely(3):
        op = d.pick(["truncate", "flip", "bom", "non-utf8", "utf16", "empty", "deep", "dup-key", "trailing", "nul"])
        notes.append(op)
        i = d.int(0, max(len(data) - 1, 0))
        if op == "truncate":
            data = data[:i]
        elif op == "flip" and data:
            data = data[:i] + bytes([data[i] ^ (1 << d.int(0, 7))]) + data[i + 1 :]
        elif op == "bom":
            data = b"\xef\xbb\xbf" + data
        elif op == "non-utf8":
            data = data[:i] + d.pick([b"\xff", b"\xc3\x28", b"\x80"]) + data[i:]
        elif op == "utf16":
            data = data.decode("utf-8", errors="surrogatepass").encode("utf-16", errors="surrogatepass")
        elif op == "empty":
            data = b""
        elif op == "deep":
            depth = d.int(100, 5000)
            data = b"[" * depth + data + b"]" * depth
        elif op == "dup-key" and data.startswith(b"{"):
            data = b'{"features": 5, "version": [], ' + data[1:]
        elif op == "trailing":
            data += d.pick([b" garbage", b"\n{}", b"\x00"])
        elif op == "nul":
            data = data[:i] + b"\x00" + data[i:]
    return data, "; ".join(notes)


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def analysis_configs(world: World) -> list[dict[str, Any]]:
    """Valid analysis configs, each reaching another part of the job."""
    return [
        {"columns": {"output": ["score"], "input": ["age", "income", "sex", "region", "plan"]}},
        {"payload": {"input_records": "instances", "input_record": "features", "output_records": "predictions"}},
        {"empty_window": "fail"},
        {
            "drift": {
                "correction": "benjamini-hochberg",
                "level": 0.005,
                "effect": "linf",
                "floor": 0.075,
                "min_samples": 50,
                "numeric": {"effect": "wasserstein", "floor": 0.1},
                "categorical": {"effect": "psi"},
                "features": {"age": {"effect": "linf", "floor": 0.15}},
            }
        },
        {"bias": {**BIAS, "ground_truth": str(world.truth), "baseline": str(world.bias_baseline), "row_budget": 1000}},
        {"limits": {"max_record_bytes": 4096, "max_nesting_depth": 8, "bad_record_share": 0.5}},
        {"model_quality": {"problem_type": "BinaryClassification", "min_labelled": 10, "seed": 3}},
        {"expectations": {"suite": str(world.suite), "row_budget": 50, "seed": 1}},
    ]


def clarify_config() -> dict[str, Any]:
    """A Clarify analysis_config.json as SageMaker Clarify's docs show it, for our columns."""
    return {
        "dataset_type": "text/csv",
        "headers": ["score", "age", "income", "sex", "region", "plan", "label"],
        "label": "label",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "sex", "value_or_threshold": ["F"]}, {"name_or_index": "age", "value_or_threshold": [40]}],
        "group_variable": "region",
        "probability_threshold": 0.5,
        "predicted_label": "score",
        "bootstrap": {"resamples": 5, "seed": 2},
        "methods": {"report": {"name": "report", "title": "Analysis Report"}, "post_training_bias": {"methods": "all"}},
        "predictor": {
            "model_name": "churn",
            "instance_type": "ml.m5.xlarge",
            "initial_instance_count": 1,
            "accept_type": "text/csv",
        },
    }


def processing_job_config(environment: dict[str, str]) -> dict[str, Any]:
    """``/opt/ml/config/processingjobconfig.json`` in the shape SageMaker writes it."""
    return {
        "ProcessingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:processing-job/model-monitoring-202401192005",
        "ProcessingJobName": "model-monitoring-202401192005",
        "Environment": environment,
        "AppSpecification": {
            "ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-monitor:0.1.0",
            "ContainerEntrypoint": None,
        },
        "ProcessingInputs": [
            {
                "InputName": "input_1",
                "S3Input": {
                    "LocalPath": "/opt/ml/processing/input/endpoint",
                    "S3Uri": "s3://bucket/datacapture/churn-endpoint/AllTraffic/2024/01/19/19",
                    "S3DataDistributionType": "FullyReplicated",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {"OutputName": "result", "S3Output": {"LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}
            ]
        },
        "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}},
        "RoleArn": "arn:aws:iam::123456789012:role/monitor",
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }


RESOURCE_CONFIG = {
    "current_host": "algo-1",
    "hosts": ["algo-1", "algo-2"],
    "current_group_name": "homogeneousCluster",
    "current_instance_type": "ml.m5.xlarge",
    "instance_groups": [
        {"instance_group_name": "homogeneousCluster", "instance_type": "ml.m5.xlarge", "hosts": ["algo-1", "algo-2"]}
    ],
    "network_interface_name": "eth0",
}
