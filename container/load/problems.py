"""What could not be used is counted and a few examples are shown; one bad record never sinks a run.

Three tallies are kept apart because they count different things:

- bad records: whole records (a capture line, a CSV line, a JSON line, a Parquet row) that could not be
  read at all; ``records read = kept + bad + outside the window``.
- skipped rows: rows of kept records that could not be used (too many or too few columns); a capture
  record may hold several rows, so ``rows in the kept records = analysed + skipped``.
- bad files: files that could not be opened or read to their end (their records were never counted).

Columns ignored for their names (a monitoring job meeting an empty or repeated name) are listed too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_EXAMPLES = 5  # per kind of problem: enough to find the cause, short enough for a log screen
PREFIX_CHARS = 60  # never whole payloads: they may hold personal data
MAX_IGNORED_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Example:
    where: str  # "file.jsonl:12"
    prefix: str


@dataclass(slots=True)
class ProblemLog:
    """Mutable tally filled while reading."""

    counts: dict[str, int] = field(default_factory=dict)  # bad records, by kind
    row_counts: dict[str, int] = field(default_factory=dict)  # skipped rows of kept records, by kind
    file_counts: dict[str, int] = field(default_factory=dict)  # unreadable files, by kind
    examples: dict[str, list[Example]] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)  # rows skipped for their width, by width
    ignored_columns: dict[str, str] = field(default_factory=dict)  # name -> where first seen and why
    filtered: dict[str, int] = field(default_factory=dict)  # records left out on purpose (traffic filters), by why

    def filter(self, kind: str, count: int = 1) -> None:
        """``count`` records left out as configured: not bad, and not in the bad-record share."""
        _bump(self.filtered, kind, count)

    def add(self, kind: str, where: str, text: str | bytes = "", count: int = 1) -> None:
        """``count`` bad records of ``kind``."""
        _bump(self.counts, kind, count)
        self._example(kind, where, text)

    def skip_rows(self, kind: str, where: str, text: str | bytes = "", count: int = 1) -> None:
        """``count`` rows of a kept record that cannot be used."""
        _bump(self.row_counts, kind, count)
        self._example(kind, where, text)

    def bad_file(self, kind: str, where: str, text: str | bytes = "") -> None:
        _bump(self.file_counts, kind, 1)
        self._example(kind, where, text)

    def wrong_width(self, width: int, expected: int, where: str, text: str) -> None:
        self.widths[width] = self.widths.get(width, 0) + 1
        self.skip_rows(f"rows with {width} columns where {expected} were expected", where, text)

    def ignore_column(self, name: str, where: str) -> None:
        self.ignored_columns.setdefault(name, where)

    def _example(self, kind: str, where: str, text: str | bytes) -> None:
        shown = self.examples.setdefault(kind, [])
        if len(shown) < MAX_EXAMPLES:
            if isinstance(text, bytes):
                text = text[: PREFIX_CHARS * 4].decode("utf-8", errors="replace")
            shown.append(Example(where=where, prefix=text[:PREFIX_CHARS]))

    def absorb(self, other: ProblemLog) -> None:
        """Add the tally of another part of the dataset (read later, or by another process)."""
        for mine, theirs in ((self.counts, other.counts), (self.row_counts, other.row_counts), (self.filtered, other.filtered)):
            for kind, count in theirs.items():
                _bump(mine, kind, count)
        for kind, count in other.file_counts.items():
            _bump(self.file_counts, kind, count)
        for kind, examples in other.examples.items():
            shown = self.examples.setdefault(kind, [])
            shown.extend(examples[: MAX_EXAMPLES - len(shown)])
        for width, count in other.widths.items():
            self.widths[width] = self.widths.get(width, 0) + count
        for name, where in other.ignored_columns.items():
            self.ignored_columns.setdefault(name, where)

    @property
    def bad_records(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_skipped(self) -> int:
        return sum(self.row_counts.values())

    @property
    def records_filtered(self) -> int:
        return sum(self.filtered.values())

    @property
    def bad_files(self) -> int:
        return sum(self.file_counts.values())

    @property
    def total(self) -> int:
        """Everything left out: bad records, skipped rows and unreadable files (the message's count)."""
        return self.bad_records + self.rows_skipped + self.bad_files

    def lines(self) -> list[str]:
        """Human-readable lines for the log: per tally, one line per kind then its examples."""
        out = []
        for title, counts in (("bad records", self.counts), ("rows skipped", self.row_counts), ("bad files", self.file_counts)):
            if counts:
                out.append(f"{title} ({sum(counts.values())}):")
            for kind in sorted(counts):
                out.append(f"  {counts[kind]} {kind}")
                out.extend(f"      at {e.where}: {e.prefix!r}" for e in self.examples.get(kind, []))
        if self.filtered:
            out.append(f"records filtered out as configured ({self.records_filtered}):")
            out.extend(f"  {self.filtered[kind]} {kind}" for kind in sorted(self.filtered))
        if self.ignored_columns:
            shown = sorted(self.ignored_columns.items())[:MAX_IGNORED_SHOWN]
            out.append(f"columns ignored for their names ({len(self.ignored_columns)}):")
            out.extend(f"  {name!r}: {where}" for name, where in shown)
        return out


def _bump(counts: dict[str, int], kind: str, count: int) -> None:
    counts[kind] = counts.get(kind, 0) + count
