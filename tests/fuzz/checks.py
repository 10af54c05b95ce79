"""The properties every hostile input must keep, as functions returning a ``Verdict`` (tests assert it is
clean; ``scripts/fuzz_inputs.py`` counts them).

Reader level (``check_reader``): ``ingest`` ends normally (or with a ``ClientError`` where a whole file may
be refused), and its counters satisfy

    records read  = kept + bad + outside the window
    rows analysed + rows skipped = rows in the kept records

with every count the generator knows checked exactly (good records kept, their rows analysed, each
known-bad record counted once as bad, records outside the window never bad).

Job level (``job_checks.check_job``): ``container.__main__.main`` returns 0 or 2, never 1; ``<base>/output/message``
starts with Completed, CompletedWithViolations or ClientError; every output is valid JSON in AWS's
schema (``schemas``), or absent; no ``.tmp`` file is left behind.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.cases import WINDOW_END, WINDOW_START, ReaderCase

# Cases write small files: tmpfs, where available, makes creating and removing them ~10x cheaper.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
_case_folders = SCRATCH


def case_folders() -> str | None:
    """Where a case's temporary folder goes (a worker of ``runner.Isolated`` sets its pool's own folder,
    so what a crashed or stopped worker leaves behind goes with the pool)."""
    return _case_folders


def use_case_folders(path: str) -> None:
    global _case_folders
    _case_folders = path


READER_SECONDS = 20.0  # CPU seconds one reader case may take before it counts as a hang


JOB_SECONDS = 60.0


@dataclass
class Verdict:
    kind: str
    outcome: str = "ok"  # ok | client_error | internal_error | timeout | exit_<n>
    failures: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    detail: str = ""  # the error's type and where it was raised, or the ClientError's text

    def fail(self, what: str) -> None:
        self.failures.append(what)

    def summary(self) -> str:
        lines = [f"{self.kind}: outcome={self.outcome} counts={self.counts}"]
        if self.detail:
            lines.append(f"  detail: {self.detail}")
        lines.extend(f"  FAIL {f}" for f in self.failures)
        return "\n".join(lines)


class CaseTimeout(BaseException):
    """A case ran past its CPU budget (BaseException: ``main`` must not turn it into an exit code)."""


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise ``CaseTimeout`` after ``seconds`` of CPU time (SIGPROF, so pytest-timeout's SIGALRM is untouched)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"over {seconds} CPU seconds")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def where_raised(exc: BaseException) -> str:
    """``Type: message at file:line`` of the deepest frame in this repository's code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/container/" in f.filename or "/analyzers/" in f.filename]
    at = f" at {Path(frames[-1].filename).parent.name}/{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:160]}{at}"


def counters(result: Any) -> dict[str, int]:
    """The ``Ingested`` counters."""
    return {
        "read": result.records_read,
        "kept": result.records_kept,
        "bad": result.records_bad,
        "outside": result.records_outside_window,
        "rows": result.rows,
        "rows_skipped": result.rows_skipped,
    }


def ingest_case(case: ReaderCase, files: tuple[tuple[str, bytes], ...] | None = None) -> Any:
    """Write the case's files to a temporary ``dataset_source`` and ingest them as a job would."""
    from analyzers.types import InferredType
    from container.contract import from_env
    from container.ingest import ingest
    from container.settings import parse

    with tempfile.TemporaryDirectory(prefix="fuzz-", dir=case_folders()) as tmp:
        root = Path(tmp)
        source = root / "input"
        source.mkdir()
        for name, data in case.files if files is None else files:
            path = source / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        env = {"SAGEMAKER_BASE_DIR": str(root), "dataset_source": str(source), "dataset_format": case.dataset_format}
        if case.window:
            env |= {"start_time": WINDOW_START, "end_time": WINDOW_END}
        contract = from_env(env)
        config = parse(case.config, source="fuzz analysis_config")
        types = None if case.types is None else {k: InferredType(v) for k, v in case.types.items()}
        return ingest(contract, config, case.names, types, workers=1)


def check_reader(case: ReaderCase) -> Verdict:
    from container.errors import ClientError

    verdict = Verdict(case.kind)
    e = case.expect
    try:
        with cpu_limit(READER_SECONDS):
            result = ingest_case(case)
    except ClientError as exc:
        verdict.outcome, verdict.detail = "client_error", str(exc)[:300]
        if not e.client_error_ok:
            verdict.fail(f"one bad record sank the read: ClientError {str(exc)[:200]}")
        return verdict
    except CaseTimeout as exc:
        verdict.outcome, verdict.detail = "timeout", str(exc)
        verdict.fail(f"hang: {exc}")
        return verdict
    except Exception as exc:  # noqa: BLE001 - any other exception is the bug this suite looks for
        verdict.outcome, verdict.detail = "internal_error", where_raised(exc)
        verdict.fail(f"internal error: {verdict.detail}")
        return verdict
    c = verdict.counts = counters(result)
    _reader_invariants(verdict, c, e)
    _profile_invariants(verdict, result)
    if case.good_only is not None and not e.wild and (e.bad or e.outside or e.width) and not verdict.failures:
        _same_profiles(verdict, case, result)
    return verdict


def _reader_invariants(verdict: Verdict, c: dict[str, int], e: Any) -> None:
    check = verdict.fail
    outside = c["outside"]
    for name, value in c.items():
        if value < 0:
            check(f"{name} = {value} is negative")
    known = e.records is not None  # else the files' records are unknowable: no upper bounds
    if known and c["read"] != e.records:
        check(f"records read = {c['read']}, the files hold {e.records} records")
    if c["kept"] + c["bad"] + outside != c["read"]:
        check(f"invariant: kept {c['kept']} + bad {c['bad']} + outside {outside} != read {c['read']}")
    if c["kept"] < e.good:
        check(f"kept = {c['kept']} < {e.good} good records")
    if known and c["kept"] > e.good + e.width + e.wild:
        check(f"kept = {c['kept']} > {e.good} good + {e.width} one-row-wrong-width + {e.wild} wild records")
    if c["bad"] < e.bad:
        check(f"bad = {c['bad']} < {e.bad} records made bad on purpose")
    if known and c["bad"] > e.bad + e.width + e.wild:
        check(f"bad = {c['bad']} > {e.bad} bad + {e.width} wrong-width + {e.wild} wild records")
    if not e.wild and outside != e.outside:
        check(f"outside the window = {outside}, expected {e.outside}")
    elif e.wild and not e.outside <= outside <= (e.outside + e.wild if known else outside):
        check(f"outside the window = {outside}, expected {e.outside} (+ up to {e.wild} wild)")
    if c["rows"] < e.good_rows:
        check(f"rows analysed = {c['rows']} < {e.good_rows} rows of the good records")
    if known and not e.wild:
        if c["rows"] != e.good_rows:
            check(f"rows analysed = {c['rows']}, the good records hold {e.good_rows}")
        width_kept = max(c["kept"] - e.good, 0)
        if c["rows"] + c["rows_skipped"] != e.good_rows + width_kept:
            check(
                f"invariant: rows {c['rows']} + skipped {c['rows_skipped']} != rows in kept records "
                f"{e.good_rows + width_kept} ({e.good} good, {width_kept} kept with one wrong-width row)"
            )


def _profile_invariants(verdict: Verdict, result: Any) -> None:
    """Every analysed row of every column is exactly one of missing, integral, fractional or string."""
    for name, p in result.profiles.items():
        counts = (p.types.missing, p.types.integral, p.types.fractional, p.types.string)
        if min(counts) < 0 or sum(counts) != result.rows:
            verdict.fail(f"column {name!r}: missing, integral, fractional, string = {counts}, for {result.rows} rows analysed")


def _profile_summary(result: Any) -> dict[str, Any]:
    out = {}
    for name, p in result.profiles.items():
        cats = tuple(sorted(p.categories.counts)) if p.categories is not None else None
        out[name] = (p.types.missing, p.types.integral, p.types.fractional, p.types.string, p.moments.count, cats)
    return out


def _same_profiles(verdict: Verdict, case: ReaderCase, result: Any) -> None:
    """Bad, outside and wrong-width records change nothing the good records say."""
    try:
        alone = ingest_case(case, case.good_only)
    except Exception as exc:  # noqa: BLE001 - any other exception is the bug this suite looks for
        verdict.fail(f"the good records alone do not read: {where_raised(exc)}")
        return
    mixed, clean = _profile_summary(result), _profile_summary(alone)
    if alone.rows == 0 and result.rows == 0:
        return
    if mixed != clean:
        diff = {k: (mixed.get(k), clean.get(k)) for k in set(mixed) | set(clean) if mixed.get(k) != clean.get(k)}
        verdict.fail(f"profiles differ from the good records read alone (mixed, alone): {str(diff)[:400]}")
