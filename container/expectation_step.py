"""The expectation-suite step: find the suite, check it before any data is read, validate the sampled
rows, and turn failed expectations into ``expectation_check`` violations and metrics."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from analyzers.findings import CheckType, Finding
from analyzers.quality.expectations import ExpectationOutcome, SuiteError, check_suite, validate
from analyzers.types import InferredType
from container.config import AnalysisConfig
from container.contract import MonitorContract
from container.errors import ConfigError
from container.remote import read_s3_text
from container.write.cloudwatch import Metric


@dataclass(frozen=True, slots=True)
class ExpectationRun:
    findings: list[Finding]
    result: dict[str, Any]
    metrics: list[Metric]
    note: str


def load_suite(contract: MonitorContract, config: AnalysisConfig, columns: list[str]) -> dict[str, Any] | None:
    """The configured suite (env ``expectation_suite`` first, then the analysis config), checked."""
    source = contract.expectation_suite or config.expectations.suite
    if source is None:
        return None
    try:
        text = read_s3_text(source) if source.startswith("s3://") else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"expectation suite {source!r} cannot be read ({exc.__class__.__name__}); check the path.") from None
    try:
        suite = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"expectation suite {source!r} is not valid JSON ({exc.msg}, line {exc.lineno}).") from None
    try:
        check_suite(suite, columns)
    except SuiteError as exc:
        raise ConfigError(f"expectation suite {source!r}: {exc}") from None
    return suite  # type: ignore[no-any-return]


def window_frame(sample: pa.Table | None, types: dict[str, InferredType]) -> pd.DataFrame:
    """The sampled rows as pandas, typed by the baseline: numbers as floats (a value that is not a
    number becomes missing), everything else as text."""
    if sample is None:
        return pd.DataFrame({name: pd.Series(dtype="float64") for name in types})
    frame = {}
    for name in sample.column_names:
        column = sample.column(name).to_pandas()
        if types.get(name, InferredType.STRING).is_numeric:
            frame[name] = pd.to_numeric(column, errors="coerce").astype("float64")
        else:
            frame[name] = column.astype(object).where(column.notna(), None)
    return pd.DataFrame(frame)


def run_expectations(suite: dict[str, Any], frame: pd.DataFrame, total_rows: int, seed: int) -> ExpectationRun:
    outcomes, full = validate(suite, frame)
    sampled = len(frame) < total_rows
    full["sample"] = {"rows": len(frame), "of_rows": total_rows, "seed": seed, "sampled": sampled}
    findings = [_finding(o, len(frame), total_rows) for o in outcomes if not o.success]
    evaluated = len(outcomes)
    metrics = [Metric("expectation_success_ratio", value=(evaluated - len(findings)) / evaluated if evaluated else 1.0)]
    metrics += [
        Metric(f"expectation_unexpected_{o.type}_{o.column or 'table'}", value=o.unexpected_percent / 100)
        for o in outcomes
        if not o.success and o.unexpected_percent is not None and math.isfinite(o.unexpected_percent)
    ]
    note = f" Expectations validated on a uniform sample of {len(frame)} of {total_rows} rows (seed {seed})." if sampled else ""
    return ExpectationRun(findings, full, metrics, note)


def _finding(o: ExpectationOutcome, rows: int, total: int) -> Finding:
    if o.error:
        observed = f"could not be evaluated: {o.error[:200]}"
    elif o.unexpected_percent is not None:
        observed = f"{o.unexpected_percent}% of {o.element_count} values unexpected ({o.unexpected_count})"
    else:
        observed = "not met"
    return Finding(
        check_type=CheckType.EXPECTATION,
        feature=o.column,
        violated=True,
        description=f"Expectation {o.type}({o.arguments}) failed: {observed}.",
        statistic=o.unexpected_percent,
        extra=(
            ("expectation_type", o.type),
            ("unexpected_count", o.unexpected_count),
            ("unexpected_percent", o.unexpected_percent),
            ("element_count", o.element_count),
            ("rows_validated", rows),
            ("rows_in_window", total),
        ),
    )
