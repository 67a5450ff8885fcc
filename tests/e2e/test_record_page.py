"""The Ghi nhận / Record page in a real browser: log in through st.login against a real OpenID Connect
provider on 127.0.0.1, record a stage change and a reading through the real page of the real server,
on a git copy of the bundled data, and find both commits in git under the logged-in identity."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from harness import ARTIFACTS, REPO, browser_page, rerun, settle, streamlit_server
from oidc_mock import oidc_provider, write_secrets

AUTHOR = "Trần Thị Lan <lan@stttt.yenbai.gov.vn>"  # the provider's user "lan" (tests/oidc_mock.py)
RIGHTS = '[[grant]]\ngroups = ["so-tttt"]\nunits = ["*"]\nreview = true\n'  # a reviewer: saves go to the base branch

pytestmark = pytest.mark.e2e


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A git repository holding a copy of the bundled data."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("e2e") / "data"
    for d in ("models", "units", "pilots", "plans"):
        if (REPO / d).is_dir():
            shutil.copytree(REPO / d, root / d)
    (root / "rights.toml").write_text(RIGHTS, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "config", "user.name", "Máy chủ Sở")
    git(root, "config", "user.email", "may-chu@yenbai.gov.vn")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Dữ liệu ban đầu")
    return root


@pytest.fixture(scope="module")
def server(data: Path, tmp_path_factory):
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"  # outside the data repository
    with oidc_provider() as issuer:
        write_secrets(secrets, issuer)
        with streamlit_server(data, ("--secrets.files", str(secrets)), {"AUTHLIB_INSECURE_TRANSPORT": "1"}) as url:
            yield url


@pytest.fixture(scope="module")
def page(server):
    with browser_page(height=1600) as pg:
        yield pg


def _visible(locator):
    return locator.filter(visible=True).first


def _save_and_wait(page, data: Path, commits: int) -> str:
    """Press Lưu, wait until git has commit number ``commits``, and return its author and subject."""
    page.get_by_test_id("stCode").filter(visible=True).first.wait_for()
    save = _visible(page.get_by_role("button", name="Lưu", exact=True))
    save.click()
    save.wait_for(state="detached")
    page.get_by_text("Đã lưu").first.wait_for()
    settle(page)
    assert not page.get_by_test_id("stException").count()
    deadline = time.monotonic() + 30  # polls git, which the page does not show
    while git(data, "rev-list", "--count", "HEAD").strip() != str(commits) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert page.get_by_text("Đã lưu").count() >= 1
    return git(data, "log", "-1", "--format=%an <%ae>|%s")


def test_record_stage_and_reading_through_the_page_and_find_the_commits(server, page, data: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(server)
    page.get_by_text("Tổng quan nhân rộng").first.wait_for()
    settle(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Ghi nhận", exact=True).click()
    page.get_by_text("Ghi nhận tiến độ").first.wait_for()
    settle(page)
    # The real login: st.login -> the provider's authorize form -> back with a code -> the auth cookie.
    _visible(page.get_by_role("button", name="Đăng nhập", exact=True)).click()
    page.get_by_role("button", name="lan", exact=True).click()  # the provider's form: a predefined user
    page.get_by_text("Tổng quan nhân rộng").first.wait_for()  # back in the app, on its first page
    settle(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Ghi nhận", exact=True).click()
    page.get_by_text("Đã đăng nhập").first.wait_for()
    settle(page)
    assert page.get_by_text("lan@stttt.yenbai.gov.vn").count() >= 1

    # Stage change: the first unit of the first model, stage "Nhân rộng" on the as-of date.
    stage_box = _visible(page.get_by_test_id("stSelectbox").filter(has_text="Giai đoạn bắt đầu"))
    stage_box.click()
    rerun(page, lambda: page.get_by_role("option", name="Nhân rộng").click())
    rerun(page, lambda: (_visible(page.get_by_label("Ghi chú", exact=True)).fill("<script>alert('x')</script>"),
                         page.keyboard.press("Enter")))
    _visible(page.get_by_role("button", name="Xem trước thay đổi")).click()
    page.get_by_test_id("stCode").filter(visible=True).first.wait_for()
    settle(page)
    assert page.get_by_text("<script>alert('x')</script>").count() >= 1  # shown as text in the diff
    page.screenshot(path=str(ARTIFACTS / "ghi-nhan-xem-truoc.png"), full_page=True)
    log = _save_and_wait(page, data, 2)
    assert log.startswith(f"{AUTHOR}|") and "bắt đầu giai đoạn nhân rộng" in log

    # A reading: the "Chỉ số" tab, first unit and metric, value 12.
    page.get_by_role("tab", name="Chỉ số").click()
    value = _visible(page.get_by_label("Giá trị", exact=True))
    value.wait_for()
    rerun(page, lambda: (value.fill("12"), page.keyboard.press("Enter")))
    _visible(page.get_by_role("button", name="Xem trước thay đổi")).click()
    page.get_by_test_id("stCode").filter(visible=True).first.wait_for()  # the new diff (the last one went with the save)
    settle(page)
    log = _save_and_wait(page, data, 3)
    assert log.startswith(f"{AUTHOR}|") and "chỉ số" in log and "= 12 ngày" in log
    assert git(data, "rev-list", "--count", "HEAD").strip() == "3"
    assert git(data, "status", "--porcelain") == ""
    page.screenshot(path=str(ARTIFACTS / "ghi-nhan-da-luu.png"), full_page=True)
