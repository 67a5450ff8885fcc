"""git, run as a program: commit saved changes with the author the user typed, show who changed a unit.

The provincial planner reviews every change in git as before; this module only calls
``git`` itself (no imitation). Commits made here list the changed units in ``Unit:``
trailers, so a unit's history is a ``git log --grep``; hand edits that add or remove
its records are found with ``git log -S``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import BadChangeError, GitError
from .safewrite import checkpoint

SAVE_TRAILER = "Nhanrong-Save"
"""Trailer naming the save (its journal id) in each commit a save makes: how a restart after a crash
tells whether the commit was made."""

_AUTHOR = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")
_SEP = "\x1f"


def parse_author(text: str) -> tuple[str, str]:
    """``"Nguyễn Văn A <a@example.vn>"`` -> (name, email); a clear error otherwise."""
    m = _AUTHOR.match(text or "")
    if not m:
        raise BadChangeError("edit.bad_author", author=text)
    return unicodedata.normalize("NFC", m.group("name")), m.group("email")


def _git(root: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise GitError("edit.git_missing")
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "LC_ALL": "C", **(env or {})})
    if check and proc.returncode != 0:
        msg = (proc.stderr or proc.stdout).strip().splitlines()
        detail = msg[-1] if msg else f"exit {proc.returncode}"
        raise GitError("edit.git_failed", command=args[0], detail=detail)
    return proc


def is_repo(root: Path) -> bool:
    """True when ``root`` is inside a git work tree (and git is installed)."""
    if shutil.which("git") is None:
        return False
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() == "true"


def current_branch(root: Path) -> str | None:
    proc = _git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return proc.stdout.strip() or None


def branch_name(author_name: str) -> str:
    """A branch per user for review: "Nguyễn Văn Đức" -> "nhap/nguyen-van-duc" (ASCII, no diacritics)."""
    from ..textfold import slug

    return f"nhap/{slug(author_name) or 'nguoi-dung'}"


def switch_branch(root: Path, branch: str) -> None:
    """Work on ``branch`` (created from the current commit if new); uncommitted edits come along."""
    if current_branch(root) == branch:
        return
    exists = _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).returncode == 0
    _git(root, "switch", *(() if exists else ("-c",)), branch)


def commit(root: Path, paths: list[str], message: str, *, author: str | None = None) -> str:
    """Commit exactly ``paths`` (relative to ``root``) and return the new commit's sha.

    The author is the person who typed the change; when the repository has no committer
    identity configured, the author is used as committer too.
    """
    root = Path(root).resolve()
    env: dict[str, str] = {}
    args = ["commit", "--quiet", "--no-verify", "-F", "-"]
    if author:
        name, email = parse_author(author)
        args.append(f"--author={name} <{email}>")
        if not _git(root, "config", "user.name", check=False).stdout.strip():
            env.update(GIT_COMMITTER_NAME=name)
        if not _git(root, "config", "user.email", check=False).stdout.strip():
            env.update(GIT_COMMITTER_EMAIL=email)
    files = [str(root / p) for p in paths]
    # git runs in a session of its own: killing the app (or its process group) never kills git
    # half-way, which would leave .git/index.lock behind and block every later commit.
    for attempt in range(8):  # another git may hold index.lock for a moment
        proc = subprocess.run(["git", "-C", str(root), "add", "--", *files], capture_output=True, text=True,
                              start_new_session=True)
        if proc.returncode == 0:
            checkpoint("git-added")
            proc = subprocess.run(["git", "-C", str(root), *args, "--", *files], input=message, capture_output=True, text=True,
                                  encoding="utf-8", env={**os.environ, "LC_ALL": "C", **env}, start_new_session=True)
        if proc.returncode == 0 or "index.lock" not in (proc.stderr or ""):
            break
        time.sleep(0.1 * (attempt + 1))
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GitError("edit.git_commit_failed", detail=detail[-1] if detail else str(proc.returncode))
    checkpoint("git-committed")
    return _git(root, "rev-parse", "HEAD").stdout.strip()


def wait_index_unlocked(root: Path, seconds: float = 10.0) -> bool:
    """Wait until no git process holds the index (a git started by a killed save finishes on its own)."""
    proc = _git(root, "rev-parse", "--git-path", "index.lock", check=False)
    lock = Path(proc.stdout.strip())
    if not lock.is_absolute():
        lock = Path(root) / lock
    deadline = time.monotonic() + seconds
    while lock.exists():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def saved_commit(root: Path, save_id: str, depth: int = 200) -> str | None:
    """The sha of the recent commit made by save ``save_id`` (its trailer), or None."""
    fmt = f"%H{_SEP}%(trailers:key={SAVE_TRAILER},valueonly,separator=%x2C)"
    proc = _git(root, "log", f"-n{depth}", f"--format={fmt}", check=False)
    for line in proc.stdout.splitlines():
        sha, _, ids = line.partition(_SEP)
        if save_id in [x.strip() for x in ids.split(",")]:
            return sha
    return None


def uncommitted(root: Path, paths: list[str]) -> bool:
    """Whether any of ``paths`` differs from the last commit (or is not tracked yet)."""
    files = [str(Path(root) / p) for p in paths]
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", *files, check=False).stdout.strip()
    if untracked:
        return True
    return _git(root, "diff", "--quiet", "HEAD", "--", *files, check=False).returncode != 0


@dataclass(frozen=True)
class Commit:
    """One entry of a unit's history: ai sửa gì, khi nào."""

    sha: str
    author: str
    email: str
    date: dt.datetime
    subject: str


def _log(root: Path, *args: str) -> list[Commit]:
    fmt = _SEP.join(["%H", "%an", "%ae", "%aI", "%s"])
    proc = _git(root, "log", f"--format={fmt}", *args, check=False)
    if proc.returncode != 0:
        return []  # e.g. a repository without commits yet
    out = []
    for line in proc.stdout.splitlines():
        parts = line.split(_SEP)
        if len(parts) == 5:
            out.append(Commit(parts[0], parts[1], parts[2], dt.datetime.fromisoformat(parts[3]), parts[4]))
    return out


def unit_history(root: Path, key: str, *, limit: int = 20) -> list[Commit]:
    """Recent commits that recorded something for the unit ``key`` ("old:04252"), newest first."""
    root = Path(root).resolve()
    if not is_repo(root):
        return []
    code = key.partition(":")[2]
    found = {c.sha: c for c in _log(root, "--fixed-strings", f"--grep=Unit: {key}", f"-n{limit}")}
    for c in _log(root, f'-S"{code}"', f"-n{limit}", "--", "pilots", "units"):
        found.setdefault(c.sha, c)
    return sorted(found.values(), key=lambda c: c.date, reverse=True)[:limit]


def file_diff(root: Path, paths: list[str]) -> str:
    """What git sees as changed in ``paths`` against the last commit (for review after saving)."""
    return _git(root, "diff", "HEAD", "--", *[str(Path(root) / p) for p in paths], check=False).stdout
