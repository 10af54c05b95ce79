"""One monitoring or baseline job, from a contract to written outputs and a status message."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analyzers.drift.report import drift_findings
from analyzers.drift.rule import DriftVerdict
from analyzers.evaluate import FeatureResult, evaluate
from analyzers.findings import CheckType, Finding
from analyzers.quality.columns import extra_columns, missing_columns, width_mismatch
from analyzers.quality.suggest_suite import suggest_suite
from analyzers.suggest import infer_type, suggest
from analyzers.types import InferredType
from container.config import AnalysisConfig, BiasConfig
from container.contract import (
    BIAS_REPORT_FILE,
    DRIFT_REPORT_FILE,
    EXPECTATION_RESULTS_FILE,
    SUITE_FILE,
    FormatKind,
    MonitorContract,
)
from container.drift_step import statistical_drift
from container.errors import ConfigError
from container.ingest import Ingested, ingest
from container.job_inputs import Baseline, bias_config, read_baseline, read_config
from container.load.ground_truth import read_labels
from container.load.rows import KEY_COLUMN
from container.write._json import dumps
from container.write.atomic import write_text
from container.write.cloudwatch import drift_metrics, feature_metrics
from container.write.constraints import constraints_document
from container.write.drift_report import drift_report_document
from container.write.report import (
    NO_VIOLATIONS,
    Outcome,
    bad_record_metrics,
    bad_records,
    finish,
    nothing_to_compare,
    nothing_usable,
    record_counts,
    refuse_bad_baseline,
    skipped,
    upload,
)
from container.write.statistics import statistics_document

if TYPE_CHECKING:
    from container.bias_step import BiasRun
    from container.expectation_step import ExpectationRun

# The expectation, fairness and model-quality steps import pandas, scipy and Great Expectations: they are
# imported where a job needs them, so a plain data-quality job (and every worker process) starts fast.

log = logging.getLogger(__name__)


def run(contract: MonitorContract) -> Outcome:
    if not contract.is_leader:
        return Outcome("Completed: Job completed successfully; this host is not the leader and wrote no report.")
    if contract.analysis_type == "MODEL_QUALITY":
        from container.model_quality_job import run_model_quality, settings_from_env

        config = read_config(contract, None)
        settings = settings_from_env(dict(contract.model_quality_env), config.model_quality)
        return upload(contract, run_model_quality(contract, config, settings))
    baseline, embedded_config = read_baseline(contract)
    config = read_config(contract, embedded_config)
    if contract.is_baseline_job:
        outcome = _baseline_job(contract, config)
    else:
        outcome = _monitoring_job(contract, config, baseline)
    return upload(contract, outcome)


def _positional(contract: MonitorContract) -> bool:
    fmt = contract.dataset_format
    return fmt.kind is FormatKind.CAPTURE or (fmt.kind is FormatKind.CSV and not fmt.header)


def _baseline_job(contract: MonitorContract, config: AnalysisConfig) -> Outcome:
    bias = bias_config(contract, config)
    data = ingest(
        contract,
        config,
        names=config.columns.names,
        types=None,
        sample_rows=bias.row_budget if bias else None,
        seed=bias.seed if bias else 0,
    )
    _log_summary(contract, data)
    refuse_bad_baseline(bad_records(data, config))
    if not data.rows:
        return nothing_to_compare(contract, config, data, None)
    # The bias config's label is ground truth: it never appears in captured data, so it is no feature.
    profiles = [p for name, p in data.profiles.items() if bias is None or name != bias.label]
    inferred = {p.name: infer_type(p.types) for p in data.profiles.values()}
    write_text(contract.statistics_file, dumps(statistics_document(data.rows, [(p, inferred[p.name]) for p in profiles])))
    constraints = suggest(profiles, {p.name: inferred[p.name] for p in profiles})
    write_text(contract.constraints_file, dumps(constraints_document(constraints)))
    suite = suggest_suite(list(zip(profiles, constraints.features, strict=True)), name="suggested-from-baseline")
    write_text(contract.output_path / SUITE_FILE, dumps(suite))
    if bias is not None:
        from container.bias_step import labelled_frame, run_bias
        from container.expectation_step import window_frame

        frame = window_frame(data.sample.table if data.sample else None, inferred)
        labelled, _ = labelled_frame(frame, None, bias)
        report = run_bias(labelled, bias, bias.predicted_label, None).report
        write_text(contract.output_path / BIAS_REPORT_FILE, dumps(report))
    return Outcome(NO_VIOLATIONS + skipped(data.problems.total))


@dataclass(frozen=True, slots=True)
class _Steps:
    """The optional steps of a monitoring job, read and checked before any data is."""

    suite: dict[str, Any] | None
    bias: BiasConfig | None
    predicted: str | None
    bias_baseline: dict[str, Any] | None

    def sample_rows(self, config: AnalysisConfig) -> int | None:
        """Rows to sample for the row-level steps: the larger of their budgets."""
        budgets = [config.expectations.row_budget if self.suite is not None else 0, self.bias.row_budget if self.bias else 0]
        return max(budgets) or None


def _monitoring_job(contract: MonitorContract, config: AnalysisConfig, baseline: Baseline) -> Outcome:
    names = config.columns.names or (baseline.names if _positional(contract) else None)
    types = {name: baseline.inferred_type(name) for name in baseline.names}
    steps = _steps(contract, config, baseline)  # checked before any data is read
    data = ingest(
        contract,
        config,
        names=names,
        types=types,
        sample_rows=steps.sample_rows(config),
        seed=config.expectations.seed,
        record_keys=steps.bias is not None and contract.dataset_format.kind is FormatKind.CAPTURE,
    )
    _log_summary(contract, data)
    bad = bad_records(data, config)
    if not data.rows and record_counts(data).nothing_usable:
        mismatch = width_mismatch(len(names), data.problems.widths, 0) if names and baseline.evaluate_columns else None
        return nothing_usable(contract, data, bad, [mismatch] if mismatch else [])
    if not data.rows:
        return nothing_to_compare(contract, config, data, bad)
    views = baseline.views()
    results = evaluate(views, baseline.constraints, data.profiles)
    verdicts = []
    if config.drift is not None:
        verdicts = statistical_drift(views, data.profiles, _predictions(contract, config, baseline), config.drift)
        write_text(contract.output_path / DRIFT_REPORT_FILE, dumps(drift_report_document(verdicts, config.drift)))
    findings = _findings(config, baseline, data, names, results, verdicts)
    expectations, bias_run = _optional_steps(contract, config, steps, data, types)
    features = [(data.profiles[name], baseline.inferred_type(name)) for name in baseline.names if name in data.profiles]
    write_text(contract.statistics_file, dumps(statistics_document(data.rows, features)))
    emitting = {r.name for r in results if r.emit_metrics}
    metrics = feature_metrics(results, data.profiles) + drift_metrics(verdicts, emitting) + bad_record_metrics(bad)
    note = skipped(data.problems.total)
    for step in (s for s in (expectations, bias_run) if s is not None):
        findings, metrics, note = findings + step.findings, metrics + step.metrics, note + step.note
    return finish(contract, findings + ([bad] if bad else []), metrics, note)


def _steps(contract: MonitorContract, config: AnalysisConfig, baseline: Baseline) -> _Steps:
    suite = None
    if contract.expectation_suite or config.expectations.suite:
        from container.expectation_step import load_suite

        suite = load_suite(contract, config, list(baseline.names))
    bias = bias_config(contract, config)
    predicted = _predicted_column(contract, config, baseline, bias)
    bias_baseline = None
    if bias is not None:
        from container.bias_step import check_columns, read_baseline_report

        check_columns(bias, list(baseline.names), predicted)
        bias_baseline = read_baseline_report(bias.baseline) if bias.baseline else None
    return _Steps(suite, bias, predicted, bias_baseline)


def _findings(
    config: AnalysisConfig,
    baseline: Baseline,
    data: Ingested,
    names: tuple[str, ...] | None,
    results: list[FeatureResult],
    verdicts: list[DriftVerdict],
) -> list[Finding]:
    """Column presence, AWS's per-feature checks (where evaluated) and the statistical drift rule's."""
    findings = _column_findings(baseline, data, names) if baseline.evaluate_columns else []
    evaluating = {r.name for r in results if r.evaluate}
    for r in results:
        if r.evaluate:
            # With a drift section, the statistical rule decides drift; AWS's distance stays a metric.
            findings += [f for f in r.findings if config.drift is None or f.check_type is not CheckType.BASELINE_DRIFT]
    return findings + [f for f in drift_findings(verdicts) if f.feature in evaluating]


def _optional_steps(
    contract: MonitorContract, config: AnalysisConfig, steps: _Steps, data: Ingested, types: dict[str, InferredType]
) -> tuple[ExpectationRun | None, BiasRun | None]:
    expectations = None
    if steps.suite is not None:
        from container.expectation_step import run_expectations, window_frame

        sample = data.sample.table if data.sample is not None else None
        expectations = run_expectations(steps.suite, window_frame(sample, types), data.rows, config.expectations.seed)
        write_text(contract.output_path / EXPECTATION_RESULTS_FILE, dumps(expectations.result))
    bias_run = None
    if steps.bias is not None:
        bias_run = _bias(contract, steps.bias, data, types, steps.predicted, steps.bias_baseline)
        write_text(contract.output_path / BIAS_REPORT_FILE, dumps(bias_run.report))
    return expectations, bias_run


def _bias(
    contract: MonitorContract,
    bias: BiasConfig,
    data: Ingested,
    types: dict[str, InferredType],
    predicted: str | None,
    baseline_report: dict[str, Any] | None,
) -> BiasRun:
    source = contract.ground_truth_source or bias.ground_truth
    if source is None:
        raise ConfigError(
            "bias monitoring needs ground truth: set env ground_truth_source (or bias.ground_truth) to the labels' "
            "folder or s3:// prefix."
        )
    from container.bias_step import BiasRun, labelled_frame, run_bias
    from container.expectation_step import window_frame

    labels = read_labels(source, contract.start_time, contract.end_time, bias.label_delay_hours, data.problems)
    frame = window_frame(data.sample.table if data.sample else None, types)
    if KEY_COLUMN not in frame:
        raise ConfigError("bias monitoring joins ground truth to endpoint capture; dataset_format must be sagemakerCaptureJson.")
    labelled, note = labelled_frame(frame, labels, bias)
    run = run_bias(labelled, bias, predicted, baseline_report)
    return BiasRun(run.report, run.findings, run.metrics, note)


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


def _log_summary(contract: MonitorContract, data: Ingested) -> None:
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
