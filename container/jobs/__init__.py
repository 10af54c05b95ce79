"""The jobs, and which one a contract asks for.

Every job is a short sequence of stages: read the inputs (baseline, settings) → ingest the window →
profile → steps → report (``write.report``, the only writer). ``baseline`` suggests a data-quality
baseline; ``data_quality`` monitors a window against one; ``model_quality`` does both for AWS's
model-quality jobs (``analysis_type=MODEL_QUALITY``).
"""

from __future__ import annotations

from dataclasses import replace

from container.contract import MonitorContract
from container.ingest import PartReader
from container.jobs.inputs import read_inputs
from container.settings import AnalysisConfig
from container.write.report import Outcome, post_analytics, upload, write_pages

# The expectation, fairness and model-quality steps import pandas, scipy and Great Expectations: they are
# imported where a job needs them, so a plain data-quality job (and every worker process) starts fast.


def run(contract: MonitorContract) -> Outcome:
    if len(contract.hosts) == 1:
        return _run(contract, None)
    from container.cluster.session import leader_session, serve  # Dask: only with several instances
    from container.jobs.inputs import read_config

    settings = read_config(contract, None).cluster
    if not contract.is_leader:
        serve(contract, settings)
        return Outcome(f"Host {contract.current_host} served the leader {contract.hosts[0]}.", silent=True)
    with leader_session(contract, settings) as session:
        outcome = _run(contract, session.reader)
    return replace(outcome, message=outcome.message + session.note)


def _run(contract: MonitorContract, cluster: PartReader | None) -> Outcome:
    if contract.analysis_type == "MODEL_QUALITY":
        from container.jobs.inputs import read_config
        from container.jobs.model_quality import run_model_quality
        from container.model_quality_settings import model_quality_settings

        config = read_config(contract, None)
        settings = model_quality_settings(dict(contract.model_quality_env), config.model_quality)
        return _finish(contract, config, run_model_quality(contract, config, settings, cluster))
    baseline, config = read_inputs(contract)
    if contract.is_baseline_job:
        from container.jobs.baseline import baseline_job

        return _finish(contract, config, baseline_job(contract, config, cluster))
    from container.jobs.data_quality import monitoring_job

    return _finish(contract, config, monitoring_job(contract, config, baseline, cluster))


def _finish(contract: MonitorContract, config: AnalysisConfig, outcome: Outcome) -> Outcome:
    """After the job's own outputs: the pages, the user's post-analytics script, then the upload of it all."""
    return upload(contract, post_analytics(contract, write_pages(contract, config, outcome)))
