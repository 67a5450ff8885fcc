"""The app, driven with Streamlit's AppTest: every page on the bundled data and on a tiny
data set, the language switch, the as-of date, structure and scope, and the figures shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import BUNDLED

APP = BUNDLED / "src" / "nhanrong_app" / "streamlit_app.py"
PAGES = ["overview.py", "model.py", "units.py", "gaps.py", "data.py"]
TIMEOUT = 90
MODEL_NAMES = {"Tổ chuyển đổi số cộng đồng", "Mô hình chuyển đổi số cấp xã", "Mô hình chuyển đổi số tại trường học",
               "Mô hình cơ quan nhà nước (chuyển đổi số)", "Sổ tay đảng viên điện tử tỉnh Yên Bái",
               "Mô hình chuyển đổi số cấp huyện", "Mô hình công dân số"}
HAS_BUNDLED = (BUNDLED / "pilots" / "party-handbook").is_dir()


@pytest.fixture(autouse=True)
def _full_errors():
    """Tests see the real message of any exception (the shipped config shows only its type)."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


def table(at: AppTest, column: str):
    """The first dataframe on the page that has ``column`` (dataframes carry no key in AppTest)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}: {[list(d.value.columns) for d in at.dataframe]}")


def open_app(monkeypatch, root: Path | None = None) -> AppTest:
    if root is None:
        monkeypatch.delenv("NHANRONG_ROOT", raising=False)
    else:
        monkeypatch.setenv("NHANRONG_ROOT", str(root))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert_ok(at)
    return at


def set_as_of(at: AppTest, day: dt.date) -> AppTest:
    """Type a date in the sidebar's as-of field (ISO, read in both languages) and apply it as Enter does."""
    return at.text_input(key="as_of_text").input(day.isoformat()).run()


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def texts(at: AppTest) -> str:
    parts = [x.value for x in (*at.header, *at.subheader, *at.markdown, *at.caption, *at.info, *at.warning, *at.success)]
    return "\n".join(str(p) for p in parts)


def graph_of(at: AppTest):
    """The ProgrammeGraph the app loaded for this run."""
    return at.session_state["_pg"]


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert_ok(at)
    return at


# --- the bundled Yên Bái data ----------------------------------------------------------------------


@pytest.fixture
def bundled(monkeypatch) -> AppTest:
    if not HAS_BUNDLED:
        pytest.skip("bundled Yên Bái pilots not written yet")
    return open_app(monkeypatch)


def test_overview_shows_the_published_figures_at_end_of_2022(bundled):
    at = bundled
    assert at.session_state["as_of"] == dt.date(2022, 12, 31)
    assert at.header[0].value == "Tổng quan nhân rộng · Tỉnh Yên Bái · tính đến 31/12/2022"
    m = metrics(at)
    assert m["Sổ tay đảng viên điện tử tỉnh Yên Bái"][0] == "43,8%"
    assert m["Tổ chuyển đổi số cộng đồng"][0] == "100,0%"
    # Headline figures by pillar: 45,6% of party members with an account, 50.595 new accounts.
    assert m["Tỷ lệ đảng viên có tài khoản"][0] == "45,6%"
    assert m["Số tài khoản dịch vụ công mới từ đầu năm"][0] == "50.595 tài khoản"
    assert "Số đảng viên" not in m  # a ratio's denominator is not a headline
    assert "Dữ liệu cấp đơn vị đi kèm chỉ mang tính minh hoạ" in texts(at)
    assert at.download_button(key="brief_pdf").label == "Tải bản tin cho Ban chỉ đạo (PDF, khổ A4)"
    assert at.download_button(key="brief_download").label == "Bản HTML (in từ trình duyệt)"


def test_switching_to_english_changes_labels_and_number_format(bundled):
    at = bundled
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    assert at.header[0].value == "Scale-out overview · Tỉnh Yên Bái · as of 2022-12-31"
    m = metrics(at)
    assert m["Yên Bái e-party-member handbook"][0] == "43.8%"  # the model's name_en in English (issue 15)
    assert any(v == "50,595 tài khoản" for _, (v, _) in m.items())
    at.segmented_control(key="lang").set_value("vi").run()
    assert metrics(at)["Sổ tay đảng viên điện tử tỉnh Yên Bái"][0] == "43,8%"


def test_as_of_before_any_record_shows_nothing_started(bundled):
    at = bundled
    set_as_of(at, dt.date(2020, 1, 1))
    assert_ok(at)
    assert "tính đến 01/01/2020" in at.header[0].value
    covs = [m.value for m in at.metric if m.label in MODEL_NAMES]
    assert len(covs) == 7 and set(covs) == {"0,0%"}


def test_as_of_mid_2022_is_below_the_year_end_figure(bundled):
    at = bundled
    set_as_of(at, dt.date(2022, 6, 30))
    assert_ok(at)
    value = metrics(at)["Sổ tay đảng viên điện tử tỉnh Yên Bái"][0]
    assert value != "43,8%" and float(value.rstrip("%").replace(",", ".")) < 43.8


def test_scope_a_district_and_the_new_structure(bundled):
    at = bundled
    scope = at.selectbox(key="scope_old_15")
    assert scope.value == "15"
    assert "Thành phố Yên Bái" in scope.options and len(scope.options) == 10  # the province and its 9 districts
    scope.set_value("132").run()  # Thành phố Yên Bái
    assert_ok(at)
    assert "Thành phố Yên Bái" in at.header[0].value
    assert metrics(at)["Tổ chuyển đổi số cộng đồng"][0] == "100,0%"
    at.radio(key="structure").set_value("new").run()
    assert_ok(at)
    assert "Tỉnh Lào Cai" in at.header[0].value  # Yên Bái's records roll up into the new Lào Cai
    assert metrics(at)["Sổ tay đảng viên điện tử tỉnh Yên Bái"][0] == "43,8%"


def test_model_page_shows_the_three_duoc_gates_and_spread(bundled):
    at = goto(bundled, "model.py")
    at.selectbox(key="model_id").set_value("party-handbook").run()
    assert_ok(at)
    assert at.header[0].value == "Sổ tay đảng viên điện tử tỉnh Yên Bái"
    body = texts(at)
    for part in ("Nhìn được: chỉ tiêu", "Sờ thấy được: cách làm và nguồn lực", "Nắm bắt được: chỉ số đo từ dữ liệu",
                 "Các giai đoạn và điều kiện chuyển giai đoạn", "Điều kiện tiên quyết", "Độ bao phủ theo huyện"):
        assert part in body
    metrics_table = table(at, "Cách cộng dồn")
    values = dict(zip(metrics_table["Chỉ số"], metrics_table["Giá trị"]))
    assert values["Tỷ lệ đảng viên có tài khoản"] == "45,6%"
    stages = table(at, "Thời gian dự kiến (ngày)")
    assert stages["Giai đoạn"].tolist() == ["Đánh giá thực tiễn", "Thí điểm", "Đánh giá, rút kinh nghiệm", "Nhân rộng"]
    targets = table(at, "Dự báo đến hạn")
    assert len(targets) >= 1 and set(targets["Đánh giá"]) <= {"Đạt", "Đúng tiến độ", "Chậm", "Quá hạn"}
    assert "Mô hình" not in targets.columns and "Độ bao phủ" in set(targets["Chỉ số"])


def test_units_page_drills_down_to_a_commune(bundled):
    at = goto(bundled, "units.py")
    assert at.header[0].value == "Đơn vị: Tỉnh Yên Bái"
    at.selectbox(key="units_old_district_old:15").set_value("old:132").run()
    assert_ok(at)
    at.selectbox(key="units_old_commune_old:132").set_value("old:04252").run()
    assert_ok(at)
    assert at.header[0].value == "Đơn vị: Tỉnh Yên Bái › Thành phố Yên Bái › Phường Yên Ninh"
    listing = table(at, "Giai đoạn")
    word = graph_of(at).programme.kind_label("village", "vi")  # the repository's own word (nhanrong.toml)
    villages = listing[listing["Loại"] == word]
    assert len(villages) > 0 and set(villages["Giai đoạn"]) == {"Nhân rộng"}  # 100% of villages at 31/12/2022


def test_gaps_page_filters_and_exports(bundled):
    at = goto(bundled, "gaps.py")
    assert at.header[0].value.startswith("Khoảng trống cần xử lý · Tỉnh Yên Bái")
    full = table(at, "Việc cần làm")
    order = {"Cao": 3, "Trung bình": 2, "Thấp": 1}
    ranks = [order[s] for s in full["Mức độ"]]
    assert ranks == sorted(ranks, reverse=True)  # most severe first
    at.multiselect(key="gaps_severity").set_value(["high"]).run()
    assert_ok(at)
    high = table(at, "Việc cần làm")
    assert set(high["Mức độ"]) == {"Cao"} and len(high) <= len(full)
    assert any(m.value.startswith(f"**{len(high)} khoảng trống") for m in at.markdown)
    assert at.download_button(key="gaps_csv").label == "Tải CSV"
    assert at.download_button(key="gaps_xlsx").label == "Tải Excel (.xlsx)"


def test_data_page_lists_illustrative_files(bundled):
    at = goto(bundled, "data.py")
    assert at.header[0].value == "Tình trạng dữ liệu"
    files = table(at, "Tệp")["Tệp"].tolist()
    assert any(f.startswith("units/") for f in files) and any(f.startswith("pilots/") for f in files)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_in_both_languages(bundled, page):
    at = goto(bundled, page)
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    assert at.header, page


# --- a tiny data set built with make_repo ------------------------------------------------------------


@pytest.fixture
def tiny(monkeypatch, make_repo) -> AppTest:
    return open_app(monkeypatch, make_repo())


def test_tiny_overview_counts_by_hand(tiny):
    at = tiny
    # Latest date in the data: the reading of 30/06/2022.
    assert at.session_state["as_of"] == dt.date(2022, 6, 30)
    # 1 of Yên Bái's 168 communes at scale (04249), 04252 in pilot.
    assert metrics(at)["Mô hình thử"][0] == "0,6%"
    assert "chưa có chỉ tiêu độ bao phủ" in texts(at)  # the target is set for district 132 only
    at.selectbox(key="scope_old_15").set_value("132").run()
    assert_ok(at)
    value, delta = metrics(at)["Mô hình thử"]
    assert value == "7,1%" and delta == "+7,1 điểm %"  # 1 of 14 communes; nothing 6 months before
    assert "Chỉ tiêu 50,0% đến 31/12/2022" in texts(at)


def test_tiny_every_page(tiny):
    at = tiny
    for page in PAGES:
        goto(at, page)
        assert at.header
    at = goto(at, "model.py")
    assert at.header[0].value == "Mô hình thử"
    spread = table(at, "Số đơn vị học theo")
    assert spread["Mã"].tolist() == ["04249"] and spread["Số đơn vị học theo"].tolist() == [1]
    at = goto(at, "data.py")
    assert "Không có lỗi hay cảnh báo nào." in texts(at)


def test_tiny_problems_are_listed_with_file_and_line(monkeypatch, make_repo):
    root = make_repo({"pilots/tiny/133.toml": 'model = "tiny"\nstructure = "old"\n\n[[adoption]]\nunit = "09999"\n'})
    at = open_app(monkeypatch, root)
    assert "Dữ liệu có 1 lỗi" in "\n".join(w.value for w in at.warning)
    at = goto(at, "data.py")
    problems = table(at, "Dòng")
    row = problems.iloc[0]
    assert row["Tệp"] == "pilots/tiny/133.toml" and row["Dòng"] == 5 and row["Mức độ"] == "Lỗi"
    assert '"09999"' in row["Vấn đề"]
    assert "pilots/tiny/133.toml:5:" in at.code[0].value


def test_empty_repo_opens_without_data(monkeypatch, make_repo):
    at = open_app(monkeypatch, make_repo({"models/tiny.toml": ""}, defaults=False))
    for page in PAGES:
        goto(at, page)


def test_missing_root_shows_a_planner_error(monkeypatch, tmp_path):
    monkeypatch.setenv("NHANRONG_ROOT", str(tmp_path / "nowhere"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "Không nạp được dữ liệu" in at.error[0].value and "nowhere" in at.error[0].value


NEW_PILOTS = """\
model = "tiny"
structure = "new"

[[adoption]]
unit = "04279"
stages = { assess = 2025-08-01, pilot = 2025-09-01, evaluate = 2025-10-01, scale = 2025-11-03 }
"""


def test_data_kept_in_the_new_structure_opens_in_the_new_structure(monkeypatch, make_repo):
    root = make_repo({"pilots/tiny/132.toml": NEW_PILOTS, "units/villages.toml": 'structure = "old"\n'})
    at = open_app(monkeypatch, root)
    assert at.radio(key="structure").value == "new"
    assert at.session_state["as_of"] == dt.date(2025, 9, 30)  # the last quarter end covered
    assert "Tỉnh Lào Cai" in at.header[0].value
    set_as_of(at, dt.date(2025, 12, 31))
    assert metrics(at)["Mô hình thử"][0] != "0,0%"


def test_deselecting_the_language_keeps_vietnamese(tiny):
    at = tiny
    at.segmented_control(key="lang").set_value(None).run()
    assert_ok(at)
    assert at.header[0].value.startswith("Tổng quan nhân rộng")


def test_units_page_in_the_new_structure(bundled):
    at = bundled
    at.radio(key="structure").set_value("new").run()
    at = goto(at, "units.py")
    assert at.header[0].value == "Đơn vị: Tỉnh Lào Cai"
    drill = at.selectbox(key="units_new_commune_new:15")
    assert drill.label == "Đi sâu: chọn xã" and len(drill.options) == 100  # (tất cả) + the 99 communes


def test_as_of_typed_applies_at_once_and_an_impossible_date_is_refused(bundled):
    """Issue 15: the typed date applies on Enter (on_change), 1/9/2022 reads as 01/09/2022, and
    31/09/2022 is refused with a message while the previous date stays in force."""
    at = bundled
    at.text_input(key="as_of_text").input("30/09/2022").run()
    assert "tính đến 30/09/2022" in at.header[0].value and not at.error
    at.text_input(key="as_of_text").input("31/09/2022").run()
    assert at.session_state["as_of"] == dt.date(2022, 9, 30)
    assert "tính đến 30/09/2022" in at.header[0].value
    assert [e.value for e in at.sidebar.error] == [
        "Không có ngày 31/09/2022: tháng 9/2022 chỉ có 30 ngày. Vẫn tính đến ngày 30/09/2022."]
    at.text_input(key="as_of_text").input("hôm qua").run()
    assert "gõ theo dạng ngày/tháng/năm" in at.sidebar.error[0].value
    at.text_input(key="as_of_text").input("1/9/2022").run()
    assert not at.error and at.text_input(key="as_of_text").value == "01/09/2022"
    assert "tính đến 01/09/2022" in at.header[0].value
    at.segmented_control(key="lang").set_value("en").run()  # the field follows the language
    assert at.text_input(key="as_of_text").value == "2022-09-01" and "as of 2022-09-01" in at.header[0].value
