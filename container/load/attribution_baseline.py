"""The feature-attribution baseline: Clarify's ``analysis.json``, as Clarify's baselining job writes it or ours.

    {"version": "1.0",
     "explanations": {"kernel_shap": {"label0": {"global_shap_values": {"age": 0.12, ...}, "expected_value": 0.3}}},
     "kernel_shap_background": {"headers": ["age", ...], "rows": [[35, ...], ...]}}   <- ours; Clarify's has none

The label is the one the settings name (``label0`` by default); a file with a single label is read whatever
that label is called. ``kernel_shap_background`` is the background our baseline job used, so that a window is
explained against the same rows; Clarify's file does not say, and ``methods.shap.baseline`` then has to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from container.documents import Finite, NonEmpty, decode, parse_json
from container.errors import BaselineError

BACKGROUND_KEY = "kernel_shap_background"


class _Label(msgspec.Struct, frozen=True):
    global_shap_values: dict[NonEmpty, Finite]
    expected_value: Finite | None = None


class _Background(msgspec.Struct, frozen=True):
    headers: list[NonEmpty]
    rows: list[list[str | bool | int | Finite | None]]


class _Explanations(msgspec.Struct, frozen=True):
    kernel_shap: dict[str, _Label]


class _Analysis(msgspec.Struct, frozen=True):
    explanations: _Explanations
    kernel_shap_background: _Background | None = None


@dataclass(frozen=True, slots=True)
class AttributionBaseline:
    label: str
    global_values: dict[str, float]
    expected_value: float | None
    background_headers: tuple[str, ...] | None = None
    background: tuple[tuple[Any, ...], ...] | None = None


def read_attribution_baseline(path: Path, label: str) -> AttributionBaseline:
    source = f"baseline_constraints {path}"
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise BaselineError(f"{source} cannot be read ({exc.__class__.__name__}); check the path.") from None
    document = decode(parse_json(text, source=source, error=BaselineError), _Analysis, source=source, error=BaselineError)
    labels = document.explanations.kernel_shap
    if label not in labels and len(labels) == 1:
        label = next(iter(labels))
    if label not in labels:
        raise BaselineError(f"{source} explains the labels {sorted(labels)}, not {label!r}: name one in predictor.label_headers.")
    chosen = labels[label]
    if not chosen.global_shap_values:
        raise BaselineError(f"{source}: explanations.kernel_shap.{label}.global_shap_values is empty; rerun the baseline.")
    background = document.kernel_shap_background
    if background is not None and any(len(row) != len(background.headers) for row in background.rows):
        raise BaselineError(f"{source}: {BACKGROUND_KEY} has rows whose width is not its headers'; rerun the baseline.")
    return AttributionBaseline(
        label=label,
        global_values=dict(chosen.global_shap_values),
        expected_value=chosen.expected_value,
        background_headers=None if background is None else tuple(background.headers),
        background=None if background is None else tuple(tuple(row) for row in background.rows),
    )


def analysis_document(
    label: str,
    global_values: dict[str, float],
    expected_value: float | None,
    background: tuple[tuple[str, ...], list[list[Any]]] | None = None,
) -> dict[str, Any]:
    """Clarify's analysis.json (with the background our baseline used, when there is one)."""
    explained: dict[str, Any] = {"global_shap_values": global_values}
    if expected_value is not None:
        explained["expected_value"] = expected_value
    document: dict[str, Any] = {"version": "1.0", "explanations": {"kernel_shap": {label: explained}}}
    if background is not None:
        document[BACKGROUND_KEY] = {"headers": list(background[0]), "rows": background[1]}
    return document
