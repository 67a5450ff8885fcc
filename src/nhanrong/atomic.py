"""The one way a file is replaced: never half-written, even if the process is killed or the power goes.

The new bytes go to a temporary file in the same folder (same file system), are flushed and
fsync'ed, get the permission bits the file should have, then are renamed over the target with
``os.replace`` (atomic on POSIX and Windows); the folder is fsync'ed so the rename itself survives
a power cut. A reader sees the old file or the new one, never a mix. The temporary file is removed
when anything fails.

Used by the editor (:mod:`nhanrong.editing.safewrite`, which adds the conflict check and the lock),
by exports (:func:`nhanrong.exports.write_file`) and by the programme cache (:mod:`nhanrong.cache`);
this module imports nothing of the package so each can use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


def fsync_folder(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def existing_mode(path: Path, default: int = 0o644) -> int:
    """The permission bits ``path`` has, or ``default`` for a new file."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return default


def replace_file(path: Path, data: bytes | Callable[[BinaryIO], None], *, mode: int | None = None,
                 prefix: str | None = None, suffix: str = ".tmp", before_replace: Callable[[], None] | None = None) -> Path:
    """Replace ``path`` with ``data`` (bytes, or a function writing to the open binary file) atomically and durably.

    ``mode``: the permission bits of the new file (default: those the file has now, else 0o644).
    ``prefix``/``suffix``: the temporary file's name (default ``.NAME.XXXXXXXX.tmp``: the loader knows
    such names as leftovers of a crash). ``before_replace``: called just before the rename (a last
    check that may raise: nothing is replaced then)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=prefix if prefix is not None else f".{path.name}.", suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, existing_mode(path) if mode is None else mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(path.parent)
    return path


__all__ = ["replace_file", "fsync_folder", "existing_mode"]
