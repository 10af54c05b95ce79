"""``is_non_negative``: a numeric feature the baseline found non-negative should stay so.

AWS lists no check type of its own for it; we report it as ``is_non_negative_check`` with the
share of non-negative values, in the same sentence as the other value checks.
"""

from __future__ import annotations

from analyzers.findings import CheckType, Finding
from analyzers.profile import Moments


def non_negative_check(feature: str, moments: Moments) -> Finding | None:
    """
    >>> f = non_negative_check("x", Moments(count=4, negative=1))
    >>> f.violated, f.description
    (True, 'Value: 0.75 does not meet the constraint requirement! ')
    """
    if not moments.count:
        return None
    share = 1 - moments.negative / moments.count
    return Finding(
        check_type=CheckType.NON_NEGATIVE,
        feature=feature,
        violated=moments.negative > 0,
        description=f"Value: {share} does not meet the constraint requirement! ",
        statistic=share,
        threshold=1.0,
    )
