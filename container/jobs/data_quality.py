"""The data-quality monitoring job: a window against a data-quality baseline, with the optional steps
(statistical drift, an expectation suite, fairness) the settings ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.bias.report import BiasReport
from analyzers.evaluate import FeatureResult, evaluate
from analyzers.findings import CheckType, Finding
from analyzers.quality.columns import extra_columns, missing_columns, width_mismatch
from container.contract import STATISTICS_FILE, FormatKind, MonitorContract
from container.ingest import Ingested, PartReader, ingest
from container.jobs.inputs import Baseline, bias_config
from container.jobs.summary import log_summary, positional
from container.load.rows import KEY_COLUMN
from container.settings import AnalysisConfig, BiasConfig, suite_source
from container.steps import StepResult
from container.steps.expectation_results import SuitePlan
from container.write.cloudwatch import feature_metrics
from container.write.report import (
    Document,
    Outcome,
    bad_record_metrics,
    bad_records,
    finish,
    nothing_to_compare,
    nothing_usable,
    record_counts,
    run_records,
    skipped,
    write_documents,
)
from container.write.statistics import statistics_document


@dataclass(frozen=True, slots=True)
class _Steps:
    """The optional steps of a monitoring job, read and checked before any data is."""

    suite: SuitePlan | None
    bias: BiasConfig | None
    predicted: str | None
    bias_baseline: BiasReport | None
    multivariate: Any = None  # the baseline's multivariate section, decoded (steps.multivariate.parse_section)

    def sample_rows(self, config: AnalysisConfig) -> int | None:
        """Rows to sample for the row-level steps: the larger of their budgets."""
        gx = self.suite is not None and bool(self.suite.gx_items)  # native expectations read every row instead
        budgets = [config.expectations.row_budget if gx else 0, self.bias.row_budget if self.bias else 0]
        budgets.append(config.multivariate.row_budget if config.multivariate else 0)
        return max(budgets) or None


def monitoring_job(
    contract: MonitorContract, config: AnalysisConfig, baseline: Baseline, cluster: PartReader | None = None
) -> Outcome:
    names = config.columns.names or (baseline.names if positional(contract) else None)
    types = {name: baseline.inferred_type(name) for name in baseline.names}
    steps = _steps(contract, config, baseline)  # checked before any data is read
    data = ingest(
        contract,
        config,
        cluster=cluster,
        names=names,
        types=types,
        sample_rows=steps.sample_rows(config),
        seed=config.expectations.seed,
        record_keys=steps.bias is not None and contract.dataset_format.kind is FormatKind.CAPTURE,
        expectations=steps.suite.column_expectations if steps.suite is not None else (),
    )
    log_summary(contract, data)
    bad = bad_records(data, config)
    if not data.rows and record_counts(data).nothing_usable:
        mismatch = width_mismatch(len(names), data.problems.widths, 0) if names and baseline.evaluate_columns else None
        return nothing_usable(contract, data, bad, [mismatch] if mismatch else [])
    if not data.rows:
        return nothing_to_compare(contract, config, data, bad)
    views = baseline.views()
    results = evaluate(views, baseline.constraints, data.profiles)
    drift = StepResult()
    if config.drift is not None:
        from container.steps.drift import drift_step

        evaluating, emitting = {r.name for r in results if r.evaluate}, {r.name for r in results if r.emit_metrics}
        drift = drift_step(views, data.profiles, _predictions(contract, config, baseline), config.drift, evaluating, emitting)
    row_steps = _row_steps(contract, config, steps, data, types)
    features = [(data.profiles[name], baseline.inferred_type(name)) for name in baseline.names if name in data.profiles]
    documents = drift.documents + row_steps.documents + (Document(STATISTICS_FILE, statistics_document(data.rows, features)),)
    write_documents(contract, documents)
    findings = _findings(config, baseline, data, names, results) + list(drift.findings + row_steps.findings)
    metrics = feature_metrics(results, data.profiles) + list(drift.metrics) + bad_record_metrics(bad) + list(row_steps.metrics)
    note = skipped(data.problems.total) + row_steps.note
    return finish(contract, findings + ([bad] if bad else []), metrics, note, records=run_records(data))


def _steps(contract: MonitorContract, config: AnalysisConfig, baseline: Baseline) -> _Steps:
    suite = None
    if (source := suite_source(contract, config)) is not None:
        from container.steps.expectations import load_suite

        types = {name: baseline.inferred_type(name) for name in baseline.names}
        suite = load_suite(source, types, config.expectations.native)
    bias = bias_config(contract, config)
    predicted = _predicted_column(contract, config, baseline, bias)
    bias_baseline = None
    if bias is not None:
        from container.steps.bias import check_columns, read_baseline_report

        check_columns(bias, list(baseline.names), predicted)
        bias_baseline = read_baseline_report(bias.baseline) if bias.baseline else None
    multivariate = None
    if config.multivariate is not None:
        from container.load.baseline import read_section
        from container.steps.multivariate import SECTION, parse_section

        section = read_section(contract.baseline_constraints, SECTION) if contract.baseline_constraints else None
        multivariate = parse_section(section)
    return _Steps(suite, bias, predicted, bias_baseline, multivariate)


def _findings(
    config: AnalysisConfig, baseline: Baseline, data: Ingested, names: tuple[str, ...] | None, results: list[FeatureResult]
) -> list[Finding]:
    """Column presence and AWS's per-feature checks (where evaluated)."""
    findings = _column_findings(baseline, data, names) if baseline.evaluate_columns else []
    for r in results:
        if r.evaluate:
            # With a drift section, the statistical rule decides drift; AWS's distance stays a metric.
            findings += [f for f in r.findings if config.drift is None or f.check_type is not CheckType.BASELINE_DRIFT]
    return findings


def _row_steps(
    contract: MonitorContract, config: AnalysisConfig, steps: _Steps, data: Ingested, types: dict[str, Any]
) -> StepResult:
    """The steps over the row sample: the expectation suite, multivariate drift, then fairness."""
    result = StepResult()
    if steps.suite is not None:
        from analyzers.quality.native_expectations import TableFacts
        from container.steps.expectations import run_expectations
        from container.steps.sample_frame import window_frame

        frame = None
        if steps.suite.gx_items:
            sample = data.sample.table if data.sample is not None else None
            # The suite sees the dataset's columns only: the record key the bias step joins labels on is ours,
            # and a table expectation (expect_table_columns_to_match_set) would count it as a column of the data.
            frame = window_frame(sample, types).drop(columns=KEY_COLUMN, errors="ignore")
        facts = TableFacts(tuple(data.profiles), data.rows)
        result += run_expectations(steps.suite, data.expectations, facts, types, frame, config.expectations.seed)
    if config.multivariate is not None:
        from container.steps.multivariate import multivariate_step

        sample = data.sample.table if data.sample is not None else None
        result += multivariate_step(steps.multivariate, sample, types, config.multivariate)
    if steps.bias is not None:
        from container.steps.bias import monitor_bias

        result += monitor_bias(contract, steps.bias, data, types, steps.predicted, steps.bias_baseline)
    return result


def _predicted_column(
    contract: MonitorContract, config: AnalysisConfig, baseline: Baseline, bias: BiasConfig | None
) -> str | None:
    if bias is None:
        return None
    if bias.predicted_label is not None:
        return bias.predicted_label
    outputs = sorted(_predictions(contract, config, baseline), key=list(baseline.names).index)
    return outputs[0] if outputs else None


def _predictions(contract: MonitorContract, config: AnalysisConfig, baseline: Baseline) -> set[str]:
    """The model's output columns: named in the analysis config, else (AWS's positional mapping of
    endpoint capture) the baseline's first feature."""
    if config.columns.output:
        return set(config.columns.output)
    fmt = contract.dataset_format
    if fmt.kind is FormatKind.CAPTURE and "endpointOutput" in fmt.capture_parts and baseline.names:
        return {baseline.names[0]}
    return set()


def _column_findings(baseline: Baseline, data: Ingested, names: tuple[str, ...] | None) -> list[Finding]:
    if names is not None:
        mismatch = width_mismatch(len(names), data.problems.widths, data.rows)
        if mismatch is not None:
            return [mismatch]
    current = list(data.profiles)
    return missing_columns(baseline.names, current) + extra_columns(baseline.names, current)
