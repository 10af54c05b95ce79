"""Facets that cannot be compared: a configured value that selects no row, or every row, of the data.

Said once, in words (the rule Clarify's type detection applied, the values the column holds), and as a
``bias_facet_check`` violation at monitoring, instead of a page of "Facet set is empty" metrics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from analyzers.bias.indicators import BiasStageError, select
from analyzers.findings import CheckType, Finding
from container.settings import BiasConfig

HELD_VALUES_SHOWN = 12  # distinct values a facet message lists one by one


@dataclass(frozen=True, slots=True)
class FacetProblem:
    """A configured facet value that selects no row, or every row, so no metric can compare d with a."""

    index: int  # in the config's facet list
    facet: str
    value_text: str
    selected: int
    rows: int
    description: str


def facet_problems(data: pd.DataFrame, config: BiasConfig, rows_name: str) -> list[FacetProblem]:
    """The facets whose configured value selects no row, or every row, of ``data`` (none when it is empty).
    The selection is the stage's own (Clarify's type rule on the column's type)."""
    out: list[FacetProblem] = []
    if not len(data):
        return out
    for index, facet in enumerate(config.facets):
        if facet.values is None or facet.name not in data:
            continue  # one-vs-all selects each value it finds; a missing column is the stage's error
        column, values = data[facet.name], list(facet.values)
        try:
            selection = select(column, values, "Facet")
        except BiasStageError:
            continue  # the stage reports it in Clarify's words
        selected = int(selection.indicator.sum())
        if 0 < selected < len(data):
            continue
        shown = json.dumps(values, default=str)
        if selection.continuous:
            rule = f"continuous, so the facet is the rows where {facet.name} > {values[0]}"
        else:
            rule = f"categorical, so the facet is the rows where {facet.name} is one of {shown}"
        what = "no row" if selected == 0 else "every row"
        left = "" if selected == 0 else " (no row is left to compare it with)"
        description = (
            f"Facet {facet.name!r} with value_or_threshold {shown} selects {what} of the {len(data)} {rows_name}{left}. "
            f"Clarify's type rule calls the column ({column.dtype}, {column.nunique()} distinct of "
            f"{int(column.notna().sum())} values) {rule}; the column holds {_held(column)}."
        )
        text = selection.text or ",".join(str(v) for v in values)
        out.append(FacetProblem(index, facet.name, text, selected, len(data), description))
    return out


def _held(column: pd.Series) -> str:
    counts = column.dropna().value_counts()
    if counts.empty:
        return "no value"
    if len(counts) > HELD_VALUES_SHOWN:
        if pd.api.types.is_numeric_dtype(column):
            return f"{len(counts)} distinct values from {column.min()} to {column.max()}"
        top = ", ".join(f"{v} ({n})" for v, n in counts.head(5).items())
        return f"{len(counts)} distinct values, the most common {top}"
    items = list(counts.items())
    try:
        items.sort(key=lambda kv: kv[0])
    except TypeError:
        items.sort(key=lambda kv: str(kv[0]))
    return ", ".join(f"{v} ({n} row{'s' if n != 1 else ''})" for v, n in items)


def facet_finding(problem: FacetProblem) -> Finding:
    return Finding(
        check_type=CheckType.BIAS_FACET,
        feature=problem.facet,
        violated=True,
        description=problem.description,
        statistic=problem.selected,
        extra=(("facet", problem.facet), ("facet_value", problem.value_text), ("selected_rows", problem.selected)),
    )
