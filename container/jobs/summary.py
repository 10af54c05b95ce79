"""What the log says once the window is read: the counts that must add up, and the problems met."""

from __future__ import annotations

import logging

from container.contract import FormatKind, MonitorContract
from container.ingest import Ingested

log = logging.getLogger(__name__)


def log_summary(contract: MonitorContract, data: Ingested) -> None:
    rate = data.records_read / data.seconds if data.seconds else 0.0
    lines = [
        "---- summary ----",
        f"job: {'baseline' if contract.is_baseline_job else 'monitoring'}; format: {contract.dataset_format.kind}",
        f"files: {data.files}; columns: {len(data.profiles)}; time: {data.seconds:.1f} s; {rate:,.0f} records/s",
        *data.summary_lines(),
    ]
    lines.extend("  " + line for line in data.problems.lines())
    for line in lines:
        log.info(line)


def positional(contract: MonitorContract) -> bool:
    """Whether the dataset's columns have no names of their own (capture, headerless CSV): the baseline's
    names then apply by position."""
    fmt = contract.dataset_format
    return fmt.kind is FormatKind.CAPTURE or (fmt.kind is FormatKind.CSV and not fmt.header)
