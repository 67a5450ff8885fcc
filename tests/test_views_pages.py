"""The view models of the model, units, data and decisions pages (nhanrong.views), tested without
Streamlit on the bundled data and on a tiny repository."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import bundled_graph
from nhanrong.views import scope_choices
from nhanrong.views.data import data_view
from nhanrong.views.decisions import decisions_view
from nhanrong.views.model import model_view
from nhanrong.views.units import child_kind, children, map_models, map_view, units_view

END_2022 = dt.date(2022, 12, 31)


def load(root):
    from nhanrong.cache import load_programme_cached
    from nhanrong.graph import build_graph

    return build_graph(load_programme_cached(root))


@pytest.fixture(scope="module")
def pg():
    return bundled_graph()


@pytest.fixture(scope="module")
def yen_bai(pg):
    return scope_choices(pg, "vi", END_2022, "old", "15")


def test_the_model_view_has_the_three_parts_gates_and_coverage_by_district(pg, yen_bai):
    v = model_view(pg, "party-handbook", yen_bai)
    assert v.header == "Sổ tay đảng viên điện tử tỉnh Yên Bái"
    assert v.caption == "Chính quyền số · Tệp: models/party-handbook.toml"
    assert v.coverage_header == "Độ bao phủ theo huyện"
    assert list(v.gates["Giai đoạn"]) == ["Đánh giá thực tiễn", "Thí điểm", "Đánh giá, rút kinh nghiệm", "Nhân rộng"]
    table = v.coverage_table.set_index("Đơn vị")
    assert table.loc["Thành phố Yên Bái", "Độ bao phủ"] == "45,8%"
    assert v.coverage_chart is not None and not v.no_rows
    assert v.metrics is not None and v.method and v.method.startswith("1. ")


def test_the_units_view_drills_to_a_district(pg, yen_bai):
    assert child_kind("province", "old") == "district" and child_kind("province", "new") == "commune"
    assert child_kind("commune", "old") is None
    kids = children(pg, "old:15", "district", END_2022)
    assert kids[0] == ("old:132", "132", "Thành phố Yên Bái")
    v = units_view(pg, yen_bai, "old:132", ["Tỉnh Yên Bái", "Thành phố Yên Bái"])
    assert v.header == "Đơn vị: Tỉnh Yên Bái › Thành phố Yên Bái"
    assert v.heatmap is not None and len(v.table) and v.parts is None
    shown = map_view(pg, yen_bai, "old:15", map_models(pg)[0])
    assert shown.chart is not None and shown.caption.startswith("Mỗi xã là một điểm")


def test_the_units_view_lists_a_new_communes_former_parts(pg):
    k = pg.units.loc["old:15", "new_province"]
    c = scope_choices(pg, "en", dt.date(2025, 12, 31), "new", str(pg.units.loc[k, "code"]))
    province = units_view(pg, c, k, [c.scope_name])
    assert province.parts_list_title == "The former parts of each new commune" and len(province.parts_list)
    merged = next(v for key, _, name in children(pg, k, "commune", c.as_of)
                  if (v := units_view(pg, c, key, [c.scope_name, name])).parts is not None)
    assert merged.parts_title.startswith("The former communes that make up")
    assert merged.parts.iloc[0, 0].endswith("(new commune)")


def test_the_decisions_view_names_units_and_links_the_evidence(pg, yen_bai):
    v = decisions_view(pg, yen_bai)
    assert v.header == "Quyết định cần đưa ra · Tỉnh Yên Bái · 31/12/2022"
    assert v.none is None and v.cards
    first = v.cards[0]
    assert first.title.startswith("**1. «") and first.units.startswith("*Đơn vị:* ")
    assert first.gap_kinds and first.model in pg.programme.models


def test_the_data_view_lists_problems_by_severity(make_repo):
    root = make_repo({"models/broken.toml": "name = \n"})
    g = load(root)
    c = scope_choices(g, "vi", END_2022, "old")
    v = data_view(g, c)
    assert not v.ok and len(v.problems) >= 1
    assert list(v.problems.columns)[:3] == ["Tệp", "Dòng", "Cột"]
    assert "models/broken.toml" in v.lines
    assert v.summary.startswith(f"{g.programme.files} tệp")
    none = data_view(g, c, severities=())
    assert not len(none.problems) and none.lines == " "


def test_the_parts_table_orders_naturally_keeps_a_models_last_stage_and_skips_unnamed_parts(pg):
    """The former parts of new communes, as one pivot: commune 9 before commune 10, a part's text for a
    model is its last row's, a part with no name is left out, a model no part has gets no column."""
    import pandas as pd

    from nhanrong.views.units import _parts_table

    c = scope_choices(pg, "vi", dt.date(2025, 12, 31), "new", "15")
    day = pd.Timestamp("2025-08-01")
    ps = pd.DataFrame({
        "code": ["10", "9", "9", "9", "10"], "name": ["Xã Mười", "Xã Chín", "Xã Chín", "Xã Chín", "Xã Mười"],
        "part_code": ["200", "101", "100", "100", None], "part_name": ["Xã C", "Xã B", "Xã A", "Xã A", None],
        "model": ["school", "school", "school", "school", "commune"],
        "stage": ["pilot", "assess", "assess", "scale", "pilot"], "since": [day, pd.NaT, pd.NaT, day, day]})
    names = {"commune": "Xã số", "school": "Trường học số", "district": "Huyện số"}
    table = _parts_table(pg, c, names, ps)
    assert list(table.columns) == [c.t("col.new_unit"), c.t("col.part"), c.t("col.part_code"), "Xã số", "Trường học số"]
    assert table[c.t("col.part_code")].tolist() == ["100", "101", "200"]  # commune 9 first, then its parts by code
    assert table["Trường học số"].tolist() == ["Nhân rộng · 01/08/2025", "Đánh giá thực tiễn", "Thí điểm · 01/08/2025"]
    assert table["Xã số"].tolist() == ["", "", ""]  # its only row has no part: left out
