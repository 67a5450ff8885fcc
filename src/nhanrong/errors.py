"""Exceptions a planner can read: each names the object and says what to do.

Every error the domain raises on purpose carries its message as data: a catalogue code
(:mod:`nhanrong.i18n`) and its parameters, rendered in the reader's language by :meth:`text`.
``str(error)`` is the Vietnamese text, so logs and tracebacks read as the planner reads them.
"""

from __future__ import annotations

from typing import Any

from .i18n import Message, msg


class NhanRongError(ValueError):
    """Base class of every error the domain raises on purpose.

    ``raise UnknownModelError("error.unknown_model", model=mid, hint=did_you_mean(mid, ids))`` or with a
    ready :class:`Message`. The ``code`` and ``params`` attributes are what JSON output reports."""

    def __init__(self, message: Message | str, /, **params: Any) -> None:
        self.message = message if isinstance(message, Message) else msg(message, **params)
        super().__init__(self.message.text("vi"))

    def __reduce__(self):
        # pickled with its message (st.cache_data, worker processes): the default would call the class with
        # the rendered text, which is not a code
        return _rebuild, (type(self), self.__dict__)

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


def _rebuild(cls: type[NhanRongError], state: dict) -> NhanRongError:
    err = cls.__new__(cls)
    ValueError.__init__(err, state["message"].text("vi"))
    err.__dict__.update(state)
    return err


class DataRootError(NhanRongError):
    """The data folder does not exist or has none of models/, units/, pilots/, plans/."""


class UnknownUnitError(NhanRongError):
    """A unit code that no registry or units/ file declares."""


class UnknownModelError(NhanRongError):
    """A model id with no file under models/."""


class UnknownScopeError(NhanRongError):
    """A scope code that is not a unit of the chosen structure."""
