"""Benchmark one monitoring window on one process, on every local core, and on three simulated instances.

On the window of scripts/bench_ingest.py (generated once, cached under .cache/bench), runs the monitoring job
``--repeat`` times each way, in fresh processes:

- one process: the job pinned to one core (``taskset -c 0``: it then reads with one process);
- all local cores: the job as it runs on one instance;
- three instances: three simulated hosts (scripts/simulate_instances.py: each in its own mount and UTS
  namespace with its own /opt/ml, on loopback addresses; needs root), FullyReplicated, so the leader's Dask
  cluster spreads the tasks over every host's workers. On one machine the "hosts" share its cores: this
  measures the cluster's overhead, not a speed-up; on real instances each host brings its own cores.

Also the merge cost: the leader's share of the work, merging the tasks' parts in order (in-process, timed).
Prints medians of wall time, records/s and peak RSS of the whole process tree.

    python scripts/bench_scale.py [--records 1000000] [--repeat 3]
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts import simulate_instances as simulated
from scripts.bench_ingest import arguments, baseline, generate, measure

CAPTURE_FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'


def _three_instances(work: Path, capture: Path, baseline: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of three simulated instances reading the window (replicated)."""
    import psutil

    shutil.rmtree(work, ignore_errors=True)
    files = sorted(capture.rglob("*.jsonl"))
    hosts = simulated.make_hosts(work, 3, files, capture, baseline, "FullyReplicated", env)
    start, peak = time.perf_counter(), 0
    for host in hosts:
        simulated.start(work, host)
    while any(h.process is not None and h.process.poll() is None for h in hosts):
        rss = 0
        for host in hosts:
            try:
                tree = psutil.Process(host.process.pid)  # type: ignore[union-attr]
                rss += sum(p.memory_info().rss for p in [tree, *tree.children(recursive=True)])
            except psutil.Error:
                continue
        peak = max(peak, rss)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    codes = simulated.wait(hosts)
    if codes != [0, 0, 0]:
        raise SystemExit(f"three instances ended with {codes}; see {work}/algo-*.log")
    return wall, peak / 2**20


def _merge_cost(env: dict[str, str]) -> tuple[float, float, int]:
    """Seconds to read every task's part of the monitoring job in this process, seconds to merge the parts
    (the leader's own work on a cluster), and the part count."""
    from container.contract import from_env
    from container.jobs.inputs import read_inputs
    from container.load.discover import discover_sized
    from container.load.ingested import Ingested
    from container.load.spec import read_spec
    from container.load.tasks import read_task, tasks

    contract = from_env(env)
    baseline, config = read_inputs(contract)  # as the monitoring job: the baseline's names and types
    types = {name: baseline.inferred_type(name) for name in baseline.names}
    spec = read_spec(contract, config, baseline.names, types, None, 0, False)
    files, sizes = discover_sized(spec.source)
    started = time.perf_counter()
    parts = [read_task(spec, t) for t in tasks(files, sizes)]
    read = time.perf_counter() - started
    started = time.perf_counter()
    merged = Ingested()
    for part in parts:
        merged.absorb(part)
    return read, time.perf_counter() - started, len(parts)


def main() -> None:
    args = arguments(__doc__)
    if not simulated.available() or not shutil.which("taskset"):
        raise SystemExit("needs root, unshare(1) and taskset(1)")
    capture = generate(args.work, args.records)
    out = args.work / "scale"
    base_env = baseline(args.work, out)
    job = {
        "dataset_format": CAPTURE_FORMAT,
        "baseline_statistics": "/opt/ml/processing/baseline/statistics.json",
        "baseline_constraints": "/opt/ml/processing/baseline/constraints.json",
        "sagemaker_endpoint_name": "ep",
        "sagemaker_monitoring_schedule_name": "bench",
        "start_time": "2024-01-19T19:00:00Z",
        "end_time": "2024-01-19T20:00:00Z",
    }
    local = (
        base_env
        | job
        | {
            "dataset_source": str(capture),
            "output_path": str(out / "monitoring"),
            "baseline_statistics": str(out / "baseline" / "statistics.json"),
            "baseline_constraints": str(out / "baseline" / "constraints.json"),
        }
    )
    cluster_env = job | {"dataset_source": simulated.INPUT, "output_path": "/opt/ml/processing/output"}
    runs: dict[str, list[tuple[float, float]]] = {"1 process": [], f"{os.cpu_count()} cores": [], "3 instances": []}
    for _ in range(args.repeat):
        runs["1 process"].append(measure(["taskset", "-c", "0", sys.executable, "-m", "container"], local))
        runs[f"{os.cpu_count()} cores"].append(measure([sys.executable, "-m", "container"], local))
        runs["3 instances"].append(_three_instances(out / "cluster", capture, out / "baseline", cluster_env))
    print(f"\n{args.records:,} records; medians of {args.repeat} fresh runs on this machine ({os.cpu_count()} cores)")
    print(f"{'':12} {'wall s':>8} {'records/s':>12} {'peak RSS MiB':>14}")
    for name, values in runs.items():
        wall = statistics.median(v[0] for v in values)
        print(f"{name:12} {wall:8.2f} {args.records / wall:12,.0f} {statistics.median(v[1] for v in values):14.0f}")
    read, merge, parts = _merge_cost(local)
    print(
        f"\nmerge: {parts} parts merged in {merge:.3f} s "
        f"({merge / (read + merge):.1%} of reading and merging them in one process: {read:.1f} s)"
    )


if __name__ == "__main__":
    main()
