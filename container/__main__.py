"""``python -m container``: the image's entrypoint and the only place that exits."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Mapping
from types import FrameType

from container.contract import base_paths, from_env
from container.errors import ClientError
from container.run import run
from container.write.message import write_message

log = logging.getLogger("container")

EXIT_CLIENT_ERROR = 2
EXIT_INTERNAL_ERROR = 1
EXIT_STOPPED = 128 + signal.SIGTERM


class Stopped(BaseException):
    """SageMaker (StopProcessingJob, max runtime) or Docker asked the job to stop."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def main(env: Mapping[str, str]) -> int:
    """Run one job; write ``<base>/output/message``; return the exit code."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s")
    message_file = base_paths(env).message
    # As PID 1 in a container, Python would ignore SIGTERM; stop cleanly instead. Outputs are
    # written atomically, so a stop never leaves a half-written file behind.
    signal.signal(signal.SIGTERM, _stop)
    try:
        outcome = run(from_env(env))
    except Stopped as exc:
        log.warning("stopped by %s", exc)
        write_message(message_file, f"Stopped: the job received {exc} before it finished; no report was completed.")
        return EXIT_STOPPED
    except ClientError as exc:
        text = f"ClientError: {exc}"
        log.error("%s", text)
        write_message(message_file, text)
        return EXIT_CLIENT_ERROR
    except Exception as exc:
        log.exception("internal error")
        write_message(message_file, f"Internal error: {type(exc).__name__}")
        return EXIT_INTERNAL_ERROR
    log.info("%s", outcome.message)
    write_message(message_file, outcome.message)
    return 0


if __name__ == "__main__":
    sys.exit(main(os.environ))
