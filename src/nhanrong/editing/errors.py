"""Why a change could not be written, in words a planner understands.

Each error carries a catalogue code (``edit.*``, :mod:`nhanrong.i18n.editing`) and its parameters:
``raise BadChangeError("edit.unknown_model", model=mid, hint=did_you_mean(mid, ids))``; ``err.text(lang)``
renders it in the reader's language.
"""

from __future__ import annotations

from typing import Sequence

from ..errors import NhanRongError
from ..i18n import Message, msg


class EditError(NhanRongError):
    """Base class of the errors raised while recording a change."""


class BadChangeError(EditError):
    """A change that names an unknown unit, model, stage or metric, or a bad date or number."""


class AmbiguousUnitError(BadChangeError):
    """A unit code that exists in both the old and the new structure; the structure must be given."""


class StageDateExistsError(BadChangeError):
    """The stage already has another start date: replacing it needs an explicit confirmation
    (``StageChange(replace=True)``: the Record page's checkbox, ``nhanrong record --replace``)."""

    def __init__(self, message: Message, old, new) -> None:
        self.old, self.new = old, new
        super().__init__(message)


class UnsupportedLayoutError(EditError):
    """A file written in a layout the editor does not change safely; edit it by hand."""


class StaleFileError(EditError):
    """The file changed on disk since it was read: reload and make the change again."""


class ChangeRefusedError(EditError):
    """The change would add validation errors (or names things that do not exist); nothing was written.

    ``reasons``: one message per reason (``edit.refused_problem`` for a validation problem)."""

    def __init__(self, reasons: Sequence[Message]) -> None:
        self.reasons = list(reasons)
        super().__init__(msg("edit.refused", reasons=self.reasons))


class GitError(EditError):
    """git refused an operation (the files may already be saved: see the message)."""


class RightsRefusedError(BadChangeError):
    """The logged-in user has no right to change this unit, model or plan (rights.toml); nothing was written."""
