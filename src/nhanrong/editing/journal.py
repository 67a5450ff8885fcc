"""A save that spans several files is all or nothing, even when the process is killed half-way.

A save writes through a journal, ``ROOT/.nhanrong/journal/<id>.json`` (git-ignored, beside the
cache), holding the data root's lock (``flock`` on the folder) from start to end:

1. the journal is written with state ``prepared``: each file's path, the sha256 of its text before
   and after, and the commit message;
2. each new text goes to ``.<name>.<id>.nhanrong-new`` beside its file, flushed to disk;
3. the journal is rewritten (atomically) with state ``committed``: the point of no return;
4. each file's old text is kept as ``.<name>.<id>.nhanrong-old`` (a hard link, no copy) and the new
   one is renamed over it;
5. the files are committed to git (trailer ``Nhanrong-Save: <id>``) when the root is a repository;
6. the backups, then the journal, are removed.

The next start (``prepare``, ``save``, a load through the loader or the app's cache) looks for a
journal and, under the same lock, finishes what a crash interrupted:

- crash in steps 1-3 (state ``prepared``): the temporary files are removed; every file keeps its
  old text: the save is **rolled back** (the planner makes the change again);
- crash in steps 4-6 (state ``committed``): the files still old get their new text from the
  temporary files, and the commit is made if it is missing: the save is **completed**;
- if meanwhile someone changed one of the files by hand (neither the old nor the new text), it is
  never overwritten: the files already replaced get their old text back from the backups, so the
  save is rolled back as a whole, and the message names the file.

Temporary files a crash left without a journal (including ``safewrite``'s single-file temp files)
are removed. What recovery did comes back as :class:`Recovery` notes, each with a catalogue message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..atomic import replace_file
from ..i18n import Message, msg
from ..loader import STATE_DIR, ensure_state_dir
from . import gitrepo
from .errors import GitError
from .safewrite import (LockBusyError, checkpoint, check_unchanged, current_digest, digest_bytes, file_mode,
                        folder_lock, fsync_folder, read_bytes)

JOURNAL_DIR = Path(STATE_DIR) / "journal"
VERSION = 1
STEPS = ("journal-prepared", "temp-written", "journal-committed", "backup-linked", "file-replaced", "files-replaced",
         "git-added", "git-committed", "backups-removed")
"""The steps where a save can be cut short, in order (``temp-written``, ``backup-linked`` and
``file-replaced`` once per file; the git steps only in a repository); see ``safewrite.CRASH_ENV``."""
SAVE_WAIT = 120.0
"""Seconds a save waits for another save to finish before giving up with a message."""
RECOVER_WAIT = 5.0
"""Seconds a load waits for a save in progress before reading the files as they are."""


@dataclass(frozen=True)
class Recovery:
    """What the next start did about a save a crash interrupted."""

    id: str
    rel: str  # the first file of the save: where the note is shown
    files: tuple[str, ...]
    outcome: str  # "completed", "rolled-back" or "pending" (could not act: read-only, busy)
    msg: Message
    changed: bool  # whether files of the data changed

    def text(self, lang: str = "vi") -> str:
        return self.msg.text(lang)


def new_path(root: Path, rel: str, save_id: str) -> Path:
    target = root / rel
    return target.with_name(f".{target.name}.{save_id}.nhanrong-new")


def old_path(root: Path, rel: str, save_id: str) -> Path:
    target = root / rel
    return target.with_name(f".{target.name}.{save_id}.nhanrong-old")


def _journal_dir(root: Path) -> Path:
    folder = ensure_state_dir(root) / JOURNAL_DIR.name  # the state folder is never part of the data's history
    folder.mkdir(exist_ok=True)
    return folder


def _write_json(path: Path, doc: dict) -> None:
    """Write ``doc`` to ``path`` atomically and durably (:func:`nhanrong.atomic.replace_file`); a temporary
    file a crash leaves ends in ``.json.tmp`` (removed by the next recovery)."""
    replace_file(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"), prefix=f"{path.stem}.", suffix=".json.tmp")


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _folders(root: Path, rels: list[str]) -> list[Path]:
    """The folders of the files, each once, in a fixed order (locks are always taken in this order)."""
    return sorted({(root / r).parent for r in rels} - {root})


# --- saving -------------------------------------------------------------------------------------


def commit_files(root: Path, files: list[tuple[str, str | None, str]], *, message: str | None = None,
                 author: str | None = None, use_git: bool = False, wait: float = SAVE_WAIT) -> tuple[str | None, list[Recovery]]:
    """Write ``files`` ((relative path, sha256 of the text it must still have or None for a new file,
    new text)) all or nothing, then commit them when ``use_git``. Returns the commit's sha (or None)
    and what was recovered first from an earlier interrupted save.

    Raises :class:`StaleFileError` (nothing written) when a file no longer has the expected text.
    """
    root = Path(root).resolve()
    with folder_lock(root, wait):
        notes = _recover_locked(root)
        for rel, before, _ in files:
            check_unchanged(root / rel, before, rel)
        for folder in _folders(root, [rel for rel, _, _ in files]):
            folder.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            for folder in _folders(root, [rel for rel, _, _ in files]):  # as safewrite.write_atomic: no single-file write in between
                stack.enter_context(folder_lock(folder, wait))
            for rel, before, _ in files:  # checked again under the folders' locks
                check_unchanged(root / rel, before, rel)
            sha = _Save(root, files, message, author, use_git).run()
    return sha, notes


class _Save:
    def __init__(self, root: Path, files: list[tuple[str, str | None, str]], message: str | None, author: str | None,
                 use_git: bool) -> None:
        self.root = root
        self.id = secrets.token_hex(8)
        self.data = [(rel, before, text.encode("utf-8")) for rel, before, text in files]
        self.doc = {
            "version": VERSION, "id": self.id, "state": "prepared", "created": dt.datetime.now().isoformat(timespec="seconds"),
            "pid": os.getpid(),
            "files": [{"rel": rel, "before": before, "after": digest_bytes(data), "mode": file_mode(root / rel)}
                      for rel, before, data in self.data],
            "git": {"message": message or "", "author": author} if use_git else None,
        }
        self.path = _journal_dir(root) / f"{self.id}.json"

    def run(self) -> str | None:
        root, sid = self.root, self.id
        _write_json(self.path, self.doc)
        checkpoint("journal-prepared")
        try:
            for (rel, _, data), entry in zip(self.data, self.doc["files"]):
                _write_new(new_path(root, rel, sid), data, entry["mode"])
                checkpoint("temp-written")
            for folder in _folders(root, [rel for rel, _, _ in self.data]) or [root]:
                fsync_folder(folder)
            self.doc["state"] = "committed"
            _write_json(self.path, self.doc)
        except BaseException:
            _roll_back_prepared(root, self.doc)  # nothing replaced yet: the old files stand
            _unlink(self.path)
            raise
        checkpoint("journal-committed")
        try:
            _replace_all(root, self.doc)
        except BaseException:
            _roll_back_committed(root, self.doc)
            _unlink(self.path)
            raise
        checkpoint("files-replaced")
        sha = None
        error: GitError | None = None
        if self.doc["git"] is not None:
            try:
                sha = _commit(root, self.doc)
            except GitError as exc:  # the files are saved: say so, as before
                error = exc
        _finish(root, self.doc, self.path)
        if error is not None:
            raise error
        return sha


def _replace_all(root: Path, doc: dict) -> None:
    sid = doc["id"]
    for entry in doc["files"]:
        rel = entry["rel"]
        target, new, old = root / rel, new_path(root, rel, sid), old_path(root, rel, sid)
        if not new.exists():
            continue  # replaced before a crash
        if entry["before"] is not None and not old.exists():
            _keep_old(target, old)
            checkpoint("backup-linked")
        os.replace(new, target)
        checkpoint("file-replaced")
    for folder in _folders(root, [e["rel"] for e in doc["files"]]) or [root]:
        fsync_folder(folder)


def _keep_old(target: Path, old: Path) -> None:
    """Keep the file's old text beside it: a hard link (no copy), or a copy where links are refused."""
    try:
        os.link(target, old)
    except OSError:
        shutil.copy2(target, old)
        with open(old, "rb+") as fh:
            os.fsync(fh.fileno())


def _commit(root: Path, doc: dict) -> str | None:
    if not gitrepo.is_repo(root):
        return None
    rels = [e["rel"] for e in doc["files"]]
    message = doc["git"]["message"].rstrip("\n") + f"\n{gitrepo.SAVE_TRAILER}: {doc['id']}\n"
    return gitrepo.commit(root, rels, message, author=doc["git"]["author"])


def _finish(root: Path, doc: dict, path: Path) -> None:
    for entry in doc["files"]:
        _unlink(old_path(root, entry["rel"], doc["id"]))
        _unlink(new_path(root, entry["rel"], doc["id"]))
    checkpoint("backups-removed")
    _unlink(path)
    fsync_folder(path.parent)


# --- recovering -----------------------------------------------------------------------------------


def recover_root(root: Path, leftovers: list[Path] | tuple[Path, ...] = (), *, wait: float = RECOVER_WAIT) -> list[Recovery]:
    """Complete or roll back every interrupted save under ``root`` and remove leftover temporary files.

    Never raises: a save in progress (the lock is busy), a read-only folder or a failed git step
    leave the journal for the next start and come back as a note with outcome ``pending``.
    """
    root = Path(root).resolve()
    try:
        with folder_lock(root, wait):
            notes = _recover_locked(root)
            _sweep(root, leftovers)
            return notes
    except LockBusyError:
        return []  # a save is running: its files are not leftovers
    except (OSError, GitError) as exc:
        text = getattr(exc, "strerror", None) or str(exc)
        return [Recovery("", JOURNAL_DIR.as_posix(), (), "pending", msg("edit.recovery.pending", error=text), False)]


def _recover_locked(root: Path) -> list[Recovery]:
    if (root / STATE_DIR).is_dir():
        try:
            ensure_state_dir(root)  # a kill may have left its .gitignore empty
        except OSError:
            pass  # read-only: nothing was written there either
    folder = root / JOURNAL_DIR
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    notes = []
    for name in names:
        path = folder / name
        if name.endswith(".json.tmp"):
            _unlink(path)  # a journal never finished: its save had written nothing yet
            continue
        if not name.endswith(".json"):
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            doc["id"], doc["files"], doc["state"]  # noqa: B018 - the keys recovery needs
        except (OSError, ValueError, KeyError, TypeError):
            notes.append(Recovery(name, JOURNAL_DIR.as_posix() + "/" + name, (), "pending",
                                  msg("edit.recovery.damaged", name=name), False))
            continue
        notes.append(_recover_one(root, doc, path))
    return notes


def _recover_one(root: Path, doc: dict, path: Path) -> Recovery:
    rels = tuple(e["rel"] for e in doc["files"])
    shown = ", ".join(rels[:5]) + (f" … (+{len(rels) - 5})" if len(rels) > 5 else "")
    first = rels[0] if rels else JOURNAL_DIR.as_posix()
    if doc["state"] != "committed":
        _roll_back_prepared(root, doc)
        _unlink(path)
        return Recovery(doc["id"], first, rels, "rolled-back", msg("edit.recovery.rolled_back", files=shown), False)
    states = {e["rel"]: _state(root, doc["id"], e) for e in doc["files"]}
    foreign = [rel for rel, s in states.items() if s == "other"]
    lost = [rel for rel, s in states.items() if s == "old-without-new"]
    if foreign or lost:
        changed = _roll_back_committed(root, doc)
        _finish(root, doc, path)
        note = (msg("edit.recovery.rolled_back_foreign", files=shown, foreign=", ".join(foreign)) if foreign
                else msg("edit.recovery.rolled_back_missing", files=shown))
        return Recovery(doc["id"], first, rels, "rolled-back", note, changed)
    changed = any(s == "old" for s in states.values())
    _replace_all(root, doc)
    committed = bool(doc.get("git")) and gitrepo.is_repo(root)
    if committed:
        _ensure_commit(root, doc)
    _finish(root, doc, path)
    note = msg("edit.recovery.completed_git" if committed else "edit.recovery.completed", files=shown)
    return Recovery(doc["id"], first, rels, "completed", note, changed)


def _ensure_commit(root: Path, doc: dict) -> None:
    """Make the save's commit unless it exists (the killed save's own git may still be finishing it)."""
    rels = [e["rel"] for e in doc["files"]]
    for attempt in range(3):
        gitrepo.wait_index_unlocked(root)
        if gitrepo.saved_commit(root, doc["id"]) is not None or not gitrepo.uncommitted(root, rels):
            return
        try:
            _commit(root, doc)
            return
        except GitError:
            if attempt == 2:
                raise
            time.sleep(0.2)


def _state(root: Path, sid: str, entry: dict) -> str:
    """Where one file of a committed save stands: "new", "old" (temp file ready), "old-without-new", "other"."""
    try:
        now = current_digest(root / entry["rel"])
    except Exception:  # noqa: BLE001 - not a regular file any more: someone else's
        return "other"
    if now == entry["after"]:
        return "new"
    if now == entry["before"]:
        new = new_path(root, entry["rel"], sid)
        try:
            ready = digest_bytes(read_bytes(new)) == entry["after"]
        except Exception:  # noqa: BLE001
            ready = False
        return "old" if ready else "old-without-new"
    return "other"


def _roll_back_prepared(root: Path, doc: dict) -> None:
    for entry in doc["files"]:
        _unlink(new_path(root, entry["rel"], doc["id"]))
        _unlink(old_path(root, entry["rel"], doc["id"]))


def _roll_back_committed(root: Path, doc: dict) -> bool:
    """Put back the old text of every file that has the new one; leave any other file alone."""
    changed = False
    for entry in doc["files"]:
        rel = entry["rel"]
        target, old = root / rel, old_path(root, rel, doc["id"])
        try:
            now = current_digest(target)
        except Exception:  # noqa: BLE001
            continue
        if now != entry["after"] or now == entry["before"]:
            continue
        if entry["before"] is None:
            _unlink(target)  # the save made this file
            changed = True
        elif old.exists() and digest_bytes(read_bytes(old)) == entry["before"]:
            os.replace(old, target)
            changed = True
    for folder in _folders(root, [e["rel"] for e in doc["files"]]) or [root]:
        fsync_folder(folder)
    _roll_back_prepared(root, doc)
    return changed


def _sweep(root: Path, leftovers) -> None:
    """Remove temporary files no save is using any more (the lock is held: no save is running)."""
    try:
        kept = {n.split(".")[0] for n in os.listdir(root / JOURNAL_DIR)}  # journals left for a person to check
    except OSError:
        kept = set()
    for path in leftovers:
        path = Path(path)
        try:
            if path.name.endswith((".nhanrong-new", ".nhanrong-old")):
                if path.name.rsplit(".", 2)[-2] not in kept:
                    _unlink(path)
                continue
            with folder_lock(path.parent, 0.0):  # safewrite's temp: its writer holds the folder's lock meanwhile
                _unlink(path)
        except (LockBusyError, OSError):
            pass  # busy or read-only: the next start tries again


__all__ = ["commit_files", "recover_root", "Recovery", "JOURNAL_DIR", "STEPS"]
