"""Why a change could not be written, in words a planner understands (Vietnamese / English)."""

from __future__ import annotations

from ..errors import NhanRongError


class EditError(NhanRongError):
    """Base class of the errors raised while recording a change."""

    @property
    def vi(self) -> str:  # TRANSITIONAL (issue 13): callers still reading the two texts
        return self.text("vi")

    @property
    def en(self) -> str:
        return self.text("en")


class BadChangeError(EditError):
    """A change that names an unknown unit, model, stage or metric, or a bad date or number."""


class AmbiguousUnitError(BadChangeError):
    """A unit code that exists in both the old and the new structure; the structure must be given."""


class StageDateExistsError(BadChangeError):
    """The stage already has another start date: replacing it needs an explicit confirmation
    (``StageChange(replace=True)``: the Record page's checkbox, ``nhanrong record --replace``)."""

    def __init__(self, vi: str, en: str, old, new) -> None:
        self.old, self.new = old, new
        super().__init__(vi, en)


class UnsupportedLayoutError(EditError):
    """A file written in a layout the editor does not change safely; edit it by hand."""


class StaleFileError(EditError):
    """The file changed on disk since it was read: reload and make the change again."""


class ChangeRefusedError(EditError):
    """The change would add validation errors (or names things that do not exist); nothing was written."""

    def __init__(self, reasons: list[tuple[str, str]]) -> None:
        self.reasons = reasons
        vi = "Thay đổi bị từ chối, không ghi gì: " + "; ".join(r[0] for r in reasons)
        en = "Change refused, nothing written: " + "; ".join(r[1] for r in reasons)
        super().__init__(vi, en)


class GitError(EditError):
    """git refused an operation (the files may already be saved: see the message)."""


class RightsRefusedError(BadChangeError):
    """The logged-in user has no right to change this unit, model or plan (rights.toml); nothing was written."""
