"""Review: editors' branches waiting for a reviewer, their diffs and validation, approve or reject.

An editor's save (when ``rights.toml`` asks for review) is committed on their own branch
``nhap/<e-mail>``; the checkout the app shows stays on the base branch. A reviewer sees each branch
with commits not in the base branch, its diff, and the validation of the base *merged with it*.

- **Approve** makes the merge in a temporary worktree (never touching the files the app shows),
  validates the result, refuses it if it adds errors, and then fast-forwards the base branch to it.
  The merge commit is authored by the reviewer with an ``Approved-by:`` trailer, so ``git log``
  says who approved. With ``fast_forward=True`` and a branch that is already ahead of the base,
  the base moves to the branch and an empty commit by the reviewer records the approval.
- **Reject** adds an empty commit on the branch with the reviewer's comment and a
  ``Review: rejected`` trailer; the branch leaves the list until its author saves again there.

git is run as a program, as in :mod:`.gitrepo`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..i18n import Message, msg
from ..rights import Identity, Rights, load_rights
from ..textfold import slug
from . import gitrepo
from .changeset import problem_message
from .errors import EditError, GitError

PREFIX = "nhap/"
APPROVED = "Approved-by"
REJECTED = "Rejected-by"
_SEP = "\x1f"


class ReviewError(EditError):
    """A review action that cannot be done (no such branch, no right to review, merge conflict, errors)."""


def user_branch(who: Identity) -> str:
    """The review branch of a user: ``nhap/`` and their e-mail as ASCII (unique where names repeat)."""
    return PREFIX + (slug(who.email.replace("@", " at ")) or "nguoi-dung")


def base_branch(root: Path, rights: Rights | None = None) -> str:
    """The branch approved work is merged into: rights.toml's ``base``, else main, else master, else the checkout."""
    rights = rights or load_rights(root)
    if rights.file is not None and rights.file.base:
        return rights.file.base
    for name in ("main", "master"):
        if _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}", check=False).returncode == 0:
            return name
    return gitrepo.current_branch(root) or "main"


def _git(root: Path, *args: str, check: bool = True, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8", input=stdin,
                          env={**os.environ, "LC_ALL": "C", **(env or {})}, start_new_session=True)
    if check and proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"exit {proc.returncode}"
        raise GitError("edit.git_failed", command=args[0], detail=detail)
    return proc


@dataclass(frozen=True)
class Entry:
    sha: str
    author: str
    email: str
    date: dt.datetime
    subject: str
    body: str


def _entries(root: Path, *args: str) -> list[Entry]:
    fmt = _SEP.join(["%H", "%an", "%ae", "%aI", "%s", "%b"]) + "\x1e"
    proc = _git(root, "log", f"--format={fmt}", *args, check=False)
    out = []
    for chunk in proc.stdout.split("\x1e"):
        parts = chunk.strip("\n").split(_SEP)
        if len(parts) == 6:
            out.append(Entry(parts[0], parts[1], parts[2], dt.datetime.fromisoformat(parts[3]), parts[4], parts[5]))
    return out


@dataclass(frozen=True)
class Pending:
    """A branch with commits the base branch does not have."""

    branch: str
    head: str
    commits: tuple[Entry, ...]  # newest first
    files: tuple[str, ...]
    rejected: Entry | None  # the branch's last commit is a rejection: waiting for its author

    @property
    def authors(self) -> list[str]:
        seen: list[str] = []
        for c in self.commits:
            who = f"{c.author} <{c.email}>"
            if REJECTED not in c.body and who not in seen:
                seen.append(who)
        return seen


def branches(root: Path, base: str | None = None, *, include_rejected: bool = False) -> list[Pending]:
    """Review branches (``nhap/*``) ahead of the base branch, newest activity first."""
    root = Path(root).resolve()
    if not gitrepo.is_repo(root):
        return []
    base = base or base_branch(root)
    refs = _git(root, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{PREFIX}", check=False).stdout.split()
    out = []
    for br in refs:
        commits = _entries(root, f"{base}..{br}")
        if not commits:
            continue
        rejected = commits[0] if REJECTED in commits[0].body else None
        if rejected and not include_rejected:
            continue
        files = _git(root, "diff", "--name-only", f"{base}...{br}", check=False).stdout.split()
        out.append(Pending(br, commits[0].sha, tuple(commits), tuple(files), rejected))
    return sorted(out, key=lambda p: p.commits[0].date, reverse=True)


def diff(root: Path, branch: str, base: str | None = None) -> str:
    """What the branch changes against the point where it left the base branch."""
    base = base or base_branch(root)
    return _git(root, "diff", f"{base}...{branch}", check=False).stdout


def last_rejection(root: Path, branch: str) -> Entry | None:
    """The rejection a user's branch is waiting on (its last commit), or None."""
    if _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).returncode != 0:
        return None
    found = _entries(root, "-n1", branch)
    return found[0] if found and REJECTED in found[0].body else None


@dataclass(frozen=True)
class Check:
    """Validation of the base branch merged with a review branch."""

    errors: int
    warnings: int
    added: tuple[Message, ...]  # problems the merge adds: "path:line: message" (edit.refused_problem)
    conflict: str = ""

    @property
    def ok(self) -> bool:
        return not self.conflict and not self.added

    @property
    def new_errors(self) -> tuple[str, ...]:
        """The problems the merge adds, in Vietnamese (``added`` renders in any language)."""
        return tuple(m.text("vi") for m in self.added)


class _Worktree:
    """A temporary worktree of ``ref`` (detached), removed afterwards."""

    def __init__(self, root: Path, ref: str) -> None:
        self.root, self.ref = root, ref

    def __enter__(self) -> Path:
        self.tmp = Path(tempfile.mkdtemp(prefix="nhanrong-review-"))
        self.path = self.tmp / "tree"
        _git(self.root, "worktree", "add", "--quiet", "--detach", str(self.path), self.ref)
        return self.path

    def __exit__(self, *exc) -> None:
        _git(self.root, "worktree", "remove", "--force", str(self.path), check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)
        _git(self.root, "worktree", "prune", check=False)


def _merge_in(tree: Path, branch: str, message: str, who: Identity) -> str:
    """Merge ``branch`` into the worktree's HEAD with a merge commit by ``who``; the conflict text, or ''."""
    env = {"GIT_AUTHOR_NAME": who.name, "GIT_AUTHOR_EMAIL": who.email,
           "GIT_COMMITTER_NAME": who.name, "GIT_COMMITTER_EMAIL": who.email}
    proc = _git(tree, "merge", "--no-ff", "--no-verify", "--no-edit", "-m", message, branch, check=False, env=env)
    if proc.returncode != 0:
        conflict = _git(tree, "diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
        _git(tree, "merge", "--abort", check=False)
        if conflict:
            return ", ".join(conflict)
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return lines[-1] if lines else "merge failed"
    return ""


def _validate(tree: Path, base_problems) -> Check:
    from ..loader import load_programme
    from .overlay import new_errors

    prog = load_programme(tree, recover=False)
    added = new_errors(base_problems, prog.problems)
    errors = sum(1 for p in prog.problems if p.severity == "error")
    warnings = sum(1 for p in prog.problems if p.severity != "error")
    return Check(errors, warnings, tuple(problem_message(p) for p in added))


def check(root: Path, branch: str, base: str | None = None) -> Check:
    """Validate the base branch merged with ``branch`` (nothing changes in the repository)."""
    from ..loader import load_programme

    root = Path(root).resolve()
    base = base or base_branch(root)
    with _Worktree(root, base) as tree:
        before = load_programme(tree, recover=False).problems
        conflict = _merge_in(tree, branch, f"check {branch}", Identity("nhanrong", "nhanrong@localhost"))
        if conflict:
            return Check(0, 0, (), conflict)
        return _validate(tree, before)


def _require_reviewer(root: Path, reviewer: Identity | None) -> Rights:
    rights = load_rights(root)
    if not rights.can_review(reviewer):
        raise ReviewError("edit.review.not_allowed", who=reviewer.author if reviewer else msg("edit.review.anonymous"))
    return rights


def _trailers(reviewer: Identity, comment: str, key: str) -> str:
    lines = [comment.strip(), ""] if comment.strip() else []
    return "\n".join(lines + [f"{key}: {reviewer.author}", "Recorded-with: nhanrong"]) + "\n"


def approve(root: Path, branch: str, reviewer: Identity | None, comment: str = "", *, fast_forward: bool = False) -> str:
    """Merge ``branch`` into the base branch after checking the result; return the new base commit.

    Refused (nothing changes) when the reviewer has no review right, the branch is not a review
    branch, the merge conflicts, the merged data has new errors, or the checkout is not on the base branch."""
    from ..loader import load_programme

    root = Path(root).resolve()
    rights = _require_reviewer(root, reviewer)
    assert reviewer is not None
    base = base_branch(root, rights)
    if not branch.startswith(PREFIX) or _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).returncode:
        raise ReviewError("edit.review.no_branch", branch=branch)
    if gitrepo.current_branch(root) != base:
        raise ReviewError("edit.review.wrong_branch", current=gitrepo.current_branch(root), base=base)
    authors = ", ".join({c.author: 1 for c in _entries(root, f"{base}..{branch}")})
    title = msg("edit.commit.approve", branch=branch, authors=authors).text("vi")  # git history is written in Vietnamese
    message = title + "\n\n" + _trailers(reviewer, comment, APPROVED)
    ahead_only = _git(root, "merge-base", "--is-ancestor", base, branch, check=False).returncode == 0
    with _Worktree(root, base) as tree:
        before = load_programme(tree, recover=False).problems
        if fast_forward and ahead_only:
            _git(tree, "merge", "--ff-only", branch)
            env = {"GIT_AUTHOR_NAME": reviewer.name, "GIT_AUTHOR_EMAIL": reviewer.email,
                   "GIT_COMMITTER_NAME": reviewer.name, "GIT_COMMITTER_EMAIL": reviewer.email}
            _git(tree, "commit", "--allow-empty", "--no-verify", "-F", "-", env=env, stdin=message)
        else:
            conflict = _merge_in(tree, branch, message, reviewer)
            if conflict:
                raise ReviewError("edit.review.conflict", branch=branch, base=base, conflict=conflict)
        result = _validate(tree, before)
        if not result.ok:
            raise ReviewError("edit.review.new_errors", branch=branch, errors=list(result.added[:5]))
        sha = _git(tree, "rev-parse", "HEAD").stdout.strip()
    gitrepo.wait_index_unlocked(root)
    _git(root, "merge", "--ff-only", "--quiet", sha)  # the files the app shows move only now, to a checked result
    return sha


def reject(root: Path, branch: str, reviewer: Identity | None, comment: str) -> str:
    """Record a rejection with ``comment`` on ``branch`` (an empty commit by the reviewer); return its sha."""
    root = Path(root).resolve()
    _require_reviewer(root, reviewer)
    assert reviewer is not None
    if not comment.strip():
        raise ReviewError("edit.review.no_comment")
    if not branch.startswith(PREFIX) or _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).returncode:
        raise ReviewError("edit.review.no_branch", branch=branch)
    message = msg("edit.commit.reject", branch=branch).text("vi") + "\n\n" + _trailers(reviewer, comment, REJECTED)
    env = {"GIT_AUTHOR_NAME": reviewer.name, "GIT_AUTHOR_EMAIL": reviewer.email,
           "GIT_COMMITTER_NAME": reviewer.name, "GIT_COMMITTER_EMAIL": reviewer.email}
    tree = _git(root, "rev-parse", f"{branch}^{{tree}}").stdout.strip()
    parent = _git(root, "rev-parse", branch).stdout.strip()
    sha = _git(root, "commit-tree", tree, "-p", parent, "-F", "-", env=env, stdin=message).stdout.strip()
    _git(root, "update-ref", f"refs/heads/{branch}", sha, parent)
    return sha


def approvals(root: Path, limit: int = 20) -> list[Entry]:
    """Recent approvals on the current branch: who approved what, when."""
    return _entries(root, f"-n{limit}", "--fixed-strings", f"--grep={APPROVED}: ")


__all__ = ["PREFIX", "ReviewError", "Pending", "Check", "Entry", "user_branch", "base_branch", "branches", "diff",
           "check", "approve", "reject", "approvals", "last_rejection"]
