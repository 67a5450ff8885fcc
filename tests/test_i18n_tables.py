"""One label table per concept (issue 13): the words for domain values live in ``nhanrong.i18n``.

A second table of (Vietnamese, English) words for a stage, a verdict, a gap kind... outside
``i18n/`` is how two faces came to disagree ("Chưa triển khai" vs "chưa bắt đầu"). This test scans
the source for such tables and fails on any that is not in the catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nhanrong

SRC = Path(nhanrong.__file__).resolve().parent
APP = SRC.parent / "nhanrong_app"
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)

# Files allowed to keep a table while they move to the catalogue (a path relative to src/, with
# a comment naming who moves it). Empty: planning/labels.py, planning/instance.py, optimise.py,
# commands/plan.py, gaps.py, editing/changes.py and loader.py have all moved (issue 13).
ALLOWED: set[str] = set()


def _strings(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


def _is_label_table(node: ast.Dict) -> bool:
    """A dict of two or more entries whose values are (Vietnamese, English) string pairs."""
    pairs = [_strings(v) for v in node.values]
    return (len(pairs) >= 2 and all(p is not None and len(p) == 2 for p in pairs)
            and any(VIETNAMESE.search(p[0]) for p in pairs))


def _tables(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.AnnAssign) and "dict[str, tuple[str, str]]" in ast.unparse(node.annotation):
            found.append(f"{ast.unparse(node.target)} (line {node.lineno}): annotated as a (vi, en) table")
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if re.search(r"_(VI|EN)$", target) and isinstance(node.value, (ast.Dict, ast.DictComp)):
                found.append(f"{target} (line {node.lineno}): a table of words in one language")
                continue
        if isinstance(node, ast.Dict) and _is_label_table(node):
            found.append(f"a dict of (vi, en) pairs (line {node.lineno})")
    return found


def _sources() -> list[Path]:
    files = [p for p in SRC.rglob("*.py") if "i18n" not in p.relative_to(SRC).parts]
    return files + (sorted(APP.rglob("*.py")) if APP.is_dir() else [])


def test_no_label_table_outside_the_catalogue():
    bad = {}
    for path in _sources():
        rel = path.relative_to(SRC.parent).as_posix()
        if rel in ALLOWED:
            continue
        found = _tables(path)
        if found:
            bad[rel] = found
    assert bad == {}, "label tables outside nhanrong.i18n (put them in i18n/labels.py, read them with label()):\n" + \
        "\n".join(f"  {f}: {', '.join(x)}" for f, x in bad.items())


def test_the_scan_finds_a_table():
    """The scanner is not blind: each form it looks for is caught."""
    import tempfile

    text = ('A: dict[str, tuple[str, str]] = {}\nB_VI = {"x": "y"}\n'
            'C = {"met": ("Đạt", "Met"), "behind": ("Chậm", "Behind")}\n')
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "m.py"
        p.write_text(text, encoding="utf-8")
        assert len(_tables(p)) == 3


def test_the_allow_list_names_files_that_exist():
    for rel in ALLOWED:
        assert (SRC.parent / rel).is_file(), rel


def test_a_gap_kind_reads_as_the_stage_it_names():
    """A unit that has not started a model is "Chưa triển khai" on every face (the gap kind, the stage
    column, the brief); running text uses the same words in lower case."""
    from nhanrong.i18n import label

    for lang in ("vi", "en"):
        assert label("gap_kind", "not-started", lang) == label("stage", "not_started", lang)
    assert label("gap_kind", "not-started") == "Chưa triển khai"


def test_the_gap_sentence_says_not_started_in_the_words_of_its_label():
    """The table's kind and the row's sentence speak with one voice ("Chưa triển khai" / "chưa triển khai")."""
    from nhanrong.i18n import STRINGS, label

    word = label("gap_kind", "not-started", "vi").lower()
    assert word == "chưa triển khai" and word in STRINGS["gap.not_started"][0]
    assert "has not started" in STRINGS["gap.not_started"][1]
