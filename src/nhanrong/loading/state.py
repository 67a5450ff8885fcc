"""The app's own folder in a data root (``.nhanrong``: cache, save journal), and pausing the garbage collector."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

STATE_DIR = ".nhanrong"
"""The app's own folder in a data root (cache, save journal), hidden from git by its own ``.gitignore``."""
_IGNORE_ALL = b"*\n"


def ensure_state_dir(root: Path) -> Path:
    """``ROOT/.nhanrong``, with its ``.gitignore`` written before anything else goes in, so that git never
    sees what a killed process leaves there; a damaged ``.gitignore`` is written again."""
    top = Path(root) / STATE_DIR
    top.mkdir(exist_ok=True)
    ignore = top / ".gitignore"
    try:
        ok = ignore.read_bytes() == _IGNORE_ALL
    except OSError:
        ok = False
    if not ok:
        fd = os.open(ignore, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, _IGNORE_ALL)  # one write: at worst an empty file, written again next time
        finally:
            os.close(fd)
    return top


def pending_saves(root: Path) -> bool:
    """Whether a save's journal waits under ``ROOT/.nhanrong/journal``, or the folder's ``.gitignore`` was
    left damaged by a kill (a stat or two when there is nothing to do)."""
    try:
        if os.listdir(root / STATE_DIR / "journal"):  # == editing.journal.JOURNAL_DIR
            return True
    except OSError:
        pass
    try:
        return os.stat(root / STATE_DIR / ".gitignore").st_size != len(_IGNORE_ALL)
    except FileNotFoundError:
        return os.path.isdir(root / STATE_DIR)
    except OSError:
        return False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects at once.

    Parsing and validating a national data set allocates millions of dicts and models that
    all stay alive; each automatic collection would walk them again for nothing (a third
    of the load time). Any cycle made meanwhile is collected as usual afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
