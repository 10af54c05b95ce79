"""Joining captured predictions with ground truth that arrived later (docs/contract.md #ground-truth).

A ground-truth record's ``eventMetadata.eventId`` matches the capture's ``inferenceId`` when the caller
gave one, else the capture's ``eventId``. When a label was uploaded twice the later one wins (a
correction); captures without a label and labels without a capture are counted, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class JoinResult:
    labels: tuple[str | None, ...]  # one per capture, None when unlabelled
    matched: int
    unlabelled: int
    orphan_labels: int  # labels whose capture is not in the window
    duplicate_labels: int


def join(captures: Sequence[str | None], label_ids: Sequence[str], label_values: Sequence[str]) -> JoinResult:
    """
    >>> r = join(["a", "b", "c"], ["b", "x", "a", "b"], ["1", "0", "0", "0"])
    >>> r.labels, r.matched, r.unlabelled, r.orphan_labels, r.duplicate_labels
    (('0', '0', None), 2, 1, 1, 1)
    """
    latest: dict[str, str] = {}
    duplicates = 0
    for key, value in zip(label_ids, label_values, strict=True):
        duplicates += key in latest
        latest[key] = value
    labels = tuple(latest.get(key) if key is not None else None for key in captures)
    captured = {key for key in captures if key is not None}
    matched = sum(label is not None for label in labels)
    return JoinResult(
        labels=labels,
        matched=matched,
        unlabelled=len(captures) - matched,
        orphan_labels=sum(key not in captured for key in latest),
        duplicate_labels=duplicates,
    )
