"""Search boxes in front of the long unit pickers and in the gaps: "van yen" finds Huyện Văn Yên
with no diacritics typed, decomposed text and the old tone placement too; Streamlit's own English
filter ("No results") is turned off; and the units map draws a repository's commune boundaries."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_app_pages import HAS_BUNDLED, assert_ok, goto, open_app, table

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _full_errors():
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.fixture
def bundled(monkeypatch) -> AppTest:
    if not HAS_BUNDLED:
        pytest.skip("bundled Yên Bái pilots not written yet")
    return open_app(monkeypatch)


def sidebar_captions(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "") for c in at.sidebar.caption]


def search(at: AppTest, key: str, text: str) -> AppTest:
    at.text_input(key=key).set_value(text).run()
    assert_ok(at)
    return at


def test_the_sidebar_scope_search_finds_a_district_without_diacritics(bundled):
    at = bundled
    box = at.text_input(key="scope_search")
    assert box.label == "Tìm phạm vi (không cần dấu)" and box.placeholder == "ví dụ: yen bai"
    search(at, "scope_search", "van yen")
    scope = at.selectbox(key="scope_old_15")
    assert scope.value == "136" and scope.options == ["Huyện Văn Yên"]
    assert at.header[0].value == "Tổng quan nhân rộng · Huyện Văn Yên · tính đến 31/12/2022"
    assert "1/10 mục khớp «van yen»" in sidebar_captions(at)


@pytest.mark.parametrize("query", ["VĂN YÊN", unicodedata.normalize("NFD", "Văn Yên"), "yen van", "136"])
def test_the_scope_search_ignores_case_normalisation_word_order_and_finds_codes(bundled, query):
    search(bundled, "scope_search", query)
    assert bundled.selectbox(key="scope_old_15").value == "136"


def test_a_search_with_several_matches_lists_them_and_keeps_a_matching_choice(bundled):
    at = search(bundled, "scope_search", "van")  # Văn Yên and Văn Chấn
    scope = at.selectbox(key="scope_old_15")
    assert scope.options == ["Huyện Văn Yên", "Huyện Văn Chấn"] and scope.value == "136"  # the first match
    scope.set_value("140").run()
    assert_ok(at)
    search(at, "scope_search", "van c")  # still matches the choice: it stays
    assert at.selectbox(key="scope_old_15").value == "140"
    assert at.header[0].value.startswith("Tổng quan nhân rộng · Huyện Văn Chấn")


def test_a_search_without_match_says_so_in_vietnamese_and_changes_nothing(bundled):
    at = search(bundled, "scope_search", "xyz")
    scope = at.selectbox(key="scope_old_15")
    assert scope.value == "15" and len(scope.options) == 10
    assert "Không có mục nào khớp «xyz»; danh sách đầy đủ ở dưới." in sidebar_captions(at)
    assert at.header[0].value.startswith("Tổng quan nhân rộng · Tỉnh Yên Bái")


def test_the_scope_search_speaks_english_in_english(bundled):
    at = bundled
    at.button_group[0].set_value("en").run()
    assert at.text_input(key="scope_search").label == "Find a scope (diacritics optional)"
    search(at, "scope_search", "zzz")
    assert "Nothing matches «zzz»; the full list is below." in sidebar_captions(at)


def test_the_units_drill_down_has_a_search_box(bundled):
    at = goto(bundled, "units.py")
    search(at, "units_search_old_district_old:15", "van yen")
    assert at.selectbox(key="units_old_district_old:15").value == "old:136"
    assert at.selectbox(key="units_old_district_old:15").options == ["(tất cả)", "Huyện Văn Yên"]  # "all" stays
    search(at, "units_search_old_commune_old:136", "mau a")
    assert at.header[0].value == "Đơn vị: Tỉnh Yên Bái › Huyện Văn Yên › Thị trấn Mậu A"


def test_the_record_page_unit_pickers_have_search_boxes(monkeypatch, make_repo):
    at = goto(open_app(monkeypatch, make_repo()), "record.py")
    assert at.text_input(key="record_stage_search").label == "Tìm đơn vị (không cần dấu)"
    search(at, "record_stage_search", "yen ninh")
    unit = at.selectbox(key="record_stage_unit")
    assert unit.value == "old:04252" and unit.options == ["Phường Yên Ninh (04252)"]
    search(at, "record_history_search", "04249")
    assert at.selectbox(key="record_history_unit").value == "old:04249"


def test_unit_pickers_do_not_offer_streamlits_english_filter(bundled):
    """Typing inside a unit selectbox is off (its "No results" is English); the search box filters."""
    at = bundled
    from streamlit.proto.SelectWidgetFilterMode_pb2 import SelectWidgetFilterMode

    assert at.selectbox(key="scope_old_15").proto.filter_mode == SelectWidgetFilterMode.FILTER_MODE_NONE
    at = goto(at, "gaps.py")
    for key in ("gaps_models", "gaps_kinds", "gaps_severity"):
        assert at.multiselect(key=key).proto.filter_mode == SelectWidgetFilterMode.FILTER_MODE_NONE


@pytest.mark.parametrize("query", ["van yen", "VĂN YÊN", unicodedata.normalize("NFD", "văn yên")])
def test_the_gaps_search_finds_huyen_van_yen_without_diacritics(bundled, query):
    at = goto(bundled, "gaps.py")
    everything = table(at, "Việc cần làm")
    search(at, "gaps_search", query)
    found = table(at, "Việc cần làm")
    assert 0 < len(found) < len(everything)
    names = set(found["Đơn vị"])
    assert {"UBND huyện Văn Yên", "Trường THPT Văn Yên"} <= names  # named after the district
    assert "Thị trấn Mậu A" in set(found["Xã"])  # a commune of Huyện Văn Yên
    assert "Trường THCS Hồng Hà" not in names  # a school of Thành phố Yên Bái


def test_the_gaps_search_reads_the_old_tone_placement(bundled):
    """The register writes "Khánh Hòa" and "Văn hóa"; a planner (or an old file) writes "Hoà", "hoá":
    the same rows, and the same as with no diacritics or in decomposed Unicode."""
    at = goto(bundled, "gaps.py")
    found = {}
    for query in ("Khánh Hoà", "khánh hòa", "khanh hoa", unicodedata.normalize("NFD", "Khánh Hoà")):
        search(at, "gaps_search", query)
        rows = table(at, "Việc cần làm")
        assert len(rows) and ((rows["Xã"] == "Xã Khánh Hòa") | (rows["Đơn vị"] == "Xã Khánh Hòa")).all(), query
        found[query] = sorted(rows["Mã"])
    assert len({tuple(v) for v in found.values()}) == 1
    search(at, "gaps_search", "phòng văn hoá")
    assert set(table(at, "Việc cần làm")["Đơn vị"].str.startswith("Phòng Văn hóa")) == {True}


# --- commune boundaries on the units map --------------------------------------------------------


def map_spec(at: AppTest) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    maps = [c for c in charts if c.get("projection")]
    assert len(maps) == 1, [c.get("title") for c in charts]
    return maps[0]


def test_the_units_map_draws_the_repositorys_commune_boundaries(monkeypatch, make_repo):
    root = make_repo()
    shutil.copyfile(DATA / "boundaries-van-yen.geojson", root / "units" / "boundaries.geojson")
    at = goto(open_app(monkeypatch, root), "units.py")
    spec = map_spec(at)
    shapes = [layer for layer in spec["layer"] if layer["mark"]["type"] == "geoshape"]
    assert len(shapes) == 1
    features = shapes[0]["data"]["values"]
    assert sorted(f["properties"]["code"] for f in features) == ["04375", "04378", "04381"]
    assert {f["properties"]["name"] for f in features} == {"Thị trấn Mậu A", "Xã Lang Thíp", "Xã Lâm Giang"}
    assert any(layer["mark"]["type"] == "point" for layer in spec["layer"])  # the other communes stay points
    assert any("Ranh giới của 3/" in c.value for c in at.caption)


def test_without_a_boundaries_file_the_map_is_points_and_says_how_to_add_one(monkeypatch, make_repo):
    at = goto(open_app(monkeypatch, make_repo()), "units.py")
    assert map_spec(at)["mark"]["type"] == "point"
    assert any("units/boundaries.geojson" in c.value for c in at.caption)


def test_a_broken_boundaries_file_is_a_warning_and_the_map_falls_back_to_points(monkeypatch, make_repo):
    root = make_repo({"units/boundaries.geojson": "{ not json"})
    at = goto(open_app(monkeypatch, root), "units.py")
    assert any("units/boundaries.geojson: không đọc được tệp GeoJSON" in w.value for w in at.warning)
    assert map_spec(at)["mark"]["type"] == "point"
