"""Host names to addresses: SageMaker's names (algo-1, algo-2...) may resolve only some time after start."""

from __future__ import annotations

import socket
import time

from container.errors import ClientError

RETRY_EVERY_S = 1.0


def resolve(host: str, timeout_s: float) -> str:
    """The IPv4 address of ``host``, retried until ``timeout_s``; a ClientError naming the host after that."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return socket.gethostbyname(host)
        except OSError as exc:
            if time.monotonic() >= deadline:
                raise ClientError(
                    f"host {host} of this multi-instance job did not resolve within {timeout_s:g} s ({exc}); "
                    "raise cluster.join_timeout_s in the analysis config if the instances start slowly."
                ) from None
        time.sleep(RETRY_EVERY_S)
