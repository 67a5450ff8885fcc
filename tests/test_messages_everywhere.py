"""One voice: every error the domain raises on purpose names a catalogue code, and no module
chooses words by language or splits a "vi / en" string (issue 13)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import nhanrong
from nhanrong.errors import NhanRongError
from nhanrong.i18n import STRINGS

SRC = Path(nhanrong.__file__).resolve().parent.parent
FILES = sorted(p for p in SRC.rglob("*.py") if p.parts[-2] != "i18n" and "egg-info" not in str(p))


def _error_classes() -> set[str]:
    for mod in pkgutil.walk_packages(nhanrong.__path__, "nhanrong."):
        importlib.import_module(mod.name)
    seen, todo = set(), [NhanRongError]
    while todo:
        cls = todo.pop()
        seen.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return seen


ERRORS = _error_classes()


def _raises(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            f = node.exc.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in ERRORS:
                yield node, name, node.exc.args


RENDERS = {"t", "ui", "text", "format", "str"}  # calls that give text, where the error wants a code


def _inline(text: str) -> list[str]:
    bad = []
    for node, name, args in _raises(ast.parse(text)):
        first = args[0] if args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            if first.value not in STRINGS:
                bad.append(f"{node.lineno}: {name}({first.value!r}) is not a catalogue code")
        elif isinstance(first, (ast.JoinedStr, ast.BinOp)) or len([a for a in args if isinstance(a, ast.Constant)]) > 1:
            bad.append(f"{node.lineno}: {name}(...) builds its text inline")
        elif isinstance(first, ast.Call) and getattr(first.func, "id", getattr(first.func, "attr", "")) in RENDERS:
            bad.append(f"{node.lineno}: {name}(...) is given rendered text, not a code")
    return bad


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_domain_errors_are_raised_with_a_catalogue_code(path):
    assert _inline(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_inline_text_and_unknown_codes():
    text = ('def f():\n    raise BadChangeError(f"x {y}")\n    raise PlanError("plan.nope")\n'
            '    raise PlanError("vi", "en")\n    raise PlanError("edit.not_logged_in")\n'
            '    raise NhanRongError(ui("bad_amount", lang, text=x))\n    raise PlanError(msg("edit.not_logged_in"))\n')
    assert [b.split(":")[0] for b in _inline(text)] == ["2", "3", "4", "6"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_splits_a_bilingual_string_or_keeps_the_transitional_code(path):
    text = path.read_text(encoding="utf-8")
    assert 'split(" / ")' not in text and "split(' / ')" not in text
    assert '"literal"' not in text and "did_you_mean_pair" not in text


def test_the_check_knows_the_errors_of_every_area():
    assert {"BadChangeError", "PlanError", "RightsError", "BoundariesError", "PdfUnavailable", "UnknownModelError"} <= ERRORS
    assert "literal" not in STRINGS
