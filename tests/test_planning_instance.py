import datetime as dt

import numpy as np
import pytest

from nhanrong.planning.instance import make_units, period_bounds, period_label, period_starts
from planning_cases import one_model, province


@pytest.mark.parametrize("period, n, last", [
    ("quarter", 4, dt.date(2024, 1, 1)),
    ("month", 12, dt.date(2024, 1, 1)),
    ("week", 2, dt.date(2023, 1, 15)),
])
def test_period_starts_end_after_n_periods(period, n, last):
    starts = period_starts(dt.date(2023, 1, 1), period, n)
    assert len(starts) == n + 1 and starts[-1] == last


def test_period_bounds_are_days_from_start():
    assert period_bounds(dt.date(2023, 1, 1), "quarter", 2).tolist() == [0, 90, 181]


@pytest.mark.parametrize("day, period, lang, label", [
    (dt.date(2023, 4, 1), "quarter", "vi", "quý II/2023"),
    (dt.date(2023, 12, 31), "quarter", "en", "Q4 2023"),
    (dt.date(2023, 3, 15), "month", "vi", "tháng 3/2023"),
    (dt.date(2023, 3, 15), "month", "en", "03/2023"),
    (dt.date(2023, 1, 2), "week", "vi", "tuần 1/2023"),
])
def test_period_label(day, period, lang, label):
    assert period_label(day, period, lang) == label


def test_make_units_numbers_ancestors_and_groups():
    units = make_units(province({"D1": 2}, villages=1))
    key = {k: i for i, k in enumerate(units["key"])}
    v = key["D1C01V0"]
    assert units.at[v, "parent"] == key["D1C01"]
    assert units.at[v, "district"] == key["D1"]
    assert units.at[v, "scope"] == key["D1"]  # pilot-first scope: the district
    assert units.at[v, "area"] == key["D1C01"]  # round-robin area: the commune
    assert units.at[key["D1C01"], "area"] == key["D1"]


def test_capacity_carries_on_past_the_horizon_and_extra_starts_later():
    inst = one_model(trainers=2, horizon=3)
    assert inst.capacity_array("trainers", 5).tolist() == [2, 2, 2, 2, 2]
    more = inst.with_capacity({"trainers": 3}, from_period=1)
    assert more.capacity["trainers"] == (2.0, 5.0, 5.0)
    assert np.allclose(inst.with_capacity(factor=1.5).capacity["trainers"], 3.0)
