"""The real app in a real browser: start `streamlit run`, drive Debian's chromium with
Playwright, click through every page, check the Vietnamese labels and a known figure, search
without diacritics, read a chart's axis, download the committee brief as PDF and read it back
with pdftotext, and save screenshots under artifacts/e2e/ (git-ignored; CI keeps them as artifacts)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import ARTIFACTS, REPO, browser_page, rerun, settle, streamlit_server, svg_texts

pytestmark = pytest.mark.e2e

# (menu title, a heading the page shows, screenshot name)
PAGES = [
    ("Tổng quan", "Tổng quan nhân rộng · Tỉnh Yên Bái · tính đến 31/12/2022", "01-tong-quan"),
    ("Quyết định", "Quyết định cần đưa ra · Tỉnh Yên Bái · 31/12/2022", "14-quyet-dinh"),
    ("Mô hình", "Nguyên tắc \"3 được\"", "02-mo-hinh"),
    ("Đơn vị", "Đơn vị: Tỉnh Yên Bái", "03-don-vi"),
    ("Khoảng trống", "Khoảng trống cần xử lý · Tỉnh Yên Bái", "04-khoang-trong"),
    ("Dữ liệu", "Tình trạng dữ liệu", "05-du-lieu"),
    ("Lập kế hoạch", "Lập kế hoạch nhân rộng", "08-ke-hoach"),
    ("Ghi nhận", "Ghi nhận tiến độ", "09-ghi-nhan"),
    ("Duyệt", "Duyệt thay đổi", "15-duyet"),
]


DOCS = REPO / "docs" / "screenshots"
DOCS_SHOTS = {"01-tong-quan", "02-mo-hinh", "04-khoang-trong", "05-du-lieu", "07-don-vi-van-yen", "08-ke-hoach", "09-ghi-nhan",
              "10-cau-truc-moi", "11-xa-moi", "12-ban-tin-pdf", "14-quyet-dinh"}


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
    # The decisions page: the first decision names the districts behind, with their counts.
    page.get_by_test_id("stSidebarNav").get_by_text("Quyết định", exact=True).click()
    page.get_by_text(PAGES[1][1]).wait_for()
    settle(page)
    first = page.get_by_text("1. «", exact=False).first
    assert first.is_visible()
    assert page.get_by_text("Huyện Văn Yên (", exact=False).count() >= 1


def require_tool(name: str) -> str:
    """A command-line tool from Debian (poppler-utils); missing, the test skips locally and fails in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} is missing: CI must install poppler-utils (see .ci/run)")
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils)")
    return path


def test_brief_pdf_and_html_and_gaps_downloads(server, page):
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    # The PDF a secretary attaches to the meeting invitation: A4, Vietnamese text, the known figure.
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải bản tin cho Ban chỉ đạo (PDF, khổ A4)").click()
    assert info.value.suggested_filename == "ban-tin-tinh-yen-bai-2022-12-31.pdf"
    pdf = ARTIFACTS / "ban-tin.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "43,8%" in text
    assert "Bản tin cho Ban chỉ đạo chuyển đổi số" in text and "Kỳ báo cáo: quý IV/2022" in text
    assert "4. Đề nghị Ban chỉ đạo quyết định" in text
    size = subprocess.run([require_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in size and re.search(r"Page size: +595\.\d+ x 841\.89 pts", size)
    first = ARTIFACTS / "12-ban-tin-pdf"
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(first)], check=True)
    if os.environ.get("NHANRONG_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f"{first}.png", DOCS / "12-ban-tin-pdf.png")

    with page.expect_download() as info:
        page.get_by_role("button", name="Bản HTML (in từ trình duyệt)").click()
    brief = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename == "ban-tin-tinh-yen-bai-2022-12-31.html"
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


def test_search_without_diacritics_in_the_sidebar_and_the_gaps(server, page):
    """A planner types "van yen" (no diacritics): the scope picker opens Huyện Văn Yên, and the gaps
    search keeps the gaps of Huyện Văn Yên only."""
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    search = sidebar.get_by_label("Tìm phạm vi (không cần dấu)", exact=True)
    search.fill("van yen")
    page.get_by_text("Tổng quan nhân rộng · Huyện Văn Yên · tính đến 31/12/2022").wait_for()
    settle(page)
    assert sidebar.get_by_role("combobox", name="Phạm vi", exact=True).input_value() == "Huyện Văn Yên"
    assert sidebar.get_by_text("1/10 mục khớp «van yen»").count() == 1
    assert not page.get_by_text("No results").count()
    _shot(page, "13-tim-khong-dau")

    page.goto(f"{server}/khoang-trong")  # a new session: the whole province again
    page.get_by_text("Khoảng trống cần xử lý · Tỉnh Yên Bái").first.wait_for()
    settle(page)
    count = page.get_by_text("mức cao)", exact=False).first
    total = count.inner_text()
    page.get_by_label("Tìm đơn vị, xã, huyện (không cần dấu)", exact=True).fill("van yen")
    page.wait_for_function("t => !document.body.innerText.includes(t)", arg=total)
    settle(page)
    assert count.inner_text() != total
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải CSV").first.click()
    rows = Path(info.value.path()).read_bytes().decode("utf-8-sig").splitlines()[1:]
    assert any("UBND huyện Văn Yên" in r for r in rows)
    assert any("Trường THPT Văn Yên" in r for r in rows)
    assert not any("Trường THCS Hồng Hà" in r for r in rows)  # a school of Thành phố Yên Bái


def test_chart_axes_in_vietnamese_number_format(server, page):
    """The overview's stage chart counts up to 1.529 villages: its axis reads 1.000, not 1,000."""
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    funnel = page.get_by_test_id("stVegaLiteChart").first
    labels = svg_texts(page, funnel)
    assert "1.000" in labels and "1,000" not in labels
    assert "1.529" in labels  # the figure written on the bar


def test_english_switch(server, page):
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    page.get_by_text("Scale-out overview · Tỉnh Yên Bái · as of 2022-12-31").wait_for()
    settle(page)
    card = _card(page, "Yên Bái e-party-member handbook")  # the model's name_en in English (issue 15)
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
    assert "Includes 18 districts (an abolished level)" in _card(page, "District-level digital transformation")
    sidebar.get_by_text("Tiếng Việt", exact=True).click()
    page.get_by_text("Tổng quan nhân rộng · Tỉnh Lào Cai · tính đến 31/12/2022").wait_for()
    settle(page)

    page.get_by_test_id("stSidebarNav").get_by_text("Đơn vị", exact=True).click()
    page.get_by_text("Đơn vị: Tỉnh Lào Cai").first.wait_for()
    settle(page)
    page.get_by_label("Tìm xã (không cần dấu)", exact=True).fill("phuong yen bai")
    page.get_by_text("Đơn vị: Tỉnh Lào Cai › Phường Yên Bái").wait_for()
    page.get_by_text("Các xã cũ hợp thành Phường Yên Bái").wait_for()
    settle(page)
    assert not page.get_by_test_id("stException").count()
    charts = page.get_by_test_id("stVegaLiteChart")
    assert charts.count() >= 2 and all(charts.nth(i).bounding_box()["height"] > 20 for i in range(charts.count()))
    _shot(page, "11-xa-moi")


def test_as_of_typed_date_applies_on_enter_and_an_impossible_one_is_refused(server, page):
    """Issue 15: typing 30/09/2022 in the sidebar's as-of field and pressing Enter changes the page's
    date at once (no extra click); 31/09/2022 shows the error and keeps 30/09/2022. The field is the
    visible text input labelled "Tính đến ngày" (Streamlit's date_input did neither)."""
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    field = page.get_by_test_id("stSidebar").locator('[data-testid="stTextInput"] input[aria-label="Tính đến ngày"]')
    assert field.is_visible() and field.input_value() == "31/12/2022"

    rerun(page, lambda: (field.fill("30/09/2022"), field.press("Enter")))
    page.get_by_text("Tổng quan nhân rộng · Tỉnh Yên Bái · tính đến 30/09/2022").wait_for()
    assert not page.get_by_text(PAGES[0][1]).count()

    rerun(page, lambda: (field.fill("31/09/2022"), field.press("Enter")))
    error = page.get_by_test_id("stSidebar").get_by_test_id("stAlertContentError")
    error.get_by_text("Không có ngày 31/09/2022: tháng 9/2022 chỉ có 30 ngày.", exact=False).wait_for()
    assert "Vẫn tính đến ngày 30/09/2022" in error.inner_text()
    assert page.get_by_text("Tổng quan nhân rộng · Tỉnh Yên Bái · tính đến 30/09/2022").is_visible()
    _shot(page, "13-ngay-khong-hop-le")

    rerun(page, lambda: (field.fill("31/12/2022"), field.press("Enter")))  # back, and the error is gone
    page.get_by_text(PAGES[0][1]).wait_for()
    assert not error.count()


# Streamlit's own English words that the Vietnamese UI hides or replaces (nhanrong_app.common.streamlit_words,
# the select wrappers, .streamlit/config.toml).
STREAMLIT_ENGLISH = ["Choose an option", "Press Enter to apply", "No results", "Drag and drop", "per file", "Upload",
                     "Browse files", "File change", "Always rerun", "Made with Streamlit", "Record screen"]


def _english_shown(page) -> list[str]:
    """The Streamlit English words the page shows: its visible text (innerText leaves hidden elements
    out) and the placeholders of its fields."""
    shown = page.evaluate("""() => document.body.innerText + '\\n' + Array.from(
        document.querySelectorAll('input[placeholder], textarea[placeholder]')).map(e => e.placeholder).join('\\n')""")
    return [w for w in STREAMLIT_ENGLISH if w in shown]


def test_the_vietnamese_overview_and_record_pages_show_no_streamlit_english(server, page):
    """Issue 13: no placeholder "Choose an option", no "Press Enter to apply" while typing a date, no menu
    of English items, and the file uploader says what it accepts in Vietnamese."""
    page.goto(server)
    page.get_by_text(PAGES[0][1]).wait_for()
    settle(page)
    assert not page.get_by_test_id("stMainMenu").count()  # client.toolbarMode = "minimal"
    field = page.get_by_test_id("stSidebar").locator('[data-testid="stTextInput"] input[aria-label="Tính đến ngày"]')
    field.click()
    field.press("End")
    field.type("9")  # typed, not applied: Streamlit would now say "Press Enter to apply"
    hint = page.get_by_test_id("InputInstructions")
    hint.first.wait_for(state="attached")
    assert not hint.first.is_visible()
    assert _english_shown(page) == []
    field.fill("31/12/2022")  # as it was, so leaving the field changes nothing

    page.goto(f"{server}/ghi-nhan")
    page.get_by_text("Ghi nhận tiến độ").first.wait_for()
    settle(page)
    page.get_by_role("tab", name="Tải tệp CSV/Excel").click()
    uploader = page.get_by_test_id("stFileUploader")
    uploader.wait_for()
    page.get_by_text("Nhận tệp .csv, .xlsx, tối đa 20 MB mỗi tệp.").wait_for()
    assert _english_shown(page) == []
    button = uploader.locator("button")
    assert button.evaluate("b => getComputedStyle(b, '::after').content") == '"Chọn tệp để tải lên"'
    _shot(page, "16-khong-tieng-anh")
