"""A window read by three simulated instances gives the outputs of one instance; only the leader writes."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from analyzers.drift.significance import rank_error
from analyzers.kll import KllSketch
from scripts import simulate_instances as simulated
from tests.e2e.jobs import CAPTURE_FORMAT, run_container

needs_namespaces = pytest.mark.skipif(not simulated.available(), reason="needs root and unshare(1) to simulate instances")

ENV = {
    "dataset_format": CAPTURE_FORMAT,
    "dataset_source": simulated.INPUT,
    "output_path": "/opt/ml/processing/output",
    "baseline_statistics": "/opt/ml/processing/baseline/statistics.json",
    "baseline_constraints": "/opt/ml/processing/baseline/constraints.json",
    "sagemaker_endpoint_name": "churn-endpoint",
    "sagemaker_monitoring_schedule_name": "churn-hourly",
    "start_time": "2024-01-19T19:00:00Z",
    "end_time": "2024-01-19T20:00:00Z",
}


def one_host(tmp_path: Path, sample: Path, baseline: Path) -> Path:
    base = tmp_path / "one"
    env = {**ENV, "dataset_source": str(sample / "capture"), "output_path": str(base / "processing" / "output")}
    env |= {"baseline_statistics": str(baseline / "statistics.json"), "baseline_constraints": str(baseline / "constraints.json")}
    result = run_container(base, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return base


def capture_files(sample: Path) -> list[Path]:
    return sorted((sample / "capture").rglob("*.jsonl"))


def assert_same_statistics(one: dict, many: dict, exact: bool) -> None:
    """Counts, completeness, min/max, categories, sums and means bit-identical (sums are exact, whatever the split).
    When ``exact`` (the same tasks merged in the same order) everything is; else the standard deviation is equal
    to float rounding and the sketch's CDF within both sketches' rank error (tasks split at host boundaries)."""
    assert one["dataset"] == many["dataset"]
    for a, b in zip(one["features"], many["features"], strict=True):
        assert a["name"] == b["name"] and a["inferred_type"] == b["inferred_type"]
        for kind in ("numerical_statistics", "string_statistics"):
            if kind not in a:
                continue
            x, y = a[kind], b[kind]
            assert x["common"] == y["common"], a["name"]
            for key in ("min", "max", "distinct_count", "mean", "sum"):
                assert x.get(key) == y.get(key), (a["name"], key)
            if kind == "string_statistics" or exact:
                assert x == y, a["name"]
                continue
            assert math.isclose(x["std_dev"], y["std_dev"], rel_tol=1e-12, abs_tol=1e-12), a["name"]
            assert_within_rank_error(x["distribution"]["kll"], y["distribution"]["kll"], a["name"])


def assert_within_rank_error(one: dict, many: dict, name: str) -> None:
    sketches = [KllSketch.from_levels(d["sketch"]["data"], k=int(d["sketch"]["parameters"]["k"])) for d in (one, many)]
    allowed = sum(rank_error(s) for s in sketches) * sketches[0].count
    bounds = [b["upper_bound"] for b in one["buckets"]]
    assert bounds == [b["upper_bound"] for b in many["buckets"]], name  # from min and max: exact
    below = [np.cumsum([b["count"] for b in d["buckets"]]) for d in (one, many)]
    assert np.all(np.abs(below[0] - below[1]) <= allowed + 1e-9), name


@needs_namespaces
@pytest.mark.parametrize("distribution", ["FullyReplicated", "ShardedByS3Key"])
def test_three_instances_give_the_one_instance_outputs(tmp_path, sample, baseline, distribution):
    one = one_host(tmp_path, sample, baseline)
    work = tmp_path / "cluster"
    hosts = simulated.make_hosts(work, 3, capture_files(sample), sample / "capture", baseline, distribution, ENV)
    for host in hosts:
        simulated.start(work, host)
    codes = simulated.wait(hosts)
    logs = {h.name: (work / f"{h.name}.log").read_text()[-3000:] for h in hosts}
    assert codes == [0, 0, 0], logs
    leader, *others = hosts
    statistics = json.loads((leader.output / "statistics.json").read_text())
    expected = json.loads((one / "processing" / "output" / "statistics.json").read_text())
    assert_same_statistics(expected, statistics, exact=distribution == "FullyReplicated")
    violations = json.loads((leader.output / "constraint_violations.json").read_text())
    assert violations == json.loads((one / "processing" / "output" / "constraint_violations.json").read_text())
    assert leader.message.read_text() == (one / "output" / "message").read_text()
    for host in others:  # SageMaker joins every host's message and uploads every host's outputs
        assert not host.message.exists(), host.name
        assert not host.output.exists() or not any(host.output.iterdir()), host.name
    log = (work / "algo-1.log").read_text()
    if distribution == "ShardedByS3Key":  # 4 files: algo-1 holds files 0 and 3, the others one each
        assert [f"host algo-{i} holds {n} file(s) of the shard" in log for i, n in ((1, 2), (2, 1), (3, 1))] == [True] * 3
    assert "3 of 3 host(s) joined" in log


@needs_namespaces
@pytest.mark.parametrize("distribution", ["FullyReplicated", "ShardedByS3Key"])
def test_a_host_that_never_starts(tmp_path, sample, baseline, distribution):
    """Replicated: the others read its share and the message says so. Sharded: its files are unreachable, so
    the job fails naming it (the leader's ClientError; the other host that started fails too: its leader
    stopped before finishing)."""
    one = one_host(tmp_path, sample, baseline)
    work = tmp_path / "cluster"
    env = {**ENV, "analysis_config": simulated.CONFIG_PATH}
    hosts = simulated.make_hosts(work, 3, capture_files(sample), sample / "capture", baseline, distribution, env)
    for host in hosts[:2]:  # algo-3 never starts
        simulated.start(work, host)
    codes = simulated.wait(hosts[:2])
    leader = hosts[0]
    text = leader.message.read_text()
    if distribution == "FullyReplicated":
        assert codes == [0, 0]
        expected = (one / "output" / "message").read_text()
        assert text == expected + " Host(s) algo-3 did not join the cluster within 8 s; the other hosts read the whole window."
        statistics = json.loads((leader.output / "statistics.json").read_text())
        assert_same_statistics(
            json.loads((one / "processing" / "output" / "statistics.json").read_text()), statistics, exact=True
        )
    else:
        assert codes == [2, 2]
        assert text.startswith("ClientError: host(s) algo-3 did not join the cluster within 8 s; with ShardedByS3Key")
        assert not (leader.output / "statistics.json").exists()


@needs_namespaces
def test_hosts_whose_leader_never_answers_fail_within_the_timeout(tmp_path, sample, baseline):
    work = tmp_path / "cluster"
    env = {**ENV, "analysis_config": simulated.CONFIG_PATH}
    hosts = simulated.make_hosts(work, 3, capture_files(sample), sample / "capture", baseline, "FullyReplicated", env)
    for host in hosts[1:]:  # the leader, algo-1, never starts
        simulated.start(work, host)
    assert simulated.wait(hosts[1:], timeout_s=120) == [2, 2]
    for host in hosts[1:]:
        assert host.message.read_text().startswith(
            f"ClientError: host {host.name}: the leader algo-1 (127.0.0.11:8786) went away or never answered within 8 s"
        )


def test_one_instance_imports_no_dask(tmp_path, sample, baseline):
    env = {**ENV, "dataset_source": str(sample / "capture"), "output_path": str(tmp_path / "out"), "PYTHONPROFILEIMPORTTIME": "1"}
    env |= {"baseline_statistics": str(baseline / "statistics.json"), "baseline_constraints": str(baseline / "constraints.json")}
    result = run_container(tmp_path, **env)
    assert result.returncode == 0, result.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if line.startswith("import time:")
    }
    assert "pyarrow" in imported  # the profile is there
    assert not imported & {"dask", "distributed", "tornado"}


@needs_namespaces
def test_a_killed_worker_process_is_restarted_and_its_tasks_rerun(tmp_path, sample, baseline):
    """A window big enough to be mid-read: one of algo-2's worker processes is killed; its nanny restarts it,
    the scheduler reruns its tasks, and the outputs are still the one-instance outputs."""
    import psutil

    capture = bigger_window(tmp_path, sample)
    one = one_host(tmp_path, tmp_path, baseline)  # reads tmp_path / "capture"
    work = tmp_path / "cluster"
    hosts = reading(work, capture, baseline, ENV)
    victims = [p for p in psutil.Process(hosts[1].process.pid).children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]
    assert victims, "algo-2 has worker processes"
    victims[0].kill()
    assert simulated.wait(hosts) == [0, 0, 0]
    assert "Restarting worker" in (work / "algo-2.log").read_text()
    statistics = json.loads((hosts[0].output / "statistics.json").read_text())
    assert_same_statistics(json.loads((one / "processing" / "output" / "statistics.json").read_text()), statistics, exact=True)


@needs_namespaces
def test_hosts_fail_within_the_timeout_when_the_leader_is_killed(tmp_path, sample, baseline):
    import time

    import psutil

    work = tmp_path / "cluster"
    hosts = reading(work, bigger_window(tmp_path, sample), baseline, {**ENV, "analysis_config": simulated.CONFIG_PATH})
    leader = psutil.Process(hosts[0].process.pid)
    for process in [*leader.children(recursive=True), leader]:  # the whole instance goes
        process.kill()
    started = time.monotonic()
    assert simulated.wait(hosts[1:], timeout_s=60) == [2, 2]
    assert time.monotonic() - started < 30
    for host in hosts[1:]:
        assert host.message.read_text().startswith(
            f"ClientError: host {host.name}: the leader algo-1 (127.0.0.11:8786) went away"
        )


def bigger_window(tmp_path: Path, sample: Path) -> Path:
    """120,000 records in 240 files (hard links to the sample's 4), so that the hosts are mid-read for a while."""
    capture = tmp_path / "capture"
    hour = capture / "churn-endpoint" / "AllTraffic" / "2024" / "01" / "19" / "19"
    hour.mkdir(parents=True)
    for copy in range(60):
        for path in capture_files(sample):
            os.link(path, hour / f"{copy:03d}-{path.name}")
    return capture


def reading(work: Path, capture: Path, baseline: Path, env: dict[str, str]) -> list[simulated.Host]:
    """Three replicated hosts started, returned once the leader has begun reading the window."""
    import time

    hosts = simulated.make_hosts(work, 3, sorted(capture.rglob("*.jsonl")), capture, baseline, "FullyReplicated", env)
    for host in hosts:
        simulated.start(work, host)
    log, deadline = work / "algo-1.log", time.monotonic() + 120
    while "Reading " not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    return hosts
