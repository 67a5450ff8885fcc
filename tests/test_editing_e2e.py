"""The Ghi nhận / Record page in a real browser: record a stage change and a reading through the
real page of the real server, on a git copy of the bundled data, and find both commits in git.

Until the router lists the page, the test runs a copy of streamlit_app.py with the one line
that adds it (and its title); once the router has it, the real router is used as it is.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROUTE = '    ("app_pages/record.py", "page.record", ":material/edit_note:", "ghi-nhan"),\n'
AUTHOR = "Nguyễn Thị Hoa <hoa@yenbai.gov.vn>"

pytestmark = pytest.mark.e2e


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _router(tmp: Path) -> Path:
    """The real router if it routes the record page, else a copy with that one line added."""
    real = REPO / "streamlit_app.py"
    text = real.read_text(encoding="utf-8")
    if "app_pages/record.py" in text:
        return real
    anchor = '    ("app_pages/data.py",'
    assert anchor in text, "cannot find where to add the page in streamlit_app.py"
    i = text.index(anchor)
    j = text.index("\n", i) + 1
    inject = ('from nhanrong.i18n import STRINGS as _S\n'
              '_S.setdefault("page.record", ("Ghi nhận", "Record"))\n')
    text = text[:j] + ROUTE + text[j:]
    future = "from __future__ import annotations\n"
    k = text.index(future) + len(future) if future in text else 0
    text = text[:k] + inject + text[k:]
    app = tmp / "app"
    app.mkdir()
    (app / "streamlit_app.py").write_text(text, encoding="utf-8")
    (app / "app_pages").symlink_to(REPO / "app_pages")
    if (REPO / ".streamlit").is_dir():
        (app / ".streamlit").symlink_to(REPO / ".streamlit")
    return app / "streamlit_app.py"


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A git repository holding a copy of the bundled data."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (REPO / "pilots" / "community-team").is_dir():
        pytest.skip("bundled Yên Bái pilots not written yet")
    root = tmp_path_factory.mktemp("e2e") / "data"
    for d in ("models", "units", "pilots", "plans"):
        if (REPO / d).is_dir():
            shutil.copytree(REPO / d, root / d)
    git(root, "init", "-q")
    git(root, "config", "user.name", "Máy chủ Sở")
    git(root, "config", "user.email", "may-chu@yenbai.gov.vn")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Dữ liệu ban đầu")
    return root


@pytest.fixture(scope="module")
def server(data: Path, tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("/usr/bin/chromium is missing: CI must install Debian's chromium")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    app = _router(tmp_path_factory.mktemp("router"))
    port = _free_port()
    env = dict(os.environ, NHANRONG_ROOT=str(data), PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=app.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start:\n" + proc.stdout.read().decode(errors="replace")[-3000:])
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="vi-VN")
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        context.close()
        browser.close()


def _settle(page) -> None:
    page.wait_for_timeout(600)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid^=\"stStatusWidgetRunning\"]') && !document.querySelector('[data-testid=\"stSpinner\"]')",
        timeout=60_000)
    page.wait_for_timeout(800)


def _visible(locator):
    return locator.filter(visible=True).first


def _save_and_wait(page, data: Path, commits: int) -> str:
    """Press Lưu, wait until git has commit number ``commits``, and return its author and subject."""
    page.get_by_test_id("stCode").filter(visible=True).first.wait_for()
    save = _visible(page.get_by_role("button", name="Lưu", exact=True))
    save.click()
    save.wait_for(state="detached")
    _settle(page)
    assert not page.get_by_test_id("stException").count()
    deadline = time.monotonic() + 30
    while git(data, "rev-list", "--count", "HEAD").strip() != str(commits) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert page.get_by_text("Đã lưu").count() >= 1
    return git(data, "log", "-1", "--format=%an <%ae>|%s")


def test_record_stage_and_reading_through_the_page_and_find_the_commits(server, page, data: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(server)
    _settle(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Ghi nhận", exact=True).click()
    page.get_by_text("Ghi nhận tiến độ").first.wait_for()
    _settle(page)
    page.get_by_label("Người ghi (Họ tên <email>)", exact=True).fill(AUTHOR)
    page.keyboard.press("Enter")
    _settle(page)

    # Stage change: the first unit of the first model, stage "Nhân rộng" on the as-of date.
    stage_box = _visible(page.get_by_test_id("stSelectbox").filter(has_text="Giai đoạn bắt đầu"))
    stage_box.click()
    page.get_by_role("option", name="Nhân rộng").click()
    _settle(page)
    _visible(page.get_by_label("Ghi chú", exact=True)).fill("<script>alert('x')</script>")
    page.keyboard.press("Enter")
    _settle(page)
    _visible(page.get_by_role("button", name="Xem trước thay đổi")).click()
    _settle(page)
    assert page.get_by_text("<script>alert('x')</script>").count() >= 1  # shown as text in the diff
    page.screenshot(path=str(ARTIFACTS / "ghi-nhan-xem-truoc.png"), full_page=True)
    log = _save_and_wait(page, data, 2)
    assert log.startswith(f"{AUTHOR}|") and "bắt đầu giai đoạn nhân rộng" in log

    # A reading: the "Chỉ số" tab, first unit and metric, value 12.
    page.get_by_role("tab", name="Chỉ số").click()
    _settle(page)
    _visible(page.get_by_label("Giá trị", exact=True)).fill("12")
    page.keyboard.press("Enter")
    _settle(page)
    _visible(page.get_by_role("button", name="Xem trước thay đổi")).click()
    _settle(page)
    log = _save_and_wait(page, data, 3)
    assert log.startswith(f"{AUTHOR}|") and "chỉ số" in log and "= 12 ngày" in log
    assert git(data, "rev-list", "--count", "HEAD").strip() == "3"
    assert git(data, "status", "--porcelain") == ""
    page.screenshot(path=str(ARTIFACTS / "ghi-nhan-da-luu.png"), full_page=True)
