import dataclasses
import datetime as dt

import pytest

from nhanrong.planning.forecast import coverage_curves, evaluate_targets, extension, run_plan, targets_frame
from nhanrong.planning.instance import ModelSpec, TargetSpec, make_adopted, make_units
from planning_cases import DAYS, START, one_model, passed, province, two_models


def _result(inst, **kw):
    return evaluate_targets(run_plan(inst, learn=False), **kw)[0]


def test_target_met_with_enough_trainers():
    r = _result(one_model(trainers=5, target_date=dt.date(2023, 6, 30)))
    assert r.met and r.binding == "" and r.eligible == 11 and r.covered == 11
    assert r.earliest == dt.date(2023, 5, 1)  # second wave starts 1/4, scales 30 days later


def test_short_of_trainers_says_how_many_more_per_quarter_and_the_earliest_date():
    r = _result(one_model(trainers=2, target_date=dt.date(2023, 6, 30)))
    assert not r.met and r.covered == 5 and r.coverage == pytest.approx(5 / 11)
    assert r.binding == "resource"
    # 10 communes in two quarters needs 5 a quarter: 3 more trainers from the first quarter.
    assert r.extra == {"trainers": 3}
    assert r.message_vi.startswith("thiếu 3 giảng viên mỗi quý từ quý I/2023")
    assert r.message_en.startswith("short of 3 trainers per quarter from Q1 2023")
    # With 2 a quarter the last two start on 1/1/2024 and scale 30 days later.
    assert r.earliest == dt.date(2024, 1, 31)
    assert "31/01/2024" in r.message_vi


def test_several_pools_short_at_once_lists_each():
    inst = one_model(trainers=2, target_date=dt.date(2023, 6, 30))
    models = {"a": dataclasses.replace(inst.models["a"], needs={"trainers": 1.0, "budget_vnd": 1e6})}
    inst = dataclasses.replace(inst, models=models, capacity={"trainers": (2.0,) * 4, "budget_vnd": (2e6,) * 4})
    r = _result(inst)
    assert r.binding == "resource" and r.extra == {"budget_vnd": 3e6, "trainers": 3}
    assert r.message_vi.startswith("thiếu 3.000.000 đồng và 3 giảng viên mỗi quý từ quý I/2023")


def test_missing_prerequisite_names_the_model_and_how_many_communes():
    inst = dataclasses.replace(two_models(trainers=100), planned=("xa",),
                               targets=(TargetSpec("xa", 1.0, dt.date(2023, 12, 31)),))
    r = _result(inst)
    assert r.binding == "prerequisite"
    # Only D1C00 has the team; the five other communes do not, and the team is not in the plan.
    assert r.message_vi.startswith("Tổ công nghệ số cộng đồng ở 5 xã chưa hoàn thành (mô hình này không nằm trong kế hoạch)")
    assert "không đạt nếu không gỡ điều kiện này" in r.message_vi
    assert r.earliest is None


def test_pilot_first_binds_when_the_deadline_comes_before_a_pilot_can_pass():
    units = make_units(province({"D1": 3, "D2": 3}))
    inst = dataclasses.replace(one_model(target_date=dt.date(2023, 3, 31)), units=units, capacity={},
                               adopted=make_adopted([passed("D1C00", "a")], units, START))
    r = _result(inst)
    assert r.binding == "pilot"
    assert r.message_vi.startswith("chưa có thí điểm đạt đánh giá ở 1 huyện kịp hạn (thí điểm cần 120 ngày")
    # The D2 pilot passes on day 120; its scale-out starts 1/7 and scales on 31/7.
    assert "sớm nhất đạt vào 31/07/2023" in r.message_vi
    assert r.earliest == dt.date(2023, 7, 31)


def test_not_enough_time_even_with_everything():
    r = _result(dataclasses.replace(one_model(target_date=dt.date(2023, 1, 15)), capacity={}))
    assert r.binding == "time"
    assert r.message_vi == "không đủ thời gian: 10 đơn vị cần 30 ngày triển khai; dù đủ nguồn lực, sớm nhất đạt vào 31/01/2023"


def test_no_eligible_unit():
    inst = one_model()
    models = {**inst.models, "s": ModelSpec("s", "Trường", ("school",), {}, DAYS)}
    r = _result(dataclasses.replace(inst, models=models, targets=(TargetSpec("s", 0.5, dt.date(2023, 12, 31)),)))
    assert r.binding == "no-units" and not r.met


def test_search_can_be_skipped():
    r = _result(one_model(trainers=2), search=False)
    assert not r.met and r.binding == "" and r.extra == {}


def test_coverage_curve_per_quarter():
    sched = run_plan(one_model(trainers=2, target=None))
    curve = coverage_curves(sched)
    assert curve["label"].tolist() == ["quý I/2023", "quý II/2023", "quý III/2023", "quý IV/2023"]
    assert curve["covered"].tolist() == [3, 5, 7, 9]
    assert curve["date"].iloc[0] == dt.date(2023, 3, 31)
    assert curve["coverage"].between(0, 1).all()


def test_coverage_curve_for_a_target_scope_counts_only_its_units():
    inst = two_models(trainers=4)
    key = {k: i for i, k in enumerate(inst.units["key"])}
    inst = dataclasses.replace(inst, targets=(TargetSpec("team", 1.0, dt.date(2024, 6, 30), key["D2"], "D2"),))
    curve = coverage_curves(run_plan(inst))
    d2 = curve[curve["scope"] == "D2"]
    assert (d2["eligible"] == 9).all()  # three communes and six villages


def test_extension_reaches_past_the_last_target():
    inst = one_model(horizon=4, target_date=dt.date(2026, 1, 1))
    assert extension(inst) >= 12


def test_targets_frame_has_one_row_per_target():
    sched = run_plan(one_model(trainers=2))
    frame = targets_frame(evaluate_targets(sched), sched.instance)
    assert frame[["model", "met", "binding"]].values.tolist() == [["a", False, "resource"]]
    assert frame.at[0, "extra_trainers"] == 3
