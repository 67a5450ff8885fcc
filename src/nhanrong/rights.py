"""Who may change what: ``rights.toml`` in the data repository, checked before anything is written.

The app passes the identity of the logged-in user (from the identity provider, ``st.user``) to
:func:`nhanrong.editing.prepare` and :func:`nhanrong.editing.save`; every change is checked here
against the grants of that user (by e-mail, subject or identity-provider group) and refused, with
the unit or model named, when it lies outside them. Nothing is written then.

The file::

    # rights.toml
    base = "main"      # the branch reviewed changes are merged into (default: main, else the checkout)
    review = true      # editors' changes go to their own branch nhap/<name> until a reviewer approves

    [[grant]]
    groups = ["so-tttt"]           # identity-provider groups (the "groups" claim)
    units = ["*"]                  # every unit
    review = true                  # may approve or reject branches; saves straight to the base branch

    [[grant]]
    users = ["a@vanyen.yenbai.gov.vn"]   # e-mail or subject
    units = ["136"]                # Huyện Văn Yên and everything under it (either structure)
    models = ["community-team"]    # default: every model

A unit code may be written ``old:136`` / ``new:04252`` to name one structure. The CLI and hand
edits are not checked: whoever has the files and git already has the repository.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel, ConfigDict, Field

from .errors import NhanRongError
from .i18n import Message, msg

RIGHTS_FILE = "rights.toml"


class Grant(BaseModel):
    """Who (users or groups) may edit which units and models, and whether they may review."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    users: list[str] = Field(default_factory=list, description="e-mail addresses or subjects of the identity provider")
    groups: list[str] = Field(default_factory=list, description="groups of the identity provider (its \"groups\" claim)")
    units: list[str] = Field(default_factory=list, description='unit codes (and everything under them); "*" for every unit')
    models: list[str] = Field(default_factory=lambda: ["*"], description='model ids; "*" (the default) for every model')
    plans: bool = Field(False, description="may change plans/ (the planner page and plan numbers)")
    review: bool = Field(False, description="may approve or reject other users' branches; saves straight to the base branch")
    note: str = ""


class RightsFile(BaseModel):
    """rights.toml: who may change the data from the app."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str | None = Field(None, description="the branch approved changes are merged into (default: main, else the checked-out branch)")
    review: bool = Field(True, description="editors' changes go to their own branch nhap/<name> until a reviewer approves")
    grant: list[Grant] = Field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """A logged-in user as the identity provider names them."""

    name: str
    email: str
    subject: str = ""
    groups: tuple[str, ...] = ()

    @property
    def author(self) -> str:
        """The commit author: ``Name <email>``."""
        return f"{self.name} <{self.email}>"

    @classmethod
    def from_claims(cls, claims: dict) -> "Identity | None":
        """From OIDC claims (``st.user``): name, e-mail, sub, groups. None without an e-mail."""
        email = str(claims.get("email") or "").strip()
        if not email or "@" not in email:
            return None
        name = str(claims.get("name") or claims.get("preferred_username") or email.split("@")[0]).strip()
        name = unicodedata.normalize("NFC", name.replace("<", "").replace(">", "")) or email
        groups = claims.get("groups") or ()
        if isinstance(groups, str):
            groups = [groups]
        return cls(name, email, str(claims.get("sub") or ""), tuple(str(g).strip("/") for g in groups))


class RightsError(NhanRongError):
    """rights.toml is missing or broken; editing from the app is then refused.

    ``RightsError(rights.problem)``: the message (code "rights.*") says which, and what to do."""


@dataclass(frozen=True)
class Rights:
    """The parsed rights file, or the reason there is none (a message, code "rights.*")."""

    file: RightsFile | None
    problem: Message | None = None
    path: Path | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def grants(self, who: Identity) -> list[Grant]:
        if self.file is None:
            return []
        ids = {who.email.lower(), who.subject.lower()} - {""}
        groups = {g.lower() for g in who.groups}
        return [g for g in self.file.grant
                if ids & {u.lower() for u in g.users} or groups & {x.lower().strip("/") for x in g.groups}]

    def can_edit(self, who: Identity | None) -> bool:
        return who is not None and any(g.units or g.plans for g in self.grants(who))

    def can_review(self, who: Identity | None) -> bool:
        return who is not None and any(g.review for g in self.grants(who))

    def must_branch(self, who: Identity) -> bool:
        """Whether this user's saves go to their own branch for review."""
        return bool(self.file and self.file.review) and not self.can_review(who)


def read_rights(root: str | Path, report, text: str | None = None) -> RightsFile | None:
    """Parse and validate ``ROOT/rights.toml`` with the loader's parser and messages (a located
    problem per mistake goes to ``report``, a :class:`nhanrong.loader.Report`); None when the file
    is missing or has an error. ``nhanrong validate`` and the app's data page report them."""
    from . import loader

    root = Path(root)
    path = root / RIGHTS_FILE
    if text is None and not path.is_file():
        return None
    before = _errors(report)
    src = loader.parse_file(path, root, report, text)
    if src is None:
        return None
    rights = loader.validate_file(src, RightsFile, None, report)
    return rights if _errors(report) == before else None


def _errors(report) -> int:
    return sum(p.severity == "error" for p in report.problems)


def load_rights(root: str | Path) -> Rights:
    """Read ``ROOT/rights.toml``; a missing or broken file gives Rights with the problem (nobody may edit)."""
    from . import loader

    path = Path(root) / RIGHTS_FILE
    if not path.is_file():
        return Rights(None, msg("rights.no_file", file=RIGHTS_FILE), path)
    report = loader.Report()
    rights = read_rights(root, report)
    if rights is None:
        first = next((p for p in report.problems if p.severity == "error"), None)
        where = f"{first.path}:{first.line}:{first.column}" if first else RIGHTS_FILE
        return Rights(None, msg("rights.broken_file", file=RIGHTS_FILE, where=where, severity="error",
                                     problem=first.msg if first else Message("")), path)
    return Rights(rights, None, path)


def _code_matches(pattern: str, key: str) -> bool:
    """``"136"`` matches old:136 and new:136; ``"old:136"`` only old:136."""
    if pattern == "*":
        return True
    return pattern == key if ":" in pattern else key.partition(":")[2] == pattern


def _lineage(prog, key: str) -> list[str]:
    """The unit and every unit above it (same structure), nearest first."""
    out, cur = [], key
    while cur is not None and cur not in out and len(out) < 10:
        out.append(cur)
        cur = prog.unit_parent(cur)
    return out


def unit_allowed(rights: Rights, who: Identity, prog, key: str, model: str | None = None) -> bool:
    """May ``who`` change unit ``key`` (or something under it) for ``model``?"""
    lineage = _lineage(prog, key)
    for g in rights.grants(who):
        if model is not None and "*" not in g.models and model not in g.models:
            continue
        if any(_code_matches(p, k) for p in g.units for k in lineage):
            return True
    return False


def refusal(rights: Rights, who: Identity | None, prog, change) -> Message | None:
    """Why ``who`` may not make ``change`` (a message, code "rights.*"), or None when they may. ``change``
    must be normalised (its unit resolved to a key): see :func:`nhanrong.editing.changeset.prepare`."""
    from .editing.changes import NewLocalUnit, PlanNumbers

    if who is None:
        return msg("rights.not_logged_in")
    if rights.file is None:
        return rights.problem or msg("rights.no_rights")
    name = who.author
    if isinstance(change, PlanNumbers):
        if any(g.plans for g in rights.grants(who)):
            return None
        return msg("rights.no_plans", who=name, plan=change.plan, file=RIGHTS_FILE)
    if isinstance(change, NewLocalUnit):
        key, model = change.parent, None
    else:
        key, model = change.unit, change.model
    if unit_allowed(rights, who, prog, key, model):
        return None
    unit = {"unit_name": prog.unit_name(key), "unit": key.partition(":")[2] or key}
    if model is not None and unit_allowed(rights, who, prog, key, None):
        return msg("rights.no_model", who=name, model=model, **unit, file=RIGHTS_FILE)
    return msg("rights.no_unit", who=name, **unit, file=RIGHTS_FILE)


def refusals(rights: Rights, who: Identity | None, prog, changes: Iterable) -> list[Message]:
    return [r for r in (refusal(rights, who, prog, ch) for ch in changes) if r is not None]


__all__ = ["RIGHTS_FILE", "Grant", "RightsFile", "Identity", "Rights", "RightsError", "load_rights", "unit_allowed",
           "refusal", "refusals"]
