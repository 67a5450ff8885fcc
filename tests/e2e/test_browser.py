"""The real app in a real browser: start `streamlit run`, drive Debian's chromium with
Playwright, click through every page, check the Vietnamese labels and a known figure,
and save screenshots under artifacts/e2e/ (git-ignored; CI keeps them as artifacts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import ARTIFACTS, REPO, browser_page, settle, streamlit_server

pytestmark = pytest.mark.e2e

# (menu title, a heading the page shows, screenshot name)
PAGES = [
    ("Tổng quan", "Tổng quan nhân rộng · Tỉnh Yên Bái · tính đến 31/12/2022", "01-tong-quan"),
    ("Mô hình", "Nguyên tắc \"3 được\"", "02-mo-hinh"),
    ("Đơn vị", "Đơn vị: Tỉnh Yên Bái", "03-don-vi"),
    ("Khoảng trống", "Khoảng trống cần xử lý · Tỉnh Yên Bái", "04-khoang-trong"),
    ("Dữ liệu", "Tình trạng dữ liệu", "05-du-lieu"),
    ("Lập kế hoạch", "Lập kế hoạch nhân rộng", "08-ke-hoach"),
    ("Ghi nhận", "Ghi nhận tiến độ", "09-ghi-nhan"),
]


DOCS = REPO / "docs" / "screenshots"
DOCS_SHOTS = {"01-tong-quan", "02-mo-hinh", "04-khoang-trong", "05-du-lieu", "07-don-vi-van-yen", "08-ke-hoach", "09-ghi-nhan",
              "10-cau-truc-moi", "11-xa-moi"}


def _shot(page, name: str) -> None:
    """Save a screenshot under artifacts/e2e/; with NHANRONG_DOCS_SCREENSHOTS=1 also for the README."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if os.environ.get("NHANRONG_DOCS_SCREENSHOTS") == "1" and name in DOCS_SHOTS:
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def server():
    with streamlit_server(REPO) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with browser_page() as pg:
        yield pg


def _card(page, model_name: str) -> str:
    """The text of the overview card (bordered container) that names the model."""
    cards = page.locator("[data-testid='stVerticalBlock']").filter(
        has=page.get_by_text(model_name, exact=True)).filter(has=page.get_by_test_id("stMetric"))
    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    return min(texts, key=len)  # the innermost block: the card itself, not the columns around it


def test_click_through_every_page(server, page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    for title, heading, shot in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
        page.get_by_text(heading, exact=False).first.wait_for()
        settle(page)
        assert not page.get_by_test_id("stException").count(), title
        charts = page.get_by_test_id("stVegaLiteChart")
        for i in range(charts.count()):  # a chart that fails in Vega-Lite renders as an empty 0-px box
            box = charts.nth(i).bounding_box()
            assert box and box["height"] > 20, f"chart {i} on {title} did not render"
        _shot(page, shot)
    # The known figure: 43,8% of party cells use the e-handbook at 31/12/2022.
    page.get_by_test_id("stSidebarNav").get_by_text("Tổng quan", exact=True).click()
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    card = _card(page, "Sổ tay đảng viên điện tử tỉnh Yên Bái")
    assert "43,8%" in card
    assert page.get_by_text("Dữ liệu cấp đơn vị đi kèm chỉ mang tính minh hoạ").count() >= 1
    assert page.get_by_text("Tính đến ngày").count() >= 1


def test_brief_and_gaps_downloads(server, page):
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải bản tin cho Ban chỉ đạo").first.click()
    brief = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename == "ban-tin-15-2022-12-31.html"
    assert "Bản tin cho Ban chỉ đạo chuyển đổi số" in brief and "43,8%" in brief
    assert "4. Đề nghị Ban chỉ đạo quyết định" in brief
    (ARTIFACTS / "ban-tin.html").write_text(brief, encoding="utf-8")

    page.get_by_test_id("stSidebarNav").get_by_text("Khoảng trống", exact=True).click()
    page.get_by_text("Khoảng trống cần xử lý").first.wait_for()
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải CSV").first.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").startswith("Mức độ,Mô hình,Đơn vị")


def test_english_switch(server, page):
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    page.get_by_text("Scale-out overview · Tỉnh Yên Bái · as of 2022-12-31").wait_for()
    settle(page)
    card = _card(page, "Sổ tay đảng viên điện tử tỉnh Yên Bái")
    assert "43.8%" in card
    _shot(page, "06-overview-en")


def test_units_drill_down(server, page):
    page.goto(f"{server}/don-vi")
    page.get_by_text("Đơn vị: Tỉnh Yên Bái").wait_for()
    settle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Đi sâu: chọn huyện").click()
    page.get_by_role("option", name="Huyện Văn Yên").click()
    page.get_by_text("Đơn vị: Tỉnh Yên Bái › Huyện Văn Yên").wait_for()
    settle(page)
    charts = page.get_by_test_id("stVegaLiteChart")
    assert charts.count() >= 2 and all(charts.nth(i).bounding_box()["height"] > 20 for i in range(charts.count()))
    _shot(page, "07-don-vi-van-yen")


def test_new_structure_survives_a_language_switch_and_explains_itself(server, page):
    """The new structure: the district model's card says its districts are history; switching the
    language keeps the structure; a new commune lists the former communes it is made of."""
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Mới (từ 1/7/2025)", exact=False).click()
    page.get_by_text("Tổng quan nhân rộng · Tỉnh Lào Cai · tính đến 31/12/2022").wait_for()
    settle(page)
    assert "Gồm 18 huyện (cấp đã bỏ), theo trạng thái ngày 30/06/2025." in _card(page, "Mô hình chuyển đổi số cấp huyện")
    assert "xã mới gồm" in _card(page, "Mô hình chuyển đổi số cấp xã")
    _shot(page, "10-cau-truc-moi")

    sidebar.get_by_text("English", exact=True).click()
    page.get_by_text("Scale-out overview · Tỉnh Lào Cai · as of 2022-12-31").wait_for()
    settle(page)
    assert "Includes 18 districts (an abolished level)" in _card(page, "Mô hình chuyển đổi số cấp huyện")
    sidebar.get_by_text("Tiếng Việt", exact=True).click()
    page.get_by_text("Tổng quan nhân rộng · Tỉnh Lào Cai · tính đến 31/12/2022").wait_for()
    settle(page)

    page.get_by_test_id("stSidebarNav").get_by_text("Đơn vị", exact=True).click()
    page.get_by_text("Đơn vị: Tỉnh Lào Cai").first.wait_for()
    settle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Đi sâu: chọn xã").click()
    page.keyboard.type("Phường Yên Bái")
    page.get_by_role("option", name="Phường Yên Bái", exact=True).click()
    page.get_by_text("Đơn vị: Tỉnh Lào Cai › Phường Yên Bái").wait_for()
    page.get_by_text("Các xã cũ hợp thành Phường Yên Bái").wait_for()
    settle(page)
    assert not page.get_by_test_id("stException").count()
    charts = page.get_by_test_id("stVegaLiteChart")
    assert charts.count() >= 2 and all(charts.nth(i).bounding_box()["height"] > 20 for i in range(charts.count()))
    _shot(page, "11-xa-moi")
