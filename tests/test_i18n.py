"""The UI catalogue: every string in both languages, Vietnamese with its diacritics."""

from __future__ import annotations

import re
import string

import pytest

from nhanrong.i18n import CATALOGUES, STRINGS, Message, UnknownStringError, label, msg, stage_order, t

FIELDS = string.Formatter()


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in FIELDS.parse(text) if f}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_and_the_same_placeholders(key):
    vi, en = STRINGS[key]
    assert vi.strip() and en.strip()
    assert placeholders(vi) == placeholders(en)


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_label_has_both_languages(name):
    for value, (vi, en) in CATALOGUES[name].items():
        assert vi.strip() and en.strip(), (name, value)


VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


@pytest.mark.parametrize("key, expected", [
    ("page.overview", "Tổng quan"),
    ("page.model", "Mô hình"),
    ("page.units", "Đơn vị"),
    ("page.gaps", "Khoảng trống"),
    ("page.data", "Dữ liệu"),
    ("sidebar.as_of", "Tính đến ngày"),
])
def test_page_titles_are_vietnamese_by_default(key, expected):
    assert t(key) == expected


def test_vietnamese_strings_carry_diacritics():
    # Nearly every Vietnamese sentence has at least one letter with a diacritic; a string
    # typed without them ("Tong quan") is a bug planners notice at once.
    plain = [k for k, (vi, _) in STRINGS.items()
             if len(vi.split()) >= 2 and not VIETNAMESE_LETTERS.search(vi) and vi != STRINGS[k][1]]
    assert plain == []


def test_placeholders_are_filled():
    assert t("gaps.count", "vi", n="12", high="3") == "12 khoảng trống (3 mức cao)"
    assert t("gaps.count", "en", n="12", high="3") == "12 gaps (3 high)"


def test_unknown_key_raises_a_clear_error():
    with pytest.raises(UnknownStringError, match="no message 'page.nope'"):
        t("page.nope")
    with pytest.raises(UnknownStringError, match="no message 'edit.nope'"):
        Message("edit.nope", {})  # a typo in a raise fails where it is written, not when shown


def test_every_area_of_the_catalogue_merges_without_a_code_defined_twice():
    import nhanrong.i18n as i18n

    assert sum(len(a.STRINGS) for a in i18n.AREAS) == len(STRINGS)
    with pytest.raises(RuntimeError, match="defined twice"):
        i18n._merge([i18n.ui, i18n.ui])


@pytest.mark.parametrize("lang, expected", [
    ("vi", "43,8% của 50.595 xã, đến 31/12/2025 (có phải ý bạn là \"x\"?)"),
    ("en", "43.8% of 50,595 communes, by 2025-12-31 (did you mean \"x\"?)"),
])
def test_messages_render_numbers_dates_and_nested_messages_in_the_readers_language(lang, expected, monkeypatch):
    import datetime as dt

    monkeypatch.setitem(STRINGS, "test.share", ("{share:percent} của {n:int} xã, đến {day:date}{hint}",
                                                "{share:percent} of {n:int} communes, by {day:date}{hint}"))
    m = msg("test.share", share=0.438, n=50595, day=dt.date(2025, 12, 31), hint=msg("hint.did_you_mean", choice="x"))
    assert m.text(lang) == expected
    assert m.as_dict()["params"]["hint"] == {"code": "hint.did_you_mean", "params": {"choice": "x"}}
    assert Message("").text(lang) == ""


@pytest.mark.parametrize("cat, value, lang, expected", [
    ("stage", "scale", "vi", "Nhân rộng"),
    ("stage", "pilot", "en", "Pilot"),
    ("verdict", "behind", "vi", "Chậm"),
    ("verdict", "overdue", "vi", "Quá hạn"),
    ("verdict", "on-track", "vi", "Đúng tiến độ"),
    ("pillar", "government", "vi", "Chính quyền số"),
    ("severity", "high", "en", "High"),
    ("stage", "unknown-stage", "vi", "unknown-stage"),
])
def test_labels(cat, value, lang, expected):
    assert label(cat, value, lang) == expected


def test_stage_order_runs_from_not_started_to_scale():
    assert stage_order() == ["not_started", "assess", "pilot", "evaluate", "scale"]


def test_gap_kind_labels_cover_the_engine_kinds():
    gaps = pytest.importorskip("nhanrong.gaps")
    assert set(gaps.GAP_KINDS) <= set(CATALOGUES["gap_kind"])


def test_the_catalogue_is_not_tied_to_one_province():
    """The app serves any province: no place name, and no fixed count of models, in its own words."""
    for key, pair in STRINGS.items():
        for text in pair:
            for word in ("Yên Bái", "yenbai", "Bảy", "bảy", "seven"):
                assert word not in text, (key, word)
    assert t("overview.models", "vi", n="7") == "7 mô hình: giai đoạn và độ bao phủ"


@pytest.mark.parametrize("value, vi, en", [
    (50595.0, "50.595", "50,595"),
    (43.25, "43,25", "43.25"),
    (0.1234567, "0,1234567", "0.1234567"),
    (None, "–", "–"),
    (True, "true", "true"),
    ("văn bản", "văn bản", "văn bản"),
])
def test_the_exact_format_keeps_every_typed_decimal(value, vi, en, monkeypatch):
    monkeypatch.setitem(STRINGS, "test.exact", ("{x:exact}", "{x:exact}"))
    assert t("test.exact", "vi", x=value) == vi and t("test.exact", "en", x=value) == en


def test_a_fixed_count_of_decimals(monkeypatch):
    monkeypatch.setitem(STRINGS, "test.fixed", ("{x:number4} giây", "{x:number4} s"))
    assert t("test.fixed", "vi", x=0.27341) == "0,2734 giây" and t("test.fixed", "en", x=1234.5) == "1,234.5000 s"
