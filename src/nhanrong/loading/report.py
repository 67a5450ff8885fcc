"""Where problems go while loading (:class:`Report`) and one TOML file being read (:class:`SourceFile`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..i18n import Message
from ..problems import Problem
from ..tomlpos import key_positions, locate


@dataclass
class SourceFile:
    """One TOML file: its text, parsed data, and a lazily built key -> position map."""

    path: Path
    rel: str
    text: str = ""
    data: dict[str, Any] | None = None
    _positions: dict | None = field(default=None, repr=False)
    parser: str = "tomli"
    stamp: tuple | None = None  # (size, mtime_ns, inode) of the file as read; None for a text given in memory

    def pos(self, loc: Iterable[Any]) -> tuple[int, int]:
        if self._positions is None:
            text = self.text
            if not text and self.stamp is not None:  # a file loaded from the per-file cache: read it now
                text = reread(self.path)  # not kept: the positions are all a message needs
            self._positions = key_positions(text)
        line, col = locate(self._positions, tuple(loc))
        return (line, col) if line else (1, 1)  # a key missing at the top: point at the file's start


def reread(path: Path) -> str:
    """The text of a file read before (for positions in messages); empty when it is gone."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


class Report:
    """Problems collected while loading; appended to, never raised."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, src: SourceFile | str, loc: Iterable[Any] | tuple[int, int], severity: str, code: str, message: Message) -> None:
        """``loc`` is a key path when ``src`` is a SourceFile, else a (line, column) pair; ``code`` is the
        problem's stable kind ("unknown-unit") and ``message`` its words (``msg("problem.unknown_unit", ...)``)."""
        if isinstance(src, SourceFile):
            rel, (line, col) = src.rel, src.pos(loc)
        else:
            rel, (line, col) = src, tuple(loc)  # type: ignore[misc]
        if not isinstance(message, Message):
            raise TypeError(f"a problem's words are a catalogue Message (msg(\"problem....\", ...)), not {type(message).__name__}")
        self.problems.append(Problem(rel, line, col, severity, code, message))  # type: ignore[arg-type]

    def error(self, src, loc, code: str, message: Message) -> None:
        self.add(src, loc, "error", code, message)

    def warning(self, src, loc, code: str, message: Message) -> None:
        self.add(src, loc, "warning", code, message)
