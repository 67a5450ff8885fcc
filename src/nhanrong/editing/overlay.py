"""Validate a data root as it would be after a change, before anything is written.

The loader reads folders, so the changed files are put in a temporary overlay: the same
folders, every unchanged TOML file linked (not copied), the changed ones written out. The
loader then runs exactly as ``nhanrong validate`` does. Problems are compared without their
line numbers (an inserted record shifts the lines below it): only errors that were not
there before count against the change.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from ..loader import DATA_DIRS, load_programme
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


def _link(src: Path, dst: Path) -> None:
    try:
        os.symlink(src, dst)
    except OSError:  # file systems without symlinks
        shutil.copyfile(src, dst)


def load_with(root: Path, replacements: dict[str, str], *, registry: Registry | None = None) -> Programme:
    """Load ``root`` as if the files in ``replacements`` (relative path -> text) held that text."""
    root = Path(root).resolve()
    with tempfile.TemporaryDirectory(prefix="nhanrong-overlay-") as tmp:
        base = Path(tmp)
        for d in DATA_DIRS:
            top = root / d
            if not top.is_dir():
                continue
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = [x for x in dirnames if not x.startswith(".")]
                rel_dir = Path(dirpath).relative_to(root)
                (base / rel_dir).mkdir(parents=True, exist_ok=True)
                for name in filenames:
                    if name.endswith(".toml") and (rel_dir / name).as_posix() not in replacements:
                        _link(Path(dirpath) / name, base / rel_dir / name)
        for rel, text in replacements.items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        prog = load_programme(base, registry=registry)
    return _rebase(prog, root)


def _rebase(prog: Programme, root: Path) -> Programme:
    from dataclasses import replace

    return replace(prog, root=root)
