"""Finding the dataset's files under ``dataset_source``."""

from __future__ import annotations

import logging
import os
from operator import attrgetter
from pathlib import Path

from container.errors import ContractError

log = logging.getLogger(__name__)

SHOWN_SKIPPED = 5  # names of skipped files and folders in the log: enough to recognise them

_name = attrgetter("name")


def discover_files(root: Path) -> list[Path]:
    """Every regular file below ``root``, recursively, in a stable order. Hidden files and folders
    (``.``) and Spark/Hadoop markers (``_SUCCESS``, ``_temporary/``, ``_committed_*``: names starting
    with ``_``) are skipped, and the log says how many and which.

    The order is that of the paths' parts (``sorted`` on ``Path``s). Folders are walked with
    ``os.scandir``, whose entries know their type without a ``stat`` each: a window of thousands of
    hourly files is listed in milliseconds. As with ``Path.rglob``, links to folders are not followed
    and folders that cannot be listed are passed over."""
    if _is_file(root):
        return [root]
    return [Path(path) for path in _discover(root, None)]


def discover_sized(root: Path) -> tuple[list[str], list[int]]:
    """``discover_files``' files, as ``str`` paths, and their sizes in bytes (0 for a file that cannot
    be looked at: reading it says so, with its name). Each file costs one ``stat``, made as it is listed
    (``DirEntry.stat``); thousands of tiny files build no ``Path`` each."""
    if _is_file(root):
        return [str(root)], [_size(str(root))]
    sizes: list[int] = []
    return _discover(root, sizes), sizes


def _is_file(root: Path) -> bool:
    """Whether ``root`` is a file; a ContractError when it is neither a file nor a folder."""
    try:
        if root.is_file():
            return True
        is_dir = root.is_dir()
    except OSError as exc:  # a name too long, a loop of links: the path cannot even be looked at
        raise ContractError(
            f"dataset_source={str(root)[:200]!r} cannot be read ({exc.strerror or exc.__class__.__name__}); fix the variable."
        ) from None
    if not is_dir:
        raise ContractError(f"dataset_source={str(root)!r} does not exist; mount the captured data there or fix the variable.")
    return False


def _discover(root: Path, sizes: list[int] | None) -> list[str]:
    top = str(root)
    paths: list[str] = []
    skipped: list[str] = []
    _walk(top, len(os.path.join(top, "")), None, paths, sizes, skipped)
    if skipped:
        _log_skipped(root, skipped)
    return paths


def _walk(folder: str, prefix: int, marker: str | None, paths: list[str], sizes: list[int] | None, skipped: list[str]) -> None:
    """The files below ``folder`` into ``paths`` (their sizes into ``sizes``, unless None), in the order of
    their paths' parts: each folder's entries by name, a folder's files where its name falls (a depth-first
    walk of sorted entries is that order, without a key per file). ``marker``: the outermost hidden or marker
    folder above, relative to the root (``entry.path[prefix:]``); files below one go to ``skipped``."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=_name)
    except PermissionError:
        return
    for entry in listed:
        hidden = marker
        if hidden is None and entry.name.startswith((".", "_")):
            hidden = entry.path[prefix:]
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            _walk(entry.path, prefix, hidden, paths, sizes, skipped)
        elif not is_file:
            continue
        elif hidden is not None:
            skipped.append(hidden)
        else:
            paths.append(entry.path)
            if sizes is not None:
                try:
                    sizes.append(entry.stat().st_size)  # the link's target; cached by is_file() for a link
                except OSError:
                    sizes.append(0)  # gone since listed: reading it says so, with its name


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _log_skipped(root: Path, skipped: list[str]) -> None:
    names = sorted(set(skipped))
    shown = ", ".join(names[:SHOWN_SKIPPED]) + (f" and {len(names) - SHOWN_SKIPPED} more" if len(names) > SHOWN_SKIPPED else "")
    log.info(
        "Skipped %d file(s) under %s whose name or folder starts with '.' or '_' (hidden files, Spark/Hadoop markers): %s",
        len(skipped),
        root,
        shown,
    )
