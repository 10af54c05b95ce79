"""Fuzz every input the container reads, at volume: the properties of ``tests/fuzz`` for 10^5 cases and more.

Reader level (most cases; a few milliseconds each): capture lines, CSV, JSON lines, JSON documents and
Parquet through ``ingest``, half with records of known fate (every count checked exactly), half hostile
(invariants and bounds). Job level (``--job-share`` of the cases; 10 ms to 1 s each): ``main(env)`` with one
hostile document, environment value, dataset or ground truth; exit 0 or 2, a well-formed message, outputs
valid or absent. The generators are those of ``tests/fuzz/hostile.py`` and ``tests/fuzz/jobs.py`` drawn from
a seeded ``random.Random`` (hypothesis's engine costs ~100 ms a case on inputs this size), so a case is
named by its seed and replays exactly:

    python scripts/fuzz_inputs.py                       # 100,000 cases, every CPU
    python scripts/fuzz_inputs.py --cases 20000 --job-share 0.05 --workers 2
    python scripts/fuzz_inputs.py --replay reader:capture:hostile:1234 [--dump DIR]
    python scripts/fuzz_inputs.py --replay job:statistics:17

Prints counts per kind (cases, outcomes and exit codes, bad records counted, invariant failures,
internal errors) and every kind of failure with its smallest case; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.checks import SCRATCH, check_reader  # noqa: E402
from tests.fuzz.hostile import READER_KINDS, reader_case  # noqa: E402
from tests.fuzz.jobs import DOCUMENT_KINDS, job_case, run_job_case  # noqa: E402
from tests.fuzz.runner import Isolated, Tally, Task, chunks  # noqa: E402
from tests.fuzz.world import build_world  # noqa: E402

# Shares of the reader-level cases, and relative shares of the job-level ones (fairness and Great
# Expectations runs cost ~0.5 s, the others ~30 ms).
READER_SHARE = {"capture": 0.4, "csv": 0.2, "jsonl": 0.2, "json": 0.1, "parquet": 0.1}
JOB_SHARE = {kind: 1.0 for kind in DOCUMENT_KINDS} | {
    "suite": 0.1,
    "ground_truth": 0.1,
    "bias_config": 0.2,
    "analysis_config": 0.5,
}


def _tasks(cases: int, job_share: float, seed: int) -> list[Task]:
    jobs = round(cases * job_share)
    readers = cases - jobs
    tasks = []
    for kind, share in READER_SHARE.items():
        n = round(readers * share)
        tasks += chunks("reader", kind, "known", seed, n - n // 2, 250) + chunks("reader", kind, "hostile", seed, n // 2, 250)
    total = sum(JOB_SHARE.values())
    for kind, share in JOB_SHARE.items():
        tasks += chunks("job", kind, "", seed, round(jobs * share / total), 25)
    return sorted(tasks, key=lambda t: t.level != "job")  # the slow chunks first: a short tail


HEADER = ("kind", "cases", "failing", "internal", "client", "hang/crash", "bad rec.", "rows", "cpu s")


def _row(cells: tuple[Any, ...]) -> str:
    return f"{cells[0]:<26}" + "".join(f"{c:>11}" for c in cells[1:])


EXIT_CODES = {"ok": "0", "client_error": "2", "internal_error": "1", "timeout": "hang", "escaped": "raised", "crashed": "crash"}


def _exit_codes(tallies: dict[str, Tally]) -> Counter[str]:
    """How the whole-job cases ended, by exit code."""
    codes: Counter[str] = Counter()
    for name, t in tallies.items():
        if name.startswith("job"):
            for outcome, count in t.outcomes.items():
                codes[EXIT_CODES.get(outcome, outcome)] += count
    return codes


def _report(tallies: dict[str, Tally], wall: float, cpu: float, show: int) -> bool:
    print("\n" + _row(HEADER) + "  outcomes")
    totals = Tally()
    for name in sorted(tallies):
        t = tallies[name]
        totals.add(t)
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(t.outcomes.items()) if v)
        internal = t.outcomes["internal_error"] + t.outcomes["escaped"]
        cells = (
            name,
            t.cases,
            len(t.failing),
            internal,
            t.outcomes["client_error"],
            t.outcomes["timeout"] + t.outcomes["crashed"],
        )
        print(_row((*cells, t.bad_records, t.rows, f"{t.seconds:.1f}")) + f"  {outcomes}")
    internal = totals.outcomes["internal_error"] + totals.outcomes["escaped"]
    hung = totals.outcomes["timeout"] + totals.outcomes["crashed"]
    cells = ("total", totals.cases, len(totals.failing), internal, totals.outcomes["client_error"], hung)
    print(_row((*cells, totals.bad_records, totals.rows, f"{totals.seconds:.1f}")))
    exit_codes = _exit_codes(tallies)
    if exit_codes:
        print("job exit codes seen: " + ", ".join(f"{k}: {v}" for k, v in sorted(exit_codes.items()) if v))
    invariant = sum(c for t in tallies.values() for k, c in t.failures.items() if k.startswith("invariant"))
    crashes = totals.outcomes["crashed"]
    print(f"invariant failures: {invariant}; internal errors: {internal}; native crashes: {crashes}")
    print(f"failing cases: {len(totals.failing)} of {totals.cases}")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s ({1000 * cpu / max(totals.cases, 1):.1f} ms a case)")
    if not totals.failing:
        return True
    print("\nFailures by kind (count, kind, smallest case; replay with --replay):")
    for name in sorted(tallies):
        t = tallies[name]
        for key, count in t.failures.most_common():
            _, seed, text = t.examples[key][0]
            level, kind, *fates = name.split()
            replay = Task(level, kind, fates[0] if fates else "", 0, 0).replay(seed)
            print(f"\n[{count}x] {name}: {key}\n  replay: python scripts/fuzz_inputs.py --replay {replay}")
            if show:
                print("  " + text[: 400 * show].replace("\n", "\n  "))
    return False


def _replay(spec: str, dump: Path | None) -> int:
    parts = spec.split(":")
    if parts[0] == "reader" and len(parts) == 4 and parts[1] in READER_KINDS:
        case = reader_case(parts[1], parts[2], int(parts[3]))
        _dump(case.files, dump)
        print(case.describe(limit=100_000), flush=True)  # before running it: the case may crash this process
        verdict = check_reader(case)
    elif parts[0] == "job" and len(parts) == 3 and parts[1] in DOCUMENT_KINDS:
        with tempfile.TemporaryDirectory(prefix="fuzz-world-", dir=SCRATCH) as tmp:
            job = job_case(build_world(Path(tmp)), parts[1], int(parts[2]))
            _dump(job.files, dump)
            print(job.describe(limit=100_000), flush=True)
            logging.basicConfig(level=logging.INFO, stream=sys.stdout, force=True)
            verdict = run_job_case(job)
    else:
        print(f"--replay wants reader:<{'|'.join(READER_KINDS)}>:<known|hostile>:<seed> or job:<kind>:<seed>, not {spec!r}")
        return 2
    print(verdict.summary())
    return 1 if verdict.failures else 0


def _dump(files: tuple[tuple[str, bytes], ...], dump: Path | None) -> None:
    if dump is None:
        return
    for name, data in files:
        (dump / name).parent.mkdir(parents=True, exist_ok=True)
        (dump / name).write_bytes(data)
    print(f"files written under {dump}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="cases in all (default 100000)")
    parser.add_argument("--job-share", type=float, default=0.02, help="share of job-level cases (default 0.02)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="processes (default: every CPU)")
    parser.add_argument("--seed", type=int, default=0, help="first seed of every kind (default 0)")
    parser.add_argument("--show", type=int, default=1, help="how much of each smallest failing case to print (0: none)")
    parser.add_argument("--only", help="run only the kinds whose name holds one of these words, e.g. capture,job")
    parser.add_argument("--replay", help="run one case: reader:<kind>:<known|hostile>:<seed> or job:<kind>:<seed>")
    parser.add_argument("--dump", type=Path, help="with --replay: write the case's files here")
    args = parser.parse_args()
    if args.replay:
        return _replay(args.replay, args.dump)
    started = time.monotonic()
    tasks = _tasks(args.cases, args.job_share, args.seed)
    if args.only:
        tasks = [t for t in tasks if any(word in t.name for word in args.only.split(","))]
    tallies: dict[str, Tally] = {}
    total = sum(t.stop - t.start for t in tasks)
    with tempfile.TemporaryDirectory(prefix="fuzz-world-", dir=SCRATCH) as tmp:
        logging.basicConfig(level=logging.CRITICAL, handlers=[logging.NullHandler()], force=True)
        world = build_world(Path(tmp)) if any(t.level == "job" for t in tasks) else None
        done = 0
        with Isolated(args.workers, world) as pool:
            for task, tally in pool.run(tasks):
                tallies.setdefault(task.name, Tally()).add(tally)
                done += tally.cases
                if done % 5000 < tally.cases or done == total:
                    print(f"{done}/{total} cases, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime
    clean = _report(tallies, wall, cpu, args.show)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
