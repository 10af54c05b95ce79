"""Job-level cases: one hostile input document (or environment value, or dataset) against a sound world.

Each builder takes a ``draw.Draw`` and the ``world.World`` and returns a ``JobCase``: the environment
and the files of one run of ``container.__main__.main``. ``{base}`` in the environment and in file contents
stands for the case's own ``SAGEMAKER_BASE_DIR``. The documents and their mutations are in ``documents``, the
environment values in ``env_values``.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.capture_lines import capture_cases
from tests.fuzz.checks import Verdict, case_folders
from tests.fuzz.datasets import csv_cases, json_document_cases, jsonl_cases, parquet_cases
from tests.fuzz.documents import (
    RESOURCE_CONFIG,
    analysis_configs,
    clarify_config,
    load_json,
    mutate_document,
    processing_job_config,
)
from tests.fuzz.draw import Deep, Draw, RandomDraw, dumps
from tests.fuzz.env_values import env_value
from tests.fuzz.job_checks import check_job
from tests.fuzz.world import ENV_NAMES, World

DOCUMENT_KINDS = (
    "statistics",
    "constraints",
    "analysis_config",
    "bias_config",
    "suite",
    "processingjobconfig",
    "resourceconfig",
    "env",
    "data",
    "ground_truth",
)


@dataclass(frozen=True)
class JobCase:
    kind: str
    env: dict[str, str]
    files: tuple[tuple[str, bytes], ...] = ()
    note: str = ""

    def describe(self, limit: int = 4000) -> str:
        lines = [f"kind={self.kind} note={self.note}", f"env={self.env!r}"]
        for name, data in self.files:
            shown = data if len(data) <= 1500 else data[:1500] + b"...(%d bytes)" % len(data)
            lines.append(f"--- {name}\n{shown!r}")
        text = "\n".join(lines)
        return text if len(text) <= limit else text[:limit] + "..."


def run_job_case(case: JobCase) -> Verdict:
    """Run the case in a fresh base folder, which is also the working directory: a relative path a
    hostile value makes the job write to lands there, and goes with it."""
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="fuzzjob-", dir=case_folders()) as tmp:
        for name, data in case.files:
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.replace(b"{base}", tmp.encode()))
        env = {k: v.replace("{base}", tmp) for k, v in case.env.items()}
        os.chdir(tmp)
        try:
            return check_job(case.kind, env)
        finally:
            os.chdir(cwd)


def statistics_case(d: Draw, world: World) -> JobCase:
    pair = d.pick(sorted(world.pairs))
    data, note = mutate_document(d, load_json(world.pairs[pair].statistics))
    env = world.monitor_env("{base}", pair, baseline_statistics="{base}/baseline/statistics.json")
    return JobCase("statistics", env, (("baseline/statistics.json", data),), f"{pair}: {note}")


def constraints_case(d: Draw, world: World) -> JobCase:
    pair = d.pick(sorted(world.pairs))
    doc = load_json(world.pairs[pair].constraints)
    if pair == "ours" and d.rarely(2):
        doc["analysis_config"] = d.pick(analysis_configs(world))
    data, note = mutate_document(d, doc)
    env = world.monitor_env("{base}", pair, baseline_constraints="{base}/baseline/constraints.json")
    return JobCase("constraints", env, (("baseline/constraints.json", data),), f"{pair}: {note}")


def analysis_config_case(d: Draw, world: World) -> JobCase:
    data, note = mutate_document(d, d.pick(analysis_configs(world)))
    env = world.monitor_env("{base}", analysis_config="{base}/settings/analysis_config.json")
    if d.rarely(3):
        env = world.baseline_env("{base}", analysis_config="{base}/settings/analysis_config.json")
    return JobCase("analysis_config", env, (("settings/analysis_config.json", data),), note)


def bias_config_case(d: Draw, world: World) -> JobCase:
    data, note = mutate_document(d, clarify_config())
    env = world.monitor_env("{base}", bias_config="{base}/settings/clarify.json", ground_truth_source=str(world.truth))
    return JobCase("bias_config", env, (("settings/clarify.json", data),), note)


def suite_case(d: Draw, world: World) -> JobCase:
    data, note = mutate_document(d, load_json(world.suite))
    env = world.monitor_env("{base}", expectation_suite="{base}/settings/suite.json")
    return JobCase("suite", env, (("settings/suite.json", data),), note)


def processingjobconfig_case(d: Draw, world: World) -> JobCase:
    inner = d.pick(["monitor", "monitor", "baseline", "quality"])
    environment = {"monitor": world.monitor_env, "baseline": world.baseline_env, "quality": world.quality_env}[inner]("{base}")
    environment.pop("SAGEMAKER_BASE_DIR")
    data, note = mutate_document(d, processing_job_config(environment))
    env = {"SAGEMAKER_BASE_DIR": "{base}"}
    if d.rarely(3):  # the environment wins over the file
        env["publish_cloudwatch_metrics"] = "Disabled"
    return JobCase("processingjobconfig", env, (("config/processingjobconfig.json", data),), f"{inner}: {note}")


def resourceconfig_case(d: Draw, world: World) -> JobCase:
    doc = copy.deepcopy(RESOURCE_CONFIG)
    if d.bool():
        doc["current_host"] = "algo-2"
    data, note = mutate_document(d, doc)
    # Several hosts make a Dask cluster: hosts that never resolve here are given up on after a second, not the
    # two minutes a real cluster gets (the job then ends with a ClientError naming the host).
    env = world.monitor_env("{base}") | {"analysis_config": "{base}/cluster.json"}
    cluster = b'{"cluster": {"join_timeout_s": 1}}'
    return JobCase("resourceconfig", env, (("config/resourceconfig.json", data), ("cluster.json", cluster)), note)


def env_case(d: Draw, world: World) -> JobCase:
    inner = d.pick(["monitor", "monitor", "monitor-aws", "baseline", "quality"])
    if inner == "monitor-aws":
        env = world.monitor_env("{base}", d.pick(["aws-data-quality", "aws-monitor"]))
    else:
        env = {"monitor": world.monitor_env, "baseline": world.baseline_env, "quality": world.quality_env}[inner]("{base}")
    changed = []
    for _ in range(d.int(1, 3)):
        key = d.pick(ENV_NAMES)
        env[key] = env_value(d, key, env.get(key, ""))
        changed.append(key)
    return JobCase("env", env, (), f"{inner}: {', '.join(changed)}")


def data_case(d: Draw, world: World) -> JobCase:
    """A hostile dataset: capture against our baseline (monitoring), or CSV/JSON/Parquet for a baseline job."""
    kind = d.pick(["capture", "capture", "capture", "csv", "jsonl", "json", "parquet"])
    builder = {
        "capture": capture_cases,
        "csv": csv_cases,
        "jsonl": jsonl_cases,
        "json": json_document_cases,
        "parquet": parquet_cases,
    }[kind]
    case = builder(d, width=6) if kind == "capture" else builder(d)
    files = tuple((f"input/{name}", data) for name, data in case.files)
    extra: dict[str, str] = {"dataset_source": "{base}/input", "dataset_format": case.dataset_format}
    if kind == "capture" and d.int(0, 4):
        env = world.monitor_env("{base}", **extra)
        if not case.window:
            env.pop("start_time")
            env.pop("end_time")
    else:
        env = world.baseline_env("{base}", **extra)
    if case.config:
        files += (("settings/analysis_config.json", json.dumps(case.config).encode()),)
        env["analysis_config"] = "{base}/settings/analysis_config.json"
    return JobCase("data", env, files, f"{kind} dataset: " + "; ".join(case.labels)[:300])


def ground_truth_case(d: Draw, world: World) -> JobCase:
    """Hostile ground-truth lines for a fairness run."""
    lines = (world.truth / "2024" / "01" / "19" / "20" / "labels.jsonl").read_bytes().split(b"\n")
    notes = []
    for _ in range(d.int(1, 6)):
        i = d.int(0, len(lines) - 1)
        op = d.pick(["truncate", "insert", "value", "base64", "json", "dup"])
        notes.append(f"{op}@{i + 1}")
        if op == "truncate" and lines[i]:
            lines[i] = lines[i][: d.int(0, len(lines[i]) - 1)]
        elif op == "insert":
            j = d.int(0, len(lines[i]))
            lines[i] = lines[i][:j] + d.pick([b'"', b"\xff", b"{", b"\n", b"NaN", b"\x00"]) + lines[i][j:]
        elif op == "value":
            lines[i] = dumps({"groundTruthData": {"data": d.hostile(1), "encoding": d.pick(["CSV", "JSON", "BASE64", 5, None])},
                              "eventMetadata": {"eventId": d.pick([f"e{i}", 5, None, "", Deep(100)])}, "eventVersion": "0"})  # fmt: skip
        elif op == "base64":
            lines[i] = dumps(
                {
                    "groundTruthData": {"data": d.pick(["!!", "MQ==", "/w==", ""]), "encoding": "BASE64"},
                    "eventMetadata": {"eventId": f"e{i}"},
                }
            )
        elif op == "json":
            lines[i] = dumps(
                {
                    "groundTruthData": {"data": d.pick(["[1,", "{}", "[]", '{"a": []}', "[[1]]", "1e999"]), "encoding": "JSON"},
                    "eventMetadata": {"eventId": f"e{i}"},
                }
            )
        else:
            lines.append(lines[i])
    env = world.monitor_env("{base}", bias_config="{base}/settings/clarify.json", ground_truth_source="{base}/truth")
    files = (
        ("truth/2024/01/19/20/labels.jsonl", b"\n".join(lines)),
        ("settings/clarify.json", json.dumps(clarify_config()).encode()),
    )
    return JobCase("ground_truth", env, files, ", ".join(notes))


BUILDERS = {
    "statistics": statistics_case,
    "constraints": constraints_case,
    "analysis_config": analysis_config_case,
    "bias_config": bias_config_case,
    "suite": suite_case,
    "processingjobconfig": processingjobconfig_case,
    "resourceconfig": resourceconfig_case,
    "env": env_case,
    "data": data_case,
    "ground_truth": ground_truth_case,
}


JOB_SEED = 1_000_000  # job-level seeds start here, apart from the reader-level ones


def job_case(world: World, kind: str, seed: int) -> JobCase:
    """The case of ``seed`` for a document kind (the tests' sweeps and ``scripts/fuzz_inputs.py`` agree)."""
    return BUILDERS[kind](RandomDraw(JOB_SEED + seed), world)
