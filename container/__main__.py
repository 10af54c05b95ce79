"""``python -m container``: the image's entrypoint and the only place that exits."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from container.contract import base_paths, from_env
from container.errors import ClientError
from container.run import run
from container.write.message import write_message

log = logging.getLogger("container")

EXIT_CLIENT_ERROR = 2
EXIT_INTERNAL_ERROR = 1


def main(env: Mapping[str, str]) -> int:
    """Run one job; write ``<base>/output/message``; return the exit code."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s")
    message_file = base_paths(env).message
    try:
        outcome = run(from_env(env))
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
