"""The rules both solvers share: which (unit, model) pairs are to be planned, how far
existing adopters have got, when a scope has passed its pilot, and the objective.

Defining these once is what makes the greedy planner and the exact CP-SAT model
solve the same problem, so their objectives can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import STAGES
from .instance import ANCESTOR_COLUMNS, NEVER, WHERE_COLUMNS, Instance, Requirement

STAGE_INDEX = {s: i for i, s in enumerate(STAGES)}
ROLES = ("pilot", "scale-out")


def build_jobs(inst: Instance) -> pd.DataFrame:
    """One row per (unit, model) to plan: eligible (kind in adopted_by), planned model, not started
    (no record, or a record without any stage date).

    Columns: unit (int), model. Ordered by model (in the instance's order) then unit.
    """
    kinds = inst.units["kind"].to_numpy()
    started = inst.adopted[inst.adopted[list(STAGES)].notna().any(axis=1)]
    frames = []
    for mid in inst.planned_models:
        spec = inst.models[mid]
        has_record = np.zeros(len(kinds), dtype=bool)
        has_record[started.loc[started["model"] == mid, "unit"].to_numpy(dtype=np.int64)] = True
        units = np.flatnonzero(np.isin(kinds, spec.kinds) & ~has_record)
        frames.append(pd.DataFrame({"unit": units.astype(np.int64), "model": mid}))
    if not frames:
        return pd.DataFrame({"unit": pd.Series([], dtype=np.int64), "model": pd.Series([], dtype=object)})
    return pd.concat(frames, ignore_index=True)


def job_weights(jobs: pd.DataFrame) -> np.ndarray:
    """Each model weighs 1 in total: a job of a model with n jobs weighs 1/n."""
    counts = jobs["model"].map(jobs["model"].value_counts())
    return (1.0 / counts.to_numpy(dtype=float)) if len(jobs) else np.zeros(0)


def objective(jobs: pd.DataFrame, periods: np.ndarray, horizon: int) -> float:
    """The cost both solvers minimise: sum over models of the mean start period of its jobs.

    ``periods`` holds each job's start period (0-based); a job not started within the
    horizon (-1 or >= horizon) counts as ``horizon``. Lower is better: units start sooner,
    and every model weighs the same however many units it has.
    """
    p = np.asarray(periods, dtype=float)
    p = np.where((p < 0) | (p >= horizon), horizon, p)
    return float(np.sum(job_weights(jobs) * p))


def project_existing(inst: Instance) -> dict[str, np.ndarray]:
    """For every model: an (N+1, 4) array of the day each unit reaches each stage (inf = never).

    Existing adopters reach a stage they have not recorded yet after the expected days
    of the stages before it, and never before day 0 (the plan starts from today's
    facts). Row N is a sentinel "no such unit" that never reaches anything.
    """
    n = len(inst.units)
    out = {m: np.full((n + 1, len(STAGES)), NEVER) for m in inst.models}
    if inst.adopted.empty:
        return out
    for mid, grp in inst.adopted.groupby("model", sort=False):
        if mid not in inst.models:
            continue
        spec = inst.models[mid]
        known = grp[list(STAGES)].to_numpy(dtype=float)
        proj = known.copy()
        # A later stage reached means the earlier ones were passed by then.
        for k in range(len(STAGES) - 2, -1, -1):
            proj[:, k] = np.where(np.isnan(proj[:, k]), proj[:, k + 1], proj[:, k])
        # Stages not reached yet: previous stage + its expected days, not before day 0.
        for k in range(1, len(STAGES)):
            nxt = np.maximum(proj[:, k - 1] + spec.days[STAGES[k - 1]], 0.0)
            proj[:, k] = np.where(np.isnan(proj[:, k]), nxt, proj[:, k])
        proj = np.where(np.isnan(proj), NEVER, proj)
        units = grp["unit"].to_numpy(dtype=np.int64)
        np.minimum.at(out[mid], units, proj)
    return out


def stage_offsets(inst: Instance, model: str, role: str) -> np.ndarray:
    """Days from start to each stage for a planned unit: a pilot goes through every stage,
    a scale-out unit assesses, then scales."""
    spec = inst.models[model]
    if role == "pilot":
        d = spec.days
        return np.array([0, d["assess"], d["assess"] + d["pilot"], spec.pilot_days], dtype=float)
    return np.array([0, spec.onboard_days, spec.onboard_days, spec.onboard_days], dtype=float)


def ancestor(inst: Instance, units: np.ndarray, where: str) -> np.ndarray:
    """The unit each requirement is checked at (N = none, the sentinel row). Not for "below"."""
    col = WHERE_COLUMNS[where]
    if col is None:
        return units
    anc = inst.units[col].to_numpy(dtype=np.int64)[units]
    return np.where(anc < 0, len(inst.units), anc)


def requirement_target(inst: Instance, model: str, req: Requirement, units: np.ndarray) -> np.ndarray:
    """The unit each of ``units`` (adopting ``model``) waits on for ``req`` (not "below").

    N (the sentinel row) = no such unit: never met. -1 = nothing to wait for: a requirement on
    the same model at the unit itself (a province's own "province" requirement) is ignored.
    """
    units = np.asarray(units, dtype=np.int64)
    anc = ancestor(inst, units, req.where)
    if req.model == model:
        kinds = inst.units["kind"].to_numpy()[units]
        anc = np.where((anc == units) | (kinds == req.where), -1, anc)
    return anc


def target_days(reach: np.ndarray, target: np.ndarray, stage: int) -> np.ndarray:
    """Day each target unit of :func:`requirement_target` reaches ``stage`` (-inf for -1: nothing to wait for)."""
    return np.where(target < 0, -np.inf, reach[target, stage])


@dataclass(frozen=True)
class Below:
    """A "below" requirement as pairs: ``top`` (an adopting unit) and ``unit`` (a unit of the
    requirement's kind under it, eligible for the required model), sorted by (top, unit); ``need``
    (N+1 values): how many units under each top must have reached the stage (0: nothing to wait for)."""

    top: np.ndarray
    unit: np.ndarray
    need: np.ndarray
    count: np.ndarray


def below_pairs(inst: Instance, req: Requirement, tops: np.ndarray | None = None) -> Below:
    """The units a "below" requirement counts, for every unit (or only ``tops``).

    A unit is under ``top`` when ``top`` is its parent, commune, district or province. Units of
    the kind that the required model is not adopted by do not count.
    """
    n = len(inst.units)
    spec = inst.models.get(req.model)
    if spec is not None and req.kind in spec.kinds:
        below = np.flatnonzero(inst.units["kind"].to_numpy() == req.kind)
    else:
        below = np.zeros(0, dtype=np.int64)
    top = np.concatenate([inst.units[c].to_numpy(dtype=np.int64)[below] for c in ANCESTOR_COLUMNS])
    unit = np.tile(below, len(ANCESTOR_COLUMNS))
    keep = (top >= 0) & (top != unit)
    if tops is not None:
        wanted = np.zeros(n + 1, dtype=bool)
        wanted[np.asarray(tops, dtype=np.int64)] = True
        keep &= wanted[np.where(top >= 0, top, n)]
    # A unit's parent is often its commune too: one pair each, sorted by (top, unit).
    key = np.unique(top[keep] * np.int64(n) + unit[keep])
    top, unit = key // n, key % n
    count = np.bincount(top, minlength=n + 1)
    need = np.ceil(req.share * count - 1e-9).astype(np.int64)
    return Below(top, unit, need, count)


def below_days(b: Below, days: np.ndarray, tops: np.ndarray) -> np.ndarray:
    """Day the share of units under each of ``tops`` has been reached, given ``days`` (N+1: the
    day each unit reaches the stage); -inf where there is nothing to wait for, inf = never."""
    tops = np.asarray(tops, dtype=np.int64)
    k = b.need[tops]
    if len(b.top) == 0:
        return np.full(len(tops), -np.inf)
    d = days[b.unit]
    order = np.lexsort((d, b.top))
    start = np.searchsorted(b.top[order], tops, "left")
    kth = d[order][np.clip(start + k - 1, 0, len(d) - 1)]
    return np.where(k <= 0, -np.inf, kth)


def requirement_days(inst: Instance, model: str, req: Requirement, units: np.ndarray,
                     reach: dict[str, np.ndarray]) -> np.ndarray:
    """Day each of ``units`` (adopting ``model``) has ``req`` met, from the stage days ``reach``
    (-inf = nothing to wait for, inf = never). A requirement on a model not in the instance is ignored."""
    units = np.asarray(units, dtype=np.int64)
    if req.model not in reach:
        return np.full(len(units), -np.inf)
    s = STAGE_INDEX[req.stage]
    if req.where == "below":
        return below_days(below_pairs(inst, req, units), reach[req.model][:, s], units)
    return target_days(reach[req.model], requirement_target(inst, model, req, units), s)


def ready_days(inst: Instance, model: str, units: np.ndarray, reach: dict[str, np.ndarray]) -> np.ndarray:
    """Day every prerequisite of ``model`` is met at each of ``units`` (-inf: none to wait for)."""
    out = np.full(len(units), -np.inf)
    for req in inst.models[model].requires:
        out = np.maximum(out, requirement_days(inst, model, req, units, reach))
    return out


def scope_groups(inst: Instance, units: np.ndarray) -> np.ndarray:
    """Pilot-first scope of each unit (N for units without one: they share one scope)."""
    g = inst.units["scope"].to_numpy(dtype=np.int64)[units]
    return np.where(g < 0, len(inst.units), g)


def initial_pass(inst: Instance, reach: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per model: (day each scope passes its pilot, whether a pilot is already under way there).

    A scope has passed evaluation when an adopter there reaches the scale stage; a scope
    with any dated adopter has its pilot under way and gets no second pilot.
    """
    n = len(inst.units)
    out = {}
    for mid in inst.models:
        pass_day = np.full(n + 1, NEVER)
        pending = np.zeros(n + 1, dtype=bool)
        sub = inst.adopted[inst.adopted["model"] == mid]
        if len(sub):
            u = sub["unit"].to_numpy(dtype=np.int64)
            dated = ~sub[list(STAGES)].isna().all(axis=1).to_numpy()
            g = scope_groups(inst, u[dated])
            np.minimum.at(pass_day, g, reach[mid][u[dated], STAGE_INDEX["scale"]])
            pending[g] = True
        out[mid] = (pass_day, pending)
    return out


def model_order(inst: Instance, jobs: pd.DataFrame) -> list[str]:
    """Models by weight per unit of scarce capacity, highest first (Smith's rule); free models first."""
    counts = jobs["model"].value_counts()
    keys = []
    topo = topological(inst)
    for mid in inst.planned_models:
        n = counts.get(mid, 0)
        if n == 0:
            continue
        spec = inst.models[mid]
        foot = 0.0
        for pool, need in spec.needs.items():
            if pool in inst.capacity and need > 0:
                cap = float(np.mean(inst.capacity[pool])) if len(inst.capacity[pool]) else 0.0
                foot += need / cap if cap > 0 else np.inf
        ratio = np.inf if foot == 0 else (1.0 / n) / foot
        keys.append((-ratio, topo.index(mid), mid))
    return [k[2] for k in sorted(keys)]


def topological(inst: Instance) -> list[str]:
    """Models with their prerequisites first (a cycle, reported by the loader, is broken arbitrarily)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(m: str, stack: tuple = ()) -> None:
        if m in seen or m not in inst.models or m in stack:
            return
        for r in inst.models[m].requires:
            if r.model != m:  # the same model at a higher level: no order between models
                visit(r.model, stack + (m,))
        seen.add(m)
        order.append(m)

    for m in inst.models:
        visit(m)
    return order
