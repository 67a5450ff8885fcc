"""From the loaded programme and a plan file to a planning :class:`Instance`.

The plan's structure decides which units exist: in the new structure, old communes
are replaced by the new ones (their adoption dates projected onto the new commune,
earliest first) and villages, schools, agencies and party cells are placed under
their new commune. Units dissolved by the plan's start, or not yet established, are left out; the
units below a dissolved unit are planned under the unit it merged into.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import NhanRongError, UnknownScopeError
from ..i18n import Message
from ..graph import ProgrammeGraph, alive_at, positioned_units, stage_table
from ..registry import unit_key
from ..schema import MAX_HORIZON, STAGES, PlanFile
from ..problems import did_you_mean
from .instance import (ADOPTED_COLUMNS, MAX_PERIODS, UNIT_COLUMNS, Instance, ModelSpec, Requirement, TargetSpec,
                       fill_groups)
from .labels import PERIOD_COUNTS


class PlanError(NhanRongError):
    """A plan that cannot be turned into a planning problem (unknown scope, model or unit)."""


def model_specs(pg: ProgrammeGraph) -> dict[str, ModelSpec]:
    """Every model of the programme, as the planner sees it."""
    out = {}
    for mid, m in pg.programme.models.items():
        out[mid] = ModelSpec(
            id=mid, name=m.name, name_en=m.name_en or m.name, kinds=tuple(m.adopted_by),
            needs={k: float(v) for k, v in m.resources.items()},
            days={s: int(getattr(m.stages, s).expected_days) for s in STAGES},
            requires=tuple(Requirement(r.model, r.where, r.stage, r.kind or "", float(r.share)) for r in m.requires),
        )
    return out


def declared_kinds(pg: ProgrammeGraph) -> dict:
    """The kinds the repository declares, with its words for them (``[kinds]`` in nhanrong.toml)."""
    settings = getattr(pg.programme, "settings", None)
    return dict(getattr(settings, "kinds", None) or {})


def plan_units(pg: ProgrammeGraph, plan: PlanFile, *, national: bool = False) -> pd.DataFrame:
    """Units under the plan's scope (``national``: the whole country) that still exist at its
    start, ordered by key, numbered 0..N-1."""
    pos = positioned_units(pg, plan.structure, plan.start)  # units below a dissolved unit have moved on
    scope = unit_key(plan.structure, plan.scope)
    if not national and scope not in pos.index:
        raise UnknownScopeError("plan.scope_not_in_structure", scope=plan.scope, plan=plan.name, structure=plan.structure)
    inside = (pos.index == scope) | (pos["province"] == scope) | (pos["district"] == scope) | (pos["commune"] == scope)
    if national:
        inside = np.ones(len(pos), dtype=bool)
    alive = alive_at(pos, pd.Timestamp(plan.start))
    u = pos[inside & alive].sort_index()
    keys = u.index.to_numpy(dtype=object)
    # One factorize numbers the keys 0..N-1 (unique, first) and every ancestor column with them.
    cols = ("parent", "commune", "district", "province")
    codes, _ = pd.factorize(np.concatenate([keys, *(u[c].to_numpy(dtype=object) for c in cols)]), use_na_sentinel=True)
    n = len(keys)
    nums = {c: np.where(codes[(i + 1) * n:(i + 2) * n] < n, codes[(i + 1) * n:(i + 2) * n], -1).astype(np.int64)
            for i, c in enumerate(cols)}

    def num(col: pd.Series) -> np.ndarray:
        return nums[col.name]

    parent = num(u["parent"])
    commune = num(u["commune"])
    # A village under an old commune: in the new structure its parent is the new commune.
    parent = np.where(parent < 0, commune, parent)
    kinds = u["kind"].to_numpy()
    is_admin = np.isin(kinds, ["province", "district", "commune"])
    coords = pg.units.reindex(keys)
    frame = pd.DataFrame({
        "key": keys, "code": u["code"].to_numpy(), "name": u["name"].to_numpy(), "kind": kinds,
        "lat": coords["lat"].to_numpy(dtype=float), "lon": coords["lon"].to_numpy(dtype=float),
        "parent": np.where(is_admin & (kinds == "province"), -1, parent),
        "commune": commune, "district": num(u["district"]), "province": num(u["province"]),
        "scope": -1, "area": -1,
    })
    return fill_groups(frame)[UNIT_COLUMNS]


def _positions(index: pd.Index, values) -> np.ndarray:
    """Position of each value in ``index`` (-1 if absent), on plain object arrays (fast with Arrow strings)."""
    vals = np.asarray(pd.Series(values).astype(object).where(pd.notna(values), None).to_numpy(), dtype=object)
    return index.get_indexer(vals).astype(np.int64)


def plan_adopted(pg: ProgrammeGraph, plan: PlanFile, units: pd.DataFrame) -> pd.DataFrame:
    """Adoptions known at the plan's start (stage dates after it are left out), as days from the start."""
    t = stage_table(pg, plan.structure)
    pos = _positions(pd.Index(units["key"].to_numpy(dtype=object)), t["unit"])
    keep = pos >= 0
    start = np.datetime64(plan.start, "D")
    out = pd.DataFrame({"unit": pos[keep], "model": t["model"].to_numpy(dtype=object)[keep]})
    for s in STAGES:
        stamps = pd.to_datetime(t[s]).to_numpy()[keep].astype("datetime64[D]")
        days = (stamps - start).astype(float)
        days[np.isnat(stamps)] = np.nan
        out[s] = np.where(days > 0, np.nan, days)  # the plan starts from what was known at its start
    return out[ADOPTED_COLUMNS].reset_index(drop=True)


def plan_targets(pg: ProgrammeGraph, plan: PlanFile, units: pd.DataFrame) -> tuple[tuple[TargetSpec, ...], list[Message]]:
    """The plan's targets, or else the models' own coverage targets that fit the plan.

    Returns the targets and notes (messages, code ``plan.target_skipped``) on model targets left out:
    set in the other structure, outside the plan's scope, or dated before its start.
    """
    keys = pd.Series(np.arange(len(units)), index=units["key"].to_numpy())
    planned = plan.models or list(pg.programme.models)
    out: list[TargetSpec] = []
    notes: list[Message] = []

    def resolve(structure: str, code: str | None) -> int | None:
        if code is None:
            return -1
        k = unit_key(structure, code)
        return int(keys[k]) if k in keys.index else None

    if plan.targets:
        for t in plan.targets:
            idx = resolve(plan.structure, t.scope)
            if idx is None:
                raise PlanError("plan.target_outside_scope", model=t.model, scope=t.scope, plan_scope=plan.scope)
            out.append(TargetSpec(t.model, float(t.coverage), t.date, idx, _scope_name(units, idx, plan)))
        return tuple(out), notes
    for mid in planned:
        for t in pg.programme.models[mid].targets:
            if t.metric != "coverage":
                continue
            idx = resolve(t.structure, t.scope)
            if t.structure != plan.structure or idx is None or t.date < plan.start:
                notes.append(Message("plan.target_skipped", {"model": mid, "value": float(t.value), "structure": t.structure,
                                                          "scope": t.scope or "*", "day": t.date}))
                continue
            out.append(TargetSpec(mid, float(t.value), t.date, idx, _scope_name(units, idx, plan)))
    return tuple(out), notes


def _scope_name(units: pd.DataFrame, idx: int, plan: PlanFile) -> str:
    if idx < 0:
        root = units.index[units["key"] == unit_key(plan.structure, plan.scope)]
        return str(units.at[root[0], "name"]) if len(root) else plan.scope
    return str(units.at[idx, "name"])


def build_instance(pg: ProgrammeGraph, plan: PlanFile, *, national: bool = False) -> tuple[Instance, list[Message]]:
    """The planning problem for ``plan`` on the programme, and notes on what was left out.

    ``national``: plan every unit of the structure, whatever the plan's scope (the benchmark).
    """
    check_horizon(plan)
    models = model_specs(pg)
    for mid in [*plan.models, *(t.model for t in plan.targets)]:
        if mid not in models:
            raise PlanError("plan.unknown_model", model=mid, hint=did_you_mean(mid, list(models)))
    units = plan_units(pg, plan, national=national)
    adopted = plan_adopted(pg, plan, units)
    targets, notes = plan_targets(pg, plan, units)
    by_code: dict[str, int] = {}
    if plan.priorities.units_first:
        for i, c in enumerate(units["code"].to_numpy(dtype=object)):
            by_code.setdefault(c, i)
    first = []
    for code in plan.priorities.units_first:
        if code not in by_code:
            raise PlanError("plan.priority_unit_outside", unit=code, plan_scope=plan.scope)
        first.append(by_code[code])
    check_span(plan, targets)
    inst = Instance(
        start=plan.start, period=plan.period, horizon=plan.horizon, units=units, models=models, adopted=adopted,
        capacity={k: (float(v),) * plan.horizon for k, v in plan.resources.items()},
        planned=tuple(plan.models), targets=targets, pilot_first=plan.pilot_first, rule=plan.priorities.rule,
        units_first=tuple(first), name=plan.name, structure=plan.structure, kinds=declared_kinds(pg),
    )
    return inst, notes


def check_horizon(plan: PlanFile) -> None:
    """Refuse a horizon the planner cannot lay out (more than MAX_HORIZON periods), with a message."""
    h = plan.horizon
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or not 0 < h <= MAX_HORIZON:
        raise PlanError("plan.bad_horizon", plan=plan.name, horizon=h, max=MAX_HORIZON, periods=_periods(plan.period))


def periods_until(start: dt.date, period: str, day: dt.date) -> int:
    """How many periods from ``start`` until the one that contains ``day`` ends (0 when it is before the start)."""
    if day < start:
        return 0
    if period == "week":
        return (day - start).days // 7 + 1
    step = 3 if period == "quarter" else 1
    months = (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
    return months // step + 1


def check_span(plan: PlanFile, targets: tuple[TargetSpec, ...]) -> None:
    """Refuse a plan whose forecast would need more than MAX_PERIODS periods (a target far past the horizon)."""
    last = max([plan.start, *(t.date for t in targets)])
    need = max(plan.horizon, periods_until(plan.start, plan.period, last)) + max(2 * plan.horizon, 20)
    if need > MAX_PERIODS:
        far = max(targets, key=lambda t: t.date)
        raise PlanError("plan.target_too_far", model=far.model, day=far.date, start=plan.start, need=need,
                        periods=_periods(plan.period), max=MAX_PERIODS)


def _periods(period: str):
    """The words for a count of ``period`` ("quý", "quarters"); "kỳ" / "periods" for an unknown one."""
    return PERIOD_COUNTS.msg(period if period in PERIOD_COUNTS else "")


def plan_end(plan: PlanFile) -> dt.date:
    from .instance import period_starts

    return period_starts(plan.start, plan.period, plan.horizon)[-1]
