"""The status message file (``<base>/output/message``): SageMaker shows its first 1 KB as the job's ExitMessage."""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path

from container.errors import OutputError
from container.write.atomic import write_text

MAX_BYTES = 1024


class Status(StrEnum):
    """How a job ended: the message's first word, which users' alerting matches on."""

    COMPLETED = "Completed"
    WITH_VIOLATIONS = "CompletedWithViolations"
    CLIENT_ERROR = "ClientError"  # the input or the settings; exit 2
    STOPPED = "Stopped"  # SIGTERM or SIGINT; exit 128 + the signal
    INTERNAL_ERROR = "Internal error"  # our bug; exit 1

    def says(self, text: str) -> str:
        """
        >>> Status.COMPLETED.says("Job completed successfully with no violations.")
        'Completed: Job completed successfully with no violations.'
        """
        return f"{self.value}: {text}"


log = logging.getLogger(__name__)


def fit(text: str) -> str:
    """Cut ``text`` to 1 KB of UTF-8 without splitting a character.

    >>> len(fit("é" * 600).encode())
    1024
    """
    return text.encode("utf-8")[:MAX_BYTES].decode("utf-8", errors="ignore")


def write_message(path: Path, text: str) -> None:
    try:
        write_text(path, fit(text))
    except OutputError as exc:
        # The log still carries the message; SageMaker reports the exit code either way.
        log.error("could not write the status message: %s", exc)
