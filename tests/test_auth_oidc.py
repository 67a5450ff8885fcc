"""Login against a real OpenID Connect provider on 127.0.0.1, rights by unit, and review in the app.

The provider (oidc-provider-mock) issues real ID tokens through its authorization-code flow; the
claims it signs are what Streamlit puts in st.user after st.login, and the pages (AppTest) run with
them. The browser test (tests/e2e/test_record_page.py) goes through st.login itself."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import BUNDLED, git
from oidc_mock import login_claims, oidc_provider

APP = BUNDLED / "src" / "nhanrong_app"
REL = "pilots/tiny/132.toml"
RIGHTS = """\
review = true

[[grant]]
groups = ["so-tttt"]
units = ["*"]
review = true

[[grant]]
groups = ["van-yen"]
units = ["04252"]
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(scope="module")
def issuer():
    with oidc_provider() as url:
        yield url


@pytest.fixture
def repo(git_repo) -> Path:
    return git_repo({"rights.toml": RIGHTS})


def open_page(page: str, root: Path, claims: dict | None, issuer: str) -> AppTest:
    from nhanrong_app.common import Context
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    at = AppTest.from_file(str(APP / page), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "k" * 40,
                          "client_id": "nhanrong", "client_secret": "s",
                          "server_metadata_url": f"{issuer}/.well-known/openid-configuration"}
    at.user = {**claims, "is_logged_in": True} if claims else {"is_logged_in": False}
    at.session_state["lang"] = "vi"
    at.session_state["_pg"] = build_graph(load_programme(root))
    at.session_state["_ctx"] = Context(root=root, fp="test", lang="vi", as_of=dt.date(2022, 12, 31), structure="old",
                                       scope="132", scope_key="old:132", scope_name="Thành phố Yên Bái", scope_kind="district")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def record_evaluate(at: AppTest, unit: str) -> None:
    at.selectbox(key="record_stage_model").set_value("tiny")
    at.selectbox(key="record_stage_unit").set_value(unit)
    at.selectbox(key="record_stage_stage").set_value("evaluate")
    at.date_input(key="record_stage_date").set_value(dt.date(2022, 7, 1))
    at.button(key="record_stage_preview").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_provider_signs_the_identity_the_app_uses(issuer: str) -> None:
    claims = login_claims(issuer, "hoa")
    assert claims["name"] == "Nguyễn Thị Hoa" and claims["email"] == "hoa@vanyen.yenbai.gov.vn"
    assert claims["groups"] == ["van-yen"] and claims["sub"] == "hoa"


def test_anonymous_cannot_write(repo: Path, issuer: str) -> None:
    before = (repo / REL).read_bytes()
    at = open_page("record.py", repo, None, issuer)
    assert [b for b in at.button if b.key == "auth_login"]
    record_evaluate(at, "old:04252")
    assert not [b for b in at.button if b.key == "record_save"]
    assert (repo / REL).read_bytes() == before


def test_a_logged_in_users_commit_carries_their_identity_and_a_reviewer_merges_it(repo: Path, issuer: str) -> None:
    at = open_page("record.py", repo, login_claims(issuer, "hoa"), issuer)
    assert any("Nguyễn Thị Hoa" in c.value and "hoa@vanyen" in c.value for c in at.caption), [c.value for c in at.caption]
    record_evaluate(at, "old:04252")
    at.button(key="record_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    branch = "nhap/hoa-at-vanyen-yenbai-gov-vn"
    assert git(repo, "log", "-1", "--format=%an <%ae>", branch).strip() == "Nguyễn Thị Hoa <hoa@vanyen.yenbai.gov.vn>"
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == "main"
    assert "evaluate = 2022-07-01" not in (repo / REL).read_text(encoding="utf-8")  # waits for review

    # The editor cannot approve; the reviewer (group so-tttt) sees the branch, its diff and its check.
    mine = open_page("review.py", repo, login_claims(issuer, "hoa"), issuer)
    assert any("quyền duyệt" in w.value for w in mine.warning)
    rv = open_page("review.py", repo, login_claims(issuer, "lan"), issuer)
    assert "+stages = { assess = 2022-03-01, pilot = 2022-04-01, evaluate = 2022-07-01 }" in rv.code[0].value
    assert any("không thêm lỗi" in s.value for s in rv.success)
    rv.text_area(key=f"review_comment_{branch}").set_value("Đúng biên bản ngày 01/07")
    rv.button(key=f"review_approve_{branch}").click().run()
    assert not rv.exception, [e.value for e in rv.exception]
    assert any("Đã duyệt" in s.value for s in rv.success), ([s.value for s in rv.success], [e.value for e in rv.error], [x.value for x in rv.text])
    assert "evaluate = 2022-07-01" in (repo / REL).read_text(encoding="utf-8")
    log = git(repo, "log", "-1", "--format=%an <%ae>|%B", "main")
    assert log.startswith("Trần Thị Lan <lan@stttt.yenbai.gov.vn>|")
    assert "Approved-by: Trần Thị Lan <lan@stttt.yenbai.gov.vn>" in log and "Đúng biên bản" in log
    history = next(d.value for d in rv.dataframe if "Người duyệt" in d.value.columns)
    assert list(history["Người duyệt"]) == ["Trần Thị Lan <lan@stttt.yenbai.gov.vn>"]
    # The history of the unit shows the editor's commit.
    assert "Nguyễn Thị Hoa" in git(repo, "log", "--format=%an", "main")


def test_a_user_without_rights_on_the_unit_is_refused(repo: Path, issuer: str) -> None:
    before = (repo / REL).read_bytes()
    at = open_page("record.py", repo, login_claims(issuer, "hoa"), issuer)  # has 04252 only
    record_evaluate(at, "old:04249")
    reasons = next(d.value for d in at.dataframe if "Lý do" in d.value.columns)
    assert "không có quyền sửa đơn vị" in reasons["Lý do"].iloc[0] and "04249" in reasons["Lý do"].iloc[0]
    assert not [b for b in at.button if b.key == "record_save"]
    stranger = open_page("record.py", repo, login_claims(issuer, "la"), issuer)
    assert any("chưa được cấp quyền" in w.value for w in stranger.warning)
    assert (repo / REL).read_bytes() == before and not git(repo, "branch", "--list", "nhap/*").strip()


def test_a_rejection_reaches_the_editor(repo: Path, issuer: str) -> None:
    at = open_page("record.py", repo, login_claims(issuer, "hoa"), issuer)
    record_evaluate(at, "old:04252")
    at.button(key="record_save").click().run()
    branch = "nhap/hoa-at-vanyen-yenbai-gov-vn"
    rv = open_page("review.py", repo, login_claims(issuer, "lan"), issuer)
    rv.text_area(key=f"review_comment_{branch}").set_value("Thiếu biên bản")
    rv.button(key=f"review_reject_{branch}").click().run()
    assert any("Đã từ chối" in s.value for s in rv.success) and any("Không có nhánh" in i.value for i in rv.info)
    back = open_page("record.py", repo, login_claims(issuer, "hoa"), issuer)
    assert any("đã từ chối" in w.value for w in back.warning)
    assert any("Thiếu biên bản" in x.value for x in back.text)
