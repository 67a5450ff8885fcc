"""Validation problems as data: every problem found is kept, none stops the load.

A problem prints the way compilers do, so editors and CI link straight to it::

    pilots/commune/132.toml:12:9: error: unknown unit code "04999" ...
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Literal

from .i18n import Message, Worded, msg

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem(Worded):
    """One thing wrong with one file, located as precisely as we can.

    The words are data: ``msg`` is a :class:`~nhanrong.i18n.Message` (a catalogue code and its
    parameters) rendered in the reader's language; ``code`` is the stable kind of problem that
    JSON output, tests and CI filters match on (several messages may share one kind)."""

    path: str  # relative to the data root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    column: int  # 1-based; 0 when unknown
    severity: Severity
    code: str  # stable machine id, e.g. "unknown-unit"
    msg: Message

    def __str__(self) -> str:
        return self.format("vi")

    def format(self, lang: str = "vi") -> str:
        """``path:line:column: error|warning: message``, the form editors and CI link to."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.text(lang)}"

    def as_dict(self) -> dict:
        """The JSON form: position, severity, kind, the message's catalogue code and parameters,
        and its text in both languages."""
        m = self.msg.as_dict()
        return {"path": self.path, "line": self.line, "column": self.column, "severity": self.severity,
                "code": self.code, "message_code": m["code"], "params": m["params"],
                "message": m["message"], "message_en": m["message_en"]}


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Stable order: by file, then position, so reports diff cleanly."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code, p.msg.key, p.message))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a mistyped word, if one is close enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> Message:
    """The ' (did you mean "x"?)' suffix as a message, or the empty message when nothing is close."""
    c = closest(word, choices)
    return msg("hint.did_you_mean", choice=c) if c is not None else Message("")
