"""The jobs, and which one a contract asks for.

Every job is a short sequence of stages: read the inputs (baseline, settings) → ingest the window →
profile → steps → report (``write.report``, the only writer). ``baseline`` suggests a data-quality
baseline; ``data_quality`` monitors a window against one; ``model_quality`` does both for AWS's
model-quality jobs (``analysis_type=MODEL_QUALITY``).
"""

from __future__ import annotations

from container.contract import MonitorContract
from container.jobs.inputs import read_inputs
from container.write.message import Status
from container.write.report import Outcome, upload

# The expectation, fairness and model-quality steps import pandas, scipy and Great Expectations: they are
# imported where a job needs them, so a plain data-quality job (and every worker process) starts fast.


def run(contract: MonitorContract) -> Outcome:
    if not contract.is_leader:
        return Outcome(Status.COMPLETED.says("Job completed successfully; this host is not the leader and wrote no report."))
    if contract.analysis_type == "MODEL_QUALITY":
        from container.jobs.inputs import read_config
        from container.jobs.model_quality import run_model_quality
        from container.model_quality_settings import model_quality_settings

        config = read_config(contract, None)
        settings = model_quality_settings(dict(contract.model_quality_env), config.model_quality)
        return upload(contract, run_model_quality(contract, config, settings))
    baseline, config = read_inputs(contract)
    if contract.is_baseline_job:
        from container.jobs.baseline import baseline_job

        return upload(contract, baseline_job(contract, config))
    from container.jobs.data_quality import monitoring_job

    return upload(contract, monitoring_job(contract, config, baseline))
