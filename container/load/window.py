"""The analysis window ``[start_time, end_time)`` applied to ``eventMetadata.inferenceTime``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from container.load.problems import ProblemLog


class Place(Enum):
    INSIDE = "inside"
    OUTSIDE = "outside"  # a good record, just not this window's: never a bad one
    BAD = "bad"  # no readable time while a window is set: a bad record, counted in the problem log


@dataclass(frozen=True, slots=True)
class TimeWindow:
    start: datetime | None = None
    end: datetime | None = None

    def place(self, stamp: str | None, where: str, problems: ProblemLog) -> Place:
        """Where a record at ``stamp`` falls. Without a window every record is inside; with one, a
        record whose time is missing or unreadable is counted as bad and left out."""
        if self.start is None and self.end is None:
            return Place.INSIDE
        if not stamp:
            problems.add("records without eventMetadata.inferenceTime", where)
            return Place.BAD
        moment = _parse(stamp)
        if moment is None:
            problems.add("records with an unreadable eventMetadata.inferenceTime", where, stamp)
            return Place.BAD
        if self.start is not None and moment < self.start:
            return Place.OUTSIDE
        return Place.INSIDE if self.end is None or moment < self.end else Place.OUTSIDE

    def contains(self, stamp: str | None, where: str, problems: ProblemLog) -> bool:
        return self.place(stamp, where, problems) is Place.INSIDE


def _parse(stamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
