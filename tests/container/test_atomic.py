"""Atomic writes leave the old file or the new one, and never a temporary file, however they end."""

from __future__ import annotations

import os
import stat

import pytest

from container.errors import OutputError
from container.write import atomic


class _Interrupted(BaseException):
    """What a signal handler raises in the middle of a write (``Stopped`` is one)."""


def test_a_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out" / "statistics.json"
    atomic.write_text(target, "old")
    atomic.write_text(target, "new é")
    assert target.read_text(encoding="utf-8") == "new é"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["statistics.json"]


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, step):
    target = tmp_path / "statistics.json"
    target.write_text("old")

    def interrupt(*args, **kwargs):
        raise _Interrupted

    monkeypatch.setattr(atomic.os, step, interrupt)
    with pytest.raises(_Interrupted):
        atomic.write_text(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statistics.json"]
    assert atomic.remove_temporaries() == 0


def test_the_stop_path_removes_a_temporary_whose_write_could_not_clean_up(tmp_path, monkeypatch):
    target = tmp_path / "statistics.json"

    def interrupt(*args, **kwargs):
        raise _Interrupted

    # The signal lands again inside the write's own clean-up: the file stays, still registered.
    monkeypatch.setattr(atomic.os, "fsync", interrupt)
    monkeypatch.setattr(atomic, "_discard", interrupt)
    with pytest.raises(_Interrupted):
        atomic.write_text(target, "new")
    monkeypatch.undo()
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".statistics.json.") and left[0].endswith(".tmp")
    assert atomic.remove_temporaries() == 1
    assert list(tmp_path.iterdir()) == []
    assert atomic.remove_temporaries() == 0


def test_an_unwritable_folder_is_a_client_error_naming_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="make output_path writable"):
        atomic.write_text(blocker / "out" / "statistics.json", "new")
    assert atomic.remove_temporaries() == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_a_client_error(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="make output_path writable"):
            atomic.write_text(tmp_path / "statistics.json", "new")
    finally:
        tmp_path.chmod(0o700)
