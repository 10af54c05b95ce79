"""``categorical_values_check``: the share of present values inside the baseline's ``domains``.

Flags when the share is below ``domain_content_threshold``; the unseen values are listed (a few,
the most frequent first) so the user sees which categories are new.
"""

from __future__ import annotations

from analyzers.findings import CheckType, Finding
from analyzers.profile import Categories

MAX_LISTED = 10


def categorical_values_check(
    feature: str, categories: Categories, domains: tuple[str, ...], *, threshold: float
) -> Finding | None:
    """
    >>> f = categorical_values_check("c", Categories.of({"a": 3, "z": 1}), ("a", "b"), threshold=1.0)
    >>> f.violated, f.statistic, dict(f.extra)["unseen_values"]
    (True, 0.75, 'z')
    """
    total = sum(count for _, count in categories.counts) + categories.overflow
    if not total:
        return None
    allowed = set(domains)
    unseen = sorted(((v, c) for v, c in categories.counts if v not in allowed), key=lambda vc: (-vc[1], vc[0]))
    inside = total - categories.overflow - sum(c for _, c in unseen)
    share = inside / total
    return Finding(
        check_type=CheckType.CATEGORICAL_VALUES,
        feature=feature,
        violated=share < threshold,
        description=f"Value: {share} does not meet the constraint requirement! ",
        statistic=share,
        threshold=threshold,
        extra=(("unseen_values", ", ".join(v for v, _ in unseen[:MAX_LISTED])),),
    )
