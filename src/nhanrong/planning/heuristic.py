"""The planner: greedy list scheduling, period by period, under resource limits.

Each period, models take their turn in the order of :func:`problem.model_order`
(weight per unit of scarce capacity); within a model, units are ranked once by the
plan's priority rule. A unit is a candidate when its prerequisites are ready at the
start of the period and its scope has passed a pilot (pilot-first); in a scope with
no pilot, the best-ranked candidate starts as the pilot. Each model takes as many
candidates as the pools left in the period allow (all units of a model cost the
same, so this is first-fit). A few such passes (model orders, pilots first or not:
:data:`STRATEGIES`) are run and the lowest objective kept. Then a repair pass
(:func:`_improve`, on plans up to a province's size) holds models back in some periods
to make room for others (what they leave is filled at the end of the period) and keeps
each change that lowers the objective. Pure and deterministic: same instance, same schedule.

Why greedy and not the CP-SAT model of :mod:`exact` as the engine: the exact model
has one boolean per unit and period (2 million for a country over 24 months) and
proves optimality only for a few hundred units, while list scheduling is linear in
units x periods, runs a country in seconds, and on the instances the exact model can solve is
0.04% above the optimum on average (worst seen 10.2% of 1,999 small random instances), 0.27%
above CP-SAT's bound on plans/lao-cai-2026.toml (tests/test_planning_quality.py, bench/planner.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from .instance import Instance, period_bounds
from .nearest import nearest_source, unit_coords
from .problem import (
    STAGE_INDEX,
    below_pairs,
    build_jobs,
    initial_pass,
    model_order,
    objective,
    project_existing,
    ready_days,
    requirement_target,
    scope_groups,
    stage_offsets,
    target_days,
    topological,
)

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Schedule:
    """A plan's result. ``jobs``: one row per (unit, model) to plan, with columns unit, model,
    rank (priority within the model), period (-1 = not within the periods planned), role
    (pilot / scale-out / ""), start_day, scale_day (inf = not planned), learned_from (unit or -1).
    ``reach``: model -> (N+1, 4) stage days of every unit, existing and planned.
    ``use``: period, pool, used, capacity. ``periods``: periods planned (horizon + extra)."""

    instance: Instance
    periods: int
    bounds: np.ndarray
    jobs: pd.DataFrame
    reach: dict[str, np.ndarray]
    use: pd.DataFrame
    proof: Any = None
    """With ``nhanrong plan --optimise``: the :class:`~nhanrong.planning.optimise.Proof` (objective,
    best bound, gap, method) of this schedule; None for a plain greedy plan."""

    @property
    def objective(self) -> float:
        return objective(self.jobs, self.jobs["period"].to_numpy(), self.instance.horizon)

    def scale_days(self, model: str) -> np.ndarray:
        """Day each unit reaches the scale stage of ``model`` (inf = never), for units 0..N-1."""
        return self.reach[model][:-1, STAGE_INDEX["scale"]]


def unlock_weight(inst: Instance, jobs: pd.DataFrame, reach: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Per model: for each unit, the objective weight of the other jobs waiting on it as a prerequisite.

    Under a "below" requirement, each unit below that has not reached the stage yet (in ``reach``)
    gets the waiting job's weight over how many more it waits for.
    """
    n = len(inst.units)
    out = {m: np.zeros(n + 1) for m in inst.models}
    weights = 1.0 / jobs["model"].map(jobs["model"].value_counts()).to_numpy(dtype=float) if len(jobs) else np.zeros(0)
    for mid, grp in jobs.groupby("model", sort=False):
        units = grp["unit"].to_numpy(dtype=np.int64)
        w = weights[grp.index.to_numpy()]
        for req in inst.models[mid].requires:
            if req.model not in out:
                continue
            if req.where == "below":
                b = below_pairs(inst, req, units)
                wt = np.zeros(n + 1)
                wt[units] = w
                done = np.zeros(len(b.unit), dtype=bool)
                if reach is not None and req.model in reach:
                    done = np.isfinite(reach[req.model][b.unit, STAGE_INDEX[req.stage]])
                missing = np.maximum(b.need - np.bincount(b.top[done], minlength=n + 1), 0)
                per = np.where(missing > 0, wt / np.maximum(missing, 1), 0.0)
                out[req.model] += np.bincount(b.unit, weights=per[b.top] * ~done, minlength=n + 1)
                continue
            target = requirement_target(inst, mid, req, units)
            keep = target >= 0
            out[req.model] += np.bincount(target[keep], weights=w[keep], minlength=n + 1)
    return out


def priority_rank(inst: Instance, model: str, units: np.ndarray, reach: dict[str, np.ndarray],
                  pass_day: np.ndarray, coords=None, unlocks: np.ndarray | None = None) -> np.ndarray:
    """Rank (0 = first) of each unit of ``units`` for ``model`` under the plan's rule.

    readiness: earliest day it could start (prerequisites, pilot passed in its scope);
    neighbours: an adopter in the same commune, then district, province, then distance;
    every-area: round-robin over areas (first unit of each commune/district, then the second...);
    explicit: the plan's ``units_first`` in their order, then readiness.
    ``units_first`` go first under every rule. Ties: the unit's key.
    """
    n = len(units)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key_rank = inst.units["key"].rank(method="first").to_numpy(dtype=np.int64)[units]
    ready = np.maximum(ready_days(inst, model, units, reach), 0.0)
    if inst.pilot_first:
        ready = np.maximum(ready, np.where(np.isinf(pass_day[scope_groups(inst, units)]), 0.0, pass_day[scope_groups(inst, units)]))
    ready = np.where(np.isinf(ready), 1e12, ready)
    # Among equals, a unit others wait on (a prerequisite) goes first.
    unlock = -np.round(unlocks[units], 9) if unlocks is not None else np.zeros(n)
    first_pos = {u: i for i, u in enumerate(inst.units_first)}
    explicit = np.array([first_pos.get(int(u), len(first_pos)) for u in units]) if first_pos else np.zeros(n, dtype=np.int64)
    rule = inst.rule
    if rule == "neighbours":
        adopters = np.flatnonzero(np.isfinite(reach[model][:-1, STAGE_INDEX["assess"]]))
        _, level, dist = nearest_source(inst.units, units, np.full(n, np.inf), adopters, np.zeros(len(adopters)), coords)
        order = np.lexsort((key_rank, unlock, ready, np.round(dist, 3), level, explicit))
    elif rule == "every-area":
        base = np.lexsort((key_rank, unlock, ready))
        area = inst.units["area"].to_numpy(dtype=np.int64)[units]
        turn = np.empty(n, dtype=np.int64)
        turn[base] = pd.Series(area[base]).groupby(area[base]).cumcount().to_numpy()
        pos = np.empty(n, dtype=np.int64)
        pos[base] = np.arange(n)
        order = np.lexsort((pos, turn, explicit))
    else:  # readiness, explicit
        order = np.lexsort((key_rank, unlock, ready, explicit))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def _requirement_check(inst: Instance, model: str, req, units: np.ndarray):
    """What :func:`_run` checks a requirement with: (model, target per unit, stage, None) or, for
    "below", (model, None, stage, the pairs of :func:`problem.below_pairs` under ``units``)."""
    sidx = STAGE_INDEX[req.stage]
    if req.where == "below":
        return req.model, None, sidx, below_pairs(inst, req, units)
    return req.model, requirement_target(inst, model, req, units), sidx, None


STRATEGIES: tuple[tuple[str, bool], ...] = (
    ("ratio", False), ("ratio", True), ("topological", False), ("topological", True), ("reverse", False), ("reverse", True),
)
"""Model order each period x how models share a period (see :func:`_run`); the best one is kept."""
PERMUTE_UP_TO = 4  # with this many models or fewer, every model order is tried too


def plan_waves(inst: Instance, *, extra_periods: int = 0, progress: Progress | None = None,
               learn: bool = True, strategies: tuple[tuple[str, bool], ...] = STRATEGIES,
               fixed: tuple[np.ndarray, np.ndarray] | None = None, improve: bool | None = None) -> Schedule:
    """Assign each unit to plan a start period; see the module docstring for the rules.

    A few list-scheduling strategies are run and the one with the lowest objective is
    kept (ties: the first). ``extra_periods`` plans past the horizon with the last
    period's capacity (to find the earliest date a target can be met). ``progress``
    gets the share done (0..1). ``learn`` = False skips naming whom each unit learns
    from (faster what-if runs). ``fixed``: (period, role) of every job of :func:`problem.build_jobs`
    within the horizon (e.g. CP-SAT's plan): kept as they are; only the periods past the horizon
    (``extra_periods``) are planned, greedily, for the jobs left. ``improve``: run the repair pass
    of :func:`_improve` on the best pass (default: with the default strategies and nothing fixed).
    """
    H = max(inst.horizon + extra_periods, 1)
    bounds = period_bounds(inst.start, inst.period, H)
    jobs = build_jobs(inst)
    reach0 = project_existing(inst)
    passes0 = initial_pass(inst, reach0)
    coords = unit_coords(inst.units) if (learn or inst.rule == "neighbours") else None
    caps = {p: inst.capacity_array(p, H) for p in inst.capacity}
    unlocks = unlock_weight(inst, jobs, reach0)
    static: dict[str, dict] = {}
    for mid, grp in jobs.groupby("model", sort=False):
        units = grp["unit"].to_numpy(dtype=np.int64)
        rank = priority_rank(inst, mid, units, reach0, passes0[mid][0], coords, unlocks[mid])
        by_rank = np.argsort(rank, kind="stable")
        static[mid] = {
            "rows": grp.index.to_numpy()[by_rank],
            "units": units[by_rank],
            "rank": np.sort(rank),
            "groups": scope_groups(inst, units[by_rank]),
            "scope_size": np.bincount(scope_groups(inst, units), minlength=len(inst.units) + 1),
            "reqs": [_requirement_check(inst, mid, r, units[by_rank]) for r in inst.models[mid].requires if r.model in reach0],
            "needs": {p: float(a) for p, a in inst.models[mid].needs.items() if p in caps and a > 0},
        }
    ratio = model_order(inst, jobs)
    topo = [m for m in topological(inst) if m in ratio]
    named = {"ratio": ratio, "topological": topo, "reverse": ratio[::-1]}
    runs = [(named[o], p) for o, p in strategies]
    if fixed is not None:
        runs = [(ratio, False)]
    elif len(ratio) <= PERMUTE_UP_TO and strategies is STRATEGIES:
        # Few models: every order of them is cheap to try.
        runs += [(list(o), p) for o in itertools.permutations(ratio) for p in (False, True)
                 if (list(o), p) not in runs]
    if improve is None:
        improve = fixed is None and strategies is STRATEGIES
    budget = repair_budget(len(jobs), inst.horizon) if improve else 0
    share = 0.5 if budget else 1.0  # of the progress bar: the passes, then the repair
    best, best_run = None, None
    for i, (order, pilot_phase) in enumerate(runs):
        sub = None if progress is None else (lambda x, i=i: progress(share * (i + x) / len(runs)))
        result = _run(inst, H, bounds, jobs, static, order, pilot_phase, reach0, passes0, caps, sub, fixed)
        if best is None or result[0] < best[0] - 1e-12:
            best, best_run = result, (order, pilot_phase)
    if budget:
        sub = None if progress is None else (lambda x: progress(share + (1 - share) * x))
        limits = _improve(inst, bounds, jobs, static, *best_run, reach0, passes0, caps, best[1], best[0], budget, sub)
        if limits is not None:
            best = _run(inst, H, bounds, jobs, static, *best_run, reach0, passes0, caps, None, None, limits)
        if progress is not None:
            progress(1.0)
    _, periods, roles, reach, remaining = best

    out = jobs.copy()
    out["period"] = periods
    out["role"] = roles
    out["rank"] = -1
    for mid, st in static.items():
        out.loc[st["rows"], "rank"] = st["rank"]
    out["rank"] = out["rank"].astype(np.int64)
    out["start_day"] = np.where(out["period"] >= 0, bounds[out["period"].clip(lower=0)], np.inf)
    out["scale_day"] = np.inf
    out["learned_from"] = -1
    scale = STAGE_INDEX["scale"]
    for mid, grp in out.groupby("model", sort=False):
        out.loc[grp.index, "scale_day"] = reach[mid][grp["unit"].to_numpy(), scale]
        if learn:
            sched = grp[grp["period"] >= 0]
            if len(sched):
                adopters = np.flatnonzero(np.isfinite(reach[mid][:-1, scale]))
                src, _, _ = nearest_source(inst.units, sched["unit"].to_numpy(), sched["start_day"].to_numpy(),
                                           adopters, reach[mid][adopters, scale], coords)
                out.loc[sched.index, "learned_from"] = src
    out["learned_from"] = out["learned_from"].astype(np.int64)
    use_rows = [
        {"period": t, "pool": p, "used": float(caps[p][t] - remaining[p][t]), "capacity": float(caps[p][t])}
        for p in caps for t in range(H)
    ]
    use = pd.DataFrame(use_rows, columns=["period", "pool", "used", "capacity"])
    return Schedule(inst, H, bounds, out, reach, use)


def _run(inst, H, bounds, jobs, static, order, pilot_phase, reach0, passes0, caps, progress, fixed=None, limits=None):
    """One list-scheduling pass; returns (objective, periods per job row, roles, reach, remaining).

    ``pilot_phase``: False = each model in ``order`` takes all it can; True = every model's
    pilots first, then scale-outs. ``limits``: model -> most units it may start in each period
    (an array over the first periods; the repair pass of :func:`_improve` holds models back with it).
    """
    reach = {m: a.copy() for m, a in reach0.items()}
    passes = {m: (p.copy(), q.copy()) for m, (p, q) in passes0.items()}
    remaining = {p: c.copy() for p, c in caps.items()}
    state = {m: {"done": np.zeros(len(st["units"]), dtype=bool), "period": np.full(len(st["units"]), -1, dtype=np.int64),
                 "role": np.full(len(st["units"]), "", dtype=object), "taken": np.zeros(H, dtype=np.int64)}
             for m, st in static.items()}
    scale = STAGE_INDEX["scale"]

    def candidates(mid: str, t: int, roles: tuple[str, ...]) -> tuple[np.ndarray, int]:
        st, sv = static[mid], state[mid]
        day = bounds[t]
        pend = np.flatnonzero(~sv["done"])
        if len(pend) == 0:
            return pend, 0
        ok = np.ones(len(pend), dtype=bool)
        for rmodel, target, sidx, below in st["reqs"]:
            if below is None:
                ok &= target_days(reach[rmodel], target[pend], sidx) <= day
            else:
                # Units below each pending one that have reached the stage, against how many it needs.
                got = np.bincount(below.top[reach[rmodel][below.unit, sidx] <= day], minlength=len(below.need))
                tops = st["units"][pend]
                ok &= got[tops] >= below.need[tops]
        if not inst.pilot_first:
            return pend[ok], 0
        pass_day, pending = passes[mid]
        g = st["groups"][pend]
        pilots = np.zeros(0, dtype=np.int64)
        if "pilot" in roles:
            cand_p = pend[ok & np.isinf(pass_day[g]) & ~pending[g]]
            _, first = np.unique(st["groups"][cand_p], return_index=True)
            pilots = cand_p[np.sort(first)]
            # A pilot unlocks its scope: scopes with more units waiting go first.
            pilots = pilots[np.argsort(-st["scope_size"][st["groups"][pilots]], kind="stable")]
        scale_outs = pend[ok & (pass_day[g] <= day)] if "scale-out" in roles else np.zeros(0, dtype=np.int64)
        return np.concatenate([pilots, scale_outs]), len(pilots)

    def fit(mid: str, t: int, n: int) -> int:
        for pool, need in static[mid]["needs"].items():
            n = min(n, int(np.floor(remaining[pool][t] / need + 1e-9)))
        return max(n, 0)

    def commit(mid: str, t: int, take: np.ndarray, n_pilots: int) -> None:
        st, sv = static[mid], state[mid]
        k = len(take)
        day = bounds[t]
        for pool, need in st["needs"].items():
            remaining[pool][t] -= need * k
        sv["done"][take] = True
        sv["period"][take] = t
        sv["taken"][t] += k
        is_pilot = np.arange(k) < n_pilots
        sv["role"][take] = np.where(is_pilot, "pilot", "scale-out")
        units = st["units"][take]
        for role, mask in (("pilot", is_pilot), ("scale-out", ~is_pilot)):
            if mask.any():
                reach[mid][units[mask]] = day + stage_offsets(inst, mid, role)
        if is_pilot.any():
            pass_day, pending = passes[mid]
            pg = st["groups"][take[is_pilot]]
            pending[pg] = True
            pass_day[pg] = np.minimum(pass_day[pg], reach[mid][units[is_pilot], scale])

    phases = (("pilot",), ("scale-out",)) if (pilot_phase and inst.pilot_first) else (("pilot", "scale-out"),)
    if fixed is not None:
        f_period = {m: np.asarray(fixed[0])[st["rows"]] for m, st in static.items()}
        f_pilot = {m: np.asarray(fixed[1], dtype=object)[st["rows"]] == "pilot" for m, st in static.items()}
    for t in range(H):
        if fixed is not None and t < inst.horizon:
            for mid in order:
                take = np.flatnonzero(f_period[mid] == t)
                if len(take):
                    pil = f_pilot[mid][take]
                    commit(mid, t, np.concatenate([take[pil], take[~pil]]), int(pil.sum()))
            continue
        for roles in phases:
            for mid in order:
                cands, n_pilots = candidates(mid, t, roles)
                k = fit(mid, t, len(cands))
                if limits is not None and mid in limits and t < len(limits[mid]):
                    k = min(k, int(limits[mid][t]) - int(state[mid]["taken"][t]))
                if k > 0:
                    commit(mid, t, cands[:k], min(n_pilots, k))
        if limits is not None:
            # Models held back get what the others left in the period: no capacity is left idle.
            for mid in order:
                if mid in limits and t < len(limits[mid]) and state[mid]["taken"][t] >= limits[mid][t]:
                    cands, n_pilots = candidates(mid, t, ("pilot", "scale-out"))
                    k = fit(mid, t, len(cands))
                    if k > 0:
                        commit(mid, t, cands[:k], min(n_pilots, k))
        if progress is not None:
            progress((t + 1) / H)

    periods = np.full(len(jobs), -1, dtype=np.int64)
    roles_out = np.full(len(jobs), "", dtype=object)
    for mid, st in static.items():
        periods[st["rows"]] = state[mid]["period"]
        roles_out[st["rows"]] = state[mid]["role"]
    return objective(jobs, periods, inst.horizon), periods, roles_out, reach, remaining


REPAIR_WORK = 10_000_000
"""What the repair pass may spend, in job-periods decoded (one pass over a plan costs about its jobs x
periods): hundreds of passes for a province's plan (a few hundred ms), none for a country's."""
REPAIR_MIN_PASSES = 20  # fewer affordable than this: no repair pass
REPAIR_MAX_PASSES = 400


def repair_budget(n_jobs: int, horizon: int) -> int:
    """Passes the repair pass of :func:`_improve` may run on a plan of this size (0 = none)."""
    n = REPAIR_WORK // max(n_jobs * max(horizon, 1), 1)
    return int(min(n, REPAIR_MAX_PASSES)) if n >= REPAIR_MIN_PASSES else 0


def _improve(inst, bounds, jobs, static, order, pilot_phase, reach0, passes0, caps, periods, obj, budget, progress=None):
    """The repair pass: hold models back to make room for others, keeping what lowers the objective.

    A greedy pass lets the model first in line take all it can in a period, even when another model
    would use the period's pools better (e.g. party cells take the trainers' hours of the quarter that
    communes needed before the devices run out for schools). Starting from the best pass, it tries,
    period by period and model by model, a limit on how many units the model starts in the period
    (none, a quarter, half, three quarters of what it started) and re-runs the same pass over the
    horizon with it; a limit is kept when the objective falls, and the sweep repeats until nothing
    improves or ``budget`` passes are spent. Every pass obeys every rule, so the result does too;
    deterministic. Returns the limits (model -> per-period maximum), or None when nothing improved.
    """
    Hs = max(min(inst.horizon, len(bounds) - 1), 1)
    caps_s = {p: c[:Hs] for p, c in caps.items()}
    big = np.iinfo(np.int64).max // 2
    limits = {m: np.full(Hs, big, dtype=np.int64) for m in order}

    def counts(per: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for m in order:
            p = per[static[m]["rows"]]
            out[m] = np.bincount(p[(p >= 0) & (p < Hs)], minlength=Hs)
        return out

    evals, changed, improved = 0, False, True
    while improved and evals < budget:
        improved = False
        cnt = counts(periods)
        for t in range(Hs):
            for m in order:
                c = int(cnt[m][t])
                for new in sorted({0, c // 4, c // 2, (3 * c) // 4} - {c}):
                    if evals >= budget:
                        break
                    trial = dict(limits)
                    trial[m] = limits[m].copy()
                    trial[m][t] = new
                    o, per, *_ = _run(inst, Hs, bounds, jobs, static, order, pilot_phase, reach0, passes0, caps_s, None, None, trial)
                    evals += 1
                    if progress is not None:
                        progress(evals / budget)
                    if o < obj - 1e-9:
                        obj, periods, limits, changed, improved = o, per, trial, True, True
                        cnt = counts(periods)
                        break
    return limits if changed else None
