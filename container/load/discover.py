"""Finding the dataset's files under ``dataset_source``."""

from __future__ import annotations

import logging
from pathlib import Path

from container.errors import ContractError

log = logging.getLogger(__name__)

SHOWN_SKIPPED = 5  # names of skipped files and folders in the log: enough to recognise them


def discover_files(root: Path) -> list[Path]:
    """Every regular file below ``root``, recursively, in a stable order. Hidden files and folders
    (``.``) and Spark/Hadoop markers (``_SUCCESS``, ``_temporary/``, ``_committed_*``: names starting
    with ``_``) are skipped, and the log says how many and which."""
    try:
        if root.is_file():
            return [root]
        is_dir = root.is_dir()
    except OSError as exc:  # a name too long, a loop of links: the path cannot even be looked at
        raise ContractError(
            f"dataset_source={str(root)[:200]!r} cannot be read ({exc.strerror or exc.__class__.__name__}); fix the variable."
        ) from None
    if not is_dir:
        raise ContractError(f"dataset_source={str(root)!r} does not exist; mount the captured data there or fix the variable.")
    files: list[Path] = []
    skipped: list[str] = []  # the outermost hidden or marker name of each skipped file
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root)
        marker = next((i for i, part in enumerate(relative.parts) if part.startswith((".", "_"))), None)
        if marker is None:
            files.append(path)
        else:
            skipped.append(Path(*relative.parts[: marker + 1]).as_posix())
    if skipped:
        _log_skipped(root, skipped)
    return files


def _log_skipped(root: Path, skipped: list[str]) -> None:
    names = sorted(set(skipped))
    shown = ", ".join(names[:SHOWN_SKIPPED]) + (f" and {len(names) - SHOWN_SKIPPED} more" if len(names) > SHOWN_SKIPPED else "")
    log.info(
        "Skipped %d file(s) under %s whose name or folder starts with '.' or '_' (hidden files, Spark/Hadoop markers): %s",
        len(skipped),
        root,
        shown,
    )
