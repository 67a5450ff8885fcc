"""Coverage per model and period, whether each target is met, and if not: the earliest
date it can be, the binding constraint in plain words, and how much more of which
resource would meet it (a search over extra capacity, re-running the planner).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..i18n import Message, Worded, msg
from .heuristic import STRATEGIES, Schedule, plan_waves
from .instance import Instance, TargetSpec, period_label, period_starts
from .labels import NOT_REACHED, PERIODS, POOLS, and_list, kind_word, model_word, period_msg
from .problem import STAGE_INDEX, below_pairs, below_days, build_jobs, requirement_target, scope_groups, target_days

SEARCH_STRATEGIES = STRATEGIES[:2]  # what-if re-runs: two strategies are enough to compare capacities


@dataclass(frozen=True)
class TargetResult(Worded):
    """One target's verdict. ``binding``: "" (met), "resource", "prerequisite", "pilot", "time" or "no-units".
    ``msg``: why it is not met and what would meet it (a Message, codes ``plan.reason.*``; empty when met
    or not searched). ``extra``: pool -> more needed per period (from ``extra_from``, the period's
    Vietnamese label) to meet it; ``earliest``: None = not within the periods searched."""

    target: TargetSpec
    eligible: int
    covered: int
    coverage: float
    met: bool
    earliest: dt.date | None
    binding: str = ""
    msg: Message = Message("")
    extra: dict[str, float] = field(default_factory=dict)
    extra_from: str = ""

    @property
    def message_vi(self) -> str:
        """Why the target is not met, in Vietnamese ("" when met); ``text(lang)`` in any language."""
        return self.msg.text("vi")


def extension(inst: Instance) -> int:
    """Periods to plan past the horizon so the earliest date of a late target can be found."""
    last = max([inst.start, *(t.date for t in inst.targets)])
    n = inst.horizon
    while period_starts(inst.start, inst.period, n)[-1] <= last:
        n += 1
    return max(n - inst.horizon, 0) + max(2 * inst.horizon, 20)


def run_plan(inst: Instance, *, progress=None, learn: bool = True) -> Schedule:
    """The plan over its horizon and, past it, as far as :func:`extension` (same decisions within the horizon)."""
    return plan_waves(inst, extra_periods=extension(inst), progress=progress, learn=learn)


def scope_mask(inst: Instance, scope: int) -> np.ndarray:
    """Units inside ``scope`` (-1 = every unit of the plan)."""
    n = len(inst.units)
    if scope < 0:
        return np.ones(n, dtype=bool)
    u = inst.units
    mask = np.arange(n) == scope
    for col in ("parent", "commune", "district", "province"):
        mask |= u[col].to_numpy() == scope
    return mask


def eligible_mask(inst: Instance, model: str, scope: int) -> np.ndarray:
    return scope_mask(inst, scope) & inst.units["kind"].isin(inst.models[model].kinds).to_numpy()


def _day(inst: Instance, d: dt.date) -> float:
    return float((d - inst.start).days)


def coverage_curves(sched: Schedule, *, lang: str = "vi") -> pd.DataFrame:
    """Coverage at the end of each period of the horizon, per planned model (whole plan) and per target.

    Columns: model, scope (name), period, label, date (last day), covered, eligible, coverage,
    target (the target's coverage, NaN for the whole-plan curve), target_date.
    """
    inst = sched.instance
    H = inst.horizon
    starts = period_starts(inst.start, inst.period, H)
    ends = [d - dt.timedelta(days=1) for d in starts[1:]]
    labels = [period_label(d, inst.period, lang) for d in starts[:-1]]
    curves = [(m, -1, math.nan, None) for m in inst.planned_models]
    curves += [(t.model, t.scope, t.coverage, t.date) for t in inst.targets if t.model in inst.models]
    rows = []
    root_name = _root_name(inst)
    for model, scope, target, tdate in curves:
        mask = eligible_mask(inst, model, scope)
        days = sched.scale_days(model)[mask]
        n = int(mask.sum())
        for t in range(H):
            covered = int((days < sched.bounds[t + 1]).sum())
            rows.append({"model": model, "scope": root_name if scope < 0 else str(inst.units.at[scope, "name"]),
                         "period": t, "label": labels[t], "date": ends[t], "covered": covered, "eligible": n,
                         "coverage": covered / n if n else math.nan, "target": target, "target_date": tdate})
    return pd.DataFrame(rows, columns=["model", "scope", "period", "label", "date", "covered", "eligible",
                                       "coverage", "target", "target_date"])


def _root_name(inst: Instance) -> str:
    top = inst.units[inst.units["kind"] == "province"]
    return str(top["name"].iloc[0]) if len(top) == 1 else (inst.name or "")


def _needed(target: TargetSpec, eligible: int) -> int:
    return int(math.ceil(target.coverage * eligible - 1e-9))


def _status(sched: Schedule, target: TargetSpec) -> tuple[int, int, bool, dt.date | None]:
    """(eligible, covered by the date, met, earliest date met)."""
    inst = sched.instance
    mask = eligible_mask(inst, target.model, target.scope)
    days = np.sort(sched.scale_days(target.model)[mask])
    n = len(days)
    covered = int((days <= _day(inst, target.date)).sum())
    need = _needed(target, n)
    if n == 0:
        return 0, 0, False, None
    if need == 0:
        return n, covered, True, inst.start
    kth = days[need - 1]
    earliest = None if not np.isfinite(kth) else inst.start + dt.timedelta(days=int(max(kth, 0)))
    return n, covered, covered >= need, earliest


def _meets(inst: Instance, target: TargetSpec) -> bool:
    """Whether ``inst`` meets ``target`` (planned only as far as the target's date: faster)."""
    n = 1
    while period_starts(inst.start, inst.period, n)[-1] <= target.date:
        n += 1
    sched = plan_waves(inst, extra_periods=n - inst.horizon, learn=False, strategies=SEARCH_STRATEGIES)
    return _status(sched, target)[2]


def evaluate_targets(sched: Schedule, *, search: bool = True, lang: str = "vi") -> list[TargetResult]:
    """Every target of the plan, met or not; for those not met, why and what would meet it."""
    out = []
    for target in sched.instance.targets:
        n, covered, met, earliest = _status(sched, target)
        res = TargetResult(target, n, covered, covered / n if n else math.nan, met, earliest)
        if n == 0:
            res = replace(res, binding="no-units", msg=msg("plan.reason.no_units"))
        elif not met and search:
            res = _diagnose(sched, res)
        out.append(res)
    return out


def _diagnose(sched: Schedule, res: TargetResult) -> TargetResult:
    inst, target = sched.instance, res.target
    relaxed = replace(inst, capacity={})
    rsched = plan_waves(relaxed, extra_periods=extension(inst), learn=False, strategies=SEARCH_STRATEGIES)
    _, _, rmet, rearliest = _status(rsched, target)
    if not rmet:
        return _structural(rsched, res, rearliest)
    return _resources(sched, res)


def _structural(rsched: Schedule, res: TargetResult, earliest_unlimited: dt.date | None) -> TargetResult:
    """Not met even with unlimited resources: prerequisites, pilot-first, or not enough time."""
    inst, target = rsched.instance, res.target
    spec = inst.models[target.model]
    day = _day(inst, target.date)
    jobs = build_jobs(inst)
    jobs = jobs[(jobs["model"] == target.model) & eligible_mask(inst, target.model, target.scope)[jobs["unit"].to_numpy()]]
    late_units = jobs["unit"].to_numpy()
    late_units = late_units[rsched.scale_days(target.model)[late_units] > day]
    latest_start = day - spec.onboard_days
    when = (msg("plan.reason.unlimited_met", day=earliest_unlimited) if earliest_unlimited
            else msg("plan.reason.unlimited_never"))

    def word(kind: str) -> Message:
        return kind_word(kind, inst.kinds, plural=True)

    def mode(units: np.ndarray) -> str:
        return str(pd.Series(inst.units["kind"].to_numpy()[units]).mode().iloc[0])

    # Prerequisites not ready in time, counted by the unit where they are missing.
    for req in spec.requires:
        if req.model not in inst.models:
            continue
        rspec = inst.models[req.model]
        sidx = STAGE_INDEX[req.stage]
        planned = not inst.planned or req.model in inst.planned
        outside = Message("") if planned else msg("plan.reason.not_in_plan")
        words = dict(model=model_word(req.model, rspec.name, rspec.name_en), not_reached=NOT_REACHED.msg(req.stage),
                     outside=outside, when=when)
        if req.where == "below":
            # Counted by the adopting units whose share of units below is not reached in time.
            ready = below_days(below_pairs(inst, req, late_units), rsched.reach[req.model][:, sidx], late_units)
            blocked = late_units[ready > latest_start]
            if not len(blocked):
                continue
            top = mode(blocked)
            return replace(res, binding="prerequisite",
                           msg=msg("plan.reason.prerequisite_below", share=req.share, kinds=word(req.kind), n=len(blocked),
                                   units=word(top), **words))
        tgt = requirement_target(inst, target.model, req, late_units)
        ready = target_days(rsched.reach[req.model], tgt, sidx)
        blocked = np.unique(tgt[(ready > latest_start) & (tgt >= 0) & (tgt < len(inst.units))])
        if len(blocked):
            kind = mode(blocked)
            return replace(res, binding="prerequisite",
                           msg=msg("plan.reason.prerequisite", n=len(blocked), units=word(kind), **words))
    if inst.pilot_first:
        groups = scope_groups(inst, late_units)
        pass_day = np.full(len(inst.units) + 1, np.inf)
        units, roles, starts = _planned(rsched, target.model)
        pilots = roles == "pilot"
        np.minimum.at(pass_day, scope_groups(inst, units[pilots]), starts[pilots] + spec.pilot_days)
        existing = inst.adopted[inst.adopted["model"] == target.model]
        if len(existing):
            eu = existing["unit"].to_numpy(dtype=np.int64)
            np.minimum.at(pass_day, scope_groups(inst, eu), rsched.reach[target.model][eu, STAGE_INDEX["scale"]])
        late_scopes = np.unique(groups[pass_day[groups] > latest_start])
        if len(late_scopes):
            kinds = [inst.units.at[g, "kind"] if g < len(inst.units) else "province" for g in late_scopes]
            kind = pd.Series(kinds).mode().iloc[0]
            return replace(res, binding="pilot", msg=msg("plan.reason.pilot", n=len(late_scopes), units=word(kind),
                                                         days=spec.pilot_days, when=when))
    return replace(res, binding="time", msg=msg("plan.reason.time", n=len(late_units), days=spec.onboard_days, when=when))


def _planned(sched: Schedule, model: str):
    j = sched.jobs[(sched.jobs["model"] == model) & (sched.jobs["period"] >= 0)]
    return j["unit"].to_numpy(), j["role"].to_numpy(), j["start_day"].to_numpy()


def _resources(sched: Schedule, res: TargetResult) -> TargetResult:
    """Met with unlimited resources: find which pool binds and how much more per period meets the target."""
    inst, target = sched.instance, res.target
    candidates: list[tuple[float, str, float, int]] = []
    for pool in sorted(inst.capacity):
        users = [inst.models[m].needs.get(pool, 0.0) for m in inst.planned_models]
        users = [u for u in users if u > 0]
        if not users:
            continue
        unlimited = replace(inst, capacity={**inst.capacity, pool: (1e18,)})
        if not _meets(unlimited, target):
            continue
        step = inst.models[target.model].needs.get(pool) or min(users)
        use = sched.use[sched.use["pool"] == pool].sort_values("period")
        tight = use[(use["used"] + step > use["capacity"] + 1e-9) & (use["period"] < inst.horizon)]
        t0 = int(tight["period"].iloc[0]) if len(tight) else 0
        k = _smallest(lambda k: _meets(inst.with_capacity({pool: k * step}, from_period=t0), target),
                      limit=max(res.eligible, 1) * 4)
        if k is None:
            continue
        cap = float(np.mean(inst.capacity[pool])) or 1.0
        candidates.append((k * step / cap, pool, k * step, t0))
    starts = period_starts(inst.start, inst.period, inst.horizon)
    earliest = msg("plan.date", day=res.earliest) if res.earliest else msg("plan.reason.beyond_search")
    period = PERIODS.msg(inst.period)
    if candidates:
        candidates.sort()
        _, pool, extra, t0 = candidates[0]
        others = [msg("plan.reason.or_more", amount=e, pool=POOLS.msg(p)) for _, p, e, _ in candidates[1:]]
        return replace(res, binding="resource",
                       extra={p: e for _, p, e, _ in candidates}, extra_from=period_label(starts[t0], inst.period, "vi"),
                       msg=msg("plan.reason.short_of_pool", amount=extra, pool=POOLS.msg(pool), period=period,
                               start=period_msg(starts[t0], inst.period),
                               others=msg("plan.reason.others", items=others) if others else Message(""),
                               earliest=earliest))
    # No single pool is enough: each pool's shortfall with the others unlimited, then all together.
    joint: dict[str, float] = {}
    steps: dict[str, float] = {}
    for pool in sorted(inst.capacity):
        users = [inst.models[m].needs.get(pool, 0.0) for m in inst.planned_models]
        users = [u for u in users if u > 0]
        if not users:
            continue
        step = inst.models[target.model].needs.get(pool) or min(users)
        others = {p: ((1e18,) if p != pool else v) for p, v in inst.capacity.items()}
        alone = replace(inst, capacity=others)
        k = _smallest(lambda k: _meets(alone.with_capacity({pool: k * step}), target), limit=max(res.eligible, 1) * 4)
        if k is None:
            joint = {}
            break
        joint[pool], steps[pool] = k * step, step
    if joint and _meets(inst.with_capacity(joint), target):
        amounts = and_list([msg("plan.amount", amount=e, pool=POOLS.msg(p)) for p, e in joint.items()])
        return replace(res, binding="resource", extra=joint, extra_from=period_label(starts[0], inst.period, "vi"),
                       msg=msg("plan.reason.short_of_pools", amounts=amounts, period=period,
                               start=period_msg(starts[0], inst.period), earliest=earliest))
    factors = [1.25, 1.5, 2, 3, 4, 6, 8, 16, 32]
    f = next((x for x in factors if _meets(inst.with_capacity(factor=x), target)), None)
    if f is None:
        return replace(res, binding="resource", msg=msg("plan.reason.short_of_several", earliest=earliest))
    more = {p: float(np.mean(v)) * (f - 1) for p, v in inst.capacity.items()}
    return replace(res, binding="resource", extra=more, extra_from=period_label(starts[0], inst.period, "vi"),
                   msg=msg("plan.reason.scale_all", share=f - 1, period=period, earliest=earliest))


def _smallest(ok, *, limit: int) -> int | None:
    """Smallest k in 1..limit with ok(k), assuming ok is monotone (doubling, then bisection)."""
    hi = 1
    while hi <= limit and not ok(hi):
        hi *= 2
    if hi > limit:
        if not ok(limit):
            return None
        hi = limit
    lo = hi // 2  # ok(lo) is False (or lo == 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def targets_frame(results: list[TargetResult], inst: Instance, lang: str = "vi") -> pd.DataFrame:
    """Target verdicts as rows (model, scope, target, date, coverage at the date, met, earliest, binding, message
    in ``lang``, message_en; the message's code and params are ``r.msg``)."""
    rows = []
    for r in results:
        t = r.target
        rows.append({
            "model": t.model, "scope": t.label or _root_name(inst), "target": t.coverage, "date": t.date,
            "eligible": r.eligible, "covered": r.covered, "coverage": r.coverage, "met": r.met,
            "earliest": r.earliest, "binding": r.binding,
            "message": r.msg.text(lang), "message_en": r.msg.text("en"),
            **{f"extra_{p}": v for p, v in r.extra.items()},
        })
    return pd.DataFrame(rows)
