"""Write a file so that a crash never leaves half of it, and never overwrite someone else's edit.

The new text goes to a temporary file in the same folder (same file system), is flushed to
disk, then renamed over the old file with ``os.replace`` (atomic on POSIX and Windows). Before
that, the file's content hash is compared with the one taken when it was read: if someone
changed it meanwhile (another planner, an editor, a git pull), the write is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

try:  # POSIX: an advisory lock on the folder serialises check-then-rename between writers
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .errors import StaleFileError


def digest_bytes(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def current_digest(path: Path) -> str | None:
    """sha256 of the file's bytes, or None when it does not exist."""
    try:
        return digest_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Snapshot:
    """A file's text as read, with the hash that proves later that it did not change."""

    path: Path
    text: str | None  # None: the file does not exist yet
    digest: str | None


def read_snapshot(path: Path) -> Snapshot:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Snapshot(path, None, None)
    return Snapshot(path, data.decode("utf-8"), digest_bytes(data))


def check_unchanged(path: Path, expected: str | None, rel: str | None = None) -> None:
    """Raise StaleFileError if the file on disk is no longer the one that was read."""
    if current_digest(path) != expected:
        name = rel or path.name
        if expected is None:
            raise StaleFileError(f'tệp "{name}" vừa được tạo bởi người khác; hãy tải lại dữ liệu rồi làm lại thay đổi',
                                 f'file "{name}" was created by someone else meanwhile; reload the data and make the change again')
        raise StaleFileError(f'tệp "{name}" đã bị thay đổi trên đĩa kể từ lúc đọc; hãy tải lại dữ liệu rồi làm lại thay đổi (không ghi đè)',
                             f'file "{name}" changed on disk since it was read; reload the data and make the change again (nothing overwritten)')


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (no lock file left in the data); a no-op without fcntl."""
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def write_atomic(path: Path, text: str, *, expected: str | None, rel: str | None = None) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically, if it still has the digest ``expected``."""
    check_unchanged(path, expected, rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(path.parent):
        _write_locked(path, text, expected, rel)


def _write_locked(path: Path, text: str, expected: str | None, rel: str | None) -> None:
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:  # a new file: as its neighbours (os.umask would race between app sessions)
        sibling = next((p for p in sorted(path.parent.glob("*.toml")) if p.is_file()), None)
        mode = sibling.stat().st_mode & 0o777 if sibling else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        check_unchanged(path, expected, rel)  # narrow the window once more, just before the rename
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
