"""Discovery: which TOML files a data root holds, found without following links out of it and without
opening anything (a FIFO named *.toml would block a read forever)."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import DataRootError
from ..i18n import Message, msg

DATA_DIRS = ("models", "units", "pilots", "plans", "indicators")
SETTINGS_FILE = "nhanrong.toml"
"""The repository's own settings (model order, its kinds of unit and its words), at the root."""

TEMP_FILE = re.compile(r"^\.(?P<target>.+\.toml)\.(?:[A-Za-z0-9_]{8}\.tmp|[0-9a-f]{16}\.nhanrong-(?:new|old))$")
"""Temporary files of an atomic write (``safewrite``: .NAME.XXXXXXXX.tmp) and of a multi-file save
(``editing.journal``: .NAME.ID.nhanrong-new / -old), left behind only by a crash."""


class Skipped(NamedTuple):
    """An entry discovery did not read, and why: reported as a problem of ``rel``."""

    rel: str
    severity: str
    code: str
    msg: Message


@dataclass
class Scan:
    """What discovery found under the data folders: the TOML files to read, the entries it skipped
    (each a problem to report: a FIFO, a link leaving the root, a folder named *.toml...), and
    temporary files a crashed write left behind."""

    files: dict[str, list[Path]]
    skipped: list[Skipped] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)


def discover(root: Path) -> dict[str, list[Path]]:
    """TOML files under each data folder, in a stable order (regular files only; see :func:`scan`)."""
    return scan(root).files


def _inside(path: str, bases: tuple[str, ...]) -> bool:
    return any(path == b or path.startswith(b.rstrip(os.sep) + os.sep) for b in bases)


def scan(root: Path) -> Scan:
    """Walk the data folders without following links into folders and without opening anything.

    Only regular files named ``*.toml`` are kept. A link to a file is followed only when it stays
    inside the data root (an error otherwise, and for a broken link or a loop); a link to a folder is
    not followed (a warning). A FIFO, socket or device named ``*.toml`` is an error and is never
    opened: reading it would wait forever. A folder named ``*.toml`` is a warning; its files are read.
    """
    if not root.is_dir():
        raise DataRootError(msg("problem.no_data_folder", root=str(root)))
    if not any((root / d).is_dir() for d in DATA_DIRS):
        raise DataRootError(msg("problem.not_a_data_root", root=str(root)))
    real_root = os.path.realpath(root)
    bases = (real_root, *(os.path.realpath(root / d) for d in DATA_DIRS if (root / d).is_dir()))
    out = Scan({d: [] for d in DATA_DIRS})
    for d in DATA_DIRS:
        top = root / d
        if top.is_dir():
            _walk(root, top, out.files[d], out, bases)
            out.files[d].sort()
    return out


def _walk(root: Path, top: Path, found: list[Path], out: Scan, bases: tuple[str, ...]) -> None:
    stack = [str(top)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            rel = Path(folder).relative_to(root).as_posix()
            out.skipped.append(Skipped(rel, "error", "unreadable", msg("problem.unreadable_folder", reason=exc.strerror)))
            continue
        for e in entries:
            name = e.name
            toml = name.endswith(".toml")
            try:
                if e.is_symlink():
                    if toml:
                        _linked(root, Path(e.path), found, out, bases)
                    elif e.is_dir():
                        rel = Path(e.path).relative_to(root).as_posix()
                        out.skipped.append(Skipped(rel, "warning", "linked-folder", msg("problem.linked_folder")))
                    continue
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                    if toml:
                        rel = Path(e.path).relative_to(root).as_posix()
                        out.skipped.append(Skipped(rel, "warning", "not-a-file", msg("problem.folder_named_toml")))
                elif e.is_file(follow_symlinks=False):
                    if toml:
                        found.append(Path(e.path))
                    elif name[0] == "." and TEMP_FILE.match(name):
                        out.leftovers.append(Path(e.path))
                elif toml:
                    _special(root, Path(e.path), e.stat(follow_symlinks=False).st_mode, out)
            except OSError as exc:
                if toml:
                    rel = Path(e.path).relative_to(root).as_posix()
                    out.skipped.append(Skipped(rel, "error", "unreadable", msg("problem.unreadable_file", reason=exc.strerror)))


def _special(root: Path, path: Path, mode: int, out: Scan) -> None:
    out.skipped.append(Skipped(path.relative_to(root).as_posix(), "error", "not-regular-file",
                               msg("problem.special_file", kind=file_kind(mode))))


def file_kind(mode: int) -> Message:
    """What a file that is not a regular file is (a FIFO, a socket...), in words."""
    if stat.S_ISFIFO(mode):
        return msg("problem.file_kind.fifo")
    if stat.S_ISSOCK(mode):
        return msg("problem.file_kind.socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg("problem.file_kind.device")
    if stat.S_ISDIR(mode):
        return msg("problem.file_kind.folder")
    return msg("problem.file_kind.special")


def _linked(root: Path, path: Path, found: list[Path], out: Scan, bases: tuple[str, ...]) -> None:
    """A symbolic link named *.toml: kept when it leads to a regular file inside the data root."""
    rel = path.relative_to(root).as_posix()
    problem = link_problem(path, bases)
    if problem is not None:
        out.skipped.append(Skipped(rel, "error", *problem))
        return
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        found.append(path)
    elif stat.S_ISDIR(mode):
        out.skipped.append(Skipped(rel, "warning", "not-a-file", msg("problem.link_to_folder")))
    else:
        _special(root, path, mode, out)


def link_problem(path: Path, bases: tuple[str, ...]) -> tuple[str, Message] | None:
    """(code, message) when the symbolic link ``path`` is broken, loops, or leads out of ``bases``."""
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return ("link-loop", msg("problem.link_loop"))
        return ("broken-link", msg("problem.broken_link"))
    except RuntimeError:  # pragma: no cover - Python < 3.13 on some platforms reports loops this way
        return ("link-loop", msg("problem.link_loop"))
    if not _inside(target, bases):
        return ("link-outside", msg("problem.link_outside", target=target))
    return None
