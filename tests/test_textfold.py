"""One folding for every search and picker: no diacritics needed, decomposed (NFD) text and the
old tone placement find the same units, and the registry's keys use the same folding."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nhanrong.registry import ascii_key
from nhanrong.textfold import compact, contains_all, filter_options, fold, fold_series, matches, nfc, slug, terms

NFD = unicodedata.normalize("NFD", "Huyện Văn Yên")


def test_fold_removes_diacritics_case_and_extra_spaces():
    assert fold("Huyện  Văn Yên ") == "huyen van yen"
    assert fold("VĂN YÊN") == fold("văn yên") == fold("van yen") == "van yen"
    assert fold("Ư Ơ Ă Â Ê Ô ư ơ ă â ê ô") == "u o a a e o u o a a e o"
    assert fold(None) == ""


def test_decomposed_text_folds_like_composed_text():
    assert NFD != "Huyện Văn Yên" and len(NFD) > len("Huyện Văn Yên")
    assert fold(NFD) == fold("Huyện Văn Yên")
    assert nfc(NFD) == "Huyện Văn Yên"


@pytest.mark.parametrize("old, new", [("Hoà", "Hòa"), ("hoà bình", "hòa bình"), ("Thuỷ", "Thủy"), ("Khoẻ", "Khỏe"),
                                       ("Thuỵ", "Thụy"), ("Hoá", "Hóa")])
def test_old_and_new_tone_placement_fold_alike(old, new):
    assert old != new
    assert fold(old) == fold(new)
    assert matches(old, f"Xã {new} Cuông") and matches(new, f"Xã {old} Cuông")


def test_d_with_stroke_folds_to_d():
    assert fold("Đồng Đăng") == "dong dang"
    assert fold("đ") == fold("Đ") == "d"
    assert fold("Ðồng") == "dong"  # the Icelandic eth some old files carry instead of Đ
    assert matches("dong", "Xã Đông Cuông") and matches("đông", "xa dong cuong")


def test_search_words_start_words_and_meet_in_one_field():
    assert matches("van yen", "Huyện Văn Yên")
    assert matches("yen van", "Huyện Văn Yên")  # any order
    assert matches("van y", "Huyện Văn Yên")  # a word being typed
    assert not matches("van yen", "Huyện Văn Chấn")  # "yen" is not the start of "huyen"
    assert matches("0437", "S-04375-04") and matches("04375", "Trường", "04375")
    assert not matches("phuong yen bai", "Trường THPT Yên Bái", "Phường Văn Phú")  # spread over two fields
    assert matches("phuong yen bai", "Trường THPT Yên Bái", "Phường Yên Bái")
    assert matches("", "anything") and matches("  ", "anything")
    assert terms(" Văn  yên ") == ["van", "yen"]


def test_filter_options_keeps_the_order_of_the_list():
    options = {"133": "Thị xã Nghĩa Lộ", "136": "Huyện Văn Yên", "139": "Huyện Văn Chấn", "137": "Huyện Mù Cang Chải"}
    assert filter_options(options, "van yen", lambda c: (options[c], c)) == ["136"]
    assert filter_options(options, "van", lambda c: (options[c], c)) == ["136", "139"]
    assert filter_options(options, "13", lambda c: (options[c], c)) == ["133", "136", "139", "137"]
    assert filter_options(options, "", lambda c: options[c]) == list(options)


def test_series_folding_and_masks():
    hay = pd.DataFrame({"name": fold_series(pd.Series(["Huyện Văn Yên", NFD, None, "Xã Hoà Cuông"])),
                        "code": fold_series(pd.Series(["136", "136", "04375", "04444"]))})
    assert list(hay["name"]) == ["huyen van yen", "huyen van yen", "", "xa hoa cuong"]
    assert contains_all(hay, "van yen").tolist() == [True, True, False, False]
    assert contains_all(hay, "Hòa").tolist() == [False, False, False, True]
    assert contains_all(hay, "04375").tolist() == [False, False, True, False]
    assert contains_all(hay["name"], "").all()


def test_registry_keys_and_branch_slugs_use_the_same_folding():
    assert ascii_key("Xã Minh Quân") == "xaminhquan" == compact("Xã Minh Quân")
    assert ascii_key(unicodedata.normalize("NFD", "Xã Đào Thịnh")) == ascii_key("Xã Đào Thịnh") == "xadaothinh"
    assert slug("Nguyễn Văn Đức") == "nguyen-van-duc"


@given(st.text(max_size=40))
def test_folding_is_idempotent_and_ignores_normalisation(text):
    once = fold(text)
    assert fold(once) == once
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))
