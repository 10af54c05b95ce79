"""What runs inside the workers besides reading tasks: listing a host's own files, and marking the job done.

Module-level functions, so Dask sends them by name (workers import this module, never a closure).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from container.cluster.processes import HOST_VARIABLE
from container.load.discover import discover_sized


def listing(source: str) -> tuple[list[str], list[int]]:
    """This host's files under ``source`` and their sizes; none when SageMaker gave it an empty shard."""
    root = Path(source)
    if not root.exists():
        return [], []
    return discover_sized(root)


def done_flag(host: str) -> Path:
    """The file that tells a host's worker command the leader finished (not merely went away)."""
    return Path(tempfile.gettempdir()) / f"sagemaker-monitor-{host}.done"


def finished() -> str:
    """Run on every worker before the leader shuts the cluster down."""
    host = os.environ.get(HOST_VARIABLE, "")
    done_flag(host).touch()
    return host
