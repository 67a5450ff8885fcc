"""Validate a data root as it would be after a change, before anything is written.

The loader reads the changed files from memory (``load_programme(root, overrides=...)``) and
every other file from the data root, so it runs exactly as ``nhanrong validate`` does without
copying or linking anything. Problems are compared without their line numbers (an inserted
record shifts the lines below it): only errors that were not there before count against the change.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..loader import load_programme
from ..problems import Problem
from ..programme import Programme
from ..registry import Registry

_LINE_REF = re.compile(r"(\.toml):\d+")


def _problem_key(p: Problem) -> tuple[str, str, str]:
    return (p.path, p.code, _LINE_REF.sub(r"\1", p.message))


def new_errors(before: list[Problem], after: list[Problem], severity: str = "error") -> list[Problem]:
    """Problems of ``severity`` in ``after`` that ``before`` did not have (counted, line numbers ignored)."""
    seen = Counter(_problem_key(p) for p in before if p.severity == severity)
    out: list[Problem] = []
    for p in after:
        if p.severity != severity:
            continue
        k = _problem_key(p)
        if seen[k] > 0:
            seen[k] -= 1
        else:
            out.append(p)
    return out


def load_with(root: Path, replacements: dict[str, str], *, registry: Registry | None = None) -> Programme:
    """Load ``root`` as if the files in ``replacements`` (relative path -> text) held that text."""
    return load_programme(Path(root).resolve(), registry=registry, overrides=replacements, recover=False)
