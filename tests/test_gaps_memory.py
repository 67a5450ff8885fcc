"""The gap helpers that work on integer codes and positions agree with the plain pandas they replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhanrong.gaps import _LastAt, _first_start, _obj
from nhanrong.schema import STAGES

DAYS = st.one_of(st.none(), st.integers(-25_000, 60_000))  # days since 1970 (1901-2134), or no date


def _dates(days: list) -> np.ndarray:
    return np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in days], dtype="datetime64[s]")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-2, 6), st.integers(-25_000, 60_000)), max_size=40),
       st.lists(st.integers(-1, 7), max_size=10), st.integers(-25_000, 60_000))
def test_last_at_is_the_last_value_read_at_or_before_the_day(values, look, day):
    keys = np.array([k for k, _ in values], dtype=np.int64)
    days = np.array([d for _, d in values], dtype=np.int64)
    got = _LastAt(keys, days).at(np.array(look, dtype=np.int64), day)
    want = []
    for k in look:
        rows = [i for i, (kk, d) in enumerate(values) if kk == k and d <= day]
        best = max(rows, key=lambda i: (values[i][1], i)) if rows else -1  # the latest; on one day, the last read
        want.append(best)
    assert got.tolist() == want
    assert got.dtype == np.int64


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(*[DAYS] * len(STAGES)), min_size=1, max_size=30), st.integers(-25_000, 60_000))
def test_first_start_is_the_earliest_stage_date_by_then(rows, day):
    e = pd.DataFrame({s: _dates([r[i] for r in rows]) for i, s in enumerate(STAGES)}, index=np.arange(len(rows)) * 3)
    as_of = pd.Timestamp(np.datetime64(day, "D"))
    d = e[list(STAGES)]
    pd.testing.assert_series_equal(_first_start(e, as_of), d.where(d <= as_of).min(axis=1), check_exact=True)
    at = np.arange(len(rows))[::2]
    pd.testing.assert_series_equal(_first_start(e, as_of, at), d.iloc[at].where(d.iloc[at] <= as_of).min(axis=1),
                                   check_exact=True)


def test_obj_shares_one_object_per_value():
    words = np.where(np.array([1, 0, 1, 1]) > 0, "high", "low")  # fixed-width strings, as np.where makes them
    out = _obj(words)
    assert out.tolist() == ["high", "low", "high", "high"] and out.dtype == object
    assert out[0] is out[2] is out[3]
    mixed = _obj(np.array(["a", None, "a"], dtype=object))
    assert mixed[0] is mixed[2] and pd.isna(mixed[1])
