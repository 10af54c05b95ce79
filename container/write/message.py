"""The status message file (``<base>/output/message``): SageMaker shows its first 1 KB as the job's ExitMessage."""

from __future__ import annotations

import logging
from pathlib import Path

from container.errors import OutputError
from container.write.atomic import write_text

MAX_BYTES = 1024

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
