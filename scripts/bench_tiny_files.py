"""Benchmark reading a window held in thousands of tiny capture files against the same records in one file.

Endpoint capture writes a file per instance and flush interval, so a long window with little traffic is
thousands of files of a few records each (2,600 hourly files of ~8 records, say). This script writes
the same N records (20 features, CSV encoding, one record a minute... spread over ``--files`` hours) twice:

- ``one``: one capture file;
- ``tiny``: ``--files`` files, one per hour folder ``yyyy/mm/dd/hh/`` as SageMaker lays them out;

then ingests each ``--repeat`` times in this process, alternating, as a monitoring job does (baseline types,
a window covering every record, a row sample of ``--sample`` rows), and prints the median records/s of each
layout and their ratio. ``--s3`` also uploads both layouts to a moto server started here (server mode, over
HTTP) and ingests them from ``s3://`` prefixes, which adds listing and downloading the objects.

    python scripts/bench_tiny_files.py [--files 2600] [--per-file 8] [--repeat 5] [--s3]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzers.types import InferredType  # noqa: E402
from container.contract import from_env  # noqa: E402
from container.ingest import Ingested, ingest  # noqa: E402
from container.settings import AnalysisConfig  # noqa: E402

NUMERIC = [f"n{i}" for i in range(14)]
CATEGORICAL = [f"c{i}" for i in range(6)]
NAMES = ("score", *NUMERIC, *CATEGORICAL)
TYPES = {"score": InferredType.FRACTIONAL} | dict.fromkeys(NUMERIC, InferredType.FRACTIONAL)
TYPES |= dict.fromkeys(CATEGORICAL, InferredType.STRING)
FORMAT = '{"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}}'
START = datetime(2024, 1, 1, tzinfo=UTC)


def _columns(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    cols = [np.round(rng.normal(i, 1 + i / 10, n), 4).astype(str) for i in range(10)]
    cols += [rng.integers(0, 1000 * (i + 1), n).astype(str) for i in range(4)]
    cols += [rng.choice(np.array([f"v{j}" for j in range(3 + i * 3)]), n) for i in range(6)]
    return cols


def generate(root: Path, files: int, per_file: int) -> tuple[Path, Path]:
    """The ``one`` and ``tiny`` layouts of the same ``files * per_file`` records, in the same order."""
    one, tiny = root / "one", root / "tiny"
    rng = np.random.default_rng(7)
    n = files * per_file
    cols = _columns(rng, n)
    scores = np.round(rng.uniform(0, 1, n), 6).astype(str)
    lines = []
    for i, row in enumerate(zip(*cols, strict=True)):
        when = START + timedelta(hours=i // per_file, minutes=(i % per_file) * 60 // per_file)
        lines.append(
            '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",'
            f'"data":"{",".join(row)}","encoding":"CSV"}},"endpointOutput":{{"observedContentType":"text/csv; charset=utf-8",'
            f'"mode":"OUTPUT","data":"{scores[i]}","encoding":"CSV"}}}},"eventMetadata":{{"eventId":'
            f'"{i:08d}-0000-4000-8000-000000000000","inferenceTime":"{when:%Y-%m-%dT%H:%M:%SZ}"}},"eventVersion":"0"}}\n'
        )
    one.mkdir(parents=True)
    (one / "capture.jsonl").write_text("".join(lines))
    for f in range(files):
        hour = START + timedelta(hours=f)
        folder = tiny / "ep" / "AllTraffic" / f"{hour:%Y/%m/%d/%H}"
        folder.mkdir(parents=True)
        (folder / f"{hour:%M-%S}-000-abcd{f:04d}.jsonl").write_text("".join(lines[f * per_file : (f + 1) * per_file]))
    return one, tiny


def run(source: str, files: int, sample: int, base: Path) -> tuple[float, Ingested]:
    end = START + timedelta(hours=files)
    env = {
        "SAGEMAKER_BASE_DIR": str(base),
        "dataset_source": source,
        "dataset_format": FORMAT,
        "baseline_statistics": "statistics.json",
        "start_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
        "end_time": f"{end:%Y-%m-%dT%H:%M:%SZ}",
    }
    started = time.perf_counter()
    data = ingest(from_env(env), AnalysisConfig(), NAMES, TYPES, sample_rows=sample or None, seed=0)
    return time.perf_counter() - started, data


def _moto(work: Path, layouts: dict[str, Path]) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """A moto server with both layouts uploaded; the process and an ``s3://`` prefix per layout."""
    import boto3
    from local_moto import start_moto  # a sibling script

    proc, url = start_moto()
    os.environ.update(
        AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="bench")
    for name, folder in layouts.items():
        for path in folder.rglob("*.jsonl"):
            s3.upload_file(str(path), "bench", f"{name}/{path.relative_to(folder).as_posix()}")
    return proc, {name: f"s3://bench/{name}/" for name in layouts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2600)
    parser.add_argument("--per-file", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=10_000, help="row sample budget (0: none)")
    parser.add_argument("--s3", action="store_true", help="also read both layouts from a local moto server")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-tiny-") as tmp:
        work = Path(tmp)
        one, tiny = generate(work / "data", args.files, args.per_file)
        sources = {"local one file": str(one), f"local {args.files} files": str(tiny)}
        proc = None
        if args.s3:
            proc, uris = _moto(work, {"one": one, "tiny": tiny})
            sources |= {"s3 one file": uris["one"], f"s3 {args.files} files": uris["tiny"]}
        try:
            for source in sources.values():  # warm up: imports, first-time caches
                run(source, args.files, args.sample, work)
            times: dict[str, list[float]] = {name: [] for name in sources}
            results: dict[str, Ingested] = {}
            for _ in range(args.repeat):
                for name, source in sources.items():
                    seconds, results[name] = run(source, args.files, args.sample, work)
                    times[name].append(seconds)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait()
    records = args.files * args.per_file
    print(f"\n{records:,} records x {len(NAMES)} columns; medians of {args.repeat} in-process runs")
    print(f"{'':22} {'seconds':>8} {'records/s':>12} {'records read':>13}")
    rate = {}
    for name, values in times.items():
        median = statistics.median(values)
        rate[name] = results[name].records_read / median
        print(f"{name:22} {median:8.3f} {rate[name]:12,.0f} {results[name].records_read:13,}")
    names = list(times)
    for one_name, tiny_name in zip(names[::2], names[1::2], strict=True):
        print(f"{one_name} / {tiny_name}: {rate[one_name] / rate[tiny_name]:.2f}x")


if __name__ == "__main__":
    main()
