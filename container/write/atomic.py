"""Atomic file writes: a reader sees the old file or the whole new one, never half of it.

A write goes to a temporary file beside its target and is renamed over it. That file sits in the output
folder, which SageMaker uploads, so it must never outlive the job: a write removes it on every way out,
errors and the ``Stopped`` a signal raises included. Its name is registered before the file can exist,
so the stop path (``remove_temporaries``) also removes one whose write a signal cut short before the
write's own clean-up could run.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from container.errors import OutputError

# A temporary name is known before its file exists (pid and a counter, not mkstemp's random part), so
# it is registered first. A leftover of an earlier process with the same pid (a SIGKILL; containers
# reuse pids) is simply overwritten.
_counter = itertools.count()
_live: set[Path] = set()
_GONE = (FileNotFoundError, NotADirectoryError)  # never created (its folder could not be made) or renamed
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC


def write_text(path: Path, text: str) -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.{next(_counter)}.tmp"
    _live.add(tmp)
    try:
        fd = _create(tmp)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
                os.fchmod(handle.fileno(), 0o644)
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cannot write {str(path)!r} ({exc.strerror}); check free space and permissions.") from None
    finally:
        _discard(tmp)  # after the rename nothing is left under this name; otherwise the partial file goes


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except _GONE:
        pass
    except OSError:
        return  # still on disk: it stays registered for remove_temporaries
    _live.discard(tmp)


def _create(tmp: Path) -> int:
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        return os.open(tmp, _FLAGS, 0o600)
    except OSError as exc:
        raise OutputError(
            f"cannot write to {str(tmp.parent)!r} ({exc.strerror}); make output_path writable by this container's user."
        ) from None


def remove_temporaries() -> int:
    """Remove the temporary files of writes a stop cut short; how many were still on disk."""
    removed = 0
    for tmp in sorted(_live):
        try:
            tmp.unlink()
            removed += 1
        except _GONE:
            pass
        except OSError:
            continue  # keep it registered; nothing more can be done on the way out
        _live.discard(tmp)
    return removed
