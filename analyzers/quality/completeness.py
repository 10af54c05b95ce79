"""``completeness_check``: the share of present (non-missing) values against the baseline's
``completeness``. Flags when the window is less complete than the baseline."""

from __future__ import annotations

from analyzers.findings import CheckType, Finding
from analyzers.profile import TypeCounts


def completeness_check(feature: str, types: TypeCounts, *, expected: float) -> Finding | None:
    """
    >>> f = completeness_check("x", TypeCounts(missing=1, integral=3), expected=1.0)
    >>> f.violated, f.description
    (True, 'Value: 0.75 does not meet the constraint requirement! ')
    """
    if not types.total:
        return None
    completeness = types.present / types.total
    return Finding(
        check_type=CheckType.COMPLETENESS,
        feature=feature,
        violated=completeness < expected,
        description=f"Value: {completeness} does not meet the constraint requirement! ",
        statistic=completeness,
        threshold=expected,
    )
