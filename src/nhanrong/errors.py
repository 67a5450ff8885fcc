"""Exceptions a planner can read: each names the object and says what to do."""

from __future__ import annotations


class NhanRongError(ValueError):
    """Base class of every error the domain raises on purpose."""


class DataRootError(NhanRongError):
    """The data folder does not exist or has none of models/, units/, pilots/, plans/."""


class UnknownUnitError(NhanRongError):
    """A unit code that no registry or units/ file declares."""


class UnknownModelError(NhanRongError):
    """A model id with no file under models/."""


class UnknownScopeError(NhanRongError):
    """A scope code that is not a unit of the chosen structure."""
