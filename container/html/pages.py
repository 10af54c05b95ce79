"""The pages of one run, as (file name, HTML): ``report.html`` always, ``trend.html`` when a history is given.

Drawn after the job wrote its documents, from those documents (container/html/documents.py); the caller
(container/write/report.py, the one writer) writes them. Reading a baseline or the history is I/O, so it
lives here in ``container``; the page and trend modules only turn documents into HTML.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from container.contract import STATISTICS_FILE, MonitorContract
from container.html import history
from container.html.context import RunContext
from container.html.documents import RunDocuments, read_json, read_run
from container.html.page import report_page
from container.html.trend import trend_page
from container.settings import AnalysisConfig
from container.sources import read_text

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"
TREND_FILE = "trend.html"


def pages(contract: MonitorContract, config: AnalysisConfig, context: RunContext) -> list[tuple[str, str]]:
    run = read_run(contract.output_path)
    problems: list[str] = []
    baseline = None if contract.baseline_statistics is None else read_json(contract.baseline_statistics, problems)
    if contract.is_baseline_job:
        baseline = read_json(contract.output_path / STATISTICS_FILE, problems)  # the page shows what it learnt
    context = replace(context, baseline_statistics=baseline, bias_baseline=_bias_baseline(contract, config) if run.bias else None)
    out: list[tuple[str, str]] = []
    if config.report.history is not None:
        out.append((TREND_FILE, _trend(contract, config, run)))
        context = replace(context, trend_link=TREND_FILE)
    if problems:
        context = replace(context, notes=(*context.notes, *(f"Baseline statistics unreadable: {p}" for p in problems)))
    return [(REPORT_FILE, report_page(context, run)), *out]


def current_label(contract: MonitorContract) -> str:
    """This run's place in the hour layout of ``report_s3_uri`` (container/write/upload.py)."""
    return f"{contract.end_time:%Y/%m/%d/%H}" if contract.end_time else "this run"


def _trend(contract: MonitorContract, config: AnalysisConfig, run: RunDocuments) -> str:
    label = current_label(contract)
    with tempfile.TemporaryDirectory(prefix="monitor-history-") as scratch:
        past = history.runs(config.report.history or "", Path(scratch), config.report.history_runs)
        here = contract.output_path.resolve()
        runs = [(name, read_run(folder)) for name, folder in past if name != label and folder.resolve() != here]
    runs.append((label, run))
    log.info("trend page over %d run(s), this one last", len(runs))
    return trend_page(runs, len(runs) - 1, contract.schedule_name or contract.endpoint_name or "monitoring schedule")


def _bias_baseline(contract: MonitorContract, config: AnalysisConfig) -> dict | None:
    from container.jobs.inputs import bias_config

    settings = bias_config(contract, config)
    if settings is None or settings.baseline is None:
        return None
    value = json.loads(read_text("bias.baseline", settings.baseline))  # the job has read and checked it already
    return value if isinstance(value, dict) else None
