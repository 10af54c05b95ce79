"""A suite split between the native evaluators and Great Expectations, and its one result document.

Expectations with a native evaluator (``analyzers.quality.native_expectations``) are evaluated on every row as
the window is read; the others go to GX on the row sample. The result document is GX's validation result
(``ExpectationSuiteValidationResult`` JSON), its results in the suite's order, each with the rows it covers in
its ``meta`` (``rows_covered``: ``all`` or ``sample``).
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from typing import Any

from analyzers.quality.native_expectations import NativeExpectation, Partial, TableFacts, result
from analyzers.types import InferredType

# GX's name for the one batch it validates (the window's frame), in every result's kwargs; the native ones too.
BATCH_ID = "monitor-window"
# Put in each expectation's meta for GX, so that its results (which GX reorders) find their place in the suite.
_PLACE = "monitor_suite_index"
_NO_EXCEPTION = {"raised_exception": False, "exception_traceback": None, "exception_message": None}


@dataclass(frozen=True, slots=True)
class SuitePlan:
    """A suite, with the expectations evaluated natively by their place in it; GX takes the others."""

    suite: dict[str, Any]
    native: tuple[tuple[int, NativeExpectation], ...]

    @classmethod
    def of(cls, suite: dict[str, Any], types: dict[str, InferredType], native: bool = True) -> SuitePlan:
        """``types``: the baseline's, which decide whether a column fits a native evaluator."""
        parsed = [(i, NativeExpectation.parse(item)) for i, item in enumerate(suite["expectations"])] if native else []
        fit = tuple((i, e) for i, e in parsed if e is not None and e.fits(types.get(e.column, InferredType.STRING)))
        return cls(suite, fit)

    @property
    def gx_items(self) -> tuple[int, ...]:
        native = {i for i, _ in self.native}
        return tuple(i for i in range(len(self.suite["expectations"])) if i not in native)

    @property
    def column_expectations(self) -> tuple[NativeExpectation, ...]:
        """What the readers evaluate on every row, in this order (``Ingested.expectations``)."""
        return tuple(e for _, e in self.native if not e.is_table)

    def gx_suite(self) -> dict[str, Any]:
        """The suite of GX's expectations, each marked with its place in the whole suite."""
        items = self.suite["expectations"]
        marked = [{**items[i], "meta": {**(items[i].get("meta") or {}), _PLACE: i}} for i in self.gx_items]
        return {**self.suite, "expectations": marked}


def native_results(
    plan: SuitePlan, partials: tuple[Partial, ...], facts: TableFacts, types: dict[str, InferredType]
) -> dict[int, dict[str, Any]]:
    """GX-shaped results of the native expectations, by their place in the suite."""
    merged = iter(partials)
    out = {}
    for i, expectation in plan.native:
        partial = Partial() if expectation.is_table else next(merged)
        kind = types.get(expectation.column, InferredType.STRING)
        verdict = result(expectation, partial, kind, facts)
        item = plan.suite["expectations"][i]
        kwargs = {"batch_id": BATCH_ID, **item["kwargs"]}
        config = {**item, "kwargs": kwargs, "meta": item.get("meta") or {}, "severity": item.get("severity", "critical")}
        covered = {"rows_covered": "all", "rows": facts.rows}
        out[i] = {**verdict, "expectation_config": config, "meta": covered, "exception_info": dict(_NO_EXCEPTION)}
    return out


def gx_results(full: dict[str, Any], rows: int, of_rows: int, seed: int) -> dict[int, dict[str, Any]]:
    """GX's results by their place in the suite, their marks removed and their sample recorded."""
    out = {}
    for item in full["results"]:
        config = item["expectation_config"]
        meta = dict(config.get("meta") or {})
        place = meta.pop(_PLACE)
        covered = {"rows_covered": "sample" if rows < of_rows else "all", "rows": rows, "of_rows": of_rows, "seed": seed}
        out[place] = {**item, "expectation_config": {**config, "meta": meta}, "meta": {**(item.get("meta") or {}), **covered}}
    return out


def result_document(plan: SuitePlan, results: dict[int, dict[str, Any]], gx_full: dict[str, Any] | None) -> dict[str, Any]:
    """GX's validation result document over the whole suite, results in suite order."""
    ordered = [results[i] for i in range(len(plan.suite["expectations"]))]
    successful = sum(bool(r["success"]) for r in ordered)
    meta = dict(gx_full["meta"]) if gx_full else {"great_expectations_version": _gx_version()}
    return {
        "success": successful == len(ordered),
        "results": ordered,
        "suite_name": plan.suite.get("name", "suite"),
        "suite_parameters": (gx_full or {}).get("suite_parameters", {}),
        "statistics": {
            "evaluated_expectations": len(ordered),
            "successful_expectations": successful,
            "unsuccessful_expectations": len(ordered) - successful,
            "success_percent": successful / len(ordered) * 100 if ordered else None,
        },
        "meta": meta,
        "id": None,
    }


def _gx_version() -> str:
    # The installed package's metadata: no import of GX itself (seconds).
    return importlib.metadata.version("great_expectations")
