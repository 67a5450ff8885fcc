"""Issue 13: editing speaks from the catalogue: every error carries a code "edit.*" and its parameters,
renders in both languages, and no producer writes an inline (vi, en) pair or a " / " string."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

import nhanrong
from nhanrong.editing import ReadingChange, StageChange, prepare
from nhanrong.editing.errors import BadChangeError, ChangeRefusedError
from nhanrong.editing.imports import parse_date, parse_number
from nhanrong.i18n import STRINGS, msg

SRC = Path(nhanrong.__file__).parent
FILES = [*sorted((SRC / "editing").glob("*.py")), SRC / "planning" / "planfile.py", SRC / "commands" / "record.py"]
BUILTIN = {"TypeError", "ValueError", "AssertionError", "KeyError", "RuntimeError", "ArgumentTypeError"}
LEFTOVER = re.compile(r"\{[A-Za-z_]+(?::[^}]*)?\}")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_raise_names_a_catalogue_code(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in BUILTIN or not name.endswith("Error"):
            continue
        args = node.exc.args
        assert not any(isinstance(a, ast.JoinedStr) for a in args), f"{path.name}:{node.lineno}: an inline text"
        if args and isinstance(args[0], ast.Constant):
            assert args[0].value in STRINGS and args[0].value.startswith("edit."), f"{path.name}:{node.lineno}"
            assert len(args) == 1, f"{path.name}:{node.lineno}: a (vi, en) pair"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_language_branch_and_no_split_on_a_slash(path: Path):
    text = path.read_text(encoding="utf-8")
    assert 'lang == "en"' not in text and "lang == 'en'" not in text
    assert 'split(" / ")' not in text and '"literal"' not in text and "did_you_mean_pair" not in text


def test_refusals_carry_codes_and_render_in_both_languages(make_repo):
    root = make_repo()
    cs = prepare(root, [StageChange("04252", "tinyy", "pilot", dt.date(2022, 1, 1)),
                        ReadingChange("04252", "tiny", "acounts", dt.date(2022, 1, 1), 3.0)])
    assert [r.msg.key for r in cs.refusals] == ["edit.unknown_model", "edit.unknown_metric"]
    assert cs.refusals[0].text("vi") == 'không có mô hình "tinyy" trong models/ (có phải ý bạn là "tiny"?)'
    assert cs.refusals[0].text("en") == 'no model "tinyy" in models/ (did you mean "tiny"?)'
    err = ChangeRefusedError([r.full() for r in cs.refusals])
    assert err.code == "edit.refused" and err.as_dict()["params"]["reasons"][0]["code"] == "edit.unknown_model"
    assert err.text("en").startswith("Change refused, nothing written: no model")
    for lang in ("vi", "en"):
        assert not LEFTOVER.search(err.text(lang))


def test_parse_errors_render_in_both_languages():
    with pytest.raises(BadChangeError) as e:
        parse_date("31/31/2022")
    assert e.value.code == "error.date_no_month" and e.value.params == {"text": "31/31/2022"}
    assert e.value.text("en") == "There is no 31/31/2022: a year has only 12 months"
    with pytest.raises(BadChangeError) as e:
        parse_number("50.595")
    assert e.value.code == "edit.import.ambiguous_number" and "không rõ ràng" in str(e.value)


def _sample(value: str):
    return {"hint": msg("hint.did_you_mean", choice="x"), "reasons": [msg("edit.not_logged_in")],
            "errors": [msg("edit.not_logged_in")], "why": msg("edit.why.cannot_merge"), "day": dt.date(2022, 1, 2),
            "old": dt.date(2022, 1, 1), "new": dt.date(2022, 1, 2), "x": 1.5}.get(value, value)


@pytest.mark.parametrize("key", sorted(k for k in STRINGS if k.startswith("edit.")))
def test_every_editing_message_fills_its_placeholders(key):
    import string

    names = {f.split(":")[0] for _, f, _, _ in string.Formatter().parse(STRINGS[key][0]) if f}
    m = msg(key, **{n: _sample(n) for n in names})
    for lang in ("vi", "en"):
        assert not LEFTOVER.search(m.text(lang).replace("{ ... }", "")), (key, lang)
