"""Exceptions a planner can read: each names the object and says what to do.

Every error the domain raises on purpose carries its message as data: a catalogue code
(:mod:`nhanrong.i18n`) and its parameters, rendered in the reader's language by :meth:`text`.
``str(error)`` is the Vietnamese text, so logs and tracebacks read as the planner reads them.
"""

from __future__ import annotations

from typing import Any

from .i18n import STRINGS, Message, msg


class NhanRongError(ValueError):
    """Base class of every error the domain raises on purpose.

    ``raise UnknownModelError("error.unknown_model", model=mid, hint=did_you_mean(mid, ids))`` or with a
    ready :class:`Message`. The ``code`` and ``params`` attributes are what JSON output reports."""

    def __init__(self, message: Message | str, en: str = "", /, **params: Any) -> None:
        if isinstance(message, Message):
            m = message
        elif params or (not en and message in STRINGS):
            m = msg(message, **params)
        else:  # TRANSITIONAL (issue 13): a (vi, en) pair written inline
            m = msg("literal", vi=message, en=en or message)
        self.message = m
        super().__init__(m.text("vi"))

    @property
    def code(self) -> str:
        return self.message.key

    @property
    def params(self):
        return self.message.params

    def text(self, lang: str = "vi") -> str:
        return self.message.text(lang)

    def as_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, **self.message.as_dict()}


class DataRootError(NhanRongError):
    """The data folder does not exist or has none of models/, units/, pilots/, plans/."""


class UnknownUnitError(NhanRongError):
    """A unit code that no registry or units/ file declares."""


class UnknownModelError(NhanRongError):
    """A model id with no file under models/."""


class UnknownScopeError(NhanRongError):
    """A scope code that is not a unit of the chosen structure."""
