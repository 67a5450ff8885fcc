"""Write a file so that a crash never leaves half of it, and never overwrite someone else's edit.

The new text is written by :func:`nhanrong.atomic.replace_file` (a temporary file in the same folder,
flushed to disk, renamed over the old file with ``os.replace``). Before that, the file's content hash
is compared with the one taken when it was read: if someone changed it meanwhile (another planner, an
editor, a git pull), the write is refused.

Data files are written only through :func:`nhanrong.editing.save` and
:func:`nhanrong.editing.plans.save_plan_text` (validated, journalled, committed); this module gives them
the snapshot, the conflict check and the lock. :func:`write_atomic` is the single-file primitive under them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

try:  # POSIX: an advisory lock on the folder serialises check-then-rename between writers
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from ..atomic import fsync_folder as fsync_folder, replace_file  # fsync_folder: for journal
from .errors import EditError, StaleFileError, UnsupportedLayoutError

MAX_EDIT_BYTES = 64 * 2**20
"""Largest file the editor reads (as the loader's MAX_FILE_BYTES default)."""


class LockBusyError(EditError):
    """Another save holds the data folder's lock for too long."""


CRASH_ENV = "NHANRONG_CRASH_AT"
"""Tests only: ``NHANRONG_CRASH_AT=N`` (or a step's name) kills the process (SIGKILL, as a power cut
would) when a save reaches its N-th step (or that step); see ``editing.journal.STEPS``."""
_steps_seen = 0


def checkpoint(step: str) -> None:
    """A point where a save may be cut short; dies here when :data:`CRASH_ENV` says so (tests)."""
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    global _steps_seen
    _steps_seen += 1
    if spec == step or spec == str(_steps_seen):
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        time.sleep(60)  # pragma: no cover - the signal is delivered first


def digest_bytes(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a regular file, None when nothing is there; never opens a FIFO or a device
    (that would wait forever): such a file, or one over MAX_EDIT_BYTES, is an :class:`UnsupportedLayoutError`."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_EDIT_BYTES:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                data = fh.read()  # a regular file ends (a FIFO or a device may not)
                if len(data) <= MAX_EDIT_BYTES:
                    return data
    raise UnsupportedLayoutError("edit.not_regular_file", name=path.name)


def current_digest(path: Path) -> str | None:
    """sha256 of the file's bytes, or None when it does not exist."""
    return digest_bytes(read_bytes(path))


@dataclass(frozen=True)
class Snapshot:
    """A file's text as read, with the hash that proves later that it did not change."""

    path: Path
    text: str | None  # None: the file does not exist yet
    digest: str | None


def read_snapshot(path: Path) -> Snapshot:
    data = read_bytes(path)
    if data is None:
        return Snapshot(path, None, None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedLayoutError("edit.not_utf8", name=path.name) from None
    return Snapshot(path, text, digest_bytes(data))


def check_unchanged(path: Path, expected: str | None, rel: str | None = None) -> None:
    """Raise StaleFileError if the file on disk is no longer the one that was read."""
    if current_digest(path) != expected:
        name = rel or path.name
        if expected is None:
            raise StaleFileError("edit.created_meanwhile", files=name)
        raise StaleFileError("edit.stale_file", files=f'"{name}"')


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (no lock file left in the data); a no-op without fcntl.

    ``wait``: seconds to wait for another holder before :class:`LockBusyError` (None: as long as it takes).
    A lock belongs to an open file, so two threads of one process exclude each other too; it goes
    away with the process that held it, however it ended.
    """
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if wait is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockBusyError("edit.lock_busy") from None
                    time.sleep(0.02)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def write_atomic(path: Path, text: str, *, expected: str | None, rel: str | None = None) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically, if it still has the digest ``expected``."""
    check_unchanged(path, expected, rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(path.parent):
        _write_locked(path, text, expected, rel)


def file_mode(path: Path) -> int:
    """The permission bits ``path`` has, or, for a new file, those of its neighbours (os.umask would
    race between app sessions)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        sibling = next((p for p in sorted(path.parent.glob("*.toml")) if p.is_file()), None)
        return sibling.stat().st_mode & 0o777 if sibling else 0o644


def _write_locked(path: Path, text: str, expected: str | None, rel: str | None) -> None:
    # the one atomic write (nhanrong.atomic); the file is checked once more just before the rename
    replace_file(path, text.encode("utf-8"), mode=file_mode(path), before_replace=lambda: check_unchanged(path, expected, rel))
