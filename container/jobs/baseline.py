"""The data-quality baseline job (``suggest_baseline``): statistics, suggested constraints, a suggested
Great Expectations suite and, with a bias config, the baseline's bias report."""

from __future__ import annotations

from analyzers.profile import FeatureProfile
from analyzers.quality.suggest_suite import suggest_suite
from analyzers.suggest import infer_type, suggest
from analyzers.types import InferredType
from container.contract import CONSTRAINTS_FILE, STATISTICS_FILE, SUITE_FILE, MonitorContract
from container.ingest import Ingested, PartReader, ingest
from container.jobs.inputs import bias_config
from container.jobs.summary import log_summary
from container.settings import AnalysisConfig
from container.write.constraints import constraints_document
from container.write.report import (
    NO_VIOLATIONS,
    Document,
    Outcome,
    bad_records,
    nothing_to_compare,
    refuse_bad_baseline,
    run_records,
    skipped,
    write_documents,
)
from container.write.statistics import statistics_document


def baseline_job(contract: MonitorContract, config: AnalysisConfig, cluster: PartReader | None = None) -> Outcome:
    bias = bias_config(contract, config)
    multivariate = config.multivariate
    budgets = [bias.row_budget if bias else 0, multivariate.row_budget if multivariate else 0]
    data = ingest(
        contract,
        config,
        cluster=cluster,
        names=config.columns.names,
        types=None,
        sample_rows=max(budgets) or None,
        seed=bias.seed if bias else (multivariate.seed if multivariate else 0),
    )
    log_summary(contract, data)
    refuse_bad_baseline(bad_records(data, config))
    if not data.rows:
        return nothing_to_compare(contract, config, data, None)
    # The bias config's label is ground truth: it never appears in captured data, so it is no feature.
    profiles = [p for name, p in data.profiles.items() if bias is None or name != bias.label]
    inferred = {p.name: infer_type(p.types) for p in data.profiles.values()}
    constraints = suggest(profiles, {p.name: inferred[p.name] for p in profiles})
    suite = suggest_suite(list(zip(profiles, constraints.features, strict=True)), name="suggested-from-baseline")
    documents = [
        Document(STATISTICS_FILE, statistics_document(data.rows, [(p, inferred[p.name]) for p in profiles])),
        Document(CONSTRAINTS_FILE, constraints_document(constraints) | _multivariate(data, profiles, inferred, config)),
        Document(SUITE_FILE, suite),
    ]
    if bias is not None:
        from container.steps.bias import labelled_frame, run_bias
        from container.steps.sample_frame import window_frame

        frame = window_frame(data.sample.table if data.sample else None, inferred)
        labelled, _ = labelled_frame(frame, None, bias)
        documents += run_bias(labelled, bias, bias.predicted_label, None).documents
    write_documents(contract, documents)
    return Outcome(NO_VIOLATIONS + skipped(data.problems.total), records=run_records(data))


def _multivariate(
    data: Ingested, profiles: list[FeatureProfile], inferred: dict[str, InferredType], config: AnalysisConfig
) -> dict:
    """The multivariate drift model, as the constraints' ``multivariate`` section (none without the config's)."""
    if config.multivariate is None:
        return {}
    from container.steps.multivariate import SECTION, fit_section

    features = config.multivariate.features or tuple(p.name for p in profiles)
    sample = data.sample.table if data.sample else None
    return {SECTION: fit_section(sample, inferred, config.multivariate, features)}
