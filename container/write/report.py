"""How a job ends, and the only place that writes its reports: the documents (statistics, constraints,
step reports), the violations file, the metrics, the status message that says what happened, the pages
people read (``report.html``, ``trend.html``) and the upload of the outputs to ``report_s3_uri``.

Every monitoring job (data quality, model quality, an empty or unusable window) publishes, when metrics are
on, ``constraint_violations``, the violation count the fleet's alarms watch; every job that read records
judges their bad share (``limits.bad_record_share``): a violation and the ``bad_record_share`` metric in a
monitoring job, a ``ClientError`` in a baseline job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from analyzers.findings import Finding
from analyzers.quality.bad_records import RecordCounts, bad_record_check
from container.contract import STATISTICS_FILE, MonitorContract
from container.errors import ClientError
from container.html.context import RunContext, RunRecords
from container.settings import AnalysisConfig
from container.write._json import dumps
from container.write.atomic import write_text
from container.write.cloudwatch import Metric, publish_metrics
from container.write.message import Status
from container.write.statistics import statistics_document
from container.write.upload import upload_reports
from container.write.violations import violations_document

if TYPE_CHECKING:
    from container.ingest import Ingested

log = logging.getLogger(__name__)

NO_VIOLATIONS = Status.COMPLETED.says("Job completed successfully with no violations.")


@dataclass(frozen=True, slots=True)
class Document:
    """A JSON report: its file name under the job's ``output_path`` and its content."""

    name: str
    content: Any


def write_documents(contract: MonitorContract, documents: tuple[Document, ...] | list[Document]) -> None:
    for document in documents:
        write_text(contract.output_path / document.name, dumps(document.content))


@dataclass(frozen=True, slots=True)
class Outcome:
    message: str
    violations: int = 0
    silent: bool = False  # a host of a multi-instance job other than the leader: it writes no message
    records: RunRecords | None = None  # what the job read, for report.html


def run_records(data: Ingested) -> RunRecords:
    """The counts of the log's summary and the bad-record examples (already truncated), for report.html."""
    problems = data.problems
    kinds = {**problems.counts, **problems.row_counts, **problems.file_counts, **problems.filtered}
    return RunRecords(
        files=data.files,
        read=data.records_read,
        kept=data.records_kept,
        bad=data.records_bad,
        outside_window=data.records_outside_window,
        rows=data.rows,
        rows_skipped=data.rows_skipped,
        filtered=data.records_filtered,
        value_types=tuple((name, p.types.integral, p.types.fractional, p.types.string) for name, p in data.profiles.items()),
        problems=tuple(
            (kind, count, tuple((e.where, e.prefix) for e in problems.examples.get(kind, []))) for kind, count in kinds.items()
        ),
    )


def finish(
    contract: MonitorContract,
    findings: list[Finding],
    metrics: list[Metric],
    note: str,
    *,
    records: RunRecords | None,
    quiet: str = NO_VIOLATIONS,
) -> Outcome:
    """Write the violations and the metrics; the message starts with ``quiet`` when nothing is violated."""
    document = violations_document(findings)
    write_text(contract.violations_file, dumps(document))
    count = len(document["violations"])
    note += publish_metrics(contract, [*metrics, Metric("constraint_violations", value=float(count))])
    if count:
        message = Status.WITH_VIOLATIONS.says(f"Job completed successfully with {count} violations.")
        return Outcome(message + note, count, records=records)
    return Outcome(quiet + note, records=records)


def nothing_to_compare(contract: MonitorContract, config: AnalysisConfig, data: Ingested, bad: Finding | None) -> Outcome:
    """A window without records: statistics with ``item_count`` 0 and, in a monitoring job, no violation but
    the bad-record one (bad records that could not be placed in any window, more than the share allows);
    a ``ClientError`` instead with ``"empty_window": "fail"``."""
    bounds = _window(contract)
    window = f" in the window [{bounds[0]}, {bounds[1]})" if bounds else ""
    what = f"No records to analyse{window}: {data.files} file(s), {data.records_read} record(s) read."
    if config.empty_window == "fail":
        raise ClientError(what + " Check data capture, or set empty_window to 'complete' in the analysis config.")
    write_documents(contract, [Document(STATISTICS_FILE, statistics_document(0, []))])
    note = skipped(data.problems.total)
    if contract.is_baseline_job:
        return Outcome(Status.COMPLETED.says(f"{what} Nothing was compared.{note}"), records=run_records(data))
    if bad is not None and bad.violated:
        note += f" {what} Nothing else was compared."
    return finish(
        contract,
        [bad] if bad else [],
        bad_record_metrics(bad),
        note,
        records=run_records(data),
        quiet=Status.COMPLETED.says(f"{what} Nothing was compared."),
    )


def nothing_usable(contract: MonitorContract, data: Ingested, bad: Finding | None, others: list[Finding]) -> Outcome:
    """Records were read and none could be used. Never green: the bad-record violation (and ``others``,
    e.g. a row width) say why, with empty statistics; nothing else can be compared."""
    write_documents(contract, [Document(STATISTICS_FILE, statistics_document(0, []))])
    note = skipped(data.problems.total) + " Nothing that was read could be used; nothing was compared."
    return finish(contract, [*others, *([bad] if bad else [])], bad_record_metrics(bad), note, records=run_records(data))


def record_counts(data: Ingested) -> RecordCounts:
    return RecordCounts(
        read=data.records_read,
        bad=data.records_bad,
        usable=data.rows,
        skipped=data.rows_skipped,
        bad_files=data.problems.bad_files,
    )


def bad_records(data: Ingested, config: AnalysisConfig) -> Finding | None:
    """The dataset's ``bad_record_check`` finding; None when nothing was read."""
    return bad_record_check(record_counts(data), threshold=config.limits.bad_record_share)


def bad_record_metrics(bad: Finding | None) -> list[Metric]:
    return [] if bad is None or bad.statistic is None else [Metric("bad_record_share", value=bad.statistic)]


def refuse_bad_baseline(finding: Finding | None) -> None:
    """No baseline from mostly unusable data: it would judge every later window against a biased remainder of
    the dataset, which is worse than having no baseline. A baseline job has no violations to say so with."""
    if finding is None or not finding.violated:
        return
    raise ClientError(
        f"the baseline dataset is not fit for a baseline. {finding.description} Fix or remove those records, "
        "or raise limits.bad_record_share in the analysis config."
    )


def write_pages(contract: MonitorContract, config: AnalysisConfig, outcome: Outcome) -> Outcome:
    """``report.html`` (and ``trend.html`` with a history), drawn from the documents just written. The run's
    outcome is decided by now: a page that cannot be drawn is said in the message, never a failed run."""
    if not config.report.html or outcome.silent:
        return outcome
    context = RunContext(
        job=_job_kind(contract),
        message=outcome.message,
        endpoint=contract.endpoint_name,
        schedule=contract.schedule_name,
        window=_window(contract),
        records=outcome.records,
    )
    try:
        from container.html.pages import pages  # matplotlib: only when a page is drawn

        drawn = pages(contract, config, context)
    except ClientError as exc:  # the history named in the config cannot be read
        return replace(outcome, message=f"{outcome.message} report.html was not written: {exc}")
    except Exception as exc:
        log.exception("report.html could not be drawn")
        return replace(outcome, message=f"{outcome.message} report.html was not written ({type(exc).__name__}); see the log.")
    for name, html in drawn:
        write_text(contract.output_path / name, html)
        log.info("wrote %s (%d kB)", name, len(html.encode()) // 1024)
    return outcome


def post_analytics(contract: MonitorContract, outcome: Outcome) -> Outcome:
    """The user's ``post_analytics_processor_script`` (container/hooks/postprocess.py), once every output is
    written; its failure ends the job as a ClientError with our outputs as we wrote them."""
    if contract.post_analytics_processor_script is None or outcome.silent:
        return outcome
    from container.contract import POST_ANALYTICS_PROCESSOR_SCRIPT
    from container.hooks.postprocess import run_post_analytics
    from container.hooks.script import UserScript

    script = UserScript.read(POST_ANALYTICS_PROCESSOR_SCRIPT, contract.post_analytics_processor_script)
    run_post_analytics(script, contract.output_path, outcome.message)
    return outcome


def _job_kind(contract: MonitorContract) -> str:
    if contract.analysis_type == "MODEL_QUALITY":
        return "model quality baseline" if contract.is_baseline_job else "model quality"
    if contract.analysis_type == "MODEL_EXPLAINABILITY":
        return "feature attribution baseline" if contract.is_baseline_job else "feature attribution"
    return "baseline" if contract.is_baseline_job else "monitoring"


def _window(contract: MonitorContract) -> tuple[str, str] | None:
    if not (contract.start_time or contract.end_time):
        return None
    start, end = (f"{t:%Y-%m-%dT%H:%M:%SZ}" if t else "..." for t in (contract.start_time, contract.end_time))
    return start, end


def upload(contract: MonitorContract, outcome: Outcome) -> Outcome:
    """Also upload the outputs to ``report_s3_uri`` when set (a failure is a ClientError with the fix)."""
    if contract.report_s3_uri is None:
        return outcome
    when = contract.end_time or datetime.now(UTC)
    # ours, a post-analytics script's, and the per-model folders' (traffic.per_model)
    files = sorted(p for p in contract.output_path.rglob("*") if p.is_file() and not p.name.startswith("."))
    upload_reports(contract.report_s3_uri, when, files, contract.output_path)
    return outcome


def skipped(count: int) -> str:
    return f" {count} bad record(s) skipped; see the log." if count else ""
