"""Great Expectations' process-wide setup, which the analyzers may not do themselves: offline (no
usage statistics) and quiet (none of its INFO logging, no tracebacks of its own on stderr).

``check_suite`` and ``validate`` are the adapter's (``analyzers.quality.expectations``), each run
after ``prepare_great_expectations``, as the adapter itself did before every use of GE. GE is still
imported only when one of them is called: only a configured suite pays for it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Sequence
from typing import Any

from analyzers.quality import expectations
from analyzers.quality.expectations import GX_ENVIRONMENT, GX_LOGGER_PREFIX, ExpectationOutcome


def prepare_great_expectations() -> None:
    """Set GE's environment (where not set already), import it silently, silence its loggers."""
    for name, value in GX_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    logging.disable(logging.INFO)  # its import logs dozens of INFO lines before any logger can be set
    try:
        import great_expectations  # noqa: F401 - imported for its side effects, before the adapter's import
    finally:
        logging.disable(logging.NOTSET)

    # Some GE modules set their own loggers to INFO; silence every one of them.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(GX_LOGGER_PREFIX):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def check_suite(suite: object, columns: Sequence[str], only: Collection[int] | None = None) -> None:
    """``expectations.check_suite``, with GE set up when it has anything to check."""
    if only is None or only:
        prepare_great_expectations()
    expectations.check_suite(suite, columns, only)


def validate(suite: dict[str, Any], frame: Any) -> tuple[list[ExpectationOutcome], dict[str, Any]]:
    """``expectations.validate``, with GE set up."""
    prepare_great_expectations()
    return expectations.validate(suite, frame)
