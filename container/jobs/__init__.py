"""The jobs, and which one a contract asks for.

Every job is a short sequence of stages: read the inputs (baseline, settings) → ingest the window →
profile → steps → report (``write.report``, the only writer). ``baseline`` suggests a data-quality
baseline; ``data_quality`` monitors a window against one; ``model_quality`` does both for AWS's
model-quality jobs (``analysis_type=MODEL_QUALITY``), ``explainability`` for feature attribution drift
(``analysis_type=MODEL_EXPLAINABILITY``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from container.contract import MonitorContract
from container.ingest import PartReader
from container.jobs.inputs import Baseline, read_inputs
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
    if contract.analysis_type == "MODEL_EXPLAINABILITY":
        from container.jobs.explainability import run_explainability
        from container.jobs.inputs import explainability_inputs

        config, settings = explainability_inputs(contract)
        return _finish(contract, config, run_explainability(contract, config, settings, cluster))
    baseline, config = read_inputs(contract)
    if contract.is_baseline_job:
        from container.jobs.baseline import baseline_job

        return _finish(contract, config, baseline_job(contract, config, cluster))
    from container.jobs.data_quality import monitoring_job

    outcome = monitoring_job(contract, config, baseline, cluster)
    if config.traffic.per_model is not None:
        outcome = _per_model(contract, config, baseline, cluster, outcome)
    return _finish(contract, config, outcome)


def _per_model(
    contract: MonitorContract, config: AnalysisConfig, baseline: Baseline, cluster: PartReader | None, whole: Outcome
) -> Outcome:
    """The window of a multi-model endpoint, once more per model (``traffic.per_model``): each model's outputs in
    ``<output_path>/<key>=<model>/``, its metrics in the same file with a ``<key>`` dimension. The whole
    window's outputs stay where SageMaker reads them; the message adds each model's count."""
    from container.jobs.data_quality import monitoring_job

    key, models = config.traffic.per_model or ("", ())
    said = []
    for model in models:
        one = replace(contract, output_path=contract.output_path / f"{key}={_folder_name(model)}", model_dimension=(key, model))
        settings = replace(config, traffic=config.traffic.only(model))
        outcome = write_pages(one, settings, monitoring_job(one, settings, baseline, cluster))
        said.append(f"{model}: {outcome.violations} violation(s)")
    return replace(whole, message=f"{whole.message} Per model ({key}): {'; '.join(said)}.")


def _folder_name(model: str) -> str:
    """A model name as one folder name (an S3 key part too): anything but letters, digits, '.', '-' and '_' as '_'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", model)[:200] or "_"


def _finish(contract: MonitorContract, config: AnalysisConfig, outcome: Outcome) -> Outcome:
    """After the job's own outputs: the pages, the user's post-analytics script, then the upload of it all."""
    return upload(contract, post_analytics(contract, write_pages(contract, config, outcome)))
