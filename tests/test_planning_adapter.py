import datetime as dt

import numpy as np
import pytest

from nhanrong.errors import NhanRongError
from nhanrong.graph import build_graph
from nhanrong.loader import load_programme
from nhanrong.planning.adapter import build_instance
from nhanrong.planning.forecast import evaluate_targets, run_plan
from nhanrong.planning.instance import Requirement
from planning_cases import TINY_PLAN as PLAN



@pytest.fixture
def plan_repo(make_repo):
    return make_repo({"plans/thu.toml": PLAN})


def _instance(root, name="thu"):
    prog = load_programme(root)
    assert not prog.errors, prog.errors
    return build_instance(build_graph(prog), prog.plans[name])


def test_instance_has_the_district_communes_and_the_village(plan_repo):
    inst, notes = _instance(plan_repo)
    kinds = inst.units["kind"].value_counts().to_dict()
    assert kinds == {"commune": 14, "district": 1, "village": 1}
    assert inst.capacity == {"trainer_hours": (8.0,) * 4}
    assert inst.models["tiny"].needs == {"trainer_hours": 4.0, "budget_vnd": 1_000_000.0}
    assert inst.models["tiny"].days["pilot"] == 60
    assert notes == []


def test_existing_adoptions_become_days_from_the_start(plan_repo):
    inst, _ = _instance(plan_repo)
    key = dict(zip(inst.units["key"], range(len(inst.units))))
    row = inst.adopted[inst.adopted["unit"] == key["old:04249"]].iloc[0]
    assert row["scale"] == (dt.date(2022, 6, 1) - dt.date(2023, 1, 1)).days
    row = inst.adopted[inst.adopted["unit"] == key["old:04252"]].iloc[0]
    assert np.isnan(row["evaluate"]) and row["pilot"] < 0


def test_records_after_the_start_are_not_yet_known(make_repo):
    root = make_repo({"plans/thu.toml": PLAN.replace("2023-01-01", "2022-03-01")})
    inst, _ = _instance(root)
    key = dict(zip(inst.units["key"], range(len(inst.units))))
    row = inst.adopted[inst.adopted["unit"] == key["old:04249"]].iloc[0]
    # Assess 10/1 and pilot 15/2 were known on 1/3/2022; evaluate 1/5 and scale 1/6 were not.
    assert row["pilot"] == -14 and np.isnan(row["evaluate"]) and np.isnan(row["scale"])


def test_plan_runs_two_communes_a_quarter_and_reports_the_shortfall(plan_repo):
    inst, _ = _instance(plan_repo)
    sched = run_plan(inst)
    within = sched.jobs[(sched.jobs["period"] >= 0) & (sched.jobs["period"] < 4)]
    assert within.groupby("period").size().tolist() == [2, 2, 2, 2]  # 8 trainer-hours / 4 per commune
    r = evaluate_targets(sched)[0]
    assert not r.met and r.eligible == 14
    # 12 communes to start in 4 quarters: 3 a quarter, so one more commune's worth: 4 trainer-hours.
    assert r.message_vi.startswith("thiếu 4 giờ giảng viên mỗi quý từ quý I/2023")


def test_model_targets_from_another_time_are_left_out_with_a_note(make_repo):
    root = make_repo({"plans/thu.toml": PLAN.split("[[targets]]")[0]})
    inst, notes = _instance(root)
    assert inst.targets == ()
    assert len(notes) == 1 and notes[0].key == "plan.target_skipped"
    assert notes[0].text("vi").startswith("bỏ qua chỉ tiêu tiny 50,0% (")
    assert notes[0].text("en").startswith("skipped target tiny 50.0% (")


def test_unknown_priority_unit_is_a_planner_error(make_repo):
    root = make_repo({"plans/thu.toml": PLAN + '\n[priorities]\nrule = "explicit"\nunits_first = ["99999"]\n'})
    with pytest.raises(NhanRongError, match='Đơn vị ưu tiên "99999"'):
        _instance(root)


def test_explicit_priority_unit_starts_first(make_repo):
    root = make_repo({"plans/thu.toml": PLAN + '\n[priorities]\nrule = "explicit"\nunits_first = ["04558"]\n'})
    inst, _ = _instance(root)
    sched = run_plan(inst)
    key = inst.units["key"].to_numpy()
    first = sched.jobs[sched.jobs["period"] == 0]
    assert "old:04558" in set(key[first["unit"]])


XA_BELOW = """\
name = "Mô hình huyện số"
pillars = ["government"]
adopted_by = ["district"]
requires = [{ model = "tiny", where = "below", kind = "commune", share = 0.5 }]

[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365
"""


def test_below_requirement_and_the_repositorys_words_reach_the_instance(make_repo):
    root = make_repo({"plans/thu.toml": PLAN, "models/huyen.toml": XA_BELOW,
                      "nhanrong.toml": '[kinds.village]\nname = "thôn, bản"\nname_en = "hamlet"\n'})
    inst, _ = _instance(root)
    assert inst.models["huyen"].requires == (Requirement("tiny", "below", "scale", "commune", 0.5),)
    assert inst.kinds["village"].name == "thôn, bản"
