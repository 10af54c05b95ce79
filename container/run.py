"""One monitoring or baseline job, from a contract to written outputs and a status message."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
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
from container.errors import ClientError, ConfigError
from container.ingest import Ingested, ingest
from container.job_inputs import Baseline, bias_config, read_baseline, read_config
from container.load.ground_truth import read_labels
from container.load.rows import KEY_COLUMN
from container.publish import put_metric_data
from container.write._json import dumps
from container.write.atomic import write_text
from container.write.cloudwatch import Metric, dimensions, drift_metrics, feature_metrics, records
from container.write.constraints import constraints_document
from container.write.drift_report import drift_report_document
from container.write.statistics import statistics_document
from container.write.upload import upload_reports
from container.write.violations import violations_document

if TYPE_CHECKING:
    from container.bias_step import BiasRun

# The expectation, fairness and model-quality steps import pandas, scipy and Great Expectations: they are
# imported where a job needs them, so a plain data-quality job (and every worker process) starts fast.

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    message: str
    violations: int = 0


def run(contract: MonitorContract) -> Outcome:
    if not contract.is_leader:
        return Outcome("Completed: Job completed successfully; this host is not the leader and wrote no report.")
    if contract.analysis_type == "MODEL_QUALITY":
        from container.model_quality_job import run_model_quality, settings_from_env

        config = read_config(contract, None)
        settings = settings_from_env(dict(contract.model_quality_env), config.model_quality)
        quality = run_model_quality(contract, config, settings)
        outcome = Outcome(quality.message + _publish(contract, quality.metrics), quality.violations)
        return _upload(contract, outcome)
    baseline, embedded_config = read_baseline(contract)
    config = read_config(contract, embedded_config)
    if contract.is_baseline_job:
        outcome = _baseline_job(contract, config)
    else:
        outcome = _monitoring_job(contract, config, baseline)
    return _upload(contract, outcome)


def _upload(contract: MonitorContract, outcome: Outcome) -> Outcome:
    if contract.report_s3_uri is None:
        return outcome
    when = contract.end_time or datetime.now(UTC)
    files = sorted(p for p in contract.output_path.glob("*.json") if p.is_file())
    failure = upload_reports(contract.report_s3_uri, when, files)
    return outcome if failure is None else Outcome(outcome.message + " " + failure, outcome.violations)


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
    if not data.rows:
        return _empty(contract, config, data)
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
    return Outcome("Completed: Job completed successfully with no violations." + _bad_note(data))


def _monitoring_job(contract: MonitorContract, config: AnalysisConfig, baseline: Baseline) -> Outcome:
    names = config.columns.names or (baseline.names if _positional(contract) else None)
    types = {name: baseline.inferred_type(name) for name in baseline.names}
    suite = None
    if contract.expectation_suite or config.expectations.suite:
        from container.expectation_step import load_suite

        suite = load_suite(contract, config, list(baseline.names))  # checked before any data is read
    bias = bias_config(contract, config)
    predicted = _predicted_column(contract, config, baseline, bias)
    bias_baseline = None
    if bias is not None:
        from container.bias_step import check_columns, read_baseline_report

        check_columns(bias, list(baseline.names), predicted)
        bias_baseline = read_baseline_report(bias.baseline) if bias.baseline else None
    budgets = [config.expectations.row_budget if suite is not None else 0, bias.row_budget if bias else 0]
    data = ingest(
        contract,
        config,
        names=names,
        types=types,
        sample_rows=max(budgets) or None,
        seed=config.expectations.seed,
        record_keys=bias is not None and contract.dataset_format.kind is FormatKind.CAPTURE,
    )
    _log_summary(contract, data)
    if not data.rows and not data.problems.widths:
        return _empty(contract, config, data)
    views = baseline.views()
    results = evaluate(views, baseline.constraints, data.profiles)
    verdicts = []
    if config.drift is not None:
        verdicts = statistical_drift(views, data.profiles, _predictions(contract, config, baseline), config.drift)
        write_text(contract.output_path / DRIFT_REPORT_FILE, dumps(drift_report_document(verdicts, config.drift)))
    findings = _column_findings(baseline, data, names) if baseline.evaluate_columns else []
    evaluating = {r.name for r in results if r.evaluate}
    for r in results:
        if r.evaluate:
            # With a drift section, the statistical rule decides drift; AWS's distance stays a metric.
            findings += [f for f in r.findings if config.drift is None or f.check_type is not CheckType.BASELINE_DRIFT]
    findings += [f for f in drift_findings(verdicts) if f.feature in evaluating]
    expectations = None
    if suite is not None:
        from container.expectation_step import run_expectations, window_frame

        sample = data.sample.table if data.sample is not None else None
        expectations = run_expectations(suite, window_frame(sample, types), data.rows, config.expectations.seed)
        write_text(contract.output_path / EXPECTATION_RESULTS_FILE, dumps(expectations.result))
        findings += expectations.findings
    bias_run = None
    if bias is not None:
        bias_run = _bias(contract, bias, data, types, predicted, bias_baseline)
        write_text(contract.output_path / BIAS_REPORT_FILE, dumps(bias_run.report))
        findings += bias_run.findings
    features = [(data.profiles[name], baseline.inferred_type(name)) for name in baseline.names if name in data.profiles]
    write_text(contract.statistics_file, dumps(statistics_document(data.rows, features)))
    document = violations_document(findings)
    write_text(contract.violations_file, dumps(document))
    extra_metrics = (expectations.metrics if expectations else []) + (bias_run.metrics if bias_run else [])
    extra_metrics.append(Metric("constraint_violations", value=float(len(document["violations"]))))
    note = _bad_note(data) + (expectations.note if expectations else "") + (bias_run.note if bias_run else "")
    note += _metrics(contract, results, verdicts, data, extra_metrics)
    count = len(document["violations"])
    if count:
        return Outcome(f"CompletedWithViolations: Job completed successfully with {count} violations." + note, count)
    return Outcome("Completed: Job completed successfully with no violations." + note)


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


def _metrics(
    contract: MonitorContract, results: list[FeatureResult], verdicts: list[DriftVerdict], data: Ingested, extra: list[Metric]
) -> str:
    emitting = {r.name for r in results if r.emit_metrics}
    return _publish(contract, feature_metrics(results, data.profiles) + drift_metrics(verdicts, emitting) + extra)


def _publish(contract: MonitorContract, metrics: list[Metric]) -> str:
    """Write the metrics file and publish if asked; a note for the message when publishing failed."""
    if not (contract.publish_cloudwatch or contract.cloudwatch_namespace):
        return ""
    when = contract.end_time or contract.start_time or datetime.now(UTC).replace(second=0, microsecond=0)
    lines = records(metrics, when, dimensions(contract.endpoint_name, contract.schedule_name))
    if contract.publish_cloudwatch:
        write_text(contract.metrics_file, "".join(dumps(r, pretty=False) + "\n" for r in lines))
    if contract.cloudwatch_namespace and lines:
        failure = put_metric_data(contract.cloudwatch_namespace, lines)
        if failure:
            return f" Metrics were not published: {failure}"
    return ""


def _column_findings(baseline: Baseline, data: Ingested, names: tuple[str, ...] | None) -> list[Finding]:
    if names is not None:
        mismatch = width_mismatch(len(names), data.problems.widths, data.rows)
        if mismatch is not None:
            return [mismatch]
    current = list(data.profiles)
    return missing_columns(baseline.names, current) + extra_columns(baseline.names, current)


def _empty(contract: MonitorContract, config: AnalysisConfig, data: Ingested) -> Outcome:
    window = ""
    if contract.start_time or contract.end_time:
        start, end = (f"{t:%Y-%m-%dT%H:%M:%SZ}" if t else "..." for t in (contract.start_time, contract.end_time))
        window = f" in the window [{start}, {end})"
    what = f"No records to analyse{window}: {data.files} file(s), {data.records_read} record(s) read."
    if config.empty_window == "fail":
        raise ClientError(what + " Check data capture, or set empty_window to 'complete' in the analysis config.")
    write_text(contract.statistics_file, dumps(statistics_document(0, [])))
    if not contract.is_baseline_job:
        write_text(contract.violations_file, dumps(violations_document([])))
    return Outcome(f"Completed: {what} Nothing was compared." + _bad_note(data))


def _bad_note(data: Ingested) -> str:
    bad = data.problems.total
    return f" {bad} bad record(s) skipped; see the log." if bad else ""


def _log_summary(contract: MonitorContract, data: Ingested) -> None:
    rate = data.records_read / data.seconds if data.seconds else 0.0
    lines = [
        "---- summary ----",
        f"job: {'baseline' if contract.is_baseline_job else 'monitoring'}; format: {contract.dataset_format.kind}",
        f"files: {data.files}; records read: {data.records_read}; kept: {data.records_kept}; rows: {data.rows}",
        f"columns: {len(data.profiles)}; time: {data.seconds:.1f} s; {rate:,.0f} records/s",
    ]
    if data.problems.total:
        lines.append(f"skipped ({data.problems.total}):")
        lines.extend("  " + line for line in data.problems.lines())
    for line in lines:
        log.info(line)
