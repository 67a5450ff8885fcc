"""The column-wise checks of units/ and pilots/ records say what pydantic says.

The fast checks (:mod:`nhanrong.loading.columns`) read a whole file's records as columns in a few
C-level passes; anything not of the plain shape sends the file to pydantic. So, for any records:
when the fast checks accept them, pydantic accepts every record and the columns hold its values;
when pydantic refuses a record, the fast checks never accept the file.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nhanrong.loading import columns
from nhanrong.schema import STAGES, Adoption, UnitDecl

EPOCH = dt.date(1970, 1, 1).toordinal()

def _mostly(valid, edge):
    """Usually a valid value, now and then one near an edge (so that whole files pass often enough)."""
    return st.integers(0, 7).flatmap(lambda i: edge if i == 0 else valid)


# Values near every edge the checks draw: patterns, lengths, separators, types, windows, finiteness.
CODES = _mostly(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,8}", fullmatch=True), st.one_of(
    st.sampled_from(["a" * 64, "a" * 65, "", "-lead", "ab\ncd", "ab\n", "\nab", "Ấp 1", "ab cd", "ab\tcd", 7]),
    st.text(alphabet="aZ09._-\n é", min_size=0, max_size=70)))
KINDS = _mostly(st.sampled_from(["village", "school", "party-cell"]), st.sampled_from(["Village", "1abc", "", "a" * 40, "a" * 41, "a\nb"]))
METRICS = _mostly(st.sampled_from(["people", "teachers_trained"]), st.sampled_from(["a" * 64, "a" * 65, "People", "x-y", "", "a\nb"]))
MODELS = _mostly(st.sampled_from(["school", "e-party"]), st.sampled_from(["School", "a_b", "", "a\nb", "a" * 65]))
DATES = _mostly(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), st.one_of(
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2300, 12, 31)),
    st.sampled_from([dt.datetime(2025, 7, 1, 8, 0), "2025-07-01"])))
NUMBERS = _mostly(st.one_of(st.integers(min_value=-10**6, max_value=10**6), st.floats(allow_nan=False, allow_infinity=False)),
                  st.one_of(st.floats(), st.sampled_from([True, 10**400, "12", 10**20, math.nan, math.inf])))
NAMES = _mostly(st.text(min_size=1, max_size=12), st.sampled_from(["", 5, None]))
NOTES = _mostly(st.sampled_from(["", "ghi chú"]), st.just(3))


def _maybe(strategy, missing: float = 0.5):
    """A key's value, or the key left out (None here)."""
    return st.one_of(st.none(), strategy) if missing else strategy


def _record(draw_fields: dict) -> dict:
    return {k: v for k, v in draw_fields.items() if v is not None}


UNIT = st.builds(lambda **kw: _record(kw), code=CODES, name=NAMES, kind=KINDS, parent=_maybe(CODES), established=_maybe(DATES),
                 dissolved=_maybe(DATES), merged_into=_maybe(CODES), lat=_maybe(NUMBERS), lon=_maybe(NUMBERS),
                 note=_maybe(NOTES))
READING = st.builds(lambda **kw: _record(kw), metric=METRICS, date=DATES, value=NUMBERS, note=_maybe(NOTES))
STAGE_DATES = st.builds(lambda **kw: _record(kw), **{s: _maybe(DATES) for s in STAGES})
ADOPTION = st.builds(lambda **kw: _record(kw), unit=CODES, model=_maybe(MODELS), stages=_maybe(STAGE_DATES),
                     learned_from=_maybe(CODES), note=_maybe(NOTES),
                     readings=_maybe(st.lists(READING, max_size=3)))


def _pydantic(model, recs: list[dict]) -> list | None:
    """Each record as pydantic validates it, or None when it refuses one."""
    try:
        return [model.model_validate(r) for r in recs]
    except ValidationError:
        return None


def _day(d: dt.date | None) -> float:
    return math.nan if d is None else d.toordinal() - EPOCH


def _same(column: np.ndarray, values: list) -> bool:
    if column.dtype == object:
        return column.tolist() == values
    return np.array_equal(column, np.array(values, dtype=float), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(UNIT, max_size=6))
def test_units_fast_checks_accept_only_what_pydantic_accepts(recs):
    data = {"structure": "new", "unit": recs}
    valid = _pydantic(UnitDecl, recs)
    try:
        cols = columns._fast_units(data)
    except (columns._Off, ValidationError):
        return  # the file goes to pydantic, which decides
    assert valid is not None, "the fast checks accepted a record pydantic refuses"
    for name, get in [("code", lambda u: u.code), ("name", lambda u: u.name), ("kind", lambda u: u.kind),
                      ("parent", lambda u: u.parent), ("merged_into", lambda u: u.merged_into),
                      ("established", lambda u: _day(u.established)), ("dissolved", lambda u: _day(u.dissolved)),
                      ("lat", lambda u: math.nan if u.lat is None else u.lat), ("lon", lambda u: math.nan if u.lon is None else u.lon)]:
        assert _same(cols[name], [get(u) for u in valid]), name


@settings(max_examples=300, deadline=None)
@given(st.lists(ADOPTION, max_size=5))
def test_pilots_fast_checks_accept_only_what_pydantic_accepts(recs):
    data = {"model": "school", "structure": "new", "adoption": recs}
    valid = _pydantic(Adoption, recs)
    try:
        cols = columns._fast_pilots(data)
    except (columns._Off, ValidationError):
        return
    assert valid is not None, "the fast checks accepted a record pydantic refuses"
    assert _same(cols["unit"], [a.unit for a in valid])
    assert _same(cols["rec_model"], [a.model for a in valid])
    assert _same(cols["learned"], [a.learned_from for a in valid])
    assert _same(cols["note"], [a.note for a in valid])
    for k, s in enumerate(STAGES):
        assert _same(cols["days"][:, k], [_day(getattr(a.stages, s)) for a in valid]), s
    flat = [r for a in valid for r in a.readings]
    assert _same(cols["r_metric"], [r.metric for r in flat])
    assert _same(cols["r_day"], [_day(r.date) for r in flat])
    assert _same(cols["r_value"], [float(r.value) for r in flat])
    assert cols["r_rec"].tolist() == [i for i, a in enumerate(valid) for _ in a.readings]


@pytest.mark.parametrize("values, ok", [
    (["ab", "cd"], True),
    (["ab\ncd"], False),  # two valid lines joined: the separator count gives it away
    (["ab", "cd\n"], False),
    (["a" * 64], True),
    (["a" * 65], False),
    ([None, "ab", None], True),
    ([None], True),
])
def test_a_code_column_is_checked_as_a_whole(values, ok):
    if ok:
        assert columns._strings(values, True, columns._CODE_RX).tolist() == values
    else:
        with pytest.raises(columns._Off):
            columns._strings(values, True, columns._CODE_RX)


def test_codes_of_a_column_share_one_object_each():
    a, b = "".join(["S-", "0001"]), "".join(["S-", "0001"])
    assert a is not b
    out = columns._strings([a, None, b], True, columns._CODE_RX)
    assert out[0] is out[2]


@pytest.mark.parametrize("values", [[1.0, math.nan], [math.inf], [None, -math.inf], [True], [10**400]])
def test_a_number_that_is_not_finite_or_not_a_number_is_not_taken(values):
    with pytest.raises(columns._Off):
        columns._numbers(values, True)


def test_missing_numbers_and_dates_are_nan():
    assert np.isnan(columns._numbers([None, None], True)).all()
    assert columns._numbers([None, 2, 2.5], True)[1:].tolist() == [2.0, 2.5]
    assert np.isnan(columns._days([None, None])).all()
    assert columns._days([dt.date(2025, 7, 1), None])[0] == dt.date(2025, 7, 1).toordinal() - EPOCH


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(-25_000, 66_000)), max_size=40))
def test_repeated_readings_are_found_as_pandas_finds_them(rows):
    import pandas as pd

    from nhanrong.loading.rules import _repeated

    rec = np.array([r for r, _, _ in rows], dtype=np.int64)
    metric = np.array([m for _, m, _ in rows], dtype=np.int64)
    day = np.array([d for _, _, d in rows], dtype=float)
    expected = pd.DataFrame({"r": rec, "m": metric, "d": day}).duplicated(keep=False).to_numpy()
    assert _repeated(rec, metric, day).tolist() == expected.tolist()
