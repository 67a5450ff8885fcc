"""Atomic writes: all or nothing, and never over someone else's edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nhanrong.editing.errors import StaleFileError
from nhanrong.editing.safewrite import read_snapshot, write_atomic


def test_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("x = 1\n", encoding="utf-8")
    os.chmod(path, 0o640)
    snap = read_snapshot(path)
    write_atomic(path, 'x = "Âu Lâu"\n', expected=snap.digest)
    assert path.read_text(encoding="utf-8") == 'x = "Âu Lâu"\n'
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.toml"]


def test_changed_since_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("x = 1\n", encoding="utf-8")
    snap = read_snapshot(path)
    path.write_text("x = 2\n", encoding="utf-8")
    with pytest.raises(StaleFileError, match="đã bị thay đổi trên đĩa"):
        write_atomic(path, "x = 3\n", expected=snap.digest)
    assert path.read_text(encoding="utf-8") == "x = 2\n"


def test_new_file_created_meanwhile_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.toml"
    snap = read_snapshot(path)
    assert snap.text is None and snap.digest is None
    path.parent.mkdir()
    path.write_text("y = 1\n", encoding="utf-8")
    with pytest.raises(StaleFileError, match="vừa được tạo"):
        write_atomic(path, "x = 1\n", expected=None)
    assert path.read_text(encoding="utf-8") == "y = 1\n"


def test_new_file_written(tmp_path: Path) -> None:
    path = tmp_path / "d" / "new.toml"
    write_atomic(path, "x = 1\n", expected=None)
    assert path.read_text(encoding="utf-8") == "x = 1\n"


@pytest.mark.parametrize("target", ["replace", "fsync"])
def test_crash_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch, target: str) -> None:
    path = tmp_path / "a.toml"
    path.write_text("x = 1\n", encoding="utf-8")
    snap = read_snapshot(path)

    def crash(*args):
        raise OSError("crash")

    monkeypatch.setattr(os, target, crash)
    with pytest.raises(OSError, match="crash"):
        write_atomic(path, "x = 2\n", expected=snap.digest)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "x = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.toml"]
