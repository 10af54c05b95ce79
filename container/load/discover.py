"""Finding the dataset's files under ``dataset_source``."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from container.errors import ContractError

log = logging.getLogger(__name__)

SHOWN_SKIPPED = 5  # names of skipped files and folders in the log: enough to recognise them


def discover_files(root: Path) -> list[Path]:
    """Every regular file below ``root``, recursively, in a stable order. Hidden files and folders
    (``.``) and Spark/Hadoop markers (``_SUCCESS``, ``_temporary/``, ``_committed_*``: names starting
    with ``_``) are skipped, and the log says how many and which.

    The order is that of the paths' parts (``sorted`` on ``Path``s). Folders are walked with
    ``os.scandir``, whose entries know their type without a ``stat`` each: a window of thousands of
    hourly files is listed in milliseconds. As with ``Path.rglob``, links to folders are not followed
    and folders that cannot be listed are passed over."""
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
    found: list[_Found] = []
    _walk(str(root), (), None, found)
    found.sort(key=lambda item: item[0])
    files = [Path(path) for _, path, marker in found if marker is None]
    skipped = [marker for _, _, marker in found if marker is not None]
    if skipped:
        _log_skipped(root, skipped)
    return files


_Found = tuple[tuple[str, ...], str, str | None]  # (relative parts, path, the outermost hidden or marker name)


def _walk(folder: str, parts: tuple[str, ...], marker: str | None, found: list[_Found]) -> None:
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except PermissionError:
        return
    for entry in listed:
        here = (*parts, entry.name)
        hidden = marker if marker is not None else ("/".join(here) if entry.name.startswith((".", "_")) else None)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            _walk(entry.path, here, hidden, found)
        elif is_file:
            found.append((here, entry.path, hidden))


def _log_skipped(root: Path, skipped: list[str]) -> None:
    names = sorted(set(skipped))
    shown = ", ".join(names[:SHOWN_SKIPPED]) + (f" and {len(names) - SHOWN_SKIPPED} more" if len(names) > SHOWN_SKIPPED else "")
    log.info(
        "Skipped %d file(s) under %s whose name or folder starts with '.' or '_' (hidden files, Spark/Hadoop markers): %s",
        len(skipped),
        root,
        shown,
    )
