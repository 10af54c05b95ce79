"""The analysis window ``[start_time, end_time)`` applied to ``eventMetadata.inferenceTime``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from container.load.problems import ProblemLog


@dataclass(frozen=True, slots=True)
class TimeWindow:
    start: datetime | None = None
    end: datetime | None = None

    def contains(self, stamp: str | None, where: str, problems: ProblemLog) -> bool:
        """Whether a record at ``stamp`` is analysed. Without a window every record is; with one,
        a record whose time is missing or unreadable is counted and left out."""
        if self.start is None and self.end is None:
            return True
        if not stamp:
            problems.add("records without eventMetadata.inferenceTime", where)
            return False
        moment = _parse(stamp)
        if moment is None:
            problems.add("records with an unreadable eventMetadata.inferenceTime", where, stamp)
            return False
        if self.start is not None and moment < self.start:
            return False
        return self.end is None or moment < self.end


def _parse(stamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
