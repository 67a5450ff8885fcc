"""Validation problems as data: every problem found is kept, none stops the load.

A problem prints the way compilers do, so editors and CI link straight to it::

    pilots/commune/132.toml:12:9: error: unknown unit code "04999" ...
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file, located as precisely as we can."""

    path: str  # relative to the data root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    column: int  # 1-based; 0 when unknown
    severity: Severity
    code: str  # stable machine id, e.g. "unknown-unit"
    message: str  # Vietnamese, shown first
    message_en: str = ""

    def text(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" and self.message_en else self.message

    def __str__(self) -> str:
        return self.format("vi")

    def format(self, lang: str = "vi") -> str:
        """``path:line:column: error|warning: message``, the form editors and CI link to."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.text(lang)}"

    def as_dict(self) -> dict:
        return asdict(self)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Stable order: by file, then position, so reports diff cleanly."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a mistyped word, if one is close enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> tuple[str, str]:
    """Vietnamese and English ' (did you mean "x"?)' suffixes, or empty strings."""
    c = closest(word, choices)
    if c is None:
        return "", ""
    return f' (có phải ý bạn là "{c}"?)', f' (did you mean "{c}"?)'
