"""Bad records are counted and a few are shown; one bad record never sinks a run."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_EXAMPLES = 5  # per kind of problem: enough to find the cause, short enough for a log screen
PREFIX_CHARS = 60  # never whole payloads: they may hold personal data


@dataclass(frozen=True, slots=True)
class Example:
    where: str  # "file.jsonl:12"
    prefix: str


@dataclass(slots=True)
class ProblemLog:
    """Mutable tally filled while reading; ``summary`` freezes it."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[Example]] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)  # rows skipped for their width, by width

    def wrong_width(self, width: int, expected: int, where: str, text: str) -> None:
        self.widths[width] = self.widths.get(width, 0) + 1
        self.add(f"rows with {width} columns where {expected} were expected", where, text)

    def add(self, kind: str, where: str, text: str | bytes = "", count: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + count
        shown = self.examples.setdefault(kind, [])
        if len(shown) < MAX_EXAMPLES:
            if isinstance(text, bytes):
                text = text[: PREFIX_CHARS * 4].decode("utf-8", errors="replace")
            shown.append(Example(where=where, prefix=text[:PREFIX_CHARS]))

    def absorb(self, other: ProblemLog) -> None:
        """Add the tally of another part of the dataset (read later, or by another process)."""
        for kind, count in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count
        for kind, examples in other.examples.items():
            shown = self.examples.setdefault(kind, [])
            shown.extend(examples[: MAX_EXAMPLES - len(shown)])
        for width, count in other.widths.items():
            self.widths[width] = self.widths.get(width, 0) + count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """Human-readable lines for the log, one per kind then its examples."""
        out = []
        for kind in sorted(self.counts):
            out.append(f"{self.counts[kind]} {kind}")
            out.extend(f"    at {e.where}: {e.prefix!r}" for e in self.examples.get(kind, []))
        return out
