"""Streaming the dataset into per-feature profiles, with progress in the log.

Each file is read in bounded blocks; each block becomes a table, each column a ``ColumnData`` and a
partial profile. A file's profiles are merged block by block, and the files' profiles are merged in
file order, so the result is the same whether the files were read by one process or by several
(large windows use one worker process per CPU; a multi-instance job, the Dask cluster of its hosts:
container/cluster). Memory holds a block per worker plus the profiles, however many records the window has.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from analyzers.quality.native_expectations import NativeExpectation
from analyzers.types import InferredType
from container.contract import MonitorContract
from container.errors import ClientError
from container.load.discover import discover_sized
from container.load.ingested import Ingested
from container.load.s3_window import fetch
from container.load.sample import RowSample
from container.load.spec import ReadSpec, read_spec
from container.load.tasks import Task, read_task, tasks
from container.settings import AnalysisConfig

__all__ = ["Ingested", "PartReader", "ingest", "ingest_spec"]

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 10.0
# Below this many bytes, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 64 << 20


class PartReader(Protocol):
    """Reads a dataset on several hosts (container/cluster): its parts, in the order one host reads them."""

    def read(self, spec: ReadSpec) -> Iterator[Ingested]: ...


def ingest(
    contract: MonitorContract,
    config: AnalysisConfig,
    names: tuple[str, ...] | None,
    types: dict[str, InferredType] | None,
    workers: int | None = None,
    sample_rows: int | None = None,
    seed: int = 0,
    record_keys: bool = False,
    cluster: PartReader | None = None,
    expectations: tuple[NativeExpectation, ...] = (),
) -> Ingested:
    """Profile every row of the dataset. ``names`` are the positional column names (None: from
    the data); ``types`` are the baseline's inferred types, which decide per column whether to
    count categories (String) and whether to parse numbers (not String). None: a baseline job,
    which must do both for every column to infer types and domains. ``workers``: processes to
    read files with (None: one per CPU on large windows); it never changes the result.
    ``sample_rows``: also keep a seeded uniform sample of at most this many rows; ``record_keys``: the
    sample also holds each captured record's ground-truth join key. ``cluster``: the hosts of a
    multi-instance job read the parts instead (None: this host alone). ``expectations``: column
    expectations evaluated on every row (their merged partials in ``Ingested.expectations``)."""
    spec = read_spec(contract, config, names, types, sample_rows, seed, record_keys, expectations)
    return ingest_spec(spec, workers, cluster)


def ingest_spec(spec: ReadSpec, workers: int | None = None, cluster: PartReader | None = None) -> Ingested:
    """``ingest`` of a read specification; an ``s3://`` dataset is fetched into a temporary folder first."""
    if spec.uri is not None:
        with tempfile.TemporaryDirectory(prefix="window-") as local:
            fetched = fetch(spec.uri, spec.window.start, spec.window.end, Path(local))
            log.info("Fetched %d object(s) of the window from %s", fetched, spec.uri)
            if cluster is not None:  # the other hosts cannot see this folder
                log.info("The window was fetched by this host alone; it reads it on its own cores")
            return _ingest_local(replace(spec, source=Path(local), uri=None), workers, None)
    return _ingest_local(spec, workers, cluster)


def _ingest_local(spec: ReadSpec, workers: int | None, cluster: PartReader | None) -> Ingested:
    result = Ingested(sample=RowSample(spec.sample_rows, spec.seed) if spec.sample_rows else None)
    started = last_report = time.monotonic()
    for part in cluster.read(spec) if cluster is not None else _local_parts(spec, workers):
        result.absorb(part)
        now = time.monotonic()
        if now - last_report >= PROGRESS_EVERY_S:
            last_report = now
            _log_progress(result, now - started)
    result.seconds = time.monotonic() - started
    result.check(str(spec.source))
    _refuse_a_failing_preprocessor(spec, result)
    return result


def _refuse_a_failing_preprocessor(spec: ReadSpec, result: Ingested) -> None:
    """A preprocessor that raised on (or returned nothing usable for) every record it did not skip is broken,
    not the data: the job stops naming the script and its first error, rather than report an empty window."""
    script = spec.settings.preprocessor
    if script is None or result.records_kept:
        return
    failed = sorted((k, n) for k, n in result.problems.counts.items() if k.startswith("records preprocess_handler"))
    if failed:
        kind, count = failed[0]
        example = result.problems.examples.get(kind, [])
        first = f" (first at {example[0].where}: {example[0].prefix[:120]})" if example else ""
        raise ClientError(
            f"{script.setting}={script.location!r} failed on every record it did not skip: {count} {kind}{first}; "
            "fix the script (its traceback is in the log) and run the job again."
        )


def _local_parts(spec: ReadSpec, workers: int | None) -> Iterator[Ingested]:
    files, sizes = discover_sized(spec.source)  # one stat a file, as it is listed
    parts = tasks(files, sizes)
    workers = workers or _workers(sizes, len(parts))
    log.info("Reading %d file(s) under %s as %s with %d process(es)", len(files), spec.source, spec.format.kind, workers)
    yield from _parts(spec, parts, workers)


def _log_progress(result: Ingested, seconds: float) -> None:
    log.info(
        "progress: %d files, %d records read, %d kept, %d bad, %.0f records/s",
        result.files,
        result.records_read,
        result.records_kept,
        result.records_bad,
        result.records_read / seconds,
    )


def _workers(sizes: list[int], tasks: int) -> int:
    if tasks < 2 or sum(sizes) < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), tasks))


def _parts(spec: ReadSpec, tasks: list[Task], workers: int) -> Iterator[Ingested]:
    if workers == 1:
        yield from (read_task(spec, task) for task in tasks)
        return
    # spawn, not fork: pyarrow's thread pools must not be forked. An executor, not multiprocessing.Pool:
    # a worker that dies (the OOM killer, a crash in native code) breaks the executor, which raises,
    # where a Pool silently loses that worker's task and waits for it forever. The spec goes to each
    # worker once; at most two tasks per worker are in flight, so finished parts never pile up.
    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_set_worker_spec, initargs=(spec,)
    )
    finished = False
    try:
        pending: deque[Future[Ingested]] = deque()
        queued = iter(tasks)
        for task in itertools.islice(queued, 2 * workers):
            pending.append(executor.submit(_read_worker_task, task))
        while pending:
            part = _result(pending.popleft(), workers)
            for task in itertools.islice(queued, 1):
                pending.append(executor.submit(_read_worker_task, task))
            yield part
        finished = True
    finally:
        _close(executor, finished)


def _result(future: Future[Ingested], workers: int) -> Ingested:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise ClientError(
            f"a worker process reading the dataset died ({error}); the usual cause is the OOM killer: "
            f"run the job on an instance type with more memory, or with fewer worker processes than {workers}"
        ) from None


def _close(executor: ProcessPoolExecutor, finished: bool) -> None:
    """Stops the workers. After an error, a stop (SIGTERM) or an abandoned generator, the workers are
    terminated rather than waited for: their parts are no longer wanted."""
    if not finished:
        # The executor has no public way to kill its workers before Python 3.14's terminate_workers().
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


_worker_spec: ReadSpec | None = None


def _set_worker_spec(spec: ReadSpec) -> None:
    global _worker_spec
    _worker_spec = spec


def _read_worker_task(task: Task) -> Ingested:
    assert _worker_spec is not None, "the pool's initializer sets the spec"
    return read_task(_worker_spec, task)
