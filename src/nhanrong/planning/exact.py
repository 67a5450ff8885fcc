"""The reference: the same planning problem solved exactly with OR-Tools CP-SAT.

For small instances only (tens to a few hundred units): one boolean per unit and
period. It encodes the rules of :mod:`problem` (capacity per pool and period,
prerequisites with stage offsets, pilot-first with at most one pilot per scope)
and minimises :func:`problem.objective`, so the greedy planner's objective can be
compared with the optimum. OR-Tools is a test extra: it is imported here, lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import NhanRongError
from .instance import Instance, period_bounds
from .problem import (STAGE_INDEX, below_pairs, build_jobs, initial_pass, objective, project_existing, requirement_target,
                      scope_groups, stage_offsets)

SCALE = 1000  # pool amounts are compared in thousandths
WEIGHT = 1_000_000  # objective weights 1/n are scaled to integers


class SolverError(NhanRongError, RuntimeError):
    """CP-SAT returned no schedule although the empty one is always feasible: a bug of the exact model."""


@dataclass(frozen=True)
class ExactResult:
    """``periods`` per job of :func:`problem.build_jobs` (-1 = not started); ``optimal`` if proven;
    ``roles``: pilot / scale-out ("" = not started), as in the greedy schedule."""

    jobs: pd.DataFrame
    periods: np.ndarray
    objective: float
    bound: float
    optimal: bool
    roles: np.ndarray | None = None


def model_size(inst: Instance) -> int:
    """Booleans the exact model needs: one per job and period (the measure of "too big")."""
    return len(build_jobs(inst)) * max(inst.horizon, 1)


def solve_exact(inst: Instance, *, time_limit: float = 10.0, workers: int = 4, hint: tuple | None = None,
                stop=None, gap_limit: float = 0.0) -> ExactResult:
    """Minimise the shared objective over the horizon with CP-SAT; raises ImportError without ortools.

    ``hint``: (periods, roles) per job of :func:`problem.build_jobs`, e.g. the greedy plan's: given to
    CP-SAT as a complete solution hint (a warm start), so its first solution is at least as good.
    ``stop``: a callable returning True to stop the search early (the best solution so far is kept).
    ``gap_limit``: stop as soon as the best solution is proven within this share of the bound (0 = search on)."""
    from ortools.sat.python import cp_model

    H = inst.horizon
    bounds = period_bounds(inst.start, inst.period, H).astype(int)
    jobs = build_jobs(inst)
    reach0 = project_existing(inst)
    passes = initial_pass(inst, reach0)
    m = cp_model.CpModel()
    n = len(jobs)
    x = [[m.NewBoolVar(f"x{j}_{t}") for t in range(H)] for j in range(n)]
    sched = [m.NewBoolVar(f"s{j}") for j in range(n)]
    pilot = [None] * n
    maxday = int(bounds[-1])
    D = [m.NewIntVar(0, maxday, f"d{j}") for j in range(n)]
    for j in range(n):
        m.Add(sum(x[j]) == sched[j])
        m.Add(D[j] == sum(int(bounds[t]) * x[j][t] for t in range(H)))

    models = jobs["model"].to_numpy()
    units = jobs["unit"].to_numpy(dtype=np.int64)
    job_of = {(mid, int(u)): j for j, (mid, u) in enumerate(zip(models, units))}

    def forbid_before(j: int, day: float) -> None:
        for t in range(H):
            if bounds[t] < day:
                m.Add(x[j][t] == 0)

    # Pilot-first.
    for mid in inst.planned_models:
        idx = np.flatnonzero(models == mid)
        if not inst.pilot_first or len(idx) == 0:
            continue
        pass_day, pending = passes[mid]
        groups = scope_groups(inst, units[idx])
        full = int(inst.models[mid].pilot_days)
        for g in np.unique(groups):
            members = idx[groups == g]
            if np.isfinite(pass_day[g]):
                for j in members:
                    forbid_before(j, pass_day[g])
                continue
            if pending[g]:
                for j in members:
                    m.Add(sched[j] == 0)
                continue
            P = m.NewIntVar(0, maxday, f"p{mid}_{g}")
            for j in members:
                pilot[j] = m.NewBoolVar(f"pl{j}")
                m.AddImplication(pilot[j], sched[j])
                m.Add(D[j] == P).OnlyEnforceIf(pilot[j])
            m.Add(sum(pilot[j] for j in members) <= 1)
            has = sum(pilot[j] for j in members)
            for j in members:
                cond = [sched[j], pilot[j].Not()]
                m.Add(has >= 1).OnlyEnforceIf(cond)
                m.Add(D[j] >= P + full).OnlyEnforceIf(cond)

    def reached_by(j: int, rmodel: str, v: int, s: int, lit) -> bool:
        """Enforce, when ``lit`` holds, that unit ``v`` has reached stage ``s`` of ``rmodel`` by job j's start.
        False when it never can (then ``lit`` must be false)."""
        ready = reach0[rmodel][v, s]
        if np.isfinite(ready):
            if ready > 0 and lit is sched[j]:
                forbid_before(j, ready)
            elif ready > 0:
                m.Add(D[j] >= int(np.ceil(ready))).OnlyEnforceIf(lit)
            return True
        jv = job_of.get((rmodel, v))
        if jv is None:
            return False
        off_so = int(stage_offsets(inst, rmodel, "scale-out")[s])
        off_p = int(stage_offsets(inst, rmodel, "pilot")[s])
        m.AddImplication(lit, sched[jv])
        extra = (off_p - off_so) * pilot[jv] if pilot[jv] is not None else 0
        m.Add(D[j] >= D[jv] + off_so + extra).OnlyEnforceIf(lit)
        return True

    # Prerequisites.
    for mid in inst.planned_models:
        idx = np.flatnonzero(models == mid)
        for req in inst.models[mid].requires:
            if req.model not in reach0 or len(idx) == 0:
                continue
            s = STAGE_INDEX[req.stage]
            if req.where == "below":
                # At least `need` of the units below have reached the stage: one literal per unit below.
                b = below_pairs(inst, req, units[idx])
                lo = np.searchsorted(b.top, units[idx], "left")
                hi = np.searchsorted(b.top, units[idx], "right")
                for j, a, z in zip(idx, lo, hi):
                    need = int(b.need[units[j]])
                    if need == 0:
                        continue
                    lits = []
                    for v in b.unit[a:z]:
                        if reach0[req.model][v, s] <= 0:
                            need -= 1  # reached already
                            continue
                        lit = m.NewBoolVar(f"b{j}_{v}")
                        if reached_by(j, req.model, int(v), s, lit):
                            lits.append(lit)
                        else:
                            m.Add(lit == 0)
                    if need <= 0:
                        continue
                    if len(lits) < need:
                        m.Add(sched[j] == 0)
                    else:
                        m.Add(sum(lits) >= need).OnlyEnforceIf(sched[j])
                continue
            targets = requirement_target(inst, mid, req, units[idx])
            for j, v in zip(idx, targets):
                if v < 0:
                    continue  # its own requirement on itself
                if not reached_by(j, req.model, int(v), s, sched[j]):
                    m.Add(sched[j] == 0)

    # Capacity.
    for pool in inst.capacity:
        cap = inst.capacity_array(pool, H)
        users = [(j, int(round(inst.models[models[j]].needs.get(pool, 0) * SCALE))) for j in range(n)]
        users = [(j, a) for j, a in users if a > 0]
        if not users:
            continue
        for t in range(H):
            m.Add(sum(a * x[j][t] for j, a in users) <= int(np.floor(cap[t] * SCALE + 1e-6)))

    counts = jobs["model"].value_counts()
    w = [int(round(WEIGHT / counts[models[j]])) for j in range(n)]
    m.Minimize(sum(w[j] * (sum(t * x[j][t] for t in range(H)) + H * (1 - sched[j])) for j in range(n)))

    if hint is not None:
        h_periods, h_roles = hint
        for j in range(n):
            t_j = int(h_periods[j])
            on = 0 <= t_j < H
            for t in range(H):
                m.AddHint(x[j][t], on and t == t_j)
            m.AddHint(sched[j], on)
            m.AddHint(D[j], int(bounds[t_j]) if on else 0)
            if pilot[j] is not None:
                m.AddHint(pilot[j], on and h_roles is not None and h_roles[j] == "pilot")

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    if gap_limit > 0:
        solver.parameters.relative_gap_limit = gap_limit
    if stop is not None:
        class _Stop(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if stop():
                    self.StopSearch()

        status = solver.Solve(m, _Stop())
    else:
        status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SolverError("plan.solver_bug")
    periods = np.array([next((t for t in range(H) if solver.Value(x[j][t])), -1) for j in range(n)], dtype=np.int64)
    roles = np.array(["" if periods[j] < 0 else "pilot" if pilot[j] is not None and solver.Value(pilot[j]) else "scale-out"
                      for j in range(n)], dtype=object)
    return ExactResult(
        jobs=jobs,
        periods=periods,
        objective=objective(jobs, periods, H),
        bound=solver.BestObjectiveBound() / WEIGHT,
        optimal=status == cp_model.OPTIMAL,
        roles=roles,
    )
