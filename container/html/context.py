"""What a page says about its run beyond the output documents: the job, the message, the window, the counts.

Light on purpose (no matplotlib): the jobs build these whether or not a page is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RunRecords:
    """What the job read, as its log's summary says it; ``problems``: (kind, count, ((where, text), ...))."""

    files: int
    read: int
    kept: int
    bad: int
    outside_window: int
    rows: int
    rows_skipped: int
    problems: tuple[tuple[str, int, tuple[tuple[str, str], ...]], ...] = ()
    filtered: int = 0  # left out on purpose (traffic filters, a preprocessor's skips)
    # Per feature of the window: how many present values were integral, fractional, other text.
    value_types: tuple[tuple[str, int, int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RunContext:
    job: str  # "monitoring", "baseline", "model quality"
    message: str
    endpoint: str | None = None
    schedule: str | None = None
    window: tuple[str, str] | None = None
    records: RunRecords | None = None
    baseline_statistics: dict[str, Any] | None = None
    bias_baseline: dict[str, Any] | None = None
    trend_link: str | None = None
    notes: tuple[str, ...] = field(default=())
