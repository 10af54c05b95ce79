"""Running fuzz cases in spawned worker processes, so that a native crash is a finding, not the end of the run.

A hostile input can kill the interpreter outright (a capture line ``null`` makes pyarrow's JSON reader
segfault). Cases therefore run in a ``spawn`` pool; before each case a worker writes ``<task> <seed>`` to a
marker file named by its pid. When a worker dies, the pool replaces it and the parent finds the dead pid's
marker: that case is recorded as crashed, and the rest of its chunk is submitted again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.cases import ReaderCase
from tests.fuzz.checks import SCRATCH, Verdict, check_reader, use_case_folders
from tests.fuzz.hostile import reader_case
from tests.fuzz.jobs import JobCase, job_case, run_job_case
from tests.fuzz.world import World

EXAMPLES_KEPT = 3
CRASHED = "the process died on this case (a native crash: no exit code, no message file)"


@dataclass(frozen=True)
class Task:
    """Seeds ``start`` to ``stop`` of one kind: ``("reader", "capture", "hostile", 0, 250)`` or ``("job", "env", "", 0, 25)``."""

    level: str
    kind: str
    fates: str
    start: int
    stop: int

    @property
    def name(self) -> str:
        return f"reader {self.kind} {self.fates}" if self.level == "reader" else f"job {self.kind}"

    def replay(self, seed: int) -> str:
        return f"reader:{self.kind}:{self.fates}:{seed}" if self.level == "reader" else f"job:{self.kind}:{seed}"


@dataclass
class Tally:
    """What the cases of one kind did, merged across chunks and workers."""

    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    failing: list[int] = field(default_factory=list)  # seeds
    bad_records: int = 0
    rows: int = 0
    examples: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # failure -> (size, seed, text)
    seconds: float = 0.0  # CPU

    def add(self, other: Tally) -> None:
        self.cases += other.cases
        self.outcomes.update(other.outcomes)
        self.failures.update(other.failures)
        self.failing += other.failing
        self.bad_records += other.bad_records
        self.rows += other.rows
        self.seconds += other.seconds
        for key, examples in other.examples.items():
            self.examples[key] = sorted(self.examples.get(key, []) + examples)[:EXAMPLES_KEPT]

    def record(self, verdict: Verdict, seed: int, describe: str) -> None:
        self.cases += 1
        self.outcomes[verdict.outcome] += 1
        self.bad_records += max(verdict.counts.get("bad", 0), 0)
        self.rows += verdict.counts.get("rows", 0)
        if verdict.failures:
            self.failing.append(seed)
        for failure in dict.fromkeys(failure_key(f) for f in verdict.failures):
            self.failures[failure] += 1
            kept = self.examples.setdefault(failure, [])
            kept.append((len(describe), seed, f"{verdict.summary()}\n{describe}"))
            kept.sort()
            del kept[EXAMPLES_KEPT:]


def failure_key(text: str) -> str:
    """A failure with its numbers and quoted values blanked: a kind to count."""
    text = re.sub(r"/[\w./-]+/(?=[\w.]+:\d)", "", text)
    text = re.sub(r"fuzz[\w-]*", "fuzz…", text)  # temporary folders
    text = re.sub(r"(.)\1{19,}", r"\1…", text)  # long runs of one character
    text = text.split(" (mixed, alone)")[0]  # a profile difference: the columns' counts are the example's
    text = re.sub(r"'[^']{0,200}'|\"[^\"]{0,200}\"", "'…'", text)
    return re.sub(r"-?\d+(\.\d+)?(e[+-]?\d+)?", "N", text)[:170]


# ---------------------------------------------------------------- in the worker

_MARKS: Path | None = None
_WORLD: World | None = None


def _init(marks: Path, world: World | None) -> None:
    global _MARKS, _WORLD
    _MARKS, _WORLD = marks, world
    use_case_folders(str(marks.parent / "cases"))
    logging.basicConfig(level=logging.CRITICAL, handlers=[logging.NullHandler()], force=True)


def _mark(token: str) -> None:
    assert _MARKS is not None
    (_MARKS / str(os.getpid())).write_text(token)


def _unmark() -> None:
    assert _MARKS is not None
    (_MARKS / str(os.getpid())).unlink(missing_ok=True)


def run_seeds(task_id: int, task: Task) -> Tally:
    """Every seed of a task, in this process."""
    tally = Tally()
    started = time.process_time()
    for seed in range(task.start, task.stop):
        if _MARKS is not None:
            _mark(f"{task_id} {seed}")
        if task.level == "reader":
            case: ReaderCase | JobCase = reader_case(task.kind, task.fates, seed)
            verdict = check_reader(case)  # type: ignore[arg-type]
        else:
            assert _WORLD is not None, "job-level cases need the world"
            case = job_case(_WORLD, task.kind, seed)
            verdict = run_job_case(case)
        tally.record(verdict, seed, case.describe())
    if _MARKS is not None:
        _unmark()
    tally.seconds = time.process_time() - started
    return tally


def run_one(task_id: int, case: ReaderCase | JobCase) -> Verdict:
    """One case (a hypothesis example), in this process."""
    _mark(f"{task_id} -1")
    try:
        return check_reader(case) if isinstance(case, ReaderCase) else run_job_case(case)
    finally:
        _unmark()


# ---------------------------------------------------------------- in the parent


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class Isolated:
    """A spawned pool of fuzz workers (``with Isolated(2, world) as pool: ...``)."""

    def __init__(self, workers: int, world: World | None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="fuzz-pool-", dir=SCRATCH))  # markers, and the cases' folders
        self.marks = self.folder / "marks"
        self.marks.mkdir()
        (self.folder / "cases").mkdir()
        context = multiprocessing.get_context("spawn")
        self.pool = context.Pool(max(1, workers), initializer=_init, initargs=(self.marks, world))
        self._ids = iter(range(1, 1 << 62))

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        # terminate() sends SIGTERM and then waits for every worker. A worker running a job took that SIGTERM
        # as the job's stop and lived on (seen once at the end of a full run); job_checks.run_main now passes
        # it on. Should another cause appear, a worker alive after a grace period is killed
        # (never before terminate(): a worker killed holding a queue lock deadlocks the pool's own shutdown).
        workers = list(getattr(self.pool, "_pool", []))
        watchdog = threading.Timer(30, lambda: [w.kill() for w in workers if w.exitcode is None])
        watchdog.daemon = True
        watchdog.start()
        try:
            self.pool.terminate()
            self.pool.join()
        finally:
            watchdog.cancel()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _crashes(self) -> Iterator[tuple[int, int]]:
        """``(task_id, seed)`` of every case whose worker died."""
        for path in list(self.marks.iterdir()):
            if not _alive(int(path.name)):
                try:
                    task_id, seed = (int(x) for x in path.read_text().split())
                except (OSError, ValueError):
                    continue
                path.unlink(missing_ok=True)
                yield task_id, seed

    def run(self, tasks: list[Task]) -> Iterator[tuple[Task, Tally]]:
        """Each task's tally as it completes (a crashed case: a tally of its own, then the rest of its task)."""
        pending: dict[int, tuple[Task, Any]] = {}

        def submit(task: Task) -> None:
            task_id = next(self._ids)
            pending[task_id] = (task, self.pool.apply_async(run_seeds, (task_id, task)))

        for task in tasks:
            submit(task)
        while pending:
            for task_id, (task, result) in list(pending.items()):
                if result.ready():
                    del pending[task_id]
                    yield task, result.get()
            for task_id, seed in self._crashes():
                if task_id not in pending:
                    continue
                task, _ = pending.pop(task_id)
                crash = Tally()
                crash.record(Verdict(task.level, outcome="crashed", failures=[CRASHED]), seed, f"replay: {task.replay(seed)}")
                yield task, crash
                # The dead worker's tally of the seeds before this one is lost with it: run them again.
                for start, stop in ((task.start, seed), (seed + 1, task.stop)):
                    if start < stop:
                        submit(Task(task.level, task.kind, task.fates, start, stop))
            time.sleep(0.02)

    def check(self, case: ReaderCase | JobCase) -> Verdict:
        """One case in a worker; a crash comes back as a failing verdict."""
        task_id = next(self._ids)
        result = self.pool.apply_async(run_one, (task_id, case))
        while not result.ready():
            for crashed, _ in self._crashes():
                if crashed == task_id:
                    return Verdict(case.kind, outcome="crashed", failures=[CRASHED])
            time.sleep(0.005)
        return result.get()  # type: ignore[no-any-return]


def chunks(level: str, kind: str, fates: str, start: int, count: int, size: int) -> list[Task]:
    return [Task(level, kind, fates, s, min(s + size, start + count)) for s in range(start, start + count, size)]


def sweep(pool: Isolated, tasks: list[Task]) -> Tally:
    tally = Tally()
    for _, part in pool.run(tasks):
        tally.add(part)
    return tally


def failure_report(title: str, tally: Tally, replay: Task) -> str:
    """The failures of a sweep: counts by kind, then the smallest failing case in full."""
    lines = [f"{len(tally.failing)} of {tally.cases} {title} cases fail; seeds {sorted(tally.failing)[:20]}"]
    lines += [f"  [{count}x] {key}" for key, count in tally.failures.most_common(15)]
    _, seed, text = min(example for examples in tally.examples.values() for example in examples[:1])
    lines.append(f"smallest (replay: python scripts/fuzz_inputs.py --replay {replay.replay(seed)}):\n{text[:5000]}")
    return "\n".join(lines)
