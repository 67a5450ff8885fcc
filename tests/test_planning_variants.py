import datetime as dt

import pytest

from nhanrong.planning.variants import Variant, VariantError, apply_variant, compare_variants, parse_variant
from planning_cases import one_model


def test_apply_variant_changes_only_what_it_names():
    inst = one_model(trainers=2, horizon=4)
    v = apply_variant(inst, Variant("x", extra={"trainers": 3}, delay_days=10, more_periods=2, rule="every-area"))
    assert v.capacity["trainers"] == (5.0,) * 6 and v.horizon == 6 and v.rule == "every-area"
    assert v.targets[0].date == dt.date(2023, 7, 10)
    assert inst.capacity["trainers"] == (2.0,) * 4  # the base is untouched


def test_variants_side_by_side():
    inst = one_model(trainers=2, horizon=4)
    cmp = compare_variants(inst, [
        Variant("thêm 3 giảng viên", extra={"trainers": 3}),
        Variant("lùi hạn một năm", delay_days=366),
        Variant("ít hơn", factor=0.5),
    ])
    s = cmp.summary.set_index("variant")
    assert s.loc["cơ sở", "targets_met"] == 0
    assert s.loc["thêm 3 giảng viên", "targets_met"] == 1
    assert s.loc["lùi hạn một năm", "targets_met"] == 1
    assert s.loc["cơ sở", "cost_trainers"] == 8 and s.loc["thêm 3 giảng viên", "cost_trainers"] == 10
    assert s.loc["ít hơn", "units_planned"] == 4
    assert s.loc["thêm 3 giảng viên", "objective"] < s.loc["cơ sở", "objective"] < s.loc["ít hơn", "objective"]
    curves = cmp.curves[cmp.curves["target"].isna()]
    last = curves[curves["period"] == 3].set_index("variant")["coverage"]
    assert last["thêm 3 giảng viên"] == pytest.approx(1.0)
    assert last["cơ sở"] == pytest.approx(9 / 11)


@pytest.mark.parametrize("text, expected", [
    ("trainer_hours+200", Variant("trainer_hours+200", extra={"trainer_hours": 200.0})),
    ("*1.5", Variant("*1.5", factor=1.5)),
    ("delay=90, periods+2", Variant("delay=90, periods+2", delay_days=90, more_periods=2)),
    ("rule=every-area,pilot_first=false", Variant("rule=every-area,pilot_first=false", rule="every-area", pilot_first=False)),
])
def test_parse_variant(text, expected):
    assert parse_variant(text) == expected


@pytest.mark.parametrize("text", ["trainers", "rule=fastest", "delay=soon", "pilot_first=maybe"])
def test_unreadable_variant_says_how_to_write_one(text):
    with pytest.raises(VariantError, match="trainer_hours\\+200"):
        parse_variant(text)


def test_mean_wave_counts_units_left_out_as_after_the_horizon():
    cmp = compare_variants(one_model(trainers=2, horizon=4), [])
    # Waves 1,1,2,2,3,3,4,4 and two left out (5,5): mean 3.
    assert cmp.summary.at[0, "mean_wave"] == pytest.approx(3.0)
