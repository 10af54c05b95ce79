"""What reading a dataset gave: per-feature profiles, the row sample, and counts that add up."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from analyzers.profile import FeatureProfile, profile_column
from analyzers.quality.native_expectations import Partial
from container.load.columns import normalise
from container.load.problems import ProblemLog
from container.load.sample import RowSample


@dataclass(slots=True)
class Ingested:
    """What the dataset held: profiles by column, in first-seen order, and what could not be read.

    The counts always add up (``check``): records read = kept + bad + outside the window + filtered out
    (traffic filters, a preprocessor's skips: ``problems.filtered``), and the rows of the kept records = rows
    analysed (``rows``) + rows skipped (wrong width)."""

    profiles: dict[str, FeatureProfile] = field(default_factory=dict)
    rows: int = 0  # rows analysed: in the profiles
    files: int = 0
    records_read: int = 0
    records_kept: int = 0
    records_bad: int = 0
    records_outside_window: int = 0
    rows_skipped: int = 0
    rows_in_kept_records: int = 0
    seconds: float = 0.0
    problems: ProblemLog = field(default_factory=ProblemLog)
    sample: RowSample | None = None  # rows kept for row-level checks (expectation suites)
    expectations: tuple[Partial, ...] = ()  # the read spec's native expectations, over every row so far

    @property
    def records_filtered(self) -> int:
        return self.problems.records_filtered

    def absorb(self, part: Ingested) -> None:
        """Add a later, disjoint part of the dataset (a block, or a whole file)."""
        for name, profile in part.profiles.items():
            previous = self.profiles.get(name)
            if previous is None:
                # A column first seen now was missing from every earlier row.
                self.profiles[name] = all_missing(name, self.rows).merge(profile) if self.rows else profile
            else:
                self.profiles[name] = previous.merge(profile)
        for name, previous in self.profiles.items():
            if name not in part.profiles and part.rows:
                self.profiles[name] = previous.merge(all_missing(name, part.rows))
        self.rows += part.rows
        self.files += part.files
        self.records_read += part.records_read
        self.records_kept += part.records_kept
        self.records_bad += part.records_bad
        self.records_outside_window += part.records_outside_window
        self.rows_skipped += part.rows_skipped
        self.rows_in_kept_records += part.rows_in_kept_records
        self.problems.absorb(part.problems)
        if self.sample is not None:
            self.sample.absorb(part.sample)
        if part.expectations:
            earlier = self.expectations or tuple(Partial() for _ in part.expectations)
            self.expectations = tuple(a.then(b) for a, b in zip(earlier, part.expectations, strict=True))

    def summary_lines(self) -> list[str]:
        """The record and row counts for the log, each line a sum that adds up."""
        return [
            f"records: {self.records_read} read = {self.records_kept} kept + {self.records_bad} bad"
            f" + {self.records_outside_window} outside the window"
            + (f" + {self.records_filtered} filtered out" if self.records_filtered else ""),
            f"rows: {self.rows} analysed + {self.rows_skipped} skipped = {self.rows_in_kept_records} in kept records",
        ]

    def check(self, what: str) -> None:
        """Raise RuntimeError (a bug of ours, never the data's) when the counts do not add up."""
        records = self.records_kept + self.records_bad + self.records_outside_window + self.records_filtered
        if self.records_read != records or self.rows + self.rows_skipped != self.rows_in_kept_records:
            raise RuntimeError(f"the counts of {what} do not add up: {'; '.join(self.summary_lines())}")
        if any(partial.rows != self.rows for partial in self.expectations):
            seen = sorted({partial.rows for partial in self.expectations})
            raise RuntimeError(f"the expectations of {what} saw {seen} rows, not the {self.rows} analysed")


def all_missing(name: str, count: int) -> FeatureProfile:
    return profile_column(normalise(name, pa.nulls(count, pa.string()), keep_texts=False))
