"""Great Expectations 1.x behind one adapter: the only module that imports it, and only when a
suite is configured (its import alone takes seconds). No GE type leaves this module.

Registry name: ``quality.expectations``. Validates an expectation suite (its JSON form) against a
pandas frame of the window's rows and turns each expectation's result into a frozen outcome.

GE wants process-wide setup (its environment, quiet loggers) that an analyzer may not do: the
container does it before the first import (``container.steps.gx_setup``), from the constants here.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

COLUMN_KEYS = ("column", "column_A", "column_B")

# Offline: no usage statistics (set only where the environment does not already say).
GX_ENVIRONMENT: Mapping[str, str] = MappingProxyType({"GX_ANALYTICS_ENABLED": "false"})
# Every logger GE creates is named under this prefix.
GX_LOGGER_PREFIX = "great_expectations"


class SuiteError(ValueError):
    """The suite cannot be used as written; the message names the expectation and the fix."""


@dataclass(frozen=True, slots=True)
class ExpectationOutcome:
    index: int
    type: str
    column: str
    arguments: str  # the expectation's kwargs, as compact JSON, for the violation's description
    success: bool
    unexpected_count: int | None
    unexpected_percent: float | None
    element_count: int | None
    error: str | None = None


def check_suite(suite: object, columns: Sequence[str], only: Collection[int] | None = None) -> None:
    """Reject a suite that is not a GE 1.x suite, names an unknown expectation or an unknown column. GE checks
    the expectations numbered in ``only`` (None: all; the others are evaluated natively, and checked then)."""
    check_columns(suite, columns)
    assert isinstance(suite, dict)
    if only is not None and not only:
        return  # nothing for GE: no import
    gx = _ge()
    for i, item in enumerate(suite["expectations"]):
        if only is None or i in only:
            _check_expectation(gx, i, item["type"], item)


def check_columns(suite: object, columns: Sequence[str]) -> None:
    """Every expectation has a type and kwargs, and names only the baseline's columns. No GE import."""
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise SuiteError('the expectation suite must be a JSON object with an "expectations" list (GE 1.x suite JSON).')
    known = set(columns)
    for i, item in enumerate(suite["expectations"]):
        kind = item.get("type") if isinstance(item, dict) else None
        kwargs = item.get("kwargs", {}) if isinstance(item, dict) else None
        if not isinstance(kind, str) or not isinstance(kwargs, dict):
            raise SuiteError(
                f'expectation #{i} needs a "type" string and a "kwargs" object, e.g. '
                '{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "age"}}.'
            )
        for key in COLUMN_KEYS:
            column = kwargs.get(key)
            if column is not None and column not in known:
                raise SuiteError(
                    f"expectation #{i} ({kind}) names column {column!r}, which the baseline does not have "
                    f"(columns: {', '.join(list(columns)[:20])}). Fix the column name in the suite."
                )


def _check_expectation(gx: Any, i: int, kind: str, item: dict[str, Any]) -> None:
    try:
        gx.expectations.registry.get_expectation_impl(kind)
    except Exception:  # noqa: BLE001 - GE raises its own not-found type
        raise SuiteError(
            f"expectation #{i} ({kind}) is not valid in Great Expectations 1.x: no such expectation. "
            "Check its type against the GE 1.x expectation gallery."
        ) from None
    reason = "its arguments do not fit it"
    try:
        # GE logs and drops an expectation whose arguments are invalid, rather than raising.
        built = gx.core.ExpectationSuite(name="check", expectations=[item]).expectations
    except Exception as exc:  # noqa: BLE001 - GE raises several unrelated types for a bad configuration
        built, reason = [], _short(exc)
    if not built:
        raise SuiteError(f"expectation #{i} ({kind}) is not valid in Great Expectations 1.x: {reason}. Check its arguments.")


def validate(suite: dict[str, Any], frame: Any) -> tuple[list[ExpectationOutcome], dict[str, Any]]:
    """Validate ``frame`` (pandas) against ``suite``; outcomes in suite order, and GE's full result."""
    gx = _ge()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("monitor")
        .add_dataframe_asset("window")
        .add_batch_definition_whole_dataframe("window")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(gx.core.ExpectationSuite(**{**suite, "name": suite.get("name", "suite")}))
    full = json.loads(json.dumps(result.to_json_dict(), default=_plain))
    # Keep the result byte-stable for the same input: drop the wall-clock load time.
    (full.get("meta", {}).get("batch_markers") or {}).pop("ge_load_time", None)
    return [outcome(i, r) for i, r in enumerate(full["results"])], full


def outcome(index: int, item: dict[str, Any]) -> ExpectationOutcome:
    """One result of GE's validation result document (``results[i]``), as a frozen outcome."""
    config = item["expectation_config"]
    kwargs = {k: v for k, v in config.get("kwargs", {}).items() if k not in ("batch_id",)}
    res = item.get("result") or {}
    info = item.get("exception_info") or {}
    error = next((v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")), None)
    if error is None and info.get("raised_exception"):
        error = info.get("exception_message")
    return ExpectationOutcome(
        index=index,
        type=config["type"],
        column=str(kwargs.get("column", "")),
        arguments=json.dumps(kwargs, sort_keys=True, separators=(",", ":"), default=str),
        success=bool(item["success"]),
        unexpected_count=res.get("unexpected_count"),
        unexpected_percent=res.get("unexpected_percent"),
        element_count=res.get("element_count"),
        error=error,
    )


def _ge() -> Any:
    # Imported here, not at the top: only a configured suite pays for it. The container has set GE
    # up (offline, quiet) before calling in; progress bars are switched off per context in ``validate``.
    import great_expectations as gx

    return gx


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _short(exc: Exception) -> str:
    return str(exc).replace("Could not add expectation; provided configuration is not valid: ", "")[:160]
