"""The Ghi nhận / Record page, driven with AppTest on a tiny data repository under git."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import BUNDLED

PAGE = BUNDLED / "src" / "nhanrong_app" / "record.py"
REL = "pilots/tiny/132.toml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(make_repo, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = make_repo({"rights.toml": RIGHTS})
    git(root, "init", "-q")
    git(root, "config", "user.name", "Máy chủ")
    git(root, "config", "user.email", "server@x.vn")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


# Everyone below may edit every unit and plan, and reviews (so saves go straight to the checked-out branch).
RIGHTS = """\
[[grant]]
users = ["hoa@yenbai.gov.vn", "minh@x.vn", "hoa@x.vn"]
units = ["*"]
plans = true
review = true
"""
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "nhanrong",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


def login(at: AppTest, name: str, email: str) -> None:
    """What st.user holds after the identity provider's login (see test_auth_oidc.py for the real flow)."""
    at.user = {"is_logged_in": True, "name": name, "email": email, "sub": email}


def open_page(root: Path, lang: str = "vi", user: tuple[str, str] | None = ("Nguyễn Thị Hoa", "hoa@yenbai.gov.vn")) -> AppTest:
    from nhanrong_app.common import Context
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.secrets["auth"] = AUTH
    if user:
        login(at, *user)
    else:
        at.user = {"is_logged_in": False}
    at.session_state["lang"] = lang
    at.session_state["_pg"] = build_graph(load_programme(root))
    at.session_state["_ctx"] = Context(root=root, fp="test", lang=lang, as_of=dt.date(2022, 12, 31), structure="old",
                                       scope="132", scope_key="old:132", scope_name="Thành phố Yên Bái", scope_kind="district")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_record_stage_change_previews_diff_and_commits(repo: Path) -> None:
    at = open_page(repo)
    assert at.header[0].value == "Ghi nhận tiến độ"
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("evaluate")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 7, 1))
    at.text_input(key="record_stage_note").set_value("<script>alert('x')</script>")
    at.button(key="record_stage_preview").click().run()
    assert not at.exception, [e.value for e in at.exception]
    diff = at.code[0].value
    assert "+stages = { assess = 2022-03-01, pilot = 2022-04-01, evaluate = 2022-07-01 }" in diff
    assert "+note = \"<script>alert('x')</script>\"" in diff  # shown as code text, not run
    at.button(key="record_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert git(repo, "log", "-1", "--format=%an|%s").strip() == (
        "Nguyễn Thị Hoa|Phường Yên Ninh (04252): mô hình tiny bắt đầu giai đoạn đánh giá, rút kinh nghiệm ngày 01/07/2022")
    assert any("Đã lưu" in s.value for s in at.success)
    assert "evaluate = 2022-07-01" in (repo / REL).read_text(encoding="utf-8")


def test_record_reading_and_history(repo: Path) -> None:
    at = open_page(repo, "en", ("Lò Văn Minh", "minh@x.vn"))
    at.selectbox(key="record_reading_model").set_value("tiny")
    at.selectbox(key="record_reading_unit").set_value("old:04249")
    at.selectbox(key="record_reading_metric").set_value("accounts")
    at.date_input(key="record_reading_date").set_value(dt.date(2022, 12, 31))
    at.number_input(key="record_reading_value").set_value(412)
    at.button(key="record_reading_preview").click().run()
    assert '+  { metric = "accounts", date = 2022-12-31, value = 412 },' in at.code[0].value
    at.button(key="record_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert git(repo, "log", "-1", "--format=%an").strip() == "Lò Văn Minh"
    at.selectbox(key="record_history_unit").set_value("old:04249").run()
    table = next(d.value for d in at.dataframe if "Who" in d.value.columns)
    assert list(table["Who"])[0] == "Lò Văn Minh"


def test_refused_change_lists_reason_and_writes_nothing(repo: Path) -> None:
    before = (repo / REL).read_bytes()
    at = open_page(repo)
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("assess")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 9, 1))
    at.button(key="record_stage_preview").click().run()
    assert at.error[0].value == "Thay đổi bị từ chối, không ghi gì. Lý do:"
    reasons = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert "không thể bắt đầu trước" in reasons["Lý do"].iloc[0]
    assert not [b for b in at.button if b.key == "record_save"]
    assert (repo / REL).read_bytes() == before


PLAN = """\
name = "Kế hoạch thử"
scope = "15"
structure = "old"
start = 2023-01-01
horizon = 4                  # bốn quý

[resources]
trainer_hours = 40           # mỗi quý

[[targets]]
model = "tiny"
coverage = 0.5
date = 2023-12-31
"""


def test_edit_plan_numbers(make_repo, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.syspath_prepend(str(BUNDLED))
    root = make_repo({"plans/thu.toml": PLAN, "rights.toml": RIGHTS})
    at = open_page(root)
    at.number_input(key="record_plan_horizon_thu").set_value(6)
    at.number_input(key="record_plan_cov_thu_0").set_value(80.0)
    at.button(key="record_plan_preview").click().run()
    diff = at.code[0].value
    assert "+horizon = 6                  # bốn quý" in diff and "+coverage = 0.8" in diff
    assert "trainer_hours" not in diff
    at.button(key="record_save").click().run()  # no git here: saved, no commit
    assert not at.exception, [e.value for e in at.exception]
    assert any("không có git" in s.value for s in at.success)
    text = (root / "plans/thu.toml").read_text(encoding="utf-8")
    assert "horizon = 6                  # bốn quý\n" in text and "coverage = 0.8\n" in text


def test_every_record_label_has_both_languages() -> None:
    from nhanrong.i18n import STRINGS as ALL

    STRINGS = {k: v for k, v in ALL.items() if k.startswith("record.")}

    for key, (vi, en) in STRINGS.items():
        assert vi and en, key
    page = PAGE.read_text(encoding="utf-8")
    import re

    used = set(re.findall(r'tr\("(record\.[a-z_.]+)"', page)) | {f"record.tab.{x}" for x in ("stage", "reading", "bulk", "upload", "unit", "plan", "history")}
    assert used <= set(STRINGS), used - set(STRINGS)


def test_a_save_that_meets_another_save_of_the_same_file_keeps_both_and_says_so(repo: Path) -> None:
    from nhanrong.editing import ReadingChange, prepare, save

    at = open_page(repo, user=("Nguyễn Thị Hoa", "hoa@x.vn"))
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("evaluate")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 7, 1))
    at.button(key="record_stage_preview").click().run()
    # Meanwhile a colleague records another unit of the same file.
    save(prepare(repo, [ReadingChange("04249", "tiny", "accounts", dt.date(2022, 9, 30), 130)]),
         author="Lò Văn Minh <minh@x.vn>")
    at.button(key="record_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã lưu" in s.value for s in at.success)
    assert any("giữ cả hai thay đổi" in i.value for i in at.info)
    text = (repo / REL).read_text(encoding="utf-8")
    assert "evaluate = 2022-07-01" in text and "value = 130" in text
    assert git(repo, "log", "--format=%an").split("\n")[:2] == ["Nguyễn Thị Hoa", "Lò Văn Minh"]


def test_anonymous_users_cannot_write_and_without_auth_the_page_is_read_only(repo: Path) -> None:
    before = (repo / REL).read_bytes()
    at = open_page(repo, user=None)
    assert any("Đăng nhập để ghi nhận" in i.value for i in at.info)
    assert [b for b in at.button if b.key == "auth_login"]
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("evaluate")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 7, 1))
    at.button(key="record_stage_preview").click().run()
    reasons = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert "chưa đăng nhập" in reasons["Lý do"].iloc[0]
    assert not [b for b in at.button if b.key == "record_save"]
    # No [auth] in the secrets: read-only, and the page says how to enable editing.
    at2 = AppTest.from_file(str(PAGE), default_timeout=60)
    at2.session_state["lang"] = "en"
    at2.session_state["_pg"] = at.session_state["_pg"]
    at2.session_state["_ctx"] = at.session_state["_ctx"]
    at2.run()
    assert not at2.exception, [e.value for e in at2.exception]
    assert any("Chế độ chỉ xem" in i.value and "[auth]" in i.value for i in at2.info), [i.value for i in at2.info]
    assert (repo / REL).read_bytes() == before


def test_a_logged_in_user_without_rights_on_the_unit_is_refused(repo: Path) -> None:
    (repo / "rights.toml").write_text('[[grant]]\nusers = ["hoa@x.vn"]\nunits = ["04249"]\nreview = true\n', encoding="utf-8")
    before = (repo / REL).read_bytes()
    at = open_page(repo, "en", ("Nguyễn Thị Hoa", "hoa@x.vn"))
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("evaluate")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 7, 1))
    at.button(key="record_stage_preview").click().run()
    reasons = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert "may not change unit" in reasons["Reason"].iloc[0] and "04252" in reasons["Reason"].iloc[0]
    assert not [b for b in at.button if b.key == "record_save"]
    assert (repo / REL).read_bytes() == before


def test_re_recording_a_stage_warns_with_both_dates_and_needs_confirmation(repo: Path) -> None:
    """Issue 15: 04252 began its pilot on 01/04/2022; recording 15/04/2022 for the same stage no longer
    replaces the date silently: the page names both dates and the change is refused until confirmed."""
    before = (repo / REL).read_bytes()
    at = open_page(repo)
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("pilot")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 4, 15)).run()
    assert [w.value for w in at.warning if "đã ghi ngày" in w.value] == [
        "Giai đoạn «Thí điểm» của đơn vị này đã ghi ngày 01/04/2022. Ghi ngày 15/04/2022 sẽ thay ngày cũ."]
    box = next(c for c in at.checkbox if c.key.startswith("record_stage_replace_"))
    assert box.label == "Tôi xác nhận thay ngày 01/04/2022 bằng ngày 15/04/2022" and box.value is False
    at.button(key="record_stage_preview").click().run()  # not confirmed: refused, naming both dates
    reasons = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert "đã ghi ngày 01/04/2022; ghi ngày 15/04/2022 sẽ thay ngày cũ" in reasons["Lý do"].iloc[0]
    assert not [b for b in at.button if b.key == "record_save"] and (repo / REL).read_bytes() == before

    next(c for c in at.checkbox if c.key.startswith("record_stage_replace_")).check()
    at.button(key="record_stage_preview").click().run()
    assert "+stages = { assess = 2022-03-01, pilot = 2022-04-15 }" in at.code[0].value
    at.button(key="record_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "pilot = 2022-04-15" in (repo / REL).read_text(encoding="utf-8")
    assert git(repo, "log", "-1", "--format=%an").strip() == "Nguyễn Thị Hoa"

    # A stage not recorded yet, or the same date again: no warning.
    at.selectbox(key="record_stage_stage").set_value("evaluate").run()
    assert not [w for w in at.warning if "đã ghi ngày" in w.value]


def test_the_same_record_changed_meanwhile_is_refused_on_the_page_in_the_readers_language(repo: Path) -> None:
    """Issue 13: the Record page writes through the one write path: a record someone else changed since the
    preview is refused, named in the page's language (never " / " joined); nothing written, no commit."""
    from nhanrong.editing import StageChange, prepare, save

    at = open_page(repo, lang="en", user=("Nguyễn Thị Hoa", "hoa@x.vn"))
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value("old:04252")
    at.selectbox(key="record_stage_stage").set_value("evaluate")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 7, 1))
    at.button(key="record_stage_preview").click().run()
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 15))]), author="Lò Văn Minh <minh@x.vn>")
    before, commits = (repo / REL).read_text(encoding="utf-8"), git(repo, "rev-list", "--count", "HEAD")
    at.button(key="record_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.success and at.error
    shown = "\n".join(x.value for x in at.text)
    assert 'the record of "04252" (model tiny) in file "pilots/tiny/132.toml" was just changed by someone else' in shown
    assert "bản ghi" not in shown and " / " not in shown
    assert (repo / REL).read_text(encoding="utf-8") == before and git(repo, "rev-list", "--count", "HEAD") == commits
