"""Job-level checks: ``main(env)`` in-process, its exit code, its message and its outputs."""

from __future__ import annotations

import logging
import os
import re
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.fuzz.checks import JOB_SECONDS, CaseTimeout, Verdict, cpu_limit, where_raised
from tests.fuzz.schemas import constraints_problems, metrics_problems, statistics_problems, strict_json, violations_problems

MESSAGE_PREFIXES = ("Completed:", "CompletedWithViolations:", "ClientError:")
OUTPUT_FILES = (
    "statistics.json",
    "constraints.json",
    "constraint_violations.json",
    "expectation_suite.json",
    "expectation_results.json",
    "drift_report.json",
    "analysis.json",
)


class _Errors(logging.Handler):
    """Keeps the traceback ``main`` logs for an internal error."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.seen.append(where_raised(record.exc_info[1]))


def run_main(env: Mapping[str, str]) -> tuple[int | None, str, BaseException | None]:
    """``main(env)`` in-process: its exit code, the internal error it logged, or what escaped it."""
    from container.__main__ import STOP_SIGNALS, main

    errors = _Errors()
    logger = logging.getLogger("container")
    logger.addHandler(errors)
    level = logger.level
    if logger.getEffectiveLevel() > logging.ERROR:
        logger.setLevel(logging.ERROR)  # the traceback of an internal error must reach ``errors``
    previous = {each: signal.getsignal(each) for each in STOP_SIGNALS}
    code = None
    try:
        with cpu_limit(JOB_SECONDS):
            code = main(env)
        return code, "; ".join(errors.seen), None
    except (Exception, CaseTimeout) as exc:  # noqa: BLE001 - main must not raise; record what escaped it
        return None, "", exc
    finally:
        logger.removeHandler(errors)
        logger.setLevel(level)
        # main() owns the stop signals while it runs and leaves them ignored. No case sends one, so a stop
        # it caught came to this process: the fuzz pool's terminate(). Pass it on, or the worker outlives it.
        for each, handler in previous.items():
            signal.signal(each, handler)
        if code is not None and code - 128 in STOP_SIGNALS:
            os.kill(os.getpid(), code - 128)


def check_job(kind: str, env: Mapping[str, str]) -> Verdict:
    """Run one job and check its exit code, message and outputs."""
    verdict = Verdict(kind)
    base = Path(env.get("SAGEMAKER_BASE_DIR", "/opt/ml"))
    code, logged, escaped = run_main(env)
    if escaped is not None:
        verdict.outcome = "timeout" if isinstance(escaped, CaseTimeout) else "escaped"
        verdict.detail = where_raised(escaped)
        verdict.fail(f"main() raised instead of returning an exit code: {verdict.detail}")
        return verdict
    verdict.outcome = {0: "ok", 2: "client_error", 1: "internal_error"}.get(code, f"exit_{code}")  # type: ignore[arg-type]
    message_file = base / "output" / "message"
    message = _read_message(verdict, message_file)
    verdict.detail = logged or (message or "")[:300]
    if code not in (0, 2):
        verdict.fail(f"exit code {code}: {message!r} {logged}")
    if message is not None and code != 1:
        if not message.startswith(MESSAGE_PREFIXES):
            verdict.fail(f"message does not start with Completed/CompletedWithViolations/ClientError: {message[:200]!r}")
        if code == 0 and not message.startswith(("Completed:", "CompletedWithViolations:")):
            verdict.fail(f"exit 0 with message {message[:120]!r}")
        if code == 2 and not message.startswith("ClientError:"):
            verdict.fail(f"exit 2 with message {message[:120]!r}")
    check_outputs(verdict, _output_path(env, base), base, message or "")
    return verdict


def _output_path(env: Mapping[str, str], base: Path) -> Path:
    """Where the job wrote its outputs: the contract's output_path (env, else processingjobconfig.json)."""
    from container.contract import from_env

    try:
        return Path(from_env(env).output_path)
    except Exception:  # noqa: BLE001 - a refused contract: the job had no outputs to write
        return base / "processing" / "output"


def _read_message(verdict: Verdict, path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        verdict.fail(f"no message file at {path}")
        return None
    if len(raw) > 1024:
        verdict.fail(f"message is {len(raw)} bytes, over SageMaker's 1 KB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        verdict.fail(f"message is not UTF-8: {raw[:80]!r}")
        return raw.decode("utf-8", errors="replace")


def check_outputs(verdict: Verdict, output: Path, base: Path, message: str) -> None:
    for folder in (output, base / "output"):
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.name.endswith(".tmp") or (path.name.startswith(".") and ".tmp" in path.name):
                    verdict.fail(f"stray temporary file {path.relative_to(folder)} in {folder}")
    documents: dict[str, Any] = {}
    for name in OUTPUT_FILES:
        path = output / name
        if not path.exists():
            continue
        try:
            documents[name] = strict_json(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            verdict.fail(f"{name} is not valid JSON: {str(exc)[:120]}")
    problems: list[str] = []
    if "statistics.json" in documents:
        problems += statistics_problems(documents["statistics.json"])
    if "constraints.json" in documents:
        problems += constraints_problems(documents["constraints.json"])
    if "constraint_violations.json" in documents:
        problems += violations_problems(documents["constraint_violations.json"])
    for name in ("expectation_suite.json", "expectation_results.json", "drift_report.json", "analysis.json"):
        if name in documents and not isinstance(documents[name], dict):
            problems.append(f"{name} is not a JSON object")
    verdict.failures += problems
    counted = re.match(r"CompletedWithViolations: Job completed successfully with (\d+) violations\.", message)
    if counted:
        violations = documents.get("constraint_violations.json")
        listed = violations.get("violations") if isinstance(violations, dict) else None
        if not isinstance(listed, list) or len(listed) != int(counted.group(1)):
            verdict.fail(
                f"message says {counted.group(1)} violations, constraint_violations.json lists {listed if listed is None else len(listed)}"
            )
    if (
        message.startswith(("Completed:", "CompletedWithViolations:"))
        and "statistics.json" in documents
        and "constraints.json" in documents
    ):
        _rereadable(verdict, output)
    metrics = base / "output" / "metrics" / "cloudwatch"
    if metrics.is_dir():
        for path in metrics.iterdir():
            verdict.failures += [f"{path.name}: {p}" for p in metrics_problems(path)]


def _rereadable(verdict: Verdict, output: Path) -> None:
    """A baseline our job wrote must read back as a baseline."""
    from container.errors import ClientError
    from container.load.baseline import read_constraints, read_statistics

    for reader, name in ((read_statistics, "statistics.json"), (read_constraints, "constraints.json")):
        try:
            reader(output / name)
        except ClientError as exc:
            verdict.fail(f"the {name} this job wrote does not read back: {str(exc)[:200]}")
        except Exception as exc:  # noqa: BLE001 - any other exception is the bug this suite looks for
            verdict.fail(f"the {name} this job wrote crashes its reader: {where_raised(exc)}")
