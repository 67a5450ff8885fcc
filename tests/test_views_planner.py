"""The planner page's view (nhanrong.views.planner), tested without Streamlit on a tiny repository."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from nhanrong.errors import NhanRongError
from nhanrong.views.planner import (amount_text, model_names, parse_amount, plan_from_widgets, planned_models,
                                    planner_view, pool_option, pool_options, resources_frame, saved_message,
                                    targets_frame_in, variant_curves, variants_table)

PLAN = """\
name = "Thử"
scope = "132"
structure = "old"
start = 2023-01-01
period = "quarter"
horizon = 4
models = ["tiny"]

[resources]
trainer_hours = 8

[[targets]]
model = "tiny"
coverage = 1.0
date = 2023-12-31
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    from conftest import write_repo
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    root = write_repo(tmp_path_factory.mktemp("planner") / "data", {"plans/thu.toml": PLAN})
    return build_graph(load_programme(root))


def run(pg, plan, lang):
    from nhanrong.planning.adapter import build_instance
    from nhanrong.planning.forecast import evaluate_targets, run_plan

    inst, notes = build_instance(pg, plan)
    sched = run_plan(inst)
    return sched, evaluate_targets(sched, lang=lang), notes


def test_amounts_are_text_in_the_language_and_come_back_as_numbers():
    assert amount_text(2_500_000_000, "vi") == "2.500.000.000" and amount_text(2_500_000_000, "en") == "2,500,000,000"
    assert amount_text(12.5, "vi") == "12,5" and amount_text(None, "vi") == "không giới hạn"
    assert amount_text(float("nan"), "en") == "unlimited"
    assert parse_amount("3.000.000.000", "vi") == 3_000_000_000 and parse_amount("12.5", "en") == 12.5
    assert parse_amount("Không giới hạn", "en") is None and parse_amount("unlimited", "vi") is None
    assert parse_amount("", "vi") is None and parse_amount(None) is None
    with pytest.raises(NhanRongError) as exc:
        parse_amount("nhiều", "vi")
    assert "«nhiều» không phải là số" in exc.value.text("vi")


def test_the_editors_show_the_plans_pools_and_targets(repo):
    plan = repo.programme.plans["thu"]
    res = resources_frame(plan, repo.programme.models, "vi")
    assert dict(zip(res["pool"], res["amount"])) == {"trainer_hours": "8", "budget_vnd": "không giới hạn"}
    assert pool_options(res)[:5] == ["trainer_hours", "trainers", "devices", "budget_vnd", "people"]
    assert pool_option("mystery", "vi") == "mystery" and pool_option("trainer_hours", "en").endswith("(trainer_hours)")
    tg = targets_frame_in(plan)
    assert tg.to_dict("records") == [{"model": "tiny", "coverage": 100.0, "date": dt.date(2023, 12, 31), "scope": ""}]
    res.loc[res["pool"] == "trainer_hours", "amount"] = "12,5"
    edited = plan_from_widgets(plan, plan.start, "quarter", 6, plan.priorities.rule, plan.pilot_first, res, tg, "vi")
    assert edited.resources == {"trainer_hours": 12.5} and edited.horizon == 6
    assert [(t.model, t.coverage, t.date) for t in edited.targets] == [("tiny", 1.0, dt.date(2023, 12, 31))]


def test_the_view_of_a_run_shows_the_shortfall(repo):
    prog = repo.programme
    sched, results, notes = run(repo, prog.plans["thu"], "vi")
    v = planner_view(prog, sched, results, notes, "vi")
    assert v.met == "0 / 1" and v.scheduled == "8 / 12" and v.cost.endswith(" đ")
    assert v.targets.iloc[0]["Kết quả"] == "Không đạt"
    assert v.targets.iloc[0]["Lý do và cách gỡ"].startswith("thiếu 4 giờ giảng viên mỗi quý từ quý I/2023")
    assert len(v.warnings) == 1 and "thiếu 4 giờ giảng viên mỗi quý từ quý I/2023" in v.warnings[0]
    assert len(v.schedule) == 12 and (v.schedule["Đợt"] != "").sum() == 8
    assert set(v.schedule["Loại đơn vị"]) == {"xã"} and "Học từ (mã)" in v.schedule
    assert v.curves_chart is not None and v.calendar_chart is not None and v.use_chart is not None
    assert model_names(prog, "vi") == {"tiny": prog.model_name("tiny", "vi")}


def test_english_and_more_hours_meet_the_target(repo):
    prog = repo.programme
    plan = prog.plans["thu"]
    res = resources_frame(plan, prog.models, "en")
    res.loc[res["pool"] == "trainer_hours", "amount"] = "12"
    edited = plan_from_widgets(plan, plan.start, plan.period, plan.horizon, plan.priorities.rule, plan.pilot_first,
                               res, targets_frame_in(plan), "en")
    v = planner_view(prog, *run(repo, edited, "en"), "en")
    assert v.met == "1 / 1" and v.targets.iloc[0]["Verdict"] == "Met" and not v.warnings


def test_what_ifs_side_by_side(repo):
    from nhanrong.planning.variants import compare_variants, parse_variant

    prog = repo.programme
    sched, _, _ = run(repo, prog.plans["thu"], "vi")
    cmp = compare_variants(sched.instance, [parse_variant("trainer_hours+4"), parse_variant("delay=400")], lang="vi")
    table = variants_table(cmp, "vi")
    assert table["Phương án"].tolist() == ["cơ sở", "trainer_hours+4", "delay=400"]
    assert table["Chỉ tiêu đạt"].tolist() == ["0/1", "1/1", "1/1"]
    assert planned_models(prog, sched.instance) == ["tiny"]
    assert variant_curves(cmp, "tiny", model_names(prog, "vi"), "vi") is not None


def test_the_saved_message_names_the_commit_and_branch():
    assert saved_message(SimpleNamespace(commit=None, branch=None), "plans/thu.toml", "vi") == "Đã lưu plans/thu.toml."
    on_branch = saved_message(SimpleNamespace(commit="0123456789abc", branch="nhap/hoa"), "plans/thu.toml", "vi")
    assert on_branch.startswith("Đã lưu plans/thu.toml; commit 0123456789") and "nhap/hoa" in on_branch
