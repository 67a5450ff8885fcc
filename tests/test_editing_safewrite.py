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


# --- several files as one: the journal ------------------------------------------------------------

import hashlib  # noqa: E402
import json  # noqa: E402

from nhanrong.editing.errors import UnsupportedLayoutError  # noqa: E402
from nhanrong.editing.journal import JOURNAL_DIR, commit_files, new_path, old_path, recover_root  # noqa: E402


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _three(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    old = {"pilots/a/1.toml": "a = 1\n", "units/2.toml": "b = 2\n"}
    for rel, text in old.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path, old


def _left(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*") if p.is_file() and ".gitignore" not in p.name)


def test_a_set_of_files_is_written_together(tmp_path: Path) -> None:
    root, old = _three(tmp_path)
    files = [("pilots/a/1.toml", _sha(old["pilots/a/1.toml"]), "a = 10\n"), ("units/2.toml", _sha(old["units/2.toml"]), "b = 20\n"),
             ("pilots/b/3.toml", None, "c = 30\n")]
    sha, notes = commit_files(root, files)
    assert sha is None and notes == []
    assert [(root / r).read_text(encoding="utf-8") for r, _, _ in files] == ["a = 10\n", "b = 20\n", "c = 30\n"]
    assert _left(root) == [] and not any((root / JOURNAL_DIR).iterdir())


def test_a_stale_file_refuses_the_whole_set_before_writing(tmp_path: Path) -> None:
    root, old = _three(tmp_path)
    files = [("pilots/a/1.toml", _sha(old["pilots/a/1.toml"]), "a = 10\n"), ("units/2.toml", _sha("not what is there"), "b = 20\n")]
    with pytest.raises(StaleFileError, match="units/2.toml"):
        commit_files(root, files)
    assert {r: (root / r).read_text(encoding="utf-8") for r in old} == old and _left(root) == []


def test_a_failure_half_way_puts_every_file_back(tmp_path: Path, monkeypatch) -> None:
    root, old = _three(tmp_path)
    files = [("pilots/a/1.toml", _sha(old["pilots/a/1.toml"]), "a = 10\n"), ("units/2.toml", _sha(old["units/2.toml"]), "b = 20\n"),
             ("units/new.toml", None, "n = 1\n")]
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(str(dst))
        if str(dst).endswith("units/2.toml"):  # the first file is already replaced by then
            raise OSError("đĩa hỏng")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError, match="đĩa hỏng"):
        commit_files(root, files)
    monkeypatch.undo()
    assert any(c.endswith("pilots/a/1.toml") for c in calls)
    assert {r: (root / r).read_text(encoding="utf-8") for r in old} == old
    assert not (root / "units/new.toml").exists() and _left(root) == []


def test_recovery_never_overwrites_a_file_changed_since_the_crash(tmp_path: Path) -> None:
    root, old = _three(tmp_path)
    sid = "00112233445566aa"
    a, b = "pilots/a/1.toml", "units/2.toml"
    doc = {"version": 1, "id": sid, "state": "committed", "git": None,
           "files": [{"rel": a, "before": _sha(old[a]), "after": _sha("a = 10\n"), "mode": 0o644},
                     {"rel": b, "before": _sha(old[b]), "after": _sha("b = 20\n"), "mode": 0o644}]}
    (root / JOURNAL_DIR).mkdir(parents=True)
    (root / JOURNAL_DIR / f"{sid}.json").write_text(json.dumps(doc), encoding="utf-8")
    os.link(root / a, old_path(root, a, sid))  # the crash came after the first file was replaced
    (root / a).unlink()
    (root / a).write_text("a = 10\n", encoding="utf-8")
    new_path(root, b, sid).write_text("b = 20\n", encoding="utf-8")
    (root / b).write_text("b = 99  # sửa tay\n", encoding="utf-8")  # and someone edited the second one by hand
    [note] = recover_root(root)
    assert note.outcome == "rolled-back" and "units/2.toml" in note.text("vi") and "không ghi đè" in note.text("vi")
    assert (root / a).read_text(encoding="utf-8") == old[a]
    assert (root / b).read_text(encoding="utf-8") == "b = 99  # sửa tay\n"
    assert _left(root) == [] and not any((root / JOURNAL_DIR).iterdir())


def test_a_damaged_journal_is_kept_and_reported(tmp_path: Path) -> None:
    root, _ = _three(tmp_path)
    (root / JOURNAL_DIR).mkdir(parents=True)
    (root / JOURNAL_DIR / "ffffffffffffffff.json").write_text("{ half", encoding="utf-8")
    [note] = recover_root(root)
    assert note.outcome == "pending" and "hỏng" in note.text("vi")
    assert (root / JOURNAL_DIR / "ffffffffffffffff.json").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_a_fifo_is_never_opened_by_the_editor(tmp_path: Path) -> None:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    with pytest.raises(UnsupportedLayoutError, match="không phải tệp thường"):
        read_snapshot(path)


def test_the_state_folder_is_hidden_from_git_again_after_a_kill(make_repo) -> None:
    from nhanrong.loader import load_programme

    root = make_repo()
    (root / JOURNAL_DIR).mkdir(parents=True)
    (root / JOURNAL_DIR.parent / ".gitignore").write_bytes(b"")  # killed between creating and writing it
    assert load_programme(root).problems == []
    assert (root / JOURNAL_DIR.parent / ".gitignore").read_bytes() == b"*\n"
