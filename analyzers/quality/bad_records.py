"""``bad_record_check`` (ours): more of what was read could not be used than the analysis config allows.

A few bad records are skipped and counted (the log shows where); beyond ``limits.bad_record_share`` the
statistics describe a biased remainder of the traffic, so the job says so with a violation.

Two things are lost: unreadable records, a share of all records read (a record that cannot be read cannot
be placed in the analysis window either, so both sides count the same population, the files read); and
skipped rows (too many or too few columns), a share of the rows of the readable records. The share lost is
``1 - (1 - bad / read) * usable / (usable + skipped)``: for CSV, one row per record, exactly
``(bad + skipped) / read``.

A window where something was read and nothing could be used is never green, whatever the share allows.
(A window whose records all lie outside it, beside a few bad ones, is an empty window, not a corrupt one.)
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.findings import CheckType, Finding


@dataclass(frozen=True, slots=True)
class RecordCounts:
    """``read`` records, ``bad`` of them unreadable; ``usable`` rows analysed and ``skipped`` rows of
    readable records left out; ``bad_files`` files that could not be read at all."""

    read: int
    bad: int
    usable: int
    skipped: int = 0
    bad_files: int = 0

    @property
    def share(self) -> float | None:
        """The share of the data read that could not be used; None when no record was read.

        >>> RecordCounts(read=200, bad=3, usable=197).share, RecordCounts(read=100, bad=0, usable=80, skipped=20).share
        (0.015, 0.2)
        >>> RecordCounts(0, 0, 0).share is None
        True
        """
        if self.read == 0:
            return None
        rows = self.usable + self.skipped
        if rows == 0:
            return self.bad / self.read
        # One exact ratio of integers, so that a plain bad / read comes out as that very float.
        return (self.bad * rows + (self.read - self.bad) * self.skipped) / (self.read * rows)

    @property
    def nothing_usable(self) -> bool:
        return self.usable == 0 and (self.share == 1.0 or (self.read == 0 and self.bad_files > 0))


def bad_record_check(counts: RecordCounts, *, threshold: float) -> Finding | None:
    """None when there was nothing to judge (no record read, no file unreadable).

    >>> bad_record_check(RecordCounts(read=100, bad=1, usable=99), threshold=0.05).violated
    False
    >>> f = bad_record_check(RecordCounts(read=200, bad=25, usable=175), threshold=0.05)
    >>> f.violated, f.feature, f.statistic
    (True, None, 0.125)
    >>> print(f.description.replace(". ", ".\\n"))
    Bad record requirement is not met.
    Expected bad records: at most 5.0% (limits.bad_record_share 0.05).
    Observed: 12.5% of the 200 records read could not be used (25 unreadable); the job log names their files and lines.
    >>> bad_record_check(RecordCounts(read=4, bad=4, usable=0), threshold=1.0).violated  # all bad: never green
    True
    """
    if counts.read == 0 and counts.bad_files == 0:
        return None
    share = counts.share
    return Finding(
        check_type=CheckType.BAD_RECORDS,
        feature=None,
        violated=(share is not None and share > threshold) or counts.nothing_usable,
        description=(
            f"Bad record requirement is not met. Expected bad records: at most {threshold * 100}% "
            f"(limits.bad_record_share {threshold}). Observed: {_observed(counts)}; the job log names their files and lines."
        ),
        statistic=share,
        threshold=threshold,
        extra=(("bad_records", counts.bad), ("rows_skipped", counts.skipped), ("records", counts.read)),
    )


def _observed(counts: RecordCounts) -> str:
    share = counts.share
    lost = [f"{counts.bad} unreadable"] if counts.bad else []
    if counts.skipped:
        lost.append(f"{counts.skipped} row(s) skipped")
    if counts.bad_files:
        lost.append(f"{counts.bad_files} file(s) unreadable")
    text = "no record could be read" if share is None else f"{share * 100}% of the {counts.read} records read could not be used"
    text += f" ({', '.join(lost)})" if lost else ""
    return text + ("; no row was left to analyse" if counts.nothing_usable else "")
