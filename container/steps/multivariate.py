"""The multivariate drift step: the baseline job fits it, the monitoring job assesses the window with it.

Both read the seeded row sample (``multivariate.row_budget`` rows at most), typed as the expectations see
columns. The baseline job stores what monitoring needs as the ``multivariate`` section of ``constraints.json``
(plain JSON: the encoding, the principal components with the reference errors, and a sample of baseline rows
for the domain classifier), so it travels wherever the constraints go, SageMaker's processing inputs included.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from analyzers.findings import CheckType, Finding
from analyzers.multivariate.domain_classifier import DomainVerdict, assess_domain_with
from analyzers.multivariate.encoding import Encoding, fit_encoding
from analyzers.multivariate.reconstruction import (
    ReconstructionModel,
    ReconstructionVerdict,
    assess_reconstruction,
    fit_reconstruction,
)
from analyzers.multivariate.settings import MultivariateSettings
from analyzers.types import InferredType
from container.contract import MULTIVARIATE_FILE
from container.errors import BaselineError, ConfigError
from container.load.columns import expectation_column
from container.steps import StepResult
from container.write.cloudwatch import Metric
from container.write.report import Document

SECTION = "multivariate"  # the section of constraints.json
MIN_ROWS = 50  # fewer sampled rows than this on either side give no verdict, and the report says so


Columns = tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]
# The encoding, the reconstruction model and the stored baseline rows (numbers, texts).
MultivariateBaseline = tuple[Encoding, ReconstructionModel, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]]


def sample_columns(sample: pa.Table | None, types: dict[str, InferredType], features: tuple[str, ...]) -> Columns:
    """The sample's features as numbers (float64, NaN missing) and texts (str or None); a feature the sample
    lacks is missing in every row."""
    rows = sample.num_rows if sample is not None else 0
    numbers, texts = {}, {}
    for name in features:
        numeric = types.get(name, InferredType.STRING).is_numeric
        raw = sample.column(name) if sample is not None and name in sample.column_names else pa.nulls(rows)
        typed = expectation_column(raw, numeric)
        if numeric:
            numbers[name] = typed.to_numpy(zero_copy_only=False).astype(np.float64)
        else:
            texts[name] = np.array(typed.to_pylist(), dtype=object)
    return numbers, texts, rows


def fit_section(
    sample: pa.Table | None, types: dict[str, InferredType], settings: MultivariateSettings, features: tuple[str, ...]
) -> dict[str, Any]:
    """The ``multivariate`` section of the baseline's constraints, over ``features``."""
    unknown = [f for f in features if sample is not None and f not in sample.column_names]
    if unknown:
        raise ConfigError(
            f"multivariate.features names {unknown[0]!r}, which the baseline dataset does not have "
            f"(columns: {', '.join(sample.column_names[:20]) if sample is not None else ''}); fix the name or remove it."
        )
    numbers, texts, rows = sample_columns(sample, types, features)
    if rows < MIN_ROWS * 2:
        raise BaselineError(
            f"multivariate: the baseline sample holds {rows} rows; at least {MIN_ROWS * 2} are needed to fit the "
            "multivariate drift model. Baseline on more data, or remove the multivariate section."
        )
    encoding = fit_encoding(numbers, texts, settings.max_levels)
    encoded = encoding.encode(numbers, texts)
    model = fit_reconstruction(encoded, settings.variance_share, settings.seed)
    keep = np.sort(np.random.default_rng(settings.seed).permutation(rows)[: settings.classifier_rows])
    stored = {
        "numbers": {name: [None if math.isnan(v) else float(v) for v in values[keep]] for name, values in numbers.items()},
        "texts": {name: values[keep].tolist() for name, values in texts.items()},
    }
    return {
        "version": 1,
        "rows": rows,
        "encoding": encoding.to_json(),
        "reconstruction": model.to_json(),
        "sample": stored,
    }


def multivariate_step(
    baseline: MultivariateBaseline, sample: pa.Table | None, types: dict[str, InferredType], settings: MultivariateSettings
) -> StepResult:
    """``baseline``: ``parse_section`` of the baseline's section, read before any data was."""
    encoding, model, base = baseline
    numbers, texts, rows = sample_columns(sample, types, encoding.features)
    base_rows = len(next(iter({**base[0], **base[1]}.values()), []))
    doc: dict[str, Any] = {"rows": rows, "baseline_rows": base_rows, "features": list(encoding.features)}
    if rows < MIN_ROWS or base_rows < MIN_ROWS:
        doc["skipped"] = (
            f"too few rows for a multivariate verdict: {rows} in the window's sample, {base_rows} in the "
            f"baseline's; {MIN_ROWS} needed"
        )
        return StepResult(documents=(Document(MULTIVARIATE_FILE, doc),), note=f" Multivariate drift skipped: {doc['skipped']}.")
    window = encoding.encode(numbers, texts)
    findings, metrics = [], []
    if settings.reconstruction:
        verdict = assess_reconstruction(model, window, encoding.owners, settings.level, settings.reconstruction_floor)
        doc["reconstruction"] = _reconstruction_json(verdict)
        metrics += [
            Metric("multivariate_reconstruction_error", value=verdict.mean_error),
            Metric("multivariate_reconstruction_threshold", value=verdict.threshold),
        ]
        findings += [_reconstruction_finding(verdict)] if verdict.drifted else []
    if settings.classifier:
        baseline = encoding.encode(*base)
        domain = assess_domain_with(settings, baseline, window, encoding.owners, settings.seed)
        doc["domain_classifier"] = _domain_json(domain)
        metrics += [
            Metric("multivariate_domain_auc", value=domain.auc),
            Metric("multivariate_domain_auc_threshold", value=domain.threshold),
        ]
        findings += [_domain_finding(domain)] if domain.drifted else []
    return StepResult(tuple(findings), tuple(metrics), (Document(MULTIVARIATE_FILE, doc),))


def parse_section(section: Any) -> MultivariateBaseline:
    """The baseline's section, decoded: a missing or damaged one is refused, naming the fix."""
    fix = "run the baseline job with the same multivariate section in its analysis config, then monitor with its constraints.json"
    if not isinstance(section, dict):
        raise BaselineError(
            f"the analysis config has a multivariate section but baseline_constraints has no '{SECTION}' section; {fix}."
        )
    try:
        encoding = Encoding.from_json(section["encoding"])
        model = ReconstructionModel.from_json(section["reconstruction"])
        stored = section["sample"]
        numbers = {
            k: np.array([math.nan if v is None else v for v in vs], dtype=np.float64) for k, vs in stored["numbers"].items()
        }
        texts = {k: np.array(vs, dtype=object) for k, vs in stored["texts"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(
            f"baseline_constraints: its '{SECTION}' section is damaged ({type(exc).__name__}: {exc}); {fix}."
        ) from None
    if model.center.shape[0] != len(encoding.owners) or set(numbers) | set(texts) != set(encoding.features):
        raise BaselineError(f"baseline_constraints: its '{SECTION}' section does not fit together; {fix}.")
    return encoding, model, (numbers, texts)


def _top(ranked: tuple[tuple[str, float], ...], count: int = 3) -> str:
    return ", ".join(f"{name} ({value:+.3g})" for name, value in ranked[:count])


def _reconstruction_json(v: ReconstructionVerdict) -> dict[str, Any]:
    return {
        "drifted": v.drifted,
        "rows": v.rows,
        "mean_error": v.mean_error,
        "interval_95": list(v.interval),
        "baseline_mean_error": v.reference_mean,
        "threshold": v.threshold,
        "floor": v.floor,
        "components": v.components,
        "feature_contributions": [{"feature": f, "growth": g} for f, g in v.contributions],
    }


def _domain_json(v: DomainVerdict) -> dict[str, Any]:
    return {
        "drifted": v.drifted,
        "rows_per_side": v.rows_per_side,
        "auc": v.auc,
        "null_auc": v.null_mean,
        "threshold": v.threshold,
        "floor": v.floor,
        "feature_importance": [{"feature": f, "auc_drop": d} for f, d in v.importance],
    }


def _reconstruction_finding(v: ReconstructionVerdict) -> Finding:
    return Finding(
        check_type=CheckType.MULTIVARIATE_DRIFT,
        feature=v.contributions[0][0],
        violated=True,
        description=(
            f"Multivariate reconstruction drift: the mean reconstruction error {v.mean_error:.4g} (95% interval "
            f"{v.interval[0]:.4g} to {v.interval[1]:.4g}, {v.rows} rows) exceeds the threshold {v.threshold:.4g} "
            f"(baseline {v.reference_mean:.4g}). The features whose residuals grew most: {_top(v.contributions)}."
        ),
        statistic=v.mean_error,
        threshold=v.threshold,
        extra=(("method", "reconstruction"),),
    )


def _domain_finding(v: DomainVerdict) -> Finding:
    return Finding(
        check_type=CheckType.MULTIVARIATE_DRIFT,
        feature=v.importance[0][0],
        violated=True,
        description=(
            f"Multivariate domain-classifier drift: a classifier tells the window's rows from the baseline's with "
            f"cross-validated AUC {v.auc:.3f} ({v.rows_per_side} rows a side), above the threshold {v.threshold:.3f}. "
            f"The features that separate them most: {_top(v.importance)}."
        ),
        statistic=v.auc,
        threshold=v.threshold,
        extra=(("method", "domain_classifier"),),
    )
