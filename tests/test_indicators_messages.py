"""Indicators and rights speak from the catalogue (issue 13): every problem of an indicators file and
every reason rights.toml gives is a message with an "indicator.*" / "rights.*" code and parameters,
rendered in both languages with nothing left unfilled, and JSON-ready."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest

from nhanrong import loader
from nhanrong.i18n import Message
from nhanrong.indicators import load_indicators
from nhanrong.rights import Identity, RightsError, load_rights, refusal, refusals
from test_indicators import HEADER, TINY_INDICATORS

LEFTOVER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}")

BROKEN = TINY_INDICATORS + '''
[[indicator]]
id = "rank"
name = "Lần hai"
unit = "x"

[[indicator]]
id = "twice"
name = "Hai lần"
unit = "x"
readings = [
  { date = 2022-12-31, value = 2, source = "báo" },
  { date = 2021-12-31, value = 1, source = "báo" },
  { date = 2022-12-31, value = 3, source = "báo" },
]

[[indicator]]
id = "a"
name = "A"
unit = "x"
from = { model = "tine", metric = "accounts" }

[[indicator]]
id = "b"
name = "B"
unit = "x"
from = { model = "tiny", metric = "acounts" }

[[indicator]]
id = "c"
name = "C"
unit = "x"
from = { model = "tiny", metric = "accounts" }
readings = [{ date = 2022-12-31, value = 1, source = "báo" }]

[[target_set]]
id = "bad"
name = "Bộ lỗi"
date = 2025-12-31
targets = [
  { indicator = "rnk" },
  { indicator = "products" },
  { indicator = "rank", count = 2 },
  { pillar = "economy" },
  { name = "A", count = 2, met = [{ date = 2022-12-31, value = 3, source = "báo" }] },
]

[[target_set]]
id = "set"
name = "Trùng mã"
date = 2025-12-31
targets = [{ name = "B" }]
'''

KINDS = {"duplicate-indicator", "duplicate-target-set", "duplicate-date", "date-order", "unknown-model", "unknown-metric",
         "typed-linked-reading", "linked-count", "unknown-indicator", "no-target", "unnamed-target", "met-above-count",
         "unknown-unit", "linked-folder", "not-a-file"}


def assert_rendered(m: Message) -> None:
    """Both languages filled (no "{placeholder}" left), different, and the JSON form serialisable."""
    vi, en = m.text("vi"), m.text("en")
    assert vi and en and vi != en, m
    assert not LEFTOVER.search(vi) and not LEFTOVER.search(en), (vi, en)
    json.dumps(m.as_dict(), ensure_ascii=False)


def test_every_problem_of_a_broken_indicators_file_has_an_indicator_code(make_repo, tmp_path):
    root = make_repo({"indicators/a.toml": BROKEN.replace('scope = "15"', 'scope = "99"'),
                      "indicators/folder.toml/b.toml": HEADER})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / "indicators" / "linked")
    report = loader.Report()
    load_indicators(root, report, loader.load_programme(root).models)
    got = loader.sort_problems(report.problems)
    assert {p.code for p in got} == KINDS, [p.format("en") for p in got]
    for p in got:
        # A link to a folder or a folder named *.toml reads as the loader says it (its "problem.*" code).
        assert p.msg.key.startswith("problem." if p.code in ("linked-folder", "not-a-file") else "indicator."), (p.code, p.msg.key)
        assert_rendered(p.msg)
        assert p.as_dict()["message_code"] == p.msg.key
    # Numbers and dates are parameters, written the way each language writes them.
    [dup] = [p for p in got if p.code == "duplicate-date"]
    assert dup.msg.params["day"] == dt.date(2022, 12, 31) and dup.as_dict()["params"]["day"] == "2022-12-31"
    assert "ngày 31/12/2022" in dup.message and "of 2022-12-31" in dup.message_en
    [hint] = [p for p in got if p.code == "unknown-model"]
    assert hint.as_dict()["params"]["hint"] == {"code": "hint.did_you_mean", "params": {"choice": "tiny"}}


def test_the_cli_warning_about_other_errors_is_in_one_language(make_repo, capsys):
    from nhanrong.cli import main

    root = make_repo({"indicators/a.toml": TINY_INDICATORS, "pilots/tiny/bad.toml": "x = \n"})
    assert main(["--lang", "en", "indicators", str(root), "--as-of", "2022-12-31", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert err == ("warning: the data has 1 other error(s); bad records are left out (run `nhanrong validate`)\n")
    assert main(["indicators", str(root), "--as-of", "2022-12-31", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert err == "cảnh báo: dữ liệu có 1 lỗi khác; các bản ghi lỗi bị bỏ qua (chạy `nhanrong validate`)\n"


RIGHTS = """\
[[grant]]
users = ["hoa@x.vn"]
units = ["04252"]
models = ["tiny"]
"""
HOA = Identity("Nguyễn Thị Hoa", "hoa@x.vn")


def test_a_missing_or_broken_rights_file_says_why_with_a_rights_code(make_repo):
    root = make_repo()
    missing = load_rights(root).problem
    assert missing.key == "rights.no_file" and "chưa có tệp rights.toml" in missing.text("vi")
    assert_rendered(missing)
    (root / "rights.toml").write_text('[[grant]]\nuser = ["x@y.vn"]\n', encoding="utf-8")
    broken = load_rights(root).problem
    assert broken.key == "rights.broken_file"
    assert_rendered(broken)
    assert broken.text("vi").startswith("tệp rights.toml có lỗi, chưa ai được sửa dữ liệu: rights.toml:2:1: error: ")
    assert broken.text("en").startswith("rights.toml has an error, nobody may edit: rights.toml:2:1: error: ")
    assert 'did you mean "users"' in broken.text("en")
    err = RightsError(broken)
    assert err.code == "rights.broken_file" and err.text("en") == broken.text("en") and str(err) == broken.text("vi")


@pytest.mark.parametrize("who, change, code, vi, en", [
    (None, ("StageChange", "old:04249", "tiny"), "rights.not_logged_in", "chưa đăng nhập", "not logged in"),
    (HOA, ("StageChange", "old:04249", "tiny"), "rights.no_unit", "Nguyễn Thị Hoa <hoa@x.vn> không có quyền sửa đơn vị",
     "may not change unit"),
    (HOA, ("StageChange", "old:04252", "other"), "rights.no_model", "không có quyền sửa mô hình other tại",
     "may not change model other in"),
    (HOA, ("PlanNumbers", "p"), "rights.no_plans", "không có quyền sửa kế hoạch (p); xem rights.toml",
     "may not change plans (p); see rights.toml"),
])
def test_every_refusal_is_a_rights_message(make_repo, who, change, code, vi, en):
    from nhanrong.editing.changes import PlanNumbers, StageChange

    root = make_repo({"rights.toml": RIGHTS})
    prog = loader.load_programme(root)
    ch = (StageChange(change[1], change[2], "pilot", dt.date(2022, 1, 1)) if change[0] == "StageChange"
          else PlanNumbers(change[1], (("horizon", 3),)))
    why = refusal(load_rights(root), who, prog, ch)
    assert isinstance(why, Message) and why.key == code
    assert vi in why.text("vi") and en in why.text("en")
    assert_rendered(why)
    assert refusals(load_rights(root), who, prog, [ch]) == [why]


def test_a_user_within_the_grant_is_not_refused(make_repo):
    from nhanrong.editing.changes import StageChange

    root = make_repo({"rights.toml": RIGHTS})
    prog = loader.load_programme(root)
    assert refusal(load_rights(root), HOA, prog, StageChange("old:04252", "tiny", "pilot", dt.date(2022, 1, 1))) is None
