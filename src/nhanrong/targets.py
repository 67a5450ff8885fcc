"""Targets versus actuals (nhìn được): each target, its actual value, the gap and a verdict.

"On track" is judged from the pace of the last period: the actual value at ``as_of``
and six months earlier, extrapolated in a straight line to the target date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .graph import ProgrammeGraph
from .registry import unit_key
from .status import STAGE_NAMES, _provinces_with_data, _ts, all_stages, latest_readings, rollup_metrics, scope_unit

PACE_MONTHS = 6
VERDICTS = ("met", "on-track", "behind", "overdue")
VERDICT_VI = {"met": "Đạt", "on-track": "Đúng tiến độ", "behind": "Chậm", "overdue": "Quá hạn"}
VERDICT_EN = {"met": "Met", "on-track": "On track", "behind": "Behind", "overdue": "Overdue"}
TARGET_COLUMNS = ["model", "metric", "scope", "structure", "target", "target_date", "actual", "gap", "verdict",
                  "projected", "verdict_vi", "verdict_en", "scope_name", "actual_before", "pace_from", "note"]


def _scope_or_all(pg: ProgrammeGraph, structure: str, scope: str | None) -> str | None:
    """A target's scope code, or None (the whole data set) when it is not a unit of its structure."""
    if scope and unit_key(structure, scope) in pg.units.index:
        return scope
    return None


def _actual(pg: ProgrammeGraph, model: str, metric: str, structure: str, scope: str | None, when: pd.Timestamp,
            shared: dict | None = None) -> float:
    """The value of ``metric`` (or coverage) for ``model`` under ``scope`` (None: every province with
    data) at ``when``. ``shared``: a dict kept across the targets of one call, so that targets on the
    same scope and date share one pass over the data."""
    shared = {} if shared is None else shared
    if metric == "coverage":
        counts = shared.get(("coverage", structure, scope, when))
        if counts is None:
            counts = shared[("coverage", structure, scope, when)] = _coverage_counts(pg, structure, scope, when)
        eligible, scale = counts.get(model, (0, 0))
        return float(scale / eligible) if eligible else float("nan")
    vals = shared.get(("metrics", structure, scope, when))
    if vals is None:
        vals = shared[("metrics", structure, scope, when)] = _metric_actuals(pg, structure, scope, when)
    hit = vals.get((model, metric))
    return float("nan") if hit is None else hit


def _coverage_counts(pg: ProgrammeGraph, structure: str, scope: str | None, when: pd.Timestamp) -> dict:
    """model -> (eligible, at scale) under ``scope``, as :func:`status` sums them (no scope: the
    provinces that hold data), for every model at once."""
    e = all_stages(pg, when, structure)
    if scope is not None:
        sc = scope_unit(pg, structure, scope)
        sel = (e[sc[1]] == sc[0]).to_numpy()
    else:
        heads = _provinces_with_data(pg, structure)
        sel = e["province"].isin(heads).to_numpy()
    sub = pd.DataFrame({"model": e["model"].to_numpy(dtype=object)[sel],
                        "scale": e["stage_index"].to_numpy()[sel] == len(STAGE_NAMES) - 1})
    g = sub.groupby("model", sort=False)["scale"].agg(["size", "sum"])
    return {m: (int(n), int(k)) for m, n, k in zip(g.index.tolist(), g["size"].tolist(), g["sum"].tolist())}


def _metric_actuals(pg: ProgrammeGraph, structure: str, scope: str | None, when: pd.Timestamp) -> dict:
    """(model, metric) -> the metric rolled up under ``scope`` (None: every unit placed in a province),
    for every model at once (the roll-up groups by model and metric, so this is the same per model)."""
    latest = latest_readings(pg, when, structure)
    if scope is not None:
        key = unit_key(structure, scope)
        kind = pg.units.at[key, "kind"]
        col = kind if kind in ("province", "district", "commune") else None
        latest = latest[(latest[col] == key) if col else (latest["unit"] == key)]
    else:
        latest = latest[latest["province"].notna()]
    vals = rollup_metrics(pg, latest.assign(_all="*"), "_all")
    out: dict = {}
    for m, x, v in zip(vals["model"].tolist(), vals["metric"].tolist(), vals["value"].tolist()):
        out.setdefault((m, x), float(v))
    return out


def _is_share(model, metric: str) -> bool:
    """A ratio measured in % cannot be projected past 100%."""
    return any(x.id == metric and x.rollup == "ratio" and x.unit.strip() == "%" for x in model.metrics)


def evaluate_targets(pg: ProgrammeGraph, as_of: dt.date) -> pd.DataFrame:
    """Every target of every model at ``as_of``.

    Columns: model, metric, scope ("" = whole data set), structure, target, target_date, actual,
    gap (target - actual; > 0 when short), verdict (met | on-track | behind | overdue),
    projected (value expected at target_date at the recent pace), verdict_vi, verdict_en, ...
    """
    as_of_ts = _ts(as_of)
    before = as_of_ts - pd.DateOffset(months=PACE_MONTHS)
    rows = []
    shared: dict = {}
    for mid, m in pg.programme.models.items():
        for t in m.targets:
            scope = _scope_or_all(pg, t.structure, t.scope)
            actual = _actual(pg, mid, t.metric, t.structure, scope, as_of_ts, shared)
            prev = _actual(pg, mid, t.metric, t.structure, scope, before, shared)
            tdate = pd.Timestamp(t.date)
            a0 = 0.0 if np.isnan(prev) else prev
            if np.isnan(actual):
                projected = float("nan")
            elif tdate <= as_of_ts:
                projected = actual
            else:
                pace = (actual - a0) / max((as_of_ts - before).days, 1)
                projected = actual + pace * (tdate - as_of_ts).days
                if t.metric == "coverage" or _is_share(m, t.metric):
                    projected = min(projected, 1.0)
            if not np.isnan(actual) and actual >= t.value - 1e-9:
                verdict = "met"
            elif as_of_ts >= tdate:
                verdict = "overdue"
            elif not np.isnan(projected) and projected >= t.value - 1e-9:
                verdict = "on-track"
            else:
                verdict = "behind"
            key = unit_key(t.structure, scope) if scope else None
            rows.append({
                "model": mid, "metric": t.metric, "scope": scope or "", "structure": t.structure,
                "target": t.value, "target_date": t.date, "actual": actual, "gap": t.value - actual,
                "verdict": verdict, "projected": projected, "verdict_vi": VERDICT_VI[verdict], "verdict_en": VERDICT_EN[verdict],
                "scope_name": pg.units.at[key, "name"] if key else "toàn bộ dữ liệu",
                "actual_before": prev, "pace_from": before.date(), "note": t.note,
            })
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


__all__ = ["evaluate_targets", "VERDICTS", "VERDICT_VI", "VERDICT_EN", "TARGET_COLUMNS", "PACE_MONTHS"]
