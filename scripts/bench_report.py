"""The size of report.html and the time to draw it, for 20 and 200 features at 10^3 and 10^6 records.

The page is drawn from the statistics (sketches and category counts), so its size should depend on the
number of features and not on the number of records. For each case: a baseline and a window of that many
records (three numeric features in four, the fourth categorical with 12 values), profiled as the job
profiles them, then ``report_page`` on their statistics; prints the page's bytes, bytes per feature and
the median time to draw it (``--repeat`` times, matplotlib's import not counted).

    python scripts/bench_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.profile import profile_column
from analyzers.suggest import infer_type
from analyzers.types import ColumnData
from container.html.context import RunContext
from container.html.documents import read_run
from container.html.page import report_page
from container.write.statistics import statistics_document

CATEGORIES = np.array([f"value-{i}" for i in range(12)])


def statistics_of(features: int, records: int, shift: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    profiles = []
    for i in range(features):
        if i % 4 == 3:
            texts = pa.array(CATEGORIES[rng.integers(0, 12, records)])
            column = ColumnData(f"f{i}", np.empty(0), texts, 0, 0, 0, records)
        else:
            numbers = rng.normal(i + shift, 1.0 + i % 5, records)
            column = ColumnData(f"f{i}", numbers, None, 0, 0, records, 0)
        profile = profile_column(column)
        profiles.append((profile, infer_type(profile.types)))
    return statistics_document(records, profiles)


def measure(features: int, records: int, repeat: int) -> tuple[int, float]:
    baseline = statistics_of(features, records, 0.0, 1)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "statistics.json").write_text(json.dumps(statistics_of(features, records, 0.3, 2)))
        run = read_run(Path(folder))
    context = RunContext(
        job="monitoring", message="Completed: Job completed successfully with no violations.", baseline_statistics=baseline
    )
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(report_page(context, run).encode())
        times.append(time.perf_counter() - start)
    return size, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report_page(RunContext(job="monitoring", message="warm-up"), read_run(Path(tempfile.gettempdir()) / "no-such-run"))
    print(f"{'features':>8} {'records':>9} {'bytes':>10} {'bytes/feature':>14} {'draw s (median)':>16}")
    for features in (20, 200):
        for records in (1_000, 1_000_000):
            size, seconds = measure(features, records, args.repeat)
            print(f"{features:>8} {records:>9,} {size:>10,} {size // features:>14,} {seconds:>16.2f}")


if __name__ == "__main__":
    main()
