"""Targets versus actuals (nhìn được): each target, its actual value, the gap and a verdict.

"On track" is judged from the pace of the last period: the actual value at ``as_of``
and six months earlier, extrapolated in a straight line to the target date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .graph import ProgrammeGraph
from .i18n import label
from .i18n import t as _t
from .registry import unit_key
from .status import STAGE_NAMES, _provinces_with_data, _ts, all_stages, latest_readings, rollup_metrics, scope_unit

PACE_MONTHS = 6
VERDICTS = ("met", "on-track", "behind", "overdue")
TARGET_COLUMNS = ["model", "metric", "scope", "structure", "target", "target_date", "actual", "gap", "verdict",
                  "projected", "verdict_vi", "verdict_en", "scope_name", "actual_before", "pace_from", "note"]


ALL_DATA = _t("targets.all_data", "vi")
"""``scope_name`` of a target set for the whole data set (a name, shown as written: Vietnamese)."""


def _verdict_words(verdict: str) -> dict[str, str]:
    """The ``verdict_vi`` and ``verdict_en`` columns, from the one verdict table (i18n VERDICT_LABELS)."""
    return {"verdict_vi": label("verdict", verdict, "vi"), "verdict_en": label("verdict", verdict, "en")}


def _scope_or_all(pg: ProgrammeGraph, structure: str, scope: str | None) -> str | None:
    """A target's scope code, or None (the whole data set) when it is not a unit of its structure."""
    if scope and unit_key(structure, scope) in pg.units.index:
        return scope
    return None


def _actual(pg: ProgrammeGraph, model: str, metric: str, structure: str, scope: str | None, when: pd.Timestamp,
            shared: dict | None = None, since: pd.Timestamp | None = None) -> float:
    """The value of ``metric`` (or coverage) for ``model`` under ``scope`` (None: every province with
    data) at ``when``. ``shared``: a dict kept across the targets of one call, so that targets on the
    same scope and date share one pass over the data. ``since``: annual counters count only the
    readings from that day on (1 January of a target's year)."""
    shared = {} if shared is None else shared
    if since is not None and metric != "coverage":
        vals = shared.get(("metrics", structure, scope, when, since))
        if vals is None:
            vals = shared[("metrics", structure, scope, when, since)] = _metric_actuals(pg, structure, scope, when, since)
        hit = vals.get((model, metric))
        return float("nan") if hit is None else hit
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


def _metric_actuals(pg: ProgrammeGraph, structure: str, scope: str | None, when: pd.Timestamp,
                    since: pd.Timestamp | None = None) -> dict:
    """(model, metric) -> the metric rolled up under ``scope`` (None: every unit placed in a province),
    for every model at once (the roll-up groups by model and metric, so this is the same per model).
    ``since``: a unit whose latest reading of an annual counter is older counts for nothing (its
    counter started again on 1 January)."""
    latest = latest_readings(pg, when, structure)
    if since is not None:
        yearly = {(mid, x.id) for mid, m in pg.programme.models.items() for x in m.metrics if x.resets == "yearly"}
        if yearly:
            pairs = pd.Series(list(zip(latest["model"].astype(str), latest["metric"].astype(str))), index=latest.index)
            latest = latest[~(pairs.isin(yearly) & (latest["date"] < since))]
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


def annual(model, metric: str) -> bool:
    """Whether ``metric`` of ``model`` (a ModelFile) counts per calendar year (``resets = "yearly"``), or is
    a ratio whose numerator does (new accounts per adult this year)."""
    spec = {x.id: x for x in model.metrics}
    m = spec.get(metric)
    if m is None:
        return False
    if m.resets == "yearly":
        return True
    return m.rollup == "ratio" and m.numerator in spec and spec[m.numerator].resets == "yearly"


def _judged(pg: ProgrammeGraph, m, mid: str, metric: str, t, structure: str, scope: str | None, as_of_ts: pd.Timestamp,
            before: pd.Timestamp, shared: dict) -> tuple[float, float, float, str, pd.Timestamp]:
    """(actual, prev, projected, verdict, pace_from) of target ``t`` on ``metric``.

    An annual counter (:func:`annual`) is judged within the target's year: the actual is the count
    since 1 January of that year (at the year's end once it is over), the pace runs from 1 January
    (the counter is 0 then) or from six months back when later; before the year begins nothing is
    counted yet and no pace is known, so the target is not "on track" from last year's count."""
    share = metric == "coverage" or _is_share(m, metric)
    if metric == "coverage" or not annual(m, metric):
        actual = _actual(pg, mid, metric, structure, scope, as_of_ts, shared)
        prev = _actual(pg, mid, metric, structure, scope, before, shared)
        projected, verdict = judge(actual, prev, t.value, t.date, as_of_ts, before, share)
        return actual, prev, projected, verdict, before
    start = pd.Timestamp(t.date.year, 1, 1)
    if as_of_ts < start:
        projected, verdict = judge(0.0, 0.0, t.value, t.date, as_of_ts, as_of_ts, share)
        return 0.0, 0.0, float("nan"), verdict, start
    when = min(as_of_ts, pd.Timestamp(t.date.year, 12, 31))
    actual = _actual(pg, mid, metric, structure, scope, when, shared, since=start)
    if np.isnan(actual) and not np.isnan(_actual(pg, mid, metric, structure, scope, when, shared)):
        actual = 0.0  # readings exist, none yet in this year: the counter is at 0
    if before <= start:
        prev, pace_from = 0.0, start
    else:
        prev, pace_from = _actual(pg, mid, metric, structure, scope, before, shared, since=start), before
    projected, verdict = judge(actual, prev, t.value, t.date, as_of_ts, pace_from, share)
    return actual, prev, projected, verdict, pace_from


def judge(actual: float, prev: float, value: float, date, as_of_ts: pd.Timestamp, before: pd.Timestamp,
          share: bool) -> tuple[float, str]:
    """(projected, verdict) of one target: ``actual`` now, ``prev`` at ``before`` (the pace's start),
    ``value`` due by ``date``; a ``share`` is never projected past 100%."""
    tdate = pd.Timestamp(date)
    a0 = 0.0 if np.isnan(prev) else prev
    if np.isnan(actual):
        projected = float("nan")
    elif tdate <= as_of_ts:
        projected = actual
    else:
        pace = (actual - a0) / max((as_of_ts - before).days, 1)
        projected = actual + pace * (tdate - as_of_ts).days
        if share:
            projected = min(projected, 1.0)
    if not np.isnan(actual) and actual >= value - 1e-9:
        verdict = "met"
    elif as_of_ts >= tdate:
        verdict = "overdue"
    elif not np.isnan(projected) and projected >= value - 1e-9:
        verdict = "on-track"
    else:
        verdict = "behind"
    return projected, verdict


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
            actual, prev, projected, verdict, pace_from = _judged(pg, m, mid, t.metric, t, t.structure, scope, as_of_ts,
                                                                  before, shared)
            key = unit_key(t.structure, scope) if scope else None
            rows.append({
                "model": mid, "metric": t.metric, "scope": scope or "", "structure": t.structure,
                "target": t.value, "target_date": t.date, "actual": actual, "gap": t.value - actual,
                "verdict": verdict, "projected": projected, **_verdict_words(verdict),
                "scope_name": pg.units.at[key, "name"] if key else ALL_DATA,
                "actual_before": prev, "pace_from": pace_from.date(), "note": t.note,
            })
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


# --- targets that cascade: a province's target applies to each district and commune below it --------

CASCADE_ROLLUPS = ("ratio", "mean", "min", "max")
"""Metrics whose target means the same at every level (a share, an average): a province's target on
one of them applies to each unit below it. A sum (a count of accounts, of members) does not cascade:
10.850 members for the province is not 10.850 for each commune."""
SCOPE_TARGET_COLUMNS = TARGET_COLUMNS + ["origin", "source_scope", "source_structure", "source_name"]


def cascades(model, metric: str) -> bool:
    """Whether a target on ``metric`` of ``model`` (a ModelFile) applies to the units below its scope."""
    if metric == "coverage":
        return True
    spec = next((x for x in model.metrics if x.id == metric), None)
    return spec is not None and spec.rollup in CASCADE_ROLLUPS


def _code(pg: ProgrammeGraph, key) -> str | None:
    return str(pg.units.at[key, "code"]) if isinstance(key, str) and key in pg.units.index else None


def target_sources(pg: ProgrammeGraph, structure: str, scope: str) -> list[list[tuple[str, str]]]:
    """The units whose targets apply to ``scope`` (a province, district or commune of ``structure``),
    nearest first, as levels of (structure, code): the scope itself, then its district and province;
    in the new structure, its new province, then through the mapping the old districts and old
    provinces its former units lay in (a new commune made of communes of two old districts inherits
    from both). Ends with ("", "") for targets set for the whole data set. Once per graph and scope:
    it does not depend on the date (a scan of every unit in the new structure)."""
    levels = pg.memo(("target_sources", structure, scope), lambda: _target_sources(pg, structure, scope))
    return [list(level) for level in levels]  # the caller's own lists


def _target_sources(pg: ProgrammeGraph, structure: str, scope: str) -> list[list[tuple[str, str]]]:
    units = pg.units
    key = unit_key(structure, scope)
    levels: list[list[tuple[str, str]]] = [[(structure, scope)]]
    if key not in units.index:
        return levels + [[("", "")]]
    kind = units.at[key, "kind"]
    if structure == "old":
        for col in ("district", "province"):
            if col != kind and kind in ("commune", "district") and (col == "province" or kind == "commune"):
                code = _code(pg, units.at[key, col])
                if code:
                    levels.append([("old", code)])
    else:
        if kind != "province":
            code = _code(pg, units.at[key, "province"])
            if code:
                levels.append([("new", code)])
        col = "new_commune" if kind == "commune" else "new_province"
        old = units[(units["structure"] == "old") & (units[col] == key)]
        for level in (("district", "province") if kind == "commune" else ("province",)):
            keys = sorted(set(old[level].dropna().astype(str)))
            codes = [("old", c) for c in (_code(pg, k) for k in keys) if c]
            if codes:
                levels.append(codes)
    return levels + [[("", "")]]


def scope_targets(pg: ProgrammeGraph, as_of: dt.date, structure: str, scope: str | None,
                  shared: dict | None = None) -> pd.DataFrame:
    """The targets that apply to ``scope`` at ``as_of``, each judged on the scope's own figures.

    A target set for the scope itself is its own (``origin`` "own"). Otherwise, for each (model,
    metric), the nearest unit above it that has targets on it passes them down (``origin``
    "inherited", ``source_*`` naming that unit): the same share by the same date. Only shares and
    averages cascade (:func:`cascades`). In the new structure, targets set for old units reach the new
    ones they merged into. With no scope, :func:`evaluate_targets` (every target where it is set).
    Columns: :data:`SCOPE_TARGET_COLUMNS`.
    """
    if not scope:
        out = evaluate_targets(pg, as_of)
        return out.assign(origin="own", source_scope=out["scope"], source_structure=out["structure"],
                          source_name=out["scope_name"])[SCOPE_TARGET_COLUMNS]
    as_of_ts = _ts(as_of)
    before = as_of_ts - pd.DateOffset(months=PACE_MONTHS)
    shared = {} if shared is None else shared
    levels = target_sources(pg, structure, scope)
    where = {src: i for i, level in enumerate(levels) for src in level}
    key = unit_key(structure, scope)
    name = pg.units.at[key, "name"] if key in pg.units.index else scope
    rows = []
    for mid, m in pg.programme.models.items():
        found: dict[str, list] = {}  # metric -> (level, target) of the nearest level that sets it
        for t in m.targets:
            src = (t.structure, t.scope) if _scope_or_all(pg, t.structure, t.scope) else ("", "")
            lvl = where.get(src)
            if lvl is None or (lvl > 0 and not cascades(m, t.metric)):
                continue
            best = found.get(t.metric)
            if best is None or lvl < best[0][0]:
                found[t.metric] = [(lvl, src, t)]
            elif lvl == best[0][0]:
                best.append((lvl, src, t))
        for metric, picked in found.items():
            by_date: dict = {}
            for lvl, src, t in picked:  # several old units passing targets down: the strictest per date
                if t.date not in by_date or t.value > by_date[t.date][2].value:
                    by_date[t.date] = (lvl, src, t)
            for lvl, src, t in sorted(by_date.values(), key=lambda x: x[2].date):
                if lvl > 0 and np.isnan(_actual(pg, mid, metric, structure, scope, as_of_ts, shared)):
                    continue  # nothing here the target could apply to: no unit, no reading
                actual, prev, projected, verdict, pace_from = _judged(pg, m, mid, metric, t, structure, scope, as_of_ts,
                                                                      before, shared)
                skey = unit_key(src[0], src[1]) if src[1] else None
                rows.append({
                    "model": mid, "metric": metric, "scope": scope, "structure": structure, "target": t.value,
                    "target_date": t.date, "actual": actual, "gap": t.value - actual, "verdict": verdict,
                    "projected": projected, **_verdict_words(verdict),
                    "scope_name": name, "actual_before": prev, "pace_from": pace_from.date(), "note": t.note,
                    "origin": "own" if lvl == 0 else "inherited", "source_scope": src[1], "source_structure": src[0],
                    "source_name": pg.units.at[skey, "name"] if skey else ALL_DATA,
                })
    return pd.DataFrame(rows, columns=SCOPE_TARGET_COLUMNS)


__all__ = ["annual", "evaluate_targets", "scope_targets", "target_sources", "cascades", "judge", "SCOPE_TARGET_COLUMNS", "VERDICTS", "TARGET_COLUMNS", "PACE_MONTHS"]
