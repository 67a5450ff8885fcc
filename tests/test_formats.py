"""Numbers and dates read the way each language writes them (43,8%; 50.595; 31/12/2022)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nhanrong.formats import (MISSING, fmt_date, fmt_date_long, fmt_number, fmt_percent, fmt_quarter, fmt_value,
                              months_before, quarter_end_on_or_before, to_date)


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (50595, "vi", None, "50.595"),
    (50595, "en", None, "50,595"),
    (1234567.25, "vi", 2, "1.234.567,25"),
    (1234567.25, "en", 2, "1,234,567.25"),
    (10868.0, "vi", None, "10.868"),
    (0.5, "vi", None, "0,5"),
    (-0.01, "vi", 0, "0"),
    (-1500, "vi", 0, "-1.500"),
    (None, "vi", None, MISSING),
    (float("nan"), "en", None, MISSING),
])
def test_fmt_number(value, lang, decimals, expected):
    assert fmt_number(value, lang, decimals) == expected


@pytest.mark.parametrize("share, lang, expected", [
    (0.438, "vi", "43,8%"),
    (0.438, "en", "43.8%"),
    (0.456, "vi", "45,6%"),
    (1.0, "vi", "100,0%"),
    (0.0, "en", "0.0%"),
    (pd.NA, "vi", MISSING),
])
def test_fmt_percent(share, lang, expected):
    assert fmt_percent(share, lang) == expected


@pytest.mark.parametrize("value, lang, expected", [
    (dt.date(2022, 12, 31), "vi", "31/12/2022"),
    (dt.date(2022, 12, 31), "en", "2022-12-31"),
    (pd.Timestamp("2022-06-30"), "vi", "30/06/2022"),
    (dt.datetime(2023, 1, 2, 15, 0), "vi", "02/01/2023"),
    ("2022-12-31", "vi", "31/12/2022"),
    (pd.NaT, "vi", MISSING),
    (None, "en", MISSING),
])
def test_fmt_date(value, lang, expected):
    assert fmt_date(value, lang) == expected


@pytest.mark.parametrize("value, unit, lang, expected", [
    (0.456, "%", "vi", "45,6%"),
    (50595, "tài khoản", "vi", "50.595 tài khoản"),
    (50595, "tài khoản", "en", "50,595 tài khoản"),
    (None, "người", "vi", MISSING),
    (14490.2, "người", "vi", "14.490 người"),
    (58.68, "điểm", "vi", "58,7 điểm"),
])
def test_fmt_value(value, unit, lang, expected):
    assert fmt_value(value, unit, lang) == expected


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2022, 12, 31), 6, dt.date(2022, 6, 30)),
    (dt.date(2022, 8, 31), 6, dt.date(2022, 2, 28)),
    (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),
    (dt.date(2022, 3, 15), 6, dt.date(2021, 9, 15)),
    (dt.date(2022, 1, 1), 12, dt.date(2021, 1, 1)),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_to_date_accepts_every_form():
    assert to_date(pd.Timestamp("2022-12-31")) == dt.date(2022, 12, 31)
    assert to_date("2022-12-31") == dt.date(2022, 12, 31)
    assert to_date(pd.NaT) is None


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_vietnamese_is_english_with_separators_swapped(x, decimals):
    en = fmt_number(x, "en", decimals)
    vi = fmt_number(x, "vi", decimals)
    assert vi == en.translate(str.maketrans({",": ".", ".": ","}))
    # Reading the English form back gives the value to the shown precision.
    assert float(en.replace(",", "")) == pytest.approx(round(x, decimals), abs=10 ** -decimals)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip(d):
    assert dt.datetime.strptime(fmt_date(d, "vi"), "%d/%m/%Y").date() == d
    assert dt.date.fromisoformat(fmt_date(d, "en")) == d


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(0, 24))
def test_months_before_is_never_later_and_keeps_the_month_distance(d, months):
    back = months_before(d, months)
    assert back <= d
    assert (d.year * 12 + d.month) - (back.year * 12 + back.month) == months


@pytest.mark.parametrize("day, expected", [
    (dt.date(2023, 3, 8), dt.date(2022, 12, 31)),
    (dt.date(2022, 12, 31), dt.date(2022, 12, 31)),
    (dt.date(2022, 6, 30), dt.date(2022, 6, 30)),
    (dt.date(2022, 6, 29), dt.date(2022, 3, 31)),
    (dt.date(2024, 9, 30), dt.date(2024, 9, 30)),
    (dt.date(2022, 1, 1), dt.date(2021, 12, 31)),
])
def test_quarter_end_on_or_before(day, expected):
    assert quarter_end_on_or_before(day) == expected


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_quarter_end_is_a_quarter_end_within_three_months(d):
    q = quarter_end_on_or_before(d)
    assert q <= d and (d - q).days < 92
    assert (q.month, (q + dt.timedelta(days=1)).day) in {(3, 1), (6, 1), (9, 1), (12, 1)}


# --- the official forms of a document: long dates and quarters -----------------------------------------


@pytest.mark.parametrize("day, lang, expected", [
    (dt.date(2023, 2, 5), "vi", "ngày 05 tháng 02 năm 2023"),  # a day below 10 and months 1, 2 take a zero
    (dt.date(2023, 1, 15), "vi", "ngày 15 tháng 01 năm 2023"),
    (dt.date(2023, 7, 5), "vi", "ngày 05 tháng 7 năm 2023"),  # from March on, no zero
    (dt.date(2022, 12, 31), "vi", "ngày 31 tháng 12 năm 2022"),
    (pd.Timestamp("2023-10-01"), "vi", "ngày 01 tháng 10 năm 2023"),
    ("2023-02-05", "en", "5 February 2023"),
    (None, "vi", MISSING),
])
def test_fmt_date_long(day, lang, expected):
    assert fmt_date_long(day, lang) == expected


@pytest.mark.parametrize("day, lang, expected", [
    (dt.date(2023, 1, 1), "vi", "quý I/2023"),
    (dt.date(2023, 3, 31), "vi", "quý I/2023"),
    (dt.date(2023, 5, 15), "vi", "quý II/2023"),
    (dt.date(2023, 9, 30), "vi", "quý III/2023"),
    (dt.date(2022, 12, 31), "vi", "quý IV/2022"),
    (dt.date(2022, 12, 31), "en", "Q4 2022"),
    (pd.NaT, "vi", MISSING),
])
def test_fmt_quarter(day, lang, expected):
    assert fmt_quarter(day, lang) == expected


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_long_date_reads_back_as_the_same_day(d):
    words = fmt_date_long(d, "vi").split()
    assert words[0::2] == ["ngày", "tháng", "năm"]
    assert dt.date(int(words[5]), int(words[3]), int(words[1])) == d
    roman, year = fmt_quarter(d, "vi").removeprefix("quý ").split("/")
    assert int(year) == d.year and ["I", "II", "III", "IV"].index(roman) == (d.month - 1) // 3


def test_a_date_before_the_year_1000_keeps_four_digits():
    # a typo in a data file (year 1) is shown as written, in both languages
    assert fmt_date(dt.date(1, 1, 1), "vi") == "01/01/0001"
    assert fmt_date(dt.date(1, 1, 1), "en") == "0001-01-01"
