"""Saving a whole plan file from the Planner page: the same path as every other edit.

The planner edits a plan's numbers, start, period and rule in the browser and saves the file
(``nhanrong.planning.planfile.plan_toml`` renders it with its comments kept). This module writes that
text the way :func:`nhanrong.editing.save` writes a change: the logged-in user's rights are checked
(``plans = true`` in ``rights.toml``), the data is validated with the new text (a plan that would add
an error is refused), the file is written all or nothing through the journal and committed to git with
the user as author (on their own review branch when the rights file asks for review). A file changed
on disk since the page read it is refused (:class:`StaleFileError`), never overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli

from ..i18n import Message, msg
from ..loader import load_programme
from ..rights import Identity, load_rights, refusal
from . import gitrepo, journal
from .changes import PlanNumbers
from .changeset import LOCAL, Refusal, SaveResult, problem_message, review_branch
from .errors import ChangeRefusedError, RightsRefusedError
from .overlay import load_with, new_errors
from .safewrite import current_digest


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        out = {}
        for i, v in enumerate(data):
            out.update(_flat(v, f"{prefix}.{i}"))
        return out
    return {prefix: data}


def plan_changes(before: str, after: str) -> list[Message]:
    """What the new text changes, one message per value: "horizon: 4 → 6"."""
    try:
        a, b = _flat(tomli.loads(before)) if before else {}, _flat(tomli.loads(after))
    except tomli.TOMLDecodeError:
        return []
    lines = []
    for key in [*a, *(k for k in b if k not in a)]:
        if a.get(key) != b.get(key):
            lines.append(msg("edit.value_change", name=key, old=msg("edit.number", x=a.get(key)),
                             new=msg("edit.number", x=b.get(key))))
    return lines


def commit_message(name: str, rel: str, changes: list[Message]) -> str:
    title = msg("edit.commit.plan", plan=name, n=len(changes), rel=rel)
    lines = [title.text("vi")[:200], ""]
    lines += [f"- {m.text('vi')}" for m in changes[:40]]
    lines += ["", "English:", f"  {title.text('en')}"]
    lines += [f"  {m.text('en')}" for m in changes[:40]]
    lines += ["", f"Plan: {name}", "Recorded-with: nhanrong"]
    return "\n".join(lines) + "\n"


def save_plan_text(root: str | Path, rel: str, text: str, *, expected: str | None, user: Identity | None | str = LOCAL,
                   author: str | None = None, use_git: bool = True) -> SaveResult:
    """Write ``text`` as the plan file ``rel`` (relative to ``root``) and commit it; see the module's docstring.

    ``expected``: the sha256 of the text the file had when it was read (None: a new file).
    ``user``: the logged-in Identity (its rights are checked and it is the commit author), None (not
    logged in: refused) or :data:`LOCAL` (git's own identity or ``author``; no rights checked)."""
    root = Path(root).resolve()
    name = Path(rel).name.removesuffix(".toml")
    back_to = branch = None
    in_git = use_git and gitrepo.is_repo(root)
    if user != LOCAL:
        who = user if isinstance(user, Identity) else None
        if who is None:
            raise ChangeRefusedError([msg("edit.not_logged_in")])
        rights = load_rights(root)
        if not any(g.plans for g in rights.grants(who)):  # the same words as a PlanNumbers change refused
            why = refusal(rights, who, None, PlanNumbers(name, ()))
            raise RightsRefusedError(why if why is not None else msg("edit.not_logged_in"))
        author = who.author
        branch, back_to = review_branch(root, rights, who, in_git) or (None, None)
    if author:
        gitrepo.parse_author(author)  # a mistyped author is refused before anything is written
    path = root / rel
    if in_git and branch:
        if back_to is not None and expected is not None and current_digest(path) == expected:
            # The page read the base branch's file; the user's own branch may already hold their earlier,
            # unreviewed save of this plan: the new text (the whole file) takes its place there.
            gitrepo.switch_branch(root, branch)
            expected = current_digest(path) if path.exists() else None
        else:
            gitrepo.switch_branch(root, branch)
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        if before == text:
            return SaveResult(())
        errors = new_errors(load_programme(root).problems, load_with(root, {rel: text}).problems)
        if errors:
            raise ChangeRefusedError([problem_message(p) for p in errors])
        message = commit_message(name, rel, plan_changes(before, text))
        sha, notes = journal.commit_files(root, [(rel, expected, text)], message=message, author=author, use_git=in_git)
    finally:
        if back_to is not None:
            gitrepo.switch_branch(root, back_to)
    return SaveResult((rel,), sha, branch if in_git else None, False, tuple(Refusal(n.msg) for n in notes))
