"""The overview's province indicators, driven with AppTest: the pillar columns (digital economy no longer
empty), the DTI rank and its trend, the target set's "11/22 chỉ tiêu đạt", and problems of the files."""

from __future__ import annotations

import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from test_app_pages import _full_errors, assert_ok, set_as_of, bundled, goto, open_app, table  # noqa: F401 - fixtures
from test_indicators import TINY_INDICATORS


def column(at: AppTest, heading: str):
    """The overview column under the markdown heading "#### <heading>"."""
    for block in at.columns:
        if any(m.value == f"#### {heading}" for m in block.markdown):
            return block
    raise AssertionError(f"no column headed {heading!r}")


def metrics_in(block) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in block.metric}


def captions_in(block) -> list[str]:
    return [c.value.replace("\\", "") for c in block.caption]


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_the_digital_economy_column_shows_the_province_indicators(bundled):
    at = bundled
    economy = column(at, "Kinh tế số")
    m = metrics_in(economy)
    assert m["Sản phẩm nông nghiệp trên hai sàn thương mại điện tử (voso, PostMart)"] == ("5.277 sản phẩm", "")
    assert m["Lượt mua sắm trên voso và PostMart trong năm"][0] == "7.739 lượt"
    assert m["Thứ hạng về số sản phẩm đưa lên sàn thương mại điện tử"][0] == "7/63"
    assert m["Xếp hạng DTI trụ cột kinh tế số"][0] == "27/63"
    assert "Mục tiêu của trụ cột: 1/2 đạt (báo cáo ngày 31/12/2022)." in captions_in(economy)
    society = metrics_in(column(at, "Xã hội số"))
    assert society["Tăng trưởng số tài khoản ngân hàng của khách hàng cá nhân so với năm trước"][0] == "30,77%"
    assert society["Tỷ lệ thanh toán tiền nước không dùng tiền mặt"][0] == "40,0%"
    government = column(at, "Chính quyền số")
    gm = metrics_in(government)
    # Rolled up from the digital-citizen model's communes, not typed a second time.
    assert gm["Tài khoản mới trên Cổng dịch vụ công quốc gia và của tỉnh trong năm"] == (
        "50.595 tài khoản", "+35.840 tài khoản so với 30/06/2022")
    assert gm["Tỷ lệ cán bộ, công chức được đào tạo nhận thức, kỹ năng chuyển đổi số"][0] == "chưa có số liệu"
    assert "Chỉ tiêu 30,0% đến 31/12/2023: chưa có số liệu để đánh giá" in captions_in(government)


def test_the_dti_rank_its_target_the_headline_and_the_trend(bundled):
    at = bundled
    m = {x.label: (x.value, x.delta) for x in at.metric}
    assert m["Xếp hạng chỉ số chuyển đổi số cấp tỉnh (DTI)"] == ("27/63", "+13 bậc so với 31/12/2021")
    assert m["Mục tiêu chuyển đổi số của tỉnh đến năm 2025"][0] == "11/22 chỉ tiêu đạt"
    caps = [c.value.replace("\\", "") for c in at.caption]
    assert "Chỉ tiêu ≤ 25/63 đến 31/12/2023: Đúng tiến độ" in caps
    rank = [c for c in charts(at) if c.get("title", {}).get("text") == "Diễn biến thứ hạng"]
    assert len(rank) == 1
    assert rank[0]["layer"][0]["encoding"]["y"]["scale"]["reverse"] is True  # rank 1 at the top
    assert rank[0]["config"]["locale"]["number"]["decimal"] == ","  # the Vietnamese locale
    sources = table(at, "Nguồn").set_index("Chỉ số")
    assert sources.at["Xếp hạng chỉ số chuyển đổi số cấp tỉnh (DTI)", "Nguồn"] == (
        "Báo TN&MT, 27/02/2023: «Yên Bái triển khai và nhân rộng 7 mô hình chuyển đổi số»")


def test_later_dates_and_english(bundled):
    at = bundled
    set_as_of(at, dt.date(2025, 6, 30))
    assert_ok(at)
    m = {x.label: (x.value, x.delta) for x in at.metric}
    assert m["Mục tiêu chuyển đổi số của tỉnh đến năm 2025"][0] == "16/22 chỉ tiêu đạt"
    assert m["Xếp hạng chỉ số chuyển đổi số cấp tỉnh (DTI)"] == ("15/63", "+12 bậc so với 31/12/2022")
    assert "Chỉ tiêu ≤ 25/63 đến 31/12/2023: Đạt" in [c.value.replace("\\", "") for c in at.caption]
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    m = {x.label: (x.value, x.delta) for x in at.metric}
    assert m["The province's digital-transformation targets for 2025"][0] == "16 of 22 targets met"
    assert m["Provincial digital-transformation index (DTI) rank"] == ("15/63", "+12 places since 2022-12-31")
    assert metrics_in(column(at, "Digital economy"))["Agricultural products on two e-commerce platforms (voso, PostMart)"][0] \
        == "5,277 sản phẩm"


def test_a_district_scope_shows_no_province_indicator(bundled):
    at = bundled
    at.selectbox(key="scope_old_15").set_value("132").run()
    assert_ok(at)
    labels = {x.label for x in at.metric}
    assert "Xếp hạng chỉ số chuyển đổi số cấp tỉnh (DTI)" not in labels
    assert "Sản phẩm nông nghiệp trên hai sàn thương mại điện tử (voso, PostMart)" not in labels


def test_tiny_data_with_indicators_and_a_broken_file(monkeypatch, make_repo):
    root = make_repo({"indicators/yen-bai.toml": TINY_INDICATORS,
                      "indicators/broken.toml": 'scope = "15"\nstructure = "old"\n[[indicator]]\nid = "x"\nname = "X"\n'})
    at = open_app(monkeypatch, root)
    assert "Dữ liệu có 1 lỗi" in "\n".join(w.value for w in at.warning)
    economy = metrics_in(column(at, "Kinh tế số"))
    assert economy["Sản phẩm trên sàn thương mại điện tử"][0] == "chưa có số liệu"  # as of 30/06/2022, the default
    set_as_of(at, dt.date(2022, 12, 31))
    assert_ok(at)
    m = {x.label: (x.value, x.delta) for x in at.metric}
    assert m["Sản phẩm trên sàn thương mại điện tử"][0] == "5.277 sản phẩm"
    assert m["Tài khoản"] == ("120 tài khoản", "±0 tài khoản so với 30/06/2022")  # the tiny model's one reading, rolled up
    assert m["Mục tiêu đến 2025"][0] == "2/4 chỉ tiêu đạt"
    at = goto(at, "data.py")
    problems = table(at, "Dòng")
    row = problems[problems["Tệp"] == "indicators/broken.toml"].iloc[0]
    assert (row["Dòng"], row["Mức độ"]) == (3, "Lỗi") and 'thiếu khoá bắt buộc "indicator.unit"' in row["Vấn đề"]


def test_editing_an_indicator_file_shows_on_the_next_rerun(monkeypatch, make_repo):
    root = make_repo({"indicators/yen-bai.toml": TINY_INDICATORS})
    at = open_app(monkeypatch, root)
    set_as_of(at, dt.date(2022, 12, 31))
    path = root / "indicators" / "yen-bai.toml"
    path.write_text(TINY_INDICATORS.replace("value = 5277", "value = 5300"), encoding="utf-8")
    at.run()
    assert_ok(at)
    assert {x.label: x.value for x in at.metric}["Sản phẩm trên sàn thương mại điện tử"] == "5.300 sản phẩm"
