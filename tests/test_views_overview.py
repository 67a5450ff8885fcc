"""The overview page's view model (nhanrong.views.overview), tested without Streamlit: the bundled data
at Tỉnh Yên Bái, 31/12/2022, in both languages and both structures, and the targets in scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import BUNDLED, bundled_graph
from nhanrong.views import Choices, Frames, scope_choices
from nhanrong.views.overview import brief_buttons, brief_document, overview_view, targets_in_scope, targets_within

END_2022 = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def pg():
    return bundled_graph()


@pytest.fixture(scope="module")
def yen_bai(pg):
    return overview_view(pg, scope_choices(pg, "vi", END_2022, "old", "15"))


def test_the_cards_show_the_published_figures(yen_bai):
    v = yen_bai
    assert v.header == "Tổng quan nhân rộng · Tỉnh Yên Bái · tính đến 31/12/2022"
    assert v.models_header == "7 mô hình: giai đoạn và độ bao phủ"
    assert v.trend_caption == "Mức thay đổi so với kỳ trước (30/06/2022)."
    cards = {c.label: c for c in v.cards}
    assert cards["Sổ tay đảng viên điện tử tỉnh Yên Bái"].value == "43,8%"
    team = cards["Tổ chuyển đổi số cộng đồng"]
    assert team.value == "100,0%" and team.flat and team.delta_color == "off"
    assert team.help == "Đơn vị đủ điều kiện: 1.529"
    assert team.captions[0] == "Chỉ tiêu 100,0% đến 31/12/2022: Đạt"
    assert "1\\.356/1\\.356 thôn, bản, tổ dân phố và 173/173 xã" in team.captions[-1]  # escaped for markdown
    assert team.title == "**Tổ chuyển đổi số cộng đồng**"


def test_charts_tables_and_decisions_are_ready_to_draw(yen_bai):
    v = yen_bai
    assert v.funnel is not None and v.coverage is not None
    assert len(v.status_table) == 7
    assert v.decisions_header and v.decisions_none is None
    assert len(v.decisions) == 3 and v.decisions[0].title.startswith("**1. «")
    assert v.decisions_more == f"Xem tất cả {len(v.found)} quyết định ở trang Quyết định."
    assert v.child_title == "Đánh giá theo từng huyện"
    assert "Huyện Văn Yên" in set(v.child_verdicts["Đơn vị"])
    assert v.targets_table is not None and len(v.targets_table) == len(v.shown_targets)


def test_pillars_hold_each_model_once_with_the_province_indicators(yen_bai):
    v = yen_bai
    assert [p.title for p in v.pillars] == ["#### Chính quyền số", "#### Kinh tế số", "#### Xã hội số"]
    named = [g.name for p in v.pillars for g in p.models]
    assert len(named) == len(set(named))
    handbook = next(g for p in v.pillars for g in p.models if "Sổ tay" in g.name)
    assert any(m.value == "45,6%" for m in handbook.metrics)  # party members with an account
    assert v.set_cards and v.set_cards[0].value.endswith("chỉ tiêu đạt")
    assert v.indicators_table is not None and len(v.indicators_table) == len(v.indicators)


def test_english_and_the_new_structure(pg):
    k = pg.units.loc["old:15", "new_province"]
    v = overview_view(pg, scope_choices(pg, "en", dt.date(2025, 12, 31), "new", str(pg.units.loc[k, "code"])))
    assert v.header == "Scale-out overview · Tỉnh Lào Cai · as of 2025-12-31"
    assert any("is made of" in n for n in v.structure_notes)
    assert {c.label: c.value for c in v.cards}["Yên Bái e-party-member handbook"] == "43.8%"


def test_the_brief_is_built_from_the_view(pg, yen_bai):
    doc = brief_document(pg, yen_bai, BUNDLED)
    assert doc.startswith("<!DOCTYPE html>") or doc.lower().startswith("<!doctype html>")
    assert "Tỉnh Yên Bái" in doc
    buttons = brief_buttons(yen_bai.choices, BUNDLED)
    assert buttons.stem == "ban-tin-tinh-yen-bai-2022-12-31" and buttons.template is None


def test_the_frames_come_from_the_frames_given(pg):
    """The app passes cached frames; a view asks them for everything it shows."""
    asked = []

    class Counting(Frames):
        def status(self, *args, **kwargs):
            asked.append("status")
            return super().status(*args, **kwargs)

    overview_view(pg, scope_choices(pg, "vi", END_2022, "old", "15"), Counting())
    assert asked.count("status") == 2  # now and six months before


def test_targets_in_and_within_the_scope():
    targets = pd.DataFrame({"model": ["m"] * 4, "scope": ["15", None, "136", "136"],
                            "structure": ["old", "old", "old", "new"]})
    units = pd.DataFrame({"province": ["old:15", "old:15"], "new_province": ["new:15", "new:15"]},
                         index=["old:136", "new:136"])
    c = Choices("vi", END_2022, "old", "15", "old:15", "Tỉnh Yên Bái", "province")
    assert list(targets_in_scope(targets, c).index) == [0, 1]
    assert list(targets_within(targets, c, units).index) == [2]  # the new unit's target is not within an old one
    whole = Choices("vi", END_2022, "old")
    assert list(targets_within(targets, whole, units).index) == [0, 2, 3]
