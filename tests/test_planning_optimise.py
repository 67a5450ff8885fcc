"""Optimise mode: CP-SAT warm-started from the greedy plan, time-limited, with the greedy plan as the
fallback, and the proof (objective, best bound, gap) in the result, the table and the JSON."""

from __future__ import annotations

import builtins
import json

import pytest

from nhanrong.cli import main
from nhanrong.planning.forecast import run_plan
from nhanrong.planning.optimise import Proof, optimise_plan
from nhanrong.planning.synthetic import random_instance
from planning_cases import TINY_PLAN, one_model, two_models

pytest.importorskip("ortools")


@pytest.mark.parametrize("make", [lambda: one_model(trainers=2, horizon=4), lambda: two_models(trainers=3),
                                  lambda: random_instance(10_003, districts=2, pilot_first=True)])
def test_optimised_plan_is_never_worse_than_greedy_and_proves_its_gap(make):
    inst = make()
    greedy = run_plan(inst)
    sched = optimise_plan(inst, time_limit=10, greedy=greedy)
    p = sched.proof
    assert isinstance(p, Proof) and p.greedy_objective == pytest.approx(greedy.objective)
    assert sched.objective <= greedy.objective + 1e-9 and p.objective == pytest.approx(sched.objective)
    assert p.bound is not None and p.bound <= p.objective + 1e-6 and 0 <= p.gap <= 1
    if p.optimal:
        assert p.gap == pytest.approx(0, abs=1e-4)
    assert p.method in ("cp-sat", "greedy") and p.status in ("optimal", "improved", "no-better")


def test_a_cp_sat_plan_keeps_the_rules_and_is_planned_past_the_horizon():
    """When CP-SAT's plan is kept, the schedule is replayed: capacity per period holds, and jobs left at the
    horizon are planned after it (the forecast's earliest dates still exist)."""
    inst = two_models(trainers=3, horizon=4)
    sched = optimise_plan(inst, time_limit=10)
    use = sched.use[sched.use["period"] < inst.horizon]
    assert (use["used"] <= use["capacity"] + 1e-9).all()
    assert sched.periods > inst.horizon


def test_falls_back_to_greedy_when_too_big_or_not_installed(monkeypatch):
    inst = one_model(trainers=2, horizon=4)
    greedy = run_plan(inst)
    big = optimise_plan(inst, greedy=greedy, max_booleans=1)
    assert big.proof.status == "too-big" and big.proof.method == "greedy" and big.proof.bound is None
    assert big.jobs.equals(greedy.jobs)
    real_import = builtins.__import__

    def no_ortools(name, *a, **k):
        if name == "ortools" or name.startswith("ortools."):
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_ortools)
    missing = optimise_plan(inst, greedy=greedy)
    assert missing.proof.status == "not-installed" and missing.jobs.equals(greedy.jobs)
    assert "OR-Tools" in missing.proof.message("en") and "nhanrong[optimise]" in missing.proof.message("vi")


def test_cli_reports_the_gap_in_table_and_json(make_repo, capsys):
    plan = make_repo({"plans/thu.toml": TINY_PLAN}) / "plans" / "thu.toml"
    assert main(["plan", str(plan), "--optimise", "--time-limit", "5", "--no-schedule"]) == 0
    out = capsys.readouterr().out
    assert "Tối ưu hoá" in out and "cận dưới" in out and "khoảng cách tối đa" in out
    assert main(["plan", str(plan), "--optimise", "--time-limit", "5", "--no-schedule", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    opt = doc["optimise"]
    assert {"objective", "bound", "gap", "greedy_objective", "method", "status", "optimal"} <= set(opt)
    assert opt["objective"] <= opt["greedy_objective"] + 1e-9 and opt["bound"] <= opt["objective"] + 1e-6
    assert main(["plan", str(plan), "--no-schedule", "--format", "json"]) == 0
    assert "optimise" not in json.loads(capsys.readouterr().out)
