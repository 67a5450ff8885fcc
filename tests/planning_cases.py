"""Hand-checkable planning instances and an independent checker of a schedule's rules,
shared by the tests/test_planning_*.py files."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from nhanrong.planning.instance import Instance, ModelSpec, Requirement, TargetSpec, make_adopted, make_units
from nhanrong.planning.problem import project_existing, scope_groups
from nhanrong.schema import STAGES

START = dt.date(2023, 1, 1)
DAYS = {"assess": 30, "pilot": 60, "evaluate": 30, "scale": 365}


def province(districts: dict[str, int], villages: int = 0) -> list[dict]:
    """Unit rows: province P, districts with n communes each (D1C00...), ``villages`` per commune."""
    rows = [{"key": "P", "kind": "province"}]
    for d, n in districts.items():
        rows.append({"key": d, "kind": "district", "parent": "P", "district": d, "province": "P"})
        for c in range(n):
            ck = f"{d}C{c:02d}"
            rows.append({"key": ck, "kind": "commune", "parent": d, "commune": ck, "district": d, "province": "P",
                         "lat": 21.0 + 0.01 * c, "lon": 105.0 + (0.5 if d.endswith("2") else 0.0)})
            for v in range(villages):
                rows.append({"key": f"{ck}V{v}", "kind": "village", "parent": ck, "commune": ck, "district": d, "province": "P"})
    return rows


def passed(unit: str, model: str) -> dict:
    """An adopter that reached scale in 2022: its scope has passed the pilot."""
    return {"unit": unit, "model": model, "assess": dt.date(2022, 1, 1), "pilot": dt.date(2022, 2, 1),
            "evaluate": dt.date(2022, 5, 1), "scale": dt.date(2022, 6, 1)}


def one_model(n_communes: int = 11, trainers: float = 2, horizon: int = 4, target: float | None = 1.0,
              target_date: dt.date = dt.date(2023, 6, 30), **kw) -> Instance:
    """One district of communes, model "a" costing 1 trainer per commune; commune 0 already at scale."""
    units = make_units(province({"D1": n_communes}))
    models = {"a": ModelSpec("a", "Mô hình A", ("commune",), {"trainers": 1.0}, DAYS)}
    adopted = make_adopted([passed("D1C00", "a")], units, START)
    targets = (TargetSpec("a", target, target_date),) if target is not None else ()
    return Instance(START, "quarter", horizon, units, models, adopted, {"trainers": (float(trainers),) * horizon},
                    targets=targets, **kw)


def two_models(trainers: float = 4, horizon: int = 6, **kw) -> Instance:
    """Villages run "team"; communes run "xa" which needs the team at scale in the same commune."""
    units = make_units(province({"D1": 3, "D2": 3}, villages=2))
    models = {
        "team": ModelSpec("team", "Tổ công nghệ số cộng đồng", ("village", "commune"), {"trainers": 1.0}, DAYS),
        "xa": ModelSpec("xa", "Mô hình xã", ("commune",), {"trainers": 2.0, "budget_vnd": 1e6}, DAYS,
                        (Requirement("team", "same", "scale"),)),
    }
    adopted = make_adopted([passed("D1C00", "team"), passed("D1C00V0", "team"), passed("D1C00", "xa")], units, START)
    return Instance(START, "quarter", horizon, units, models, adopted, {"trainers": (float(trainers),) * horizon}, **kw)


def planned_reach(inst, done) -> dict[str, np.ndarray]:
    """Stage days of every unit: existing projections plus the planned starts (``done``: unit, model,
    role, start_day) by role."""
    reach = project_existing(inst)
    for (u, m, role, d) in done[["unit", "model", "role", "start_day"]].itertuples(index=False):
        spec = inst.models[m]
        if role == "pilot":
            offs = [0, spec.days["assess"], spec.days["assess"] + spec.days["pilot"], spec.pilot_days]
        else:
            offs = [0, spec.onboard_days, spec.onboard_days, spec.onboard_days]
        reach[m][u] = d + np.array(offs, dtype=float)
    return reach


def requirement_met(inst, reach, u: int, model: str, req, day: float) -> bool:
    """Whether unit ``u`` (adopting ``model``) has ``req`` met on ``day``: written out unit by unit from
    the rules in the README and the brief, independently of the planner's arrays."""
    if req.model not in inst.models:
        return True
    s = STAGES.index(req.stage)
    units = inst.units
    if req.where == "below":
        if req.kind not in inst.models[req.model].kinds:
            return True
        below = [v for v in range(len(units)) if v != u and units.at[v, "kind"] == req.kind
                 and u in {int(units.at[v, c]) for c in ("parent", "commune", "district", "province")}]
        need = math.ceil(req.share * len(below) - 1e-9)
        return sum(reach[req.model][v, s] <= day for v in below) >= need
    v = u if req.where == "same" else int(units.at[u, req.where])
    if req.model == model and (v == u or units.at[u, "kind"] == req.where):
        return True  # its own requirement on itself
    return v >= 0 and reach[req.model][v, s] <= day


def check_requirements(inst, done, reach) -> None:
    """Every started unit (``done``: unit, model, start_day) had each prerequisite met when it started."""
    for (u, m, d) in done[["unit", "model", "start_day"]].itertuples(index=False):
        for req in inst.models[m].requires:
            assert requirement_met(inst, reach, int(u), m, req, d), (inst.units.at[u, "key"], m, req, d)


def check_rules(sched) -> None:
    """Assert capacity, prerequisites and pilot-first, recomputed independently of the planner's state."""
    inst = sched.instance
    jobs = sched.jobs
    done = jobs[jobs["period"] >= 0]
    # Capacity per pool and period.
    for pool in inst.capacity:
        cap = inst.capacity_array(pool, sched.periods)
        need = done["model"].map(lambda m: inst.models[m].needs.get(pool, 0.0)).to_numpy(dtype=float)
        used = np.bincount(done["period"].to_numpy(), weights=need, minlength=sched.periods)
        assert np.all(used <= cap + 1e-6), (pool, used, cap)
    reach = planned_reach(inst, done)
    for (u, m) in done[["unit", "model"]].itertuples(index=False):
        assert sched.reach[m][u, 3] == reach[m][u, 3]
    check_requirements(inst, done, reach)
    if not inst.pilot_first:
        return
    for m, grp in done.groupby("model"):
        spec = inst.models[m]
        g = scope_groups(inst, grp["unit"].to_numpy())
        pilots = grp[grp["role"] == "pilot"]
        pg = scope_groups(inst, pilots["unit"].to_numpy())
        assert len(set(pg)) == len(pg), "at most one pilot per scope"
        existing = inst.adopted[(inst.adopted["model"] == m) & inst.adopted[list(STAGES)].notna().any(axis=1)]
        eg = scope_groups(inst, existing["unit"].to_numpy())
        assert not set(pg) & set(eg), "no new pilot where one is under way"
        pass_day = {}
        for gg, u in zip(eg, existing["unit"]):
            pass_day[gg] = min(pass_day.get(gg, np.inf), reach[m][u, 3])
        for gg, d in zip(pg, pilots["start_day"]):
            pass_day[gg] = min(pass_day.get(gg, np.inf), d + spec.pilot_days)
        for gg, role, d in zip(g, grp["role"], grp["start_day"]):
            if role == "scale-out":
                assert pass_day.get(gg, np.inf) <= d, (m, gg, d)


# A one-model plan for the tiny data set of conftest.make_repo (district 132, 2023 by quarters).
TINY_PLAN = """\
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
