"""Benchmark the whole monitoring job against the parsing floor, on a generated capture window.

Generates (once, cached under .cache/bench) a baseline of 100k rows and a capture window of N records
x 20 features (14 numeric, 6 categorical, CSV encoding, 50k lines a file), then runs, each in a fresh
process and ``--repeat`` times, alternating:

- the monitoring job: ``python -m container`` with SageMaker's environment (statistics, checks, drift,
  metrics file);
- the floor: pyarrow's JSON reader parsing the very same capture files (the bytes must be parsed once);
- pyarrow's CSV reader on the same rows as one flat CSV (what the data costs without the capture wrapper).

Prints medians of wall time, records/s and peak RSS, and the job's ratio to the floor. With
``--preprocessor``, also the job with a trivial ``record_preprocessor_script`` (AWS's first example: output
and input joined, zero-padded keys), which reads record by record, and its ratio to the plain job. With
``--suite``, also the job validating the suite the baseline job suggested: natively on every row (the
default), and all through Great Expectations on its default 100k-row sample (``expectations.native: false``).

    python scripts/bench_ingest.py [--records 1000000] [--repeat 3] [--preprocessor] [--suite]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NUMERIC = [f"n{i}" for i in range(14)]
CATEGORICAL = [f"c{i}" for i in range(6)]
LINES_PER_FILE = 50_000
TRIVIAL_PREPROCESSOR = """
def preprocess_handler(inference_record):
    data = inference_record.endpoint_output.data.rstrip("\\n") + "," + inference_record.endpoint_input.data
    return {str(i).zfill(20): d for i, d in enumerate(data.split(","))}
"""


def _columns(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    cols = [np.round(rng.normal(i, 1 + i / 10, n), 4).astype(str) for i in range(10)]
    cols += [rng.integers(0, 1000 * (i + 1), n).astype(str) for i in range(4)]
    cols += [rng.choice(np.array([f"v{j}" for j in range(3 + i * 3)]), n) for i in range(6)]
    return cols


def generate(out: Path, records: int) -> Path:
    root = out / f"capture-{records}"
    if (root / "done").exists():
        return root
    rng = np.random.default_rng(42)
    baseline = out / "baseline"
    if not (baseline / "train.csv").exists():
        baseline.mkdir(parents=True, exist_ok=True)
        cols = _columns(rng, 100_000)
        score = np.round(rng.uniform(0, 1, 100_000), 6).astype(str)
        lines = [",".join(["score", *NUMERIC, *CATEGORICAL])]
        lines += [",".join(row) for row in zip(score, *cols, strict=True)]
        (baseline / "train.csv").write_text("\n".join(lines) + "\n")
    hour = root / "ep" / "AllTraffic" / "2024" / "01" / "19" / "19"
    hour.mkdir(parents=True, exist_ok=True)
    flat = [",".join(["score", *NUMERIC, *CATEGORICAL])]
    for start in range(0, records, LINES_PER_FILE):
        n = min(LINES_PER_FILE, records - start)
        cols = _columns(rng, n)
        scores = np.round(rng.uniform(0, 1, n), 6).astype(str)
        seconds = np.sort(rng.integers(0, 3600, n))
        lines = []
        for i, row in enumerate(zip(*cols, strict=True)):
            data = ",".join(row)
            flat.append(f"{scores[i]},{data}")
            minute, second = divmod(int(seconds[i]), 60)
            lines.append(
                '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
                f'"data":"{data}","encoding":"CSV"}},"endpointOutput":{{"observedContentType":"text/csv; charset=utf-8",'
                f'"mode":"OUTPUT","data":"{scores[i]}","encoding":"CSV"}}}},"eventMetadata":{{"eventId":'
                f'"{start + i:08d}-0000-4000-8000-000000000000","inferenceTime":"2024-01-19T19:{minute:02d}:{second:02d}Z"}},'
                '"eventVersion":"0"}'
            )
        (hour / f"{start // LINES_PER_FILE:04d}.jsonl").write_text("\n".join(lines) + "\n")
    (out / f"flat-{records}.csv").write_text("\n".join(flat) + "\n")
    (root / "done").write_text("")
    return root


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (worker processes included)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return sum(rss.get(pid, 0) for pid in tree)


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of a fresh process and its workers (sampled every 20 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return wall, peak / 2**20


def baseline(work: Path, out: Path) -> dict[str, str]:
    """Run the baseline job on the generated training data into ``out/baseline``; the environment it ran with
    (the base directory under ``out``), for the jobs that follow."""
    base_env = {**os.environ, "SAGEMAKER_BASE_DIR": str(out / "ml")}
    baseline_env = base_env | {
        "dataset_format": '{"csv": {"header": true}}',
        "dataset_source": str(work / "baseline"),
        "output_path": str(out / "baseline"),
    }
    measure([sys.executable, "-m", "container"], baseline_env)
    return base_env


def arguments(doc: str | None) -> argparse.Namespace:
    """The benchmarks' options: window size, repeats, and where the generated data is cached."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--preprocessor", action="store_true", help="also time the job with a trivial preprocessor")
    parser.add_argument("--suite", action="store_true", help="also time the job with the suggested expectation suite")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench")
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__)
    t = time.perf_counter()
    capture = generate(args.work, args.records)
    print(f"data ready in {time.perf_counter() - t:.0f} s: {capture}")
    out = args.work / "out"
    base_env = baseline(args.work, out)
    job_env = base_env | {
        "dataset_format": '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}',
        "dataset_source": str(capture),
        "output_path": str(out / "monitoring"),
        "baseline_statistics": str(out / "baseline" / "statistics.json"),
        "baseline_constraints": str(out / "baseline" / "constraints.json"),
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_endpoint_name": "ep",
        "sagemaker_monitoring_schedule_name": "bench",
        "start_time": "2024-01-19T19:00:00Z",
        "end_time": "2024-01-19T20:00:00Z",
    }
    files = sorted(str(p) for p in capture.rglob("*.jsonl"))
    floor_code = "import sys, pyarrow.json as pj\nfor f in sys.argv[1:]: pj.read_json(f)"
    flat = args.work / f"flat-{args.records}.csv"
    runs: dict[str, list[tuple[float, float]]] = {"job": [], "json floor": [], "flat csv": []}
    if args.preprocessor:
        script = args.work / "preprocessor.py"
        script.write_text(TRIVIAL_PREPROCESSOR)
        runs["job + preproc"] = []
    suite_env = job_env | {"expectation_suite": str(out / "baseline" / "expectation_suite.json")}
    if args.suite:
        gx_config = args.work / "gx-sample.json"
        gx_config.write_text('{"expectations": {"native": false}}')
        runs["job + suite"] = []
        runs["suite, GX 100k"] = []
    for _ in range(args.repeat):
        runs["job"].append(measure([sys.executable, "-m", "container"], job_env))
        if args.preprocessor:
            runs["job + preproc"].append(
                measure([sys.executable, "-m", "container"], job_env | {"record_preprocessor_script": str(script)})
            )
        if args.suite:
            runs["job + suite"].append(measure([sys.executable, "-m", "container"], suite_env))
            runs["suite, GX 100k"].append(
                measure([sys.executable, "-m", "container"], suite_env | {"analysis_config": str(gx_config)})
            )
        runs["json floor"].append(measure([sys.executable, "-c", floor_code, *files]))
        runs["flat csv"].append(
            measure([sys.executable, "-c", "import sys, pyarrow.csv as pc; pc.read_csv(sys.argv[1])", str(flat)])
        )
    size = sum(os.path.getsize(f) for f in files) / 1e6
    print(f"\n{args.records:,} records, {len(files)} files, {size:.0f} MB; medians of {args.repeat} fresh-process runs")
    print(f"{'':14} {'wall s':>8} {'records/s':>12} {'peak RSS MiB':>14}")
    med = {}
    for name, values in runs.items():
        wall = statistics.median(v[0] for v in values)
        rss = statistics.median(v[1] for v in values)
        med[name] = wall
        print(f"{name:14} {wall:8.2f} {args.records / wall:12,.0f} {rss:14.0f}")
    print(f"\njob / json floor: {med['job'] / med['json floor']:.2f}x   job / flat csv: {med['job'] / med['flat csv']:.2f}x")
    if args.preprocessor:
        print(f"job with the preprocessor / job: {med['job + preproc'] / med['job']:.2f}x")
    if args.suite:
        print(f"job with the suite on every row / job: {med['job + suite'] / med['job']:.2f}x")
        print(f"job with the suite through GX on a 100k sample / job: {med['suite, GX 100k'] / med['job']:.2f}x")
    print((out / "ml" / "output" / "message").read_text())


if __name__ == "__main__":
    main()
