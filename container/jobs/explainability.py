"""The feature-attribution job (``analysis_type=MODEL_EXPLAINABILITY``): Clarify's explainability monitor.

Baseline: the dataset's sampled rows are explained (Kernel SHAP through a model endpoint, or the attributions
the model captured itself) and their global attributions written as Clarify's ``analysis.json``, with the
background used. Monitoring: the window's sampled rows are explained the same way and judged against that
file (or one Clarify wrote), given as ``baseline_constraints`` as AWS's job definitions pass it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa

from analyzers.attribution.background import background as computed_background
from container.contract import ATTRIBUTION_FILE, EXPLAINABILITY_REPORT_FILE, FormatKind, MonitorContract
from container.endpoint_model import EndpointModel
from container.errors import BaselineError, ClientError, ConfigError
from container.explainability_settings import ExplainabilitySettings
from container.ingest import PartReader, ingest
from container.load.attribution_baseline import AttributionBaseline, analysis_document, read_attribution_baseline
from container.load.rows import KEY_COLUMN
from container.settings import AnalysisConfig
from container.sources import read_text
from container.steps.attribution import check_features, compare, report, window_values
from container.steps.attribution_sources import Attributions, from_capture, from_endpoint
from container.write.message import Status
from container.write.report import (
    NO_VIOLATIONS,
    Document,
    Outcome,
    bad_record_metrics,
    bad_records,
    finish,
    refuse_bad_baseline,
    run_records,
    skipped,
    write_documents,
)

BACKGROUND_SAMPLE = 2_000  # rows a baseline computes its background from (K-means), beside those it explains


def run_explainability(
    contract: MonitorContract, config: AnalysisConfig, settings: ExplainabilitySettings, cluster: PartReader | None = None
) -> Outcome:
    baseline = None if contract.is_baseline_job else _read_baseline(contract, settings)
    capture = contract.dataset_format.kind is FormatKind.CAPTURE
    if capture:  # the inputs to explain, or the output that holds the attributions
        part = "endpointOutput" if settings.source == "capture" else "endpointInput"
        contract = replace(contract, dataset_format=replace(contract.dataset_format, capture_parts=(part,)))
    own_names = contract.dataset_format.header or settings.source == "capture"
    sample_rows = settings.row_budget
    if baseline is None and settings.source == "endpoint" and settings.background is None:
        sample_rows = max(sample_rows, BACKGROUND_SAMPLE)
    names = None if own_names else settings.headers
    data = ingest(contract, config, names, types=None, sample_rows=sample_rows, seed=settings.seed, cluster=cluster)
    table = data.sample.table if data.sample is not None else None
    bad = bad_records(data, config)
    if baseline is None:
        refuse_bad_baseline(bad)
    if table is None or table.num_rows == 0:
        return _nothing_to_explain(contract, data, bad)
    found = _attributions(contract, settings, table, baseline)
    if baseline is None:
        said = _write_baseline(contract, settings, found, config.limits.bad_record_share)
        return Outcome(said + skipped(data.problems.total), records=run_records(data))
    result = compare(found, baseline, settings, config.limits.bad_record_share)
    write_documents(contract, list(result.documents))
    note = result.note + skipped(data.problems.total)
    findings = [*result.findings, *([bad] if bad else [])]
    return finish(contract, findings, [*result.metrics, *bad_record_metrics(bad)], note, records=run_records(data))


def _read_baseline(contract: MonitorContract, settings: ExplainabilitySettings) -> AttributionBaseline:
    if contract.baseline_constraints is None:
        raise BaselineError(
            "a feature-attribution monitoring job reads its baseline from baseline_constraints: point it at the "
            "analysis.json of a baseline job (ours or Clarify's)."
        )
    return read_attribution_baseline(contract.baseline_constraints, settings.label_name)


def _attributions(
    contract: MonitorContract, settings: ExplainabilitySettings, table: pa.Table, baseline: AttributionBaseline | None
) -> Attributions:
    features = _features(settings, table)
    if settings.source == "capture":
        return from_capture(table, features if settings.headers else None, settings)
    if baseline is not None:  # before any endpoint call: a window that cannot be compared is not explained
        check_features(baseline, features)
    rows = _rows(table, features)
    rows = rows[np.random.default_rng(settings.seed).permutation(len(rows))]
    background = _background(settings, features, rows, baseline)
    name = settings.endpoint.name or contract.endpoint_name
    if name is None:
        raise ConfigError(
            "no endpoint to explain the model with: name it in explainability.predictor.endpoint_name (a baseline job "
            "has no sagemaker_endpoint_name)."
        )
    model = EndpointModel(name, features, settings.endpoint)
    return from_endpoint(rows[: settings.row_budget], background, model, settings)


def _features(settings: ExplainabilitySettings, table: pa.Table) -> tuple[str, ...]:
    """The model's inputs: ``headers`` (or the data's columns) without the label."""
    columns = tuple(c for c in table.column_names if c != KEY_COLUMN)
    wanted = settings.headers or columns
    if settings.source == "endpoint":
        absent = [c for c in wanted if c not in columns]
        if absent:
            raise ConfigError(
                f"explainability.headers names {', '.join(absent[:5])}, which the dataset does not have (its columns: "
                f"{', '.join(columns[:10])}); headers name the columns in the data's order."
            )
    return tuple(c for c in wanted if c != settings.label)


def _rows(table: pa.Table, features: tuple[str, ...]) -> np.ndarray:
    columns = [table.column(name).to_pylist() for name in features]
    out = np.empty((table.num_rows, len(features)), dtype=object)
    for j, values in enumerate(columns):
        out[:, j] = values
    return out


def _background(
    settings: ExplainabilitySettings, features: tuple[str, ...], rows: np.ndarray, baseline: AttributionBaseline | None
) -> np.ndarray:
    """The config's background (``methods.shap.baseline``), else the baseline's, else one computed from the rows."""
    if settings.background is not None:
        given = settings.background
        if isinstance(given, str):
            given = _read_background(given, features)
        if any(len(row) != len(features) for row in given):
            raise ConfigError(
                f"methods.shap.baseline has rows of {len(given[0])} values; the model takes {len(features)} features "
                f"({', '.join(features[:10])})."
            )
        return np.array(given, dtype=object)
    if baseline is not None:
        if baseline.background is None:
            raise BaselineError(
                "the baseline analysis.json names no background (Clarify's does not): set methods.shap.baseline in the "
                "explainability config to the rows Clarify's baseline used."
            )
        if baseline.background_headers != features:
            raise BaselineError(
                f"the baseline's background is over {', '.join(baseline.background_headers or ())}, the window's features "
                f"are {', '.join(features)}: name them in explainability.headers as the baseline did."
            )
        return np.array(baseline.background, dtype=object)
    return computed_background(rows, settings.num_clusters, settings.seed)


def _read_background(source: str, features: tuple[str, ...]) -> list[list[Any]]:
    """A background CSV (local or s3://): one row per line, a header line of the feature names allowed."""
    lines = [row for row in csv.reader(io.StringIO(read_text("methods.shap.baseline", source))) if row]
    if lines and tuple(lines[0]) == features:
        lines = lines[1:]
    if not lines:
        raise ConfigError(f"methods.shap.baseline={source!r} holds no rows.")
    return [[v if v != "" else None for v in row] for row in lines]


def _write_baseline(contract: MonitorContract, settings: ExplainabilitySettings, found: Attributions, bad_share: float) -> str:
    if found.explained == 0 or found.unexplained / max(found.sampled, 1) > bad_share:
        raise ClientError(
            f"{found.unexplained} of {found.sampled} baseline row(s) could not be explained, more than "
            f"limits.bad_record_share ({bad_share:.1%}) allows: {'; '.join(found.reasons) or 'no reason recorded'}."
        )
    values = window_values(found, settings)
    background = None
    if found.usage is not None:  # Kernel SHAP: the background the monitoring jobs must use too
        background = (found.names, found.background_rows)
    documents = [
        Document(EXPLAINABILITY_REPORT_FILE, analysis_document(settings.label_name, values, found.expected, background)),
        Document(ATTRIBUTION_FILE, report(found, values, settings, None, None)),
    ]
    write_documents(contract, documents)
    return NO_VIOLATIONS + f" {found.explained} of {found.sampled} sampled row(s) explained."


def _nothing_to_explain(contract: MonitorContract, data: Any, bad: Any) -> Outcome:
    if contract.is_baseline_job:
        raise ClientError(
            f"the baseline dataset has no rows to explain ({data.records_read} record(s) read); check dataset_source."
        )
    quiet = Status.COMPLETED.says("No records in the window; nothing was explained.")
    note = skipped(data.problems.total)
    return finish(contract, [bad] if bad else [], bad_record_metrics(bad), note, records=run_records(data), quiet=quiet)
