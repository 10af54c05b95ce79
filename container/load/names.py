"""Feature names from the data (CSV headers, JSON keys, Parquet columns) that can be written and read back.

An empty or whitespace-only name, or one name for two columns, cannot be a feature: the baseline job
stops with the name and where it came from (a baseline we write is always one we accept); a monitoring
job ignores such a column and lists it in the log, and the rest of the data is still checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from container.errors import CaptureFormatError
from container.load.problems import ProblemLog


def bad_name(name: str) -> str | None:
    """Why ``name`` cannot be a feature name, or None.

    >>> bad_name("age"), bad_name(""), bad_name(" ")
    (None, 'is empty', 'is only whitespace')
    """
    if name == "":
        return "is empty"
    if not name.strip():
        return "is only whitespace"
    return None


@dataclass(slots=True)
class NameRules:
    """``strict``: the baseline job (a bad name is a ClientError); else bad names' columns are ignored."""

    strict: bool
    problems: ProblemLog

    def usable(self, name: str, where: str) -> bool:
        """Whether a column first seen at ``where`` (e.g. "the JSON key at data.jsonl:3") may be profiled."""
        reason = bad_name(name)
        if reason is None:
            return True
        self._refuse(name, where, reason)
        return False

    def usable_all(self, names: Sequence[str], where: str) -> list[bool]:
        """Per column of a header or schema: whether it may be profiled (repeated names never are)."""
        seen: dict[str, int] = {}
        for name in names:
            seen[name] = seen.get(name, 0) + 1
        keep = []
        for name in names:
            reason = bad_name(name) or (f"names {seen[name]} columns" if seen[name] > 1 else None)
            if reason is not None:
                self._refuse(name, where, reason)
            keep.append(reason is None)
        return keep

    def duplicate(self, name: str, where: str) -> None:
        """Two parts of one record (a capture's output and input) both hold ``name``."""
        self._refuse(name, where, "is in both the output and the input")

    def _refuse(self, name: str, where: str, reason: str) -> None:
        if self.strict:
            raise CaptureFormatError(
                f"the feature name {name!r} ({where}) {reason}; a baseline needs one non-blank name per column: "
                "rename or drop that column in the data (a headerless CSV can be named in the analysis config's columns)."
            )
        self.problems.ignore_column(name, f"{where}: {reason}")
