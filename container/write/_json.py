"""The only JSON encoder of our outputs: sorted keys, stable floats, no bare NaN.

JSON has no NaN or infinity; Jackson (AWS's analyzer) writes them as the strings "NaN",
"Infinity" and "-Infinity", and so do we, so that every consumer can parse the files.
"""

from __future__ import annotations

import json
import math
from typing import Any


def not_finite_text(value: float) -> str:
    """Jackson's spelling of a number that is not finite.

    >>> not_finite_text(float("-inf")), not_finite_text(float("nan"))
    ('-Infinity', 'NaN')
    """
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _clean(value: Any) -> Any:
    if hasattr(value, "dtype") and hasattr(value, "item"):  # numpy scalars, e.g. from Great Expectations
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return not_finite_text(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def dumps(document: Any, *, pretty: bool = True) -> str:
    """Serialise ``document``; identical input gives identical text."""
    text = json.dumps(
        _clean(document),
        sort_keys=True,
        indent=2 if pretty else None,
        separators=None if pretty else (",", ":"),
        allow_nan=False,
        ensure_ascii=False,
    )
    return text + "\n" if pretty else text
