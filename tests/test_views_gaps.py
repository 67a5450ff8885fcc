"""The gaps page's view (nhanrong.views.gaps), tested without Streamlit on the bundled data and on a
hand-made gaps frame."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from conftest import bundled_graph
from nhanrong.views import Frames, scope_choices
from nhanrong.views import gaps as view

MID_2025 = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def pg():
    return bundled_graph()


@pytest.fixture(scope="module")
def yen_bai(pg):
    return scope_choices(pg, "vi", MID_2025, "old", "15")


@pytest.fixture(scope="module")
def gaps(pg, yen_bai):
    c = yen_bai
    return Frames().gaps(pg, c.as_of, c.structure, c.scope)


def test_header_hint_and_count(pg, yen_bai, gaps):
    c = yen_bai
    assert view.header(c) == c.t("gaps.header", scope="Tỉnh Yên Bái", as_of="30/06/2025")
    hint = view.search_hint(gaps, c)
    assert hint.startswith("Ví dụ: ") and hint.endswith("…")
    assert view.search_hint(gaps.iloc[:0], c) == c.t("gaps.search_neutral")
    shown = view.shown_gaps(gaps)
    high = int((gaps["severity"] == "high").sum())
    assert 0 < high < len(shown) == len(gaps)
    assert view.count_line(shown, c) == f"**{len(gaps):,} khoảng trống ({high:,} mức cao)**".replace(",", ".")
    assert view.count_line(shown.iloc[:0], c) == "**0 khoảng trống (0 mức cao)**"
    assert list(shown["severity_rank"]) == sorted(shown["severity_rank"], reverse=True)  # most severe first
    only = view.shown_gaps(gaps, severities=["high"])
    assert len(only) == high and view.count_line(only, c) == f"**{high:,} khoảng trống ({high:,} mức cao)**".replace(",", ".")
    assert view.file_stem(c) == "khoang-trong-15-2025-06-30"


@pytest.mark.parametrize("query", ["van yen", "VĂN YÊN", unicodedata.normalize("NFD", "văn yên")])
def test_the_search_finds_huyen_van_yen_without_diacritics(pg, yen_bai, gaps, query):
    hay = view.searchable(gaps, pg, "old")
    assert list(hay.columns) == ["name", "code", "commune_name", "commune", "district"]
    found = view.shown_gaps(gaps, search=query, hay=lambda: hay)
    assert 0 < len(found) < len(gaps)
    table = view.gaps_table(found, pg.programme.models, "vi")
    names = set(table["Đơn vị"])
    assert {"UBND huyện Văn Yên", "Trường THPT Văn Yên"} <= names  # named after the district
    assert "Thị trấn Mậu A" in set(table["Xã"])  # a commune of Huyện Văn Yên
    assert "Trường THCS Hồng Hà" not in names  # a school of Thành phố Yên Bái


def test_the_excel_sheet_has_real_dates(pg, yen_bai, gaps):
    shown = view.shown_gaps(gaps, models=["school"], search="khanh hoa", hay=view.searchable(gaps, pg, "old"))
    assert len(shown) and set(shown["model"]) == {"school"}
    table = view.gaps_table(shown, pg.programme.models, "en")
    sheet = view.xlsx_sheet(table, shown, yen_bai)
    assert all(isinstance(d, dt.date) for d in sheet["Từ ngày"]) and list(table.columns)[:3] == ["Severity", "Model", "Unit"]
    assert view.xlsx_bytes(table, shown, yen_bai)[:2] == b"PK"  # an xlsx is a zip


def test_filters_and_order_on_a_small_frame():
    frame = pd.DataFrame({
        "unit": ["X-10", "X-2", "X-3", "X-1"], "unit_key": ["k10", "k2", "k3", "k1"], "model": ["a", "a", "b", "a"],
        "kind": ["stale", "stale", "stalled", "not-started"], "severity": ["low", "low", "high", "medium"],
        "severity_rank": [1, 1, 3, 2], "since": pd.to_datetime(["2024-01-01"] * 4),
    })
    assert list(view.shown_gaps(frame)["unit"]) == ["X-3", "X-1", "X-2", "X-10"]  # severity, then natural code order
    assert list(view.shown_gaps(frame, models=["a"], kinds=["stale"])["unit"]) == ["X-2", "X-10"]
    assert view.shown_gaps(frame.iloc[:0], models=["a"]).empty
