"""``python -m container``: the image's entrypoint and the only place that exits.

SageMaker stops a job with SIGINT or SIGTERM (StopProcessingJob, max runtime; ``docker stop`` sends
SIGTERM). Either one becomes ``Stopped``, which ends the job with a ``Stopped: ...`` message and exit
code 128 + the signal. The handler is installed before anything else of ours is imported: the job's
imports (pyarrow, numpy...) take most of a second, and a stop during them must end the same way.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the contract module is imported only once the stop handler is in place
    from container.contract import MonitorContract

log = logging.getLogger("container")

EXIT_CLIENT_ERROR = 2
EXIT_INTERNAL_ERROR = 1
EXIT_STOPPED = 128 + signal.SIGTERM
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(BaseException):
    """SageMaker (StopProcessingJob, max runtime) or Docker asked the job to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    # The first signal wins. Stoppers repeat themselves, and a second Stopped raised while the
    # first one is being handled would escape the stop path and lose the message.
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    raise Stopped(signum)


def stop_within(exc: BaseException) -> Stopped | None:
    """The Stopped an exception was raised from, if any. A stop can land anywhere, and some places turn what
    they catch into another exception: a signal during class creation (an import) surfaces as
    ``RuntimeError: Error calling __set_name__ ...`` whose cause is our Stopped."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Stopped):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def main(env: Mapping[str, str]) -> int:
    """Run one job; write ``<base>/output/message``; return the exit code.

    It owns the process's stop signals: armed first, ignored once the message is written (a stop
    that comes later has nothing left to stop, and must not turn a finished job into a traceback)."""
    # As PID 1 in a container, Python would ignore SIGTERM; stop cleanly instead.
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)
    try:
        logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s")
        log.info("Job starting (pid %d); SIGTERM or SIGINT stops it with a Stopped message.", os.getpid())
        code = _job(env)
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        return code
    except Stopped as exc:
        return _stopped(env, exc)


def _job(env: Mapping[str, str]) -> int:
    from container.contract import base_paths, from_env
    from container.errors import ClientError
    from container.write.message import Status, write_message

    message_file = base_paths(env).message
    contract = None  # known once the environment is read; None when reading it is what failed
    try:
        from container.jobs import run  # the heavy imports: only now, with the stop handler in place

        contract = from_env(env)
        outcome = run(contract)
    except ClientError as exc:
        text = Status.CLIENT_ERROR.says(str(exc))
        log.error("%s", text)
        write_message(message_file, text)
        _share_message(contract, text)
        return EXIT_CLIENT_ERROR
    except Exception as exc:
        stop = stop_within(exc)
        if stop is not None:  # a stop that Python wrapped (see stop_within) is still a stop
            raise stop from None
        log.exception("internal error")
        text = Status.INTERNAL_ERROR.says(type(exc).__name__)
        write_message(message_file, text)
        _share_message(contract, text)
        return EXIT_INTERNAL_ERROR
    log.info("%s", outcome.message)
    if not outcome.silent:  # SageMaker joins every host's message: only the leader's says how the job went
        write_message(message_file, outcome.message)
        _share_message(contract, outcome.message)
    return 0


def _share_message(contract: MonitorContract | None, text: str) -> None:
    """With ``report_s3_uri``, also put the message next to the reports, so a failed run is seen there too."""
    if contract is None or contract.report_s3_uri is None:
        return  # no report place: none is set, or reading the environment is what failed
    from datetime import UTC, datetime

    from container.write.upload import share_message

    try:
        share_message(contract.report_s3_uri, contract.end_time or datetime.now(UTC), text)
    except Exception:  # the job's outcome and exit code are decided; a bug here must not change them
        log.exception("the status message was not put next to the reports")


def _stopped(env: Mapping[str, str], exc: Stopped) -> int:
    """Remove what a cut-short write left in the output folders, then say the job was stopped."""
    from container.contract import base_paths
    from container.write.atomic import remove_temporaries
    from container.write.message import Status, write_message

    log.warning("stopped by %s", exc)
    removed = remove_temporaries()
    if removed:
        log.warning("removed %d temporary file(s) of writes the stop cut short", removed)
    write_message(
        base_paths(env).message, Status.STOPPED.says(f"the job received {exc} before it finished; no report was completed.")
    )
    return 128 + exc.signum


if __name__ == "__main__":
    sys.exit(main(os.environ))
