"""The app after the 2025 reform, driven with Streamlit's AppTest: the chosen structure survives a
language switch; the new structure says why its figures differ (districts counted as history, new
communes made of former ones); targets of the units within the scope are listed; gap rows name their
commune; and a repository in another province, with its own word for a village, shows no trace of
the bundled Yên Bái data."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from test_app_pages import HAS_BUNDLED, assert_ok, set_as_of, goto, graph_of, open_app, table, texts

AS_OF = dt.date(2022, 12, 31)
DISTRICT_MODEL = "Mô hình chuyển đổi số cấp huyện"
COMMUNE_MODEL = "Mô hình chuyển đổi số cấp xã"


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


def plain(text: str) -> str:
    """Markdown-escaped text as the planner reads it ("1\\.455" -> "1.455")."""
    return re.sub(r"\\(.)", r"\1", text)


def captions(at: AppTest) -> list[str]:
    return [plain(c.value) for c in at.caption]


def new_structure(at: AppTest) -> AppTest:
    at.radio(key="structure").set_value("new").run()
    assert_ok(at)
    return at


def status_row(at: AppTest, model: str, structure: str = "new", scope: str = "15") -> pd.Series:
    from nhanrong.status import status

    rows = status(graph_of(at), AS_OF, structure=structure, scope=scope)
    return rows.set_index("model").loc[model]


# --- 1. the structure survives a language switch ---------------------------------------------------


def test_structure_survives_a_language_switch(bundled):
    at = new_structure(bundled)
    assert at.header[0].value == "Tổng quan nhân rộng · Tỉnh Lào Cai · tính đến 31/12/2022"
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    assert at.radio(key="structure").value == "new"
    assert at.header[0].value == "Scale-out overview · Tỉnh Lào Cai · as of 2022-12-31"
    # The new structure's figures: the district model counts its abolished districts as history.
    assert "Includes 18 districts (an abolished level), as they stood on 2025-06-30." in captions(at)
    commune = status_row(at, "commune")
    value = {m.label: m.value for m in at.metric}["Commune-level digital transformation"]  # name_en in English (issue 15)
    assert value == f"{commune['coverage'] * 100:.1f}%"  # not the old structure's 8.1%
    at.segmented_control(key="lang").set_value("vi").run()
    assert at.radio(key="structure").value == "new"
    assert at.header[0].value.startswith("Tổng quan nhân rộng · Tỉnh Lào Cai")


def test_structure_survives_when_the_label_is_part_of_the_widget_identity(monkeypatch):
    """A Streamlit that counts a keyed widget's label (the date's format) in its identity gives the
    relabelled widget its default value: the fix must hold there too."""
    import streamlit.elements.widgets.radio as radio
    import streamlit.elements.widgets.time_widgets as time_widgets

    compute = radio.compute_and_register_element_id

    def labelled(element_type, *, key_as_main_identity, **kwargs):
        return compute(element_type, key_as_main_identity=False, **kwargs)

    monkeypatch.setattr(radio, "compute_and_register_element_id", labelled)
    monkeypatch.setattr(time_widgets, "compute_and_register_element_id", labelled)
    if not HAS_BUNDLED:
        pytest.skip("bundled Yên Bái pilots not written yet")
    at = new_structure(open_app(monkeypatch))
    set_as_of(at, dt.date(2022, 6, 30))
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    assert at.radio(key="structure").value == "new"
    assert at.header[0].value == "Scale-out overview · Tỉnh Lào Cai · as of 2022-06-30"


def test_scope_and_date_survive_a_language_switch(bundled):
    at = new_structure(bundled)
    at.selectbox(key="scope_new_15").set_value("04252").run()
    set_as_of(at, dt.date(2022, 6, 30))
    assert_ok(at)
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    assert at.header[0].value == "Scale-out overview · Phường Yên Bái · as of 2022-06-30"
    assert at.selectbox(key="scope_new_15").value == "04252"


# --- 6. the new structure on screen --------------------------------------------------------------------


def test_new_structure_overview_explains_history_and_parts(bundled):
    at = new_structure(bundled)
    district = status_row(at, "district")
    assert district["history"] == 18 and district["eligible"] == 18
    commune = status_row(at, "commune")
    assert commune["parts"] > commune["eligible"]
    shown = captions(at)
    assert "Gồm 18 huyện (cấp đã bỏ), theo trạng thái ngày 30/06/2025." in shown
    assert (f"{commune['eligible']} xã mới gồm {commune['parts']} xã cũ; "
            f"{commune['parts_scale']} trong số đó đã nhân rộng.") in shown
    # The same lines under the summary table, one per model.
    assert f"«{DISTRICT_MODEL}»: Gồm 18 huyện (cấp đã bỏ), theo trạng thái ngày 30/06/2025." in shown


def test_old_structure_overview_has_no_reform_notes(bundled):
    shown = "\n".join(captions(bundled))
    assert "cấp đã bỏ" not in shown and "xã cũ" not in shown
    assert bundled.subheader[0].value == "7 mô hình: giai đoạn và độ bao phủ"


def test_units_page_of_a_new_commune_lists_its_former_communes(bundled):
    from nhanrong.status import part_stages

    at = goto(new_structure(bundled), "units.py")
    at.selectbox(key="units_new_commune_new:15").set_value("new:04252").run()
    assert_ok(at)
    assert at.header[0].value == "Đơn vị: Tỉnh Lào Cai › Phường Yên Bái"
    assert "Các xã cũ hợp thành Phường Yên Bái" in [s.value for s in at.subheader]
    assert ("Một xã mới chỉ tính là đã nhân rộng khi mọi xã cũ hợp thành đã nhân rộng: giai đoạn của xã mới "
            "là giai đoạn của xã cũ đi chậm nhất.") in captions(at)
    parts = table(at, COMMUNE_MODEL)
    expected = part_stages(graph_of(at), AS_OF, scope="04252", models=["commune"])
    assert parts["Đơn vị"].tolist() == ["Phường Yên Bái (xã mới)", *expected["part_name"]]
    assert parts["Mã"].tolist()[1:] == expected["part_code"].tolist()
    by_name = dict(zip(parts["Đơn vị"], parts[COMMUNE_MODEL]))
    assert by_name["Phường Minh Tân"] == "Nhân rộng · 04/08/2022"
    # The new commune is at the stage of its least advanced part: two former communes have not started.
    assert by_name["Phường Yên Bái (xã mới)"] == "Chưa triển khai" == by_name["Phường Hồng Hà"]


def test_units_page_lists_every_new_communes_parts_at_province_scope(bundled):
    at = goto(new_structure(bundled), "units.py")
    listing = table(at, "Đơn vị cũ hợp thành")
    assert {"Đơn vị mới", "Mã đơn vị cũ", COMMUNE_MODEL} <= set(listing.columns)
    assert set(listing.loc[listing["Đơn vị mới"] == "Phường Yên Bái", "Đơn vị cũ hợp thành"]) >= {
        "Phường Yên Ninh", "Phường Minh Tân"}


def test_model_page_in_the_new_structure(bundled):
    at = goto(new_structure(bundled), "model.py")
    at.selectbox(key="model_id").set_value("district").run()
    assert_ok(at)
    assert any("cấp đã bỏ từ 01/07/2025" in i.value and "18 huyện" in i.value and "30/06/2025" in i.value
               for i in at.info)
    at.selectbox(key="model_id").set_value("commune").run()
    assert_ok(at)
    figures = table(at, "Đơn vị cũ đã nhân rộng")
    row = figures[figures["Đơn vị"] == "Phường Yên Bái"].iloc[0]
    assert row["Đơn vị cũ đã nhân rộng"] == "1/5" and row["Độ bao phủ"] == "0,0%"


# --- 3. targets of the units within the scope ------------------------------------------------------------


def test_a_district_target_is_listed_on_the_province_overview(monkeypatch, make_repo):
    at = open_app(monkeypatch, make_repo())
    # The card compares with the province's own targets only ...
    assert "chưa có chỉ tiêu độ bao phủ" in texts(at)
    # ... and the district's target is listed, naming the district.
    targets = table(at, "Phạm vi")
    row = targets.iloc[0]
    assert row["Phạm vi"] == "Thành phố Yên Bái" and row["Mô hình"] == "Mô hình thử"
    assert row["Chỉ tiêu"] == "50,0%" and row["Hạn"] == "31/12/2022"
    # In the new structure the old district lies within the new province it was merged into.
    at = new_structure(at)
    assert table(at, "Phạm vi").iloc[0]["Phạm vi"] == "Thành phố Yên Bái (cấu trúc cũ)"
    # A district's overview has the target on its card and in the table.
    at.radio(key="structure").set_value("old").run()
    at.selectbox(key="scope_old_15").set_value("133").run()  # another district: not listed there
    assert_ok(at)
    assert "Chưa có chỉ tiêu nào trong phạm vi này." in texts(at)


def test_model_page_targets_have_a_scope_column(bundled):
    at = goto(bundled, "model.py")
    targets = table(at, "Dự báo đến hạn")
    assert "Phạm vi" in targets.columns and set(targets["Phạm vi"]) == {"Tỉnh Yên Bái"}
    at.segmented_control(key="lang").set_value("en").run()
    assert set(table(at, "Projected at due date")["Scope"]) == {"Tỉnh Yên Bái"}


# --- 5. gap rows name their commune ------------------------------------------------------------------------


def test_gaps_table_names_the_commune(bundled):
    at = goto(new_structure(bundled), "gaps.py")
    gaps = table(at, "Việc cần làm")
    assert list(gaps.columns[:5]) == ["Mức độ", "Mô hình", "Đơn vị", "Mã", "Xã"]
    schools = gaps[gaps["Đơn vị"].str.startswith("Trường")]
    assert len(schools) and (schools["Xã"] != "").all()
    assert "Phường Yên Bái" in set(gaps["Xã"])  # the new commune of the old Yên Ninh's schools
    at.text_input(key="gaps_search").set_value("Phường Yên Bái").run()  # finds the commune's units too
    found = table(at, "Việc cần làm")
    assert len(found) and ((found["Xã"] == "Phường Yên Bái") | (found["Đơn vị"] == "Phường Yên Bái")).all()
    assert (found["Xã"] == "Phường Yên Bái").sum() > 0


# --- 2. and 4. a repository of another province, with its own words -----------------------------------------

SETTINGS = """\
name = "Chuyển đổi số cộng đồng (thử)"
models = ["to", "xa"]

[kinds.village]
name = "xóm"
name_en = "hamlet"
"""

MODEL = """\
name = "{name}"
pillars = ["society"]
adopted_by = ["{kind}"]

[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365

[[targets]]
metric = "coverage"
value = 1.0
date = 2025-12-31

[[targets]]
metric = "coverage"
value = 0.5
date = 2023-12-31
scope = "060"
structure = "old"

[method]
steps = ["Bước một"]

[resources]
trainer_hours = 4

[[metrics]]
id = "members"
name = "Số thành viên"
unit = "người"
rollup = "sum"
"""

VILLAGES = """\
structure = "old"

[[unit]]
code = "X-01858-1"
name = "Xóm 1"
kind = "village"
parent = "01858"

[[unit]]
code = "X-01858-10"
name = "Xóm 10"
kind = "village"
parent = "01858"

[[unit]]
code = "X-01858-2"
name = "Xóm 2"
kind = "village"
parent = "01858"
"""

TO_PILOTS = """\
model = "to"
structure = "old"

[[adoption]]
unit = "X-01858-1"
stages = { assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }

[[adoption]]
unit = "X-01858-10"
stages = { assess = 2022-03-01, pilot = 2022-04-01 }
learned_from = "X-01858-1"
"""

XA_PILOTS = """\
model = "xa"
structure = "old"

[[adoption]]
unit = "01858"
stages = { assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }

[[adoption]]
unit = "01861"
stages = { assess = 2022-03-01, pilot = 2022-04-01 }
learned_from = "01858"
"""


@pytest.fixture
def xom(monkeypatch, make_repo) -> AppTest:
    root = make_repo({
        "nhanrong.toml": SETTINGS,
        "models/to.toml": MODEL.format(name="Tổ công nghệ số", kind="village"),
        "models/xa.toml": MODEL.format(name="Xã chuyển đổi số", kind="commune"),
        "units/villages.toml": VILLAGES,
        "pilots/to/060.toml": TO_PILOTS,
        "pilots/xa/060.toml": XA_PILOTS,
    }, defaults=False)
    at = open_app(monkeypatch, root)
    assert at.session_state["as_of"] == dt.date(2022, 3, 31)  # the last quarter end the data covers
    set_as_of(at, dt.date(2022, 12, 31))
    assert_ok(at)
    return at


def everything(at: AppTest) -> str:
    """Every text the page shows: headings, captions, widget labels, options, placeholders, tables."""
    parts = [texts(at), *(c.value for c in at.caption), *(c.value for c in at.info), *(c.value for c in at.warning)]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "date_input", "number_input", "checkbox"):
        for w in getattr(at, kind):
            parts.append(str(w.label))
            parts += [str(o) for o in getattr(w, "options", [])]
            parts.append(str(getattr(w, "placeholder", "") or ""))
    for df in at.dataframe:
        parts += [str(c) for c in df.value.columns]
        parts += [str(v) for v in df.value.to_numpy().ravel()]
    return "\n".join(parts)


PAGES = ["overview.py", "model.py", "units.py", "gaps.py", "data.py",
         "record.py"]


@pytest.mark.parametrize("structure", ["old", "new"])
def test_another_provinces_repository_shows_no_trace_of_yen_bai(xom, structure):
    at = xom
    if structure == "new":
        at = new_structure(at)
    for page in PAGES:
        at = goto(at, page)
        shown = everything(at)
        for word in ("Yên Bái", "yenbai", "Bảy", "bảy"):
            assert word not in shown, (page, word)
    at = goto(at, "overview.py")
    assert at.subheader[0].value == "2 mô hình: giai đoạn và độ bao phủ"
    assert [m.label for m in at.metric][:2] == ["Tổ công nghệ số", "Xã chuyển đổi số"]  # nhanrong.toml's order
    assert "Chuyển đổi số cộng đồng (thử)" in plain(texts(at))  # the programme's name, in the sidebar


def test_the_repositorys_word_for_a_village_and_natural_order(xom):
    at = goto(xom, "units.py")
    assert at.header[0].value == "Đơn vị: Tỉnh Bắc Kạn"
    at.selectbox(key="units_old_district_old:06").set_value("old:060").run()
    at.selectbox(key="units_old_commune_old:060").set_value("old:01858").run()
    assert_ok(at)
    listing = table(at, "Giai đoạn")
    villages = listing[listing["Loại"] == "xóm"]
    assert villages["Đơn vị"].tolist() == ["Xóm 1", "Xóm 2", "Xóm 10"]  # not 1, 10, 2
    at = goto(at, "record.py")
    kinds = at.selectbox(key="record_unit_kind")
    assert "village" in kinds.options or "xóm" in kinds.options
    at.selectbox(key="record_stage_model").set_value("to").run()
    units = at.selectbox(key="record_stage_unit").options
    assert [u for u in units if u.startswith("Xóm")] == ["Xóm 1 (X-01858-1)", "Xóm 2 (X-01858-2)", "Xóm 10 (X-01858-10)"]
    at.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    at = goto(at, "units.py")
    at.selectbox(key="units_old_district_old:06").set_value("old:060").run()
    at.selectbox(key="units_old_commune_old:060").set_value("old:01858").run()
    assert set(table(at, "Stage")["Kind"]) >= {"hamlet"}


def test_new_commune_of_another_province(xom):
    at = goto(new_structure(xom), "units.py")
    assert at.header[0].value == "Đơn vị: Tỉnh Thái Nguyên"
    at.selectbox(key="units_new_commune_new:19").set_value("new:01864").run()
    assert_ok(at)
    parts = table(at, "Xã chuyển đổi số")
    assert parts["Đơn vị"].tolist() == ["Xã Bằng Thành (xã mới)", "Xã Bằng Thành", "Xã Nhạn Môn", "Xã Bộc Bố", "Xã Giáo Hiệu"]
    assert parts["Xã chuyển đổi số"].tolist()[:3] == ["Chưa triển khai", "Nhân rộng · 01/06/2022", "Thí điểm · 01/04/2022"]
    listing = table(at, "Giai đoạn")
    assert listing.loc[listing["Loại"] == "xóm", "Đơn vị"].tolist() == ["Xóm 1", "Xóm 2", "Xóm 10"]
    at = goto(at, "overview.py")
    assert "92 xã mới gồm 283 xã cũ; 1 trong số đó đã nhân rộng." in captions(at)  # Bắc Kạn + Thái Nguyên
    # The whole-data target and the old district's target, named.
    targets = table(at, "Phạm vi")
    assert {"toàn bộ dữ liệu", "Huyện Pác Nặm (cấu trúc cũ)"} <= set(targets["Phạm vi"])


def test_the_app_opens_in_the_structure_in_force_at_its_default_date(monkeypatch, make_repo):
    """Old records of 2022 and new-structure records of 2026: the default date is after the reform,
    so the app opens in the new structure (the command line's rule); the bundled 2022 data opens
    in the old one."""
    new_records = ('model = "xa"\nstructure = "new"\n[[adoption]]\nunit = "01864"\n'
                   'stages = { assess = 2025-08-01, pilot = 2026-01-05 }\n')
    root = make_repo({
        "models/xa.toml": MODEL.format(name="Xã chuyển đổi số", kind="commune"),
        "pilots/xa/060.toml": XA_PILOTS,
        "pilots/xa/new.toml": new_records,
    }, defaults=False)
    at = open_app(monkeypatch, root)
    assert at.session_state["as_of"] == dt.date(2025, 12, 31)
    assert at.radio(key="structure").value == "new"
    if HAS_BUNDLED:
        assert open_app(monkeypatch).radio(key="structure").value == "old"
