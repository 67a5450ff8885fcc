"""Every problem the loader reports speaks from the catalogue: a ``problem.*`` code with its parameters,
rendered in both languages with nothing left unfilled (issue 13)."""

from __future__ import annotations

import json
import os
import re

import test_loader
from conftest import TINY_MODEL
from nhanrong.i18n import STRINGS
from nhanrong.loader import load_programme

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?::[^{}]*)?\}")


def _cases(test) -> list:
    """The (text, expected) cases a parametrized test of test_loader.py runs."""
    return [case[0] for case in test.pytestmark[0].args[1]]


def broken_files(tmp_path) -> dict[str, str]:
    """One data root holding the broken files of test_loader.py, and a few more kinds of mistake."""
    files: dict[str, str] = {}
    for i, text in enumerate(_cases(test_loader.test_pilot_problems_have_exact_messages)):
        files[f"pilots/tiny/{200 + i}.toml"] = text
    for i, text in enumerate(_cases(test_loader.test_model_problems)):
        files[f"models/m{i}.toml"] = text
    head = test_loader.PILOT_HEAD
    files.update({
        "nhanrong.toml": 'models = ["tiny", "tinny"]\n[kinds.commune]\nname = "xã"\n[kinds.stall]\nname = "sạp"\nparents = ["comune"]\n',
        "models/Bad_Name.toml": TINY_MODEL,
        "models/cycle-a.toml": TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["commune", "markets"]\n'
                                                  'requires = [{ model = "cycle-b", where = "same" }, { model = "cycle-a", where = "same" }]'),
        "models/cycle-b.toml": TINY_MODEL.replace('adopted_by = ["commune"]', 'adopted_by = ["commune"]\nrequires = [{ model = "cycle-a", where = "same" }]'),
        "models/deep.toml": "name = 'x'\n" + ".".join(["k"] * 1200) + " = 1\n",
        "models/huge.toml": "x = " + "1" * 5000 + "\n",
        "units/more.toml": (
            'structure = "old"\n'
            '[[unit]]\ncode = "T-04249-01"\nname = "dup"\nkind = "village"\nparent = "04249"\n'
            '[[unit]]\ncode = "X1"\nname = "x"\nkind = "school"\nparent = "ZZ"\n'
            '[[unit]]\ncode = "04249"\nname = "x"\nkind = "commune"\nparent = "132"\n'
            '[[unit]]\ncode = "X2"\nname = "Xã đã sáp nhập"\nkind = "commune"\nparent = "132"\n'
            '[[unit]]\ncode = "X3"\nname = "x"\nkind = "vilage"\nparent = "04249"\n'
            '[[unit]]\ncode = "X4"\nname = "x"\nkind = "village"\nparent = "04249"\nestablished = 2022-01-01\ndissolved = 2021-01-01\n'
            '[[unit]]\ncode = "X5"\nname = "x"\nkind = "village"\n'
            '[[unit]]\ncode = "X6"\nname = "Thôn Cũ"\nkind = "village"\nparent = "04249"\ndissolved = 2022-06-01\nmerged_into = "ZZ9"\n'
            '[[unit]]\ncode = "X7"\nname = "Thôn Cũ"\nkind = "village"\nparent = "04249"\ndissolved = 2022-06-01\n'
            '[[unit]]\ncode = "x 8"\nname = ""\nkind = "village"\nparent = "04249"\nlat = "north"\n'
        ),
        "pilots/tiny/300.toml": head + (
            '[[adoption]]\nunit = "T-04249-01"\nmodel = "nope"\n'
            '[[adoption]]\nunit = "04255"\nstages = { assess = 0001-01-01 }\n'
            '[[adoption]]\nunit = "04258"\nstages = { assess = 2022-01-01 }\nreadings = [{ metric = "share", date = 2022-01-01, value = 1 }]\n'
        ),
        "pilots/tiny/301.toml": 'model = "tiny"\nstructure = "new"\n[[adoption]]\nunit = "04249"\n',
        "pilots/tiny/302.toml": head + '[[adoption]]\nunit = "T-X7"\n',
        "pilots/tiny/303.toml": head + ('[[adoption]]\nunit = "04378"\nstages = { pilot = 2022-04-01 }\nreadings = [\n'
                                        '  { metric = "people", date = 2022-01-01, value = 1 },\n  { metric = "people", date = 2022-01-01, value = 2 },\n]\n'),
        "models/ratio.toml": TINY_MODEL + '\n[[metrics]]\nid = "share"\nname = "Tỉ lệ"\nunit = "%"\nrollup = "ratio"\n'
                                          'numerator = "accounts"\ndenominator = "people"\n',
        "pilots/ratio/1.toml": 'model = "ratio"\nstructure = "old"\n[[adoption]]\nunit = "04249"\n'
                               'readings = [{ metric = "share", date = 2022-01-01, value = 1 }]\n',
        "units/lifetimes.toml": ('structure = "old"\n'
                                 '[[unit]]\ncode = "C1"\nname = "Xã Cũ"\nkind = "commune"\nparent = "132"\ndissolved = 2022-06-01\nmerged_into = "04249"\n'
                                 '[[unit]]\ncode = "C2"\nname = "Xã Mới"\nkind = "commune"\nparent = "132"\nestablished = 2023-01-01\n'),
        "pilots/tiny/304.toml": head + ('[[adoption]]\nunit = "C1"\nstages = { assess = 2023-01-01 }\n'
                                        '[[adoption]]\nunit = "C2"\nstages = { assess = 2022-01-01 }\n'),
        "pilots/tiny/utf16.toml": "",  # written as UTF-16 below
        "pilots/tiny/latin1.toml": "",  # written as Latin-1 below
        "pilots/tiny/unparsable.toml": "this is not toml",
        "plans/p.toml": 'name = "x"\nscope = "1Z"\nstructure = "old"\nstart = 2023-01-01\nhorizon = 2_000_000_000\nmodels = ["tinny"]\n'
                        '[resources]\ntrainer_hours = inf\n',
    })
    return files


def test_every_problem_of_a_folder_of_broken_files_has_a_catalogue_code(make_repo, tmp_path):
    files = broken_files(tmp_path)
    root = make_repo(files)
    (root / "pilots/tiny/utf16.toml").write_bytes((test_loader.PILOT_HEAD + '[[adoption]]\nunit = "04378"\n').encode("utf-16"))
    (root / "pilots/tiny/latin1.toml").write_bytes((test_loader.PILOT_HEAD + 'note = "Hòa"\n').encode("latin-1", "replace"))
    (root / "units/folder.toml").mkdir()
    os.symlink(tmp_path / "nowhere.toml", root / "units/broken-link.toml")
    os.symlink("/etc/hostname", root / "units/outside.toml")
    os.symlink(root / "units/loop.toml", root / "units/loop.toml")
    os.mkfifo(root / "units/fifo.toml")
    os.symlink(root / "models", root / "units/linked")
    prog = load_programme(root)
    assert len(prog.problems) > 50
    literal = [p.format("en") for p in prog.problems if not p.msg.key.startswith("problem.")]
    assert literal == []
    for p in prog.problems:
        assert p.msg.key in STRINGS
        for lang in ("vi", "en"):
            text = p.text(lang)
            assert text.strip() and not PLACEHOLDER.search(text), (p.msg.key, lang, text)
        assert p.message != p.message_en or p.msg.key in ("problem.type.other",), p.msg.key
        json.dumps(p.as_dict())  # parameters are JSON-ready
    kinds = {p.code for p in prog.problems}
    for code in ("toml-syntax", "too-deep", "encoding", "unknown-key", "missing-key", "bad-value", "date-out-of-range",
                 "unknown-unit", "duplicate-unit", "missing-parent", "lifetime-order", "unknown-kind", "admin-kind",
                 "unknown-model", "requires-cycle", "requires-itself", "bad-model-id", "broken-link", "link-outside",
                 "link-loop", "not-regular-file", "not-a-file", "linked-folder", "wrong-kind", "duplicate-record",
                 "stage-order", "stage-skipped", "computed-metric", "duplicate-reading", "after-dissolved", "before-established",
                 "bad-string_pattern_mismatch", "bad-value_error", "bad-less_than_equal", "bad-finite_number"):
        assert code in kinds, (code, sorted(kinds)[-20:])

