"""Column presence: ``missing_column_check`` and ``extra_column_check``.

By name, a baseline feature absent from the window is missing and a window column unknown to the
baseline is extra. By position (header-less CSV capture), a row width that differs from the
baseline's feature count is reported once, never mapped by guessing.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.findings import CheckType, Finding


def missing_columns(baseline: Sequence[str], current: Sequence[str]) -> list[Finding]:
    """
    >>> [f.feature for f in missing_columns(["a", "b"], ["a"])]
    ['b']
    """
    present = set(current)
    return [
        Finding(
            check_type=CheckType.MISSING_COLUMN,
            feature=name,
            violated=True,
            description=f"Missing columns in the current dataset. Baseline column {name} is not present.",
        )
        for name in baseline
        if name not in present
    ]


def extra_columns(baseline: Sequence[str], current: Sequence[str]) -> list[Finding]:
    """
    >>> [f.feature for f in extra_columns(["a"], ["a", "z"])]
    ['z']
    """
    known = set(baseline)
    return [
        Finding(
            check_type=CheckType.EXTRA_COLUMN,
            feature=name,
            violated=True,
            description=f"Extra columns in the current dataset. Column {name} is not in the baseline.",
        )
        for name in current
        if name not in known
    ]


def width_mismatch(expected: int, widths: dict[int, int], rows_read: int) -> Finding | None:
    """A finding when most rows have another width than the baseline's feature count.

    >>> f = width_mismatch(3, {2: 10}, 0)
    >>> f.check_type.value, f.feature
    ('missing_column_check', None)
    >>> width_mismatch(3, {2: 1}, 10) is None
    True
    """
    if not widths:
        return None
    width, count = max(widths.items(), key=lambda kv: (kv[1], -kv[0]))
    if count <= rows_read:
        return None  # a few odd rows are bad records, not a schema change
    check = CheckType.MISSING_COLUMN if width < expected else CheckType.EXTRA_COLUMN
    return Finding(
        check_type=check,
        feature=None,  # by position, which columns are missing or extra cannot be known
        violated=True,
        description=(
            f"Captured rows have {width} columns but the baseline has {expected} features "
            f"(model output first, then inputs); {count} rows could not be matched. "
            "Name the columns in the analysis config (columns.output, columns.input) or regenerate the baseline."
        ),
        statistic=float(width),
        threshold=float(expected),
    )
