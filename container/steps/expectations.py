"""The expectation-suite step: find the suite, check it before any data is read, take the native results
(every row, evaluated as the window was read) and GX's (the row sample) for the rest, and turn failed
expectations into ``expectation_check`` violations and metrics."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
import pandas as pd

from analyzers.findings import CheckType, Finding
from analyzers.quality.expectations import ExpectationOutcome, SuiteError, outcome
from analyzers.quality.native_expectations import Partial, TableFacts
from analyzers.types import InferredType
from container.contract import EXPECTATION_RESULTS_FILE
from container.documents import NonEmpty, decode, parse_json
from container.errors import ConfigError
from container.settings import Setting
from container.sources import read_text
from container.steps import StepResult
from container.steps.expectation_results import SuitePlan, gx_results, native_results, result_document
from container.steps.gx_setup import check_suite, validate
from container.write.cloudwatch import Metric
from container.write.report import Document


def load_suite(setting: Setting, types: dict[str, InferredType], native: bool = True) -> SuitePlan:
    """The suite a setting names (``inputs.suite_source``), checked against the baseline's columns, and split
    between the native evaluators (``native``: used at all) and GX, which is imported only if it has a part."""
    source = setting.value
    text = read_text(setting.name, source)
    where = f"expectation suite {source!r}"
    suite = parse_json(text, source=where, error=ConfigError)
    check_document(suite, source=where)
    plan = SuitePlan.of(suite, types, native)
    try:
        check_suite(suite, list(types), only=plan.gx_items)
    except SuiteError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return plan


class _Kwargs(msgspec.Struct, frozen=True):
    """The arguments we read ourselves (to check the columns); GE checks the others."""

    column: str | None = None
    column_A: str | None = None  # noqa: N815 - GE's spelling
    column_B: str | None = None  # noqa: N815 - GE's spelling


class _Expectation(msgspec.Struct, frozen=True):
    """One expectation; keys besides these (``meta``, ``notes``, ``severity``...) are checked by GE."""

    type: NonEmpty
    kwargs: _Kwargs


class _Suite(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A GE 1.x suite: every key ``ExpectationSuite`` takes, so an unknown one cannot fail it later."""

    expectations: list[_Expectation]
    name: NonEmpty | None = None
    id: str | None = None
    meta: dict[str, Any] | None = None
    notes: str | list[str] | None = None
    suite_parameters: dict[str, Any] | None = None


def check_document(suite: object, *, source: str) -> None:
    """The suite's shape, before Great Expectations (seconds to import) sees it."""
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise ConfigError(
            f'{source}: the expectation suite must be a JSON object with an "expectations" list (GE 1.x suite JSON).'
        )
    if "expectation_suite_name" in suite:
        raise ConfigError(f"{source} is a Great Expectations 0.x suite (it has 'expectation_suite_name'); {_GE0_FIX}")
    for i, item in enumerate(suite["expectations"]):
        if isinstance(item, dict) and "expectation_type" in item and "type" not in item:
            raise ConfigError(f"{source}: expectations[{i}] has the GE 0.x key 'expectation_type'; {_GE0_FIX}")
    decode(suite, _Suite, source=source, error=ConfigError)
    found = _non_finite(suite)
    if found is not None:
        path, value = found
        raise ConfigError(f"{source}: {path} is {json.dumps(value)}; a finite number is needed (JSON has no NaN or Infinity).")


_GE0_FIX = "GE 1.x names the suite 'name' and each expectation's 'expectation_type' 'type': rename those keys."


def _non_finite(root: object) -> tuple[str, float] | None:
    """The path and value of the first NaN or Infinity in ``root`` (Python's JSON reader accepts them).
    A loop, not recursion: a suite may nest as deep as the JSON reader allowed."""
    stack: list[tuple[str, object]] = [("", root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return path.lstrip("."), node
        if isinstance(node, dict):
            stack += reversed([(f"{path}.{key}", value) for key, value in node.items()])
        elif isinstance(node, list):
            stack += reversed([(f"{path}[{i}]", value) for i, value in enumerate(node)])
    return None


def run_expectations(
    plan: SuitePlan,
    partials: tuple[Partial, ...],
    facts: TableFacts,
    types: dict[str, InferredType],
    frame: pd.DataFrame | None,
    seed: int,
) -> StepResult:
    """``partials``: the native column expectations over every row; ``frame``: the row sample for GX's part
    (None when GX has none)."""
    results = native_results(plan, partials, facts, types)
    gx_full, sampled = None, False
    if plan.gx_items:
        assert frame is not None, "GX's expectations need the row sample"
        _, gx_full = validate(plan.gx_suite(), frame)
        results |= gx_results(gx_full, len(frame), facts.rows, seed)
        sampled = len(frame) < facts.rows
    full = result_document(plan, results, gx_full)
    full["meta"]["sample"] = {  # in meta: GX's own loader takes the document as it is
        "rows": len(frame) if frame is not None else None,  # None: no expectation needed the sample
        "of_rows": facts.rows,
        "seed": seed,
        "sampled": sampled,
        "expectations_on_every_row": len(plan.native),
        "expectations_on_the_sample": len(plan.gx_items),
    }
    outcomes = [outcome(i, r) for i, r in enumerate(full["results"])]
    findings = [_finding(o, r["meta"], facts.rows) for o, r in zip(outcomes, full["results"], strict=True) if not o.success]
    evaluated = len(outcomes)
    metrics = [Metric("expectation_success_ratio", value=(evaluated - len(findings)) / evaluated if evaluated else 1.0)]
    metrics += [
        Metric(f"expectation_unexpected_{o.type}_{o.column or 'table'}", value=o.unexpected_percent / 100)
        for o in outcomes
        if not o.success and o.unexpected_percent is not None and math.isfinite(o.unexpected_percent)
    ]
    note = ""
    if sampled and frame is not None:
        on_sample = f"{len(plan.gx_items)} of {len(outcomes)} expectations" if plan.native else "Expectations"
        rest = "; the others on every row" if plan.native else ""
        note = f" {on_sample} validated on a uniform sample of {len(frame)} of {facts.rows} rows (seed {seed}){rest}."
    return StepResult(tuple(findings), tuple(metrics), (Document(EXPECTATION_RESULTS_FILE, full),), note)


def _finding(o: ExpectationOutcome, covered: dict[str, Any], total: int) -> Finding:
    if o.error:
        observed = f"could not be evaluated: {o.error[:200]}"
    elif o.unexpected_percent is not None:
        observed = f"{o.unexpected_percent}% of {o.element_count} values unexpected ({o.unexpected_count})"
    else:
        observed = "not met"
    return Finding(
        check_type=CheckType.EXPECTATION,
        feature=o.column or None,
        violated=True,
        description=f"Expectation {o.type}({o.arguments}) failed: {observed}.",
        statistic=o.unexpected_percent,
        extra=(
            ("expectation_type", o.type),
            ("unexpected_count", o.unexpected_count),
            ("unexpected_percent", o.unexpected_percent),
            ("element_count", o.element_count),
            ("rows_validated", covered["rows"]),
            ("rows_in_window", total),
        ),
    )
