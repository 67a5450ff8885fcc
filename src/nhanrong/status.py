"""Rollout status as of a date: eligible units, units per stage, coverage, metric values.

Each unit's stage is computed once per (structure, date); every roll-up is then one
``groupby`` on an ancestor column (province, district, commune). Calling it for two
dates gives the trend.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .errors import NhanRongError, UnknownModelError, UnknownScopeError
from .graph import (REFORM, ProgrammeGraph, _backfill, _indexer, _objects, _pair_codes, _rows_of, _take_at, _units_at, alive_at,
                    history_units, positioned_units, stage_table, unit_parts)
from .registry import NEW, OLD, unit_key
from .i18n import Message, msg
from .problems import did_you_mean
from .schema import STAGES

STAGE_NAMES: tuple[str, ...] = ("not_started", *STAGES)
LEVELS: tuple[str, ...] = ("province", "district", "commune")
STATUS_COLUMNS = ["model", "scope", "scope_key", "scope_name", "structure", "level", "as_of", "eligible",
                  *STAGE_NAMES, "coverage", "history", "parts", "parts_scale"]
HISTORY_AS_OF = (REFORM - pd.Timedelta(days=1)).date()
"""The day units of an abolished level are frozen at: the last day of the old structure."""


class UnknownLevelError(NhanRongError):
    """A roll-up level that the chosen structure does not have."""


def _check_level(level: str | None, structure: str) -> None:
    if level is not None and level not in LEVELS:
        raise UnknownLevelError("error.unknown_level", level=level)
    if level == "district" and structure == NEW:
        raise UnknownLevelError("error.no_district_level", level=level)


def _ts(as_of: dt.date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize()


def _models(pg: ProgrammeGraph, models: list[str] | None) -> list[str]:
    known = list(pg.programme.models)
    if models is None:
        return known
    for m in models:
        if m not in pg.programme.models:
            raise UnknownModelError("error.unknown_model", model=m, hint=did_you_mean(m, known), known=", ".join(known))
    return list(models)


def scope_unit(pg: ProgrammeGraph, structure: str, scope: str | None) -> tuple[str, str] | None:
    """(key, kind) of a scope code in ``structure``; None for the whole data set."""
    if scope is None:
        return None
    key = unit_key(structure, scope)
    pos = positioned_units(pg, structure)
    if key not in pos.index or pos.at[key, "kind"] not in LEVELS:
        other = NEW if structure == OLD else OLD
        hint = msg("hint.other_structure", other=other) if unit_key(other, scope) in pg.units.index else Message("")
        raise UnknownScopeError("error.unknown_scope", scope=scope, structure=structure, hint=hint)
    return key, pos.at[key, "kind"]


def _in_scope(frame: pd.DataFrame, sc: tuple[str, str] | None) -> pd.Series:
    """Rows under the scope unit (a unit is its own ancestor at its own level)."""
    if sc is None:
        return pd.Series(True, index=frame.index)
    key, kind = sc
    return frame[kind] == key


def all_stages(pg: ProgrammeGraph, as_of: pd.Timestamp, structure: str) -> pd.DataFrame:
    """Every (eligible unit, model) pair at ``as_of`` with its stage: computed once per date.

    In the new structure, models adopted by an abolished level (districts) also get one
    ``history`` row per old district of the new province, at its stage on the last day of the
    old structure; ``parts`` and ``parts_scale`` count the old units a new unit is made of and
    how many of them are at scale (1 and 0/1 for a unit with no parts).
    """
    return stage_rows(pg, as_of, structure)["frame"]


def stage_rows(pg: ProgrammeGraph, as_of: pd.Timestamp, structure: str) -> dict:
    """:func:`all_stages` (``frame``) with what it was made from: ``base``, the date-independent rows of
    :func:`_stage_base`, and ``rows``, the base row of each row of the frame (so that anything
    precomputed per base row, once, is picked for a date by indexing)."""
    def make() -> dict:
        base = _stage_base(pg, structure, positioned_units(pg, structure, as_of))
        t = as_of.to_datetime64()
        keep = base["history"] | ((np.isnat(base["dissolved"]) | (base["dissolved"] > t))
                                  & (np.isnat(base["established"]) | (base["established"] <= t)))
        e = base["frame"][keep].reset_index(drop=True)
        # The stage dates of a date's rows (in their own unit, s or ns): the base keeps no second copy of them
        d = np.stack([e[s_].to_numpy() if e[s_].dtype.kind == "M" else e[s_].to_numpy(dtype="datetime64[ns]")
                      for s_ in STAGES], axis=1)
        hist = base["history"][keep]
        cut = np.where(hist, np.datetime64(min(as_of, pd.Timestamp(HISTORY_AS_OF)), "ns"), t).astype("datetime64[ns]")
        reached = d <= cut[:, None]  # NaT compares False
        any_ = reached.any(axis=1)
        idx = np.where(any_, len(STAGES) - 1 - np.argmax(reached[:, ::-1], axis=1), -1)
        e["stage_index"] = idx + 1  # 0 = not started
        e["stage"] = pd.Categorical.from_codes(idx + 1, categories=list(STAGE_NAMES))
        since = d[np.arange(len(e)), np.maximum(idx, 0)].astype("datetime64[ns]")
        e["since"] = pd.Series(since, index=e.index).where(any_)
        scale = (idx + 1 == len(STAGES)).astype(np.int64)
        group = base["group"][keep]
        has = group >= 0
        parts = np.ones(len(e), dtype=np.int64)
        parts_scale = scale.copy()
        if has.any():
            gp = base["groups"]
            at_scale = np.bincount(gp["gid"], weights=(gp["scale"] <= t), minlength=len(gp["size"])).astype(np.int64)
            parts[has] = gp["size"][group[has]]
            parts_scale[has] = at_scale[group[has]]
        e["parts"] = parts
        e["parts_scale"] = parts_scale
        return {"frame": e, "rows": np.flatnonzero(keep), "base": base}

    return pg.memo(("all_stages", structure, as_of), make, as_of=as_of)


def _stage_base(pg: ProgrammeGraph, structure: str, pos: pd.DataFrame) -> dict:
    """What :func:`all_stages` needs that does not depend on the date: every (unit, model) pair of the
    positioned units ``pos`` (alive or not) and the history rows, with stage dates, lifetimes and the
    parts group of each row. A new date then costs a filter and a few array operations.

    Built on row positions: each column is taken once from its source, and the stage dates are looked up
    by integer (unit, model) codes (a concat and a merge of the frames copied every column two more times
    and hashed the strings)."""
    def make() -> dict:
        hist = history_units(pg) if structure == NEW else None
        srcs = [(pos, False)] + ([(hist, True)] if hist is not None else [])
        picks = [(src, is_hist, rows, mid) for mid, m in pg.programme.models.items() for src, is_hist in srcs
                 for rows in [np.flatnonzero(src["kind"].isin(m.adopted_by).to_numpy())] if len(rows)]

        def take(get) -> np.ndarray:
            parts = [get(src)[rows] for src, _, rows, _ in picks]
            return np.concatenate(parts) if parts else get(pos)[:0]

        def column(c: str) -> pd.Series:
            if any(src[c].dtype != object for src, _ in srcs):  # as a concat would have it (moved units: Arrow strings)
                return pd.concat([src[c].iloc[rows] for src, _, rows, _ in picks] or [pos[c].iloc[:0]], ignore_index=True)
            return _objects(take(lambda src: src[c].to_numpy(dtype=object)))

        unit = take(lambda src: src.index.to_numpy(dtype=object))  # the units' own key strings
        model = np.empty(len(unit), dtype=object)
        hist_rows = np.zeros(len(unit), dtype=bool)
        start = 0
        for _, is_hist, rows, mid in picks:  # the model id itself on every row (np.full would make a string per row)
            model[start:start + len(rows)] = mid
            hist_rows[start:start + len(rows)] = is_hist
            start += len(rows)
        e = pd.DataFrame({"unit": _objects(unit), **{c: column(c) for c in ("code", "name", "kind", "parent")},
                          "model": _objects(model), "dissolved": take(lambda src: src["dissolved"].to_numpy()),
                          **{c: column(c) for c in ("province", "district", "commune")}, "history": hist_rows}, copy=False)
        established = take(lambda src: src["established"].to_numpy(dtype="datetime64[ns]"))
        keys = _pair_codes(pg, unit, model)
        st = stage_table(pg, structure)
        at = _rows_of(_pair_codes(pg, st["unit"], st["model"]), keys)
        if at is None:  # a (unit, model) recorded twice (the loader keeps one): a merge, which repeats the row
            e = e.assign(_established=established, _key=keys).merge(st, on=["unit", "model"], how="left")
            established, keys = e.pop("_established").to_numpy(), e.pop("_key").to_numpy()
            hist_rows = e["history"].to_numpy(dtype=bool)
        else:
            for s_ in STAGES:
                e[s_] = _take_at(st[s_].to_numpy(), at)
            if len(e) and (not len(st) or st["unit"].dtype != object):  # the dtype a merge left the keys in
                e["unit"] = e["unit"].astype("str")
        if structure == NEW and hist_rows.any():
            old = stage_table(pg, OLD)
            h = np.flatnonzero(hist_rows)
            at = _rows_of(_pair_codes(pg, old["unit"], old["model"]), keys[h])
            if at is None:  # as a reindex on repeated labels does
                raise ValueError("cannot reindex on an axis with duplicate labels")
            for s_ in STAGES:
                col = e[s_].to_numpy().copy()
                col[h] = _take_at(old[s_].to_numpy(), at).astype(col.dtype)
                e[s_] = col
        dissolved = np.where(hist_rows, np.datetime64("NaT"), e["dissolved"].to_numpy(dtype="datetime64[ns]"))
        established = np.where(hist_rows, np.datetime64("NaT"), established)
        group = np.full(len(e), -1, dtype=np.int64)
        groups = None
        if structure == NEW and len(e):
            pr = _part_records(pg)
            if len(pr):
                gid, uniq = pd.factorize(_pair_codes(pg, pr["new"], pr["model"]))
                groups = {"gid": gid, "scale": pr["scale"].to_numpy(dtype="datetime64[ns]"),
                          "size": np.bincount(gid, minlength=len(uniq)).astype(np.int64)}
                group = pd.Index(uniq).get_indexer(keys).astype(np.int64)
        return {"frame": e, "history": hist_rows, "dissolved": dissolved, "established": established, "group": group,
                "groups": groups}

    return pg.memo(("stage_base", structure, id(pos)), make)


def _part_records(pg: ProgrammeGraph) -> pd.DataFrame:
    """Every (new unit, model, part) with the part's stage dates (NaT where it has no record),
    for each model a new unit's kind adopts."""
    def make() -> pd.DataFrame:
        parts = unit_parts(pg)
        old = stage_table(pg, OLD)
        old = _backfill(old[old["unit"].isin(parts["part"])]).rename(columns={"unit": "part"})
        kinds = pg.units["kind"].reindex(parts["new"]).to_numpy()
        frames = []
        for mid, m in pg.programme.models.items():
            sel = parts[np.isin(kinds, m.adopted_by)]
            if len(sel):
                frames.append(sel.assign(model=mid))
        if not frames:
            return pd.DataFrame(columns=["new", "part", "model", *STAGES])
        return pd.concat(frames, ignore_index=True).merge(old, on=["part", "model"], how="left")

    return pg.memo(("part_records",), make)


def _part_counts(pg: ProgrammeGraph, as_of: pd.Timestamp) -> pd.DataFrame:
    """(new unit, model) -> parts, parts_scale at ``as_of``."""
    pr = _part_records(pg)
    if not len(pr):
        return pd.DataFrame(columns=["parts", "parts_scale"])
    at_scale = (pr["scale"] <= as_of).astype(np.int64)
    return pd.DataFrame({"parts": 1, "parts_scale": at_scale, "new": pr["new"], "model": pr["model"]}).groupby(["new", "model"]).sum()


def part_stages(pg: ProgrammeGraph, as_of: dt.date, *, scope: str | None = None, models: list[str] | None = None) -> pd.DataFrame:
    """The old units each new unit under ``scope`` (new structure) is made of, with each part's stage.

    Columns: model, unit (new key), code, name, part (old key), part_code, part_name, stage, since.
    A committee reads it as "Xã N: 3 of its 4 former communes run the model at scale".
    """
    as_of_ts = _ts(as_of)
    mids = _models(pg, models)
    sc = scope_unit(pg, NEW, scope)
    pr = _part_records(pg)
    pr = pr[pr["model"].isin(mids)]
    if sc is not None and len(pr):
        pos = positioned_units(pg, NEW)
        inside = pos[sc[1]].reindex(pr["new"]).to_numpy() == sc[0]
        pr = pr[inside | (pr["new"].to_numpy() == sc[0])]
    cols = ["model", "unit", "code", "name", "part", "part_code", "part_name", "stage", "since"]
    if not len(pr):
        return pd.DataFrame(columns=cols)
    d = np.stack([pr[s_].to_numpy(dtype="datetime64[ns]") for s_ in STAGES], axis=1)
    reached = d <= as_of_ts.to_datetime64()
    any_ = reached.any(axis=1)
    idx = np.where(any_, len(STAGES) - 1 - np.argmax(reached[:, ::-1], axis=1), -1)
    units = pg.units
    out = pd.DataFrame({
        "model": pr["model"].to_numpy(), "unit": pr["new"].to_numpy(),
        "code": units["code"].reindex(pr["new"]).to_numpy(), "name": units["name"].reindex(pr["new"]).to_numpy(),
        "part": pr["part"].to_numpy(), "part_code": units["code"].reindex(pr["part"]).to_numpy(),
        "part_name": units["name"].reindex(pr["part"]).to_numpy(),
        "stage": pd.Categorical.from_codes(idx + 1, categories=list(STAGE_NAMES)),
        "since": pd.Series(d[np.arange(len(pr)), np.maximum(idx, 0)]).where(any_).to_numpy(),
    })
    order = {m: i for i, m in enumerate(mids)}
    out = out.assign(_m=out["model"].map(order)).sort_values(["_m", "code", "part_code"], kind="stable").drop(columns="_m")
    return out[cols].reset_index(drop=True)


def unit_stages(pg: ProgrammeGraph, as_of: dt.date, *, structure: str = OLD, scope: str | None = None,
                kinds: list[str] | None = None) -> pd.DataFrame:
    """Each unit x model it is eligible for, with its stage at ``as_of`` and the date it began.

    Columns: unit, code, name, kind, parent, model, stage, since, and the unit's province,
    district, commune (keys, in ``structure``) and the stage dates.
    """
    as_of = _ts(as_of)
    e = all_stages(pg, as_of, structure)
    sc = scope_unit(pg, structure, scope)
    mask = _in_scope(e, sc)
    if kinds is not None:
        mask &= e["kind"].isin(kinds)
    return e[mask].reset_index(drop=True)


def _counts(us: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Eligible and per-stage counts grouped by ``by`` (groups in the order they first appear; rows with
    a missing key left out, as a groupby does): bincounts over integer group codes (a one-hot frame of
    every row, grouped, took 20 MB for a country)."""
    gid = np.zeros(len(us), dtype=np.int64)
    keys = []
    for c in by:
        code, uniq = pd.factorize(us[c].to_numpy(dtype=object))  # missing: -1
        gid = np.where((gid >= 0) & (code >= 0), gid * (len(uniq) + 1) + code, -1)
        keys.append((code, pd.Index(uniq)))  # the level a groupby makes (strings: inferred as Arrow strings)
    rows = np.flatnonzero(gid >= 0)
    group, uniq = pd.factorize(gid[rows])
    k = len(uniq)
    first = np.empty(k, dtype=np.int64)
    first[group[::-1]] = rows[::-1]  # the first row of each group
    stage = us["stage"].cat.codes.to_numpy()[rows]
    ok = stage >= 0
    per_stage = np.bincount(group[ok] * len(STAGE_NAMES) + stage[ok], minlength=k * len(STAGE_NAMES)).reshape(k, len(STAGE_NAMES))
    data = {name: per_stage[:, i].astype(np.int64) for i, name in enumerate(STAGE_NAMES)}
    data["eligible"] = np.bincount(group, minlength=k).astype(np.int64)
    for c in EXTRA:
        data[c] = np.bincount(group, weights=us[c].to_numpy().astype(np.int64)[rows], minlength=k).astype(np.int64)
    index = pd.MultiIndex(levels=[level for _, level in keys], codes=[code[first] for code, _ in keys], names=by)
    return pd.DataFrame(data, index=index).reset_index()


EXTRA = ("history", "parts", "parts_scale")


def _provinces_with_data(pg: ProgrammeGraph, structure: str) -> list[str]:
    """Provinces (in ``structure``) that hold at least one record, history included (once per graph)."""
    return pg.memo(("provinces_with_data", structure), lambda: _find_provinces_with_data(pg, structure))


def _find_provinces_with_data(pg: ProgrammeGraph, structure: str) -> list[str]:
    a = pg.programme.adoptions
    if not len(a):
        return []
    unit = a["unit"]
    keys = unit.cat.categories if hasattr(unit, "cat") else unit.astype(str).unique()
    if not (keys.dtype == object and pd.api.types.infer_dtype(keys, skipna=False) == "string"):
        keys = pd.Index(keys, dtype=object).astype(str)  # plain strings are used as they are (no Arrow copy)
    at = _indexer(pg.units.index, keys)  # the columns read at positions, not the frame reindexed
    col = _units_at(pg, "province", at)[_units_at(pg, "structure", at) == OLD] if structure == OLD \
        else _units_at(pg, "new_province", at)
    return sorted(pd.unique(col[pd.notna(col)]))


def status(pg: ProgrammeGraph, as_of: dt.date, *, structure: str = OLD, scope: str | None = None,
           level: str | None = None, models: list[str] | None = None) -> pd.DataFrame:
    """One row per (model, scope unit): the scope itself (default: every province that has
    data), and with ``level``, one row per unit of that level under the scope.

    Columns: model, scope (code), scope_key, scope_name, structure, level, as_of, eligible,
    not_started, assess, pilot, evaluate, scale, coverage (share at scale; NaN if none eligible),
    history (eligible units of an abolished level, counted at their last state: new structure),
    parts and parts_scale (the old units behind the eligible units, and how many are at scale).
    """
    _check_level(level, structure)
    as_of_ts = _ts(as_of)
    mids = _models(pg, models)
    sc = scope_unit(pg, structure, scope)
    us = unit_stages(pg, as_of_ts, structure=structure, scope=scope)
    us = us[us["model"].isin(mids)]
    pos = positioned_units(pg, structure, as_of_ts)
    alive = pos[alive_at(pos, as_of_ts)]
    # The rows to show, as (row key, its level, the column that groups units under it).
    if sc is None:
        heads = pd.Index(_provinces_with_data(pg, structure))
        head_level = "province"
    else:
        heads = pd.Index([sc[0]])
        head_level = sc[1]
    blocks = [(heads, head_level)]
    if level is not None and level != head_level:
        below = alive[alive["kind"] == level]
        below = below[_in_scope(below, sc)] if sc is not None else below[below["province"].isin(heads)]
        if LEVELS.index(level) > LEVELS.index(head_level):
            blocks.append((below.index, level))
    frames = []
    for keys, lvl in blocks:
        if not len(keys):
            continue
        counts = _counts(us, ["model", lvl]) if len(us) else pd.DataFrame(columns=["model", lvl, *STAGE_NAMES, "eligible", *EXTRA])
        grid = pd.MultiIndex.from_product([mids, keys], names=["model", lvl])
        c = counts.set_index(["model", lvl]).reindex(grid, fill_value=0).reset_index()
        c = c.rename(columns={lvl: "scope_key"})
        c["level"] = lvl
        frames.append(c)
    if not frames:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for col in ("eligible", *STAGE_NAMES, *EXTRA):
        out[col] = out[col].astype(np.int64)
    out["scope"] = out["scope_key"].map(pg.units["code"])
    out["scope_name"] = out["scope_key"].map(pg.units["name"])
    out["structure"] = structure
    out["as_of"] = as_of_ts.date()
    out["coverage"] = (out["scale"] / out["eligible"].where(out["eligible"] > 0)).astype(float)
    model_order = {m: i for i, m in enumerate(mids)}
    out["_m"] = out["model"].map(model_order)
    out["_l"] = out["level"].map(LEVELS.index)
    out = out.sort_values(["_m", "_l", "scope"], kind="stable").drop(columns=["_m", "_l"])
    return out[STATUS_COLUMNS].reset_index(drop=True)


# --- metric values ------------------------------------------------------------------------


def _reading_order(pg: ProgrammeGraph) -> dict:
    """What :func:`latest_readings` needs that does not depend on the date: the readings sorted by
    (unit, model, metric, date) with each row's group, the order of the rows by (date, row), and the
    unit and model as strings (computed once for every date and both structures)."""
    def make() -> dict:
        r = pg.programme.readings
        n = len(r)
        group = np.zeros(n, dtype=np.int64)
        for c in ("unit", "model", "metric"):
            codes, uniq = pd.factorize(r[c], use_na_sentinel=False)
            group = group * max(len(uniq), 1) + codes
        group, _ = pd.factorize(group)
        day = r["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        rows = np.arange(n, dtype=np.int64)
        by_group = np.lexsort((rows, day, group))  # last of a run = the latest reading of its group
        by_date = np.lexsort((rows, day))  # the order the rows come out in: by date, then as read
        plain = r.assign(unit=r["unit"].astype(str), model=r["model"].astype(str))
        # Each reading's unit as a row of the units frame: the categories looked up once, not a reindex by
        # 600,000 keys (which pandas would first copy into Arrow strings).
        at = _indexer(pg.units.index, r["unit"])
        info = {c: _take_at(pg.units[c].to_numpy(), at) for c in ("structure", "established", "dissolved", "new_province",
                                                                  "new_commune")}
        return {"g": group[by_group], "day": day[by_group], "row": by_group, "by_date": by_date, "plain": plain,
                "established": info["established"].astype("datetime64[ns]"),
                "dissolved": info["dissolved"].astype("datetime64[ns]"),
                "old": info["structure"] == OLD, "new_province": info["new_province"].astype(object, copy=False),
                "new_commune": info["new_commune"].astype(object, copy=False)}

    return pg.memo(("reading_order",), make)


def _latest_rows(pg: ProgrammeGraph, as_of: pd.Timestamp) -> np.ndarray:
    """Rows of the readings that are the latest of their (unit, model, metric) at ``as_of``, in the
    order of their dates (then as read): one pass over the precomputed order, shared by both structures."""
    def make() -> np.ndarray:
        o = _reading_order(pg)
        g, day = o["g"], o["day"]
        upto = day <= as_of.to_datetime64().astype("datetime64[ns]").view(np.int64)
        later_same = np.zeros(len(g), dtype=bool)
        if len(g) > 1:
            later_same[:-1] = (g[1:] == g[:-1]) & upto[1:]
        flag = np.zeros(len(g), dtype=bool)
        flag[o["row"][upto & ~later_same]] = True
        return o["by_date"][flag[o["by_date"]]]

    return pg.memo(("latest_rows", as_of), make, as_of=as_of)


def _reading_places(pg: ProgrammeGraph, structure: str, pos: pd.DataFrame) -> dict:
    """Each reading's province, district and commune in ``structure`` as the positioned frame ``pos``
    places its unit (new structure: old units count in the new units they became)."""
    def make() -> dict:
        o = _reading_order(pg)
        at = _indexer(pos.index, pg.programme.readings["unit"])  # as in _reading_order: no reindex by every key
        anc = {c: _take_at(pos[c].to_numpy(dtype=object), at) for c in ("province", "district", "commune")}
        if structure == OLD:
            return anc
        placed = pd.notna(anc["province"])
        return {"province": np.where(placed, anc["province"], o["new_province"]),
                "commune": np.where(placed, anc["commune"], o["new_commune"]),
                "district": np.full(len(placed), np.nan)}

    return pg.memo(("reading_places", structure, id(pos)), make)


def latest_readings(pg: ProgrammeGraph, as_of: dt.date, structure: str = OLD) -> pd.DataFrame:
    """The latest reading per (unit, model, metric) at or before ``as_of``, with the unit's
    ancestors in ``structure`` (units dissolved by then are left out)."""
    as_of = _ts(as_of)

    def make() -> pd.DataFrame:
        o = _reading_order(pg)
        rows = _latest_rows(pg, as_of)
        t = as_of.to_datetime64()
        est, dis = o["established"][rows], o["dissolved"][rows]
        keep = (np.isnat(dis) | (dis > t)) & (np.isnat(est) | (est <= t))
        if structure == OLD:
            keep &= o["old"][rows]
        # Ancestors as the structure places the unit on that day (units below a dissolved one have
        # moved to its successor); old communes and provinces count in the new ones they became.
        places = _reading_places(pg, structure, positioned_units(pg, structure, as_of))
        rows = rows[keep]
        out = o["plain"].take(rows).reset_index(drop=True)
        for c in ("province", "district", "commune"):
            out[c] = places[c][rows]
        return out

    return pg.memo(("latest", structure, as_of), make, as_of=as_of)


def _metric_table(pg: ProgrammeGraph) -> pd.DataFrame:
    rows = [
        {"model": mid, "metric": x.id, "metric_name": x.name, "metric_name_en": x.name_en, "unit_of_measure": x.unit,
         "rollup": x.rollup, "numerator": x.numerator, "denominator": x.denominator}
        for mid, m in pg.programme.models.items() for x in m.metrics
    ]
    return pd.DataFrame(rows, columns=["model", "metric", "metric_name", "metric_name_en", "unit_of_measure", "rollup", "numerator", "denominator"])


def rollup_metrics(pg: ProgrammeGraph, latest: pd.DataFrame, by: str) -> pd.DataFrame:
    """Roll the per-unit latest values up by the column ``by``, each metric as its model says."""
    spec = _metric_table(pg)
    spec = spec[spec["model"].isin(latest["model"].unique())]
    if not len(latest) or not len(spec):
        return pd.DataFrame(columns=["model", "metric", by, "value", "units"])
    g = latest.groupby(["model", "metric", by], sort=False)["value"].agg(["sum", "mean", "min", "max", "count"]).reset_index()
    g = g.merge(spec[["model", "metric", "rollup"]], on=["model", "metric"], how="inner")
    plain = g[g["rollup"] != "ratio"].copy()
    pick = plain["rollup"].to_numpy()
    plain["value"] = np.select([pick == k for k in ("sum", "mean", "min", "max")],
                               [plain[k].to_numpy() for k in ("sum", "mean", "min", "max")], np.nan)
    plain = plain.rename(columns={"count": "units"})[["model", "metric", by, "value", "units"]]
    ratios = spec[spec["rollup"] == "ratio"]
    frames = [plain]
    if len(ratios):
        sums = g.set_index(["model", "metric", by])["sum"]
        counts = g.set_index(["model", "metric", by])["count"]
        for _, x in ratios.iterrows():
            num = sums.xs((x["model"], x["numerator"]), level=("model", "metric"), drop_level=True) if (x["model"], x["numerator"]) in sums.index.droplevel(by) else None
            den = sums.xs((x["model"], x["denominator"]), level=("model", "metric"), drop_level=True) if (x["model"], x["denominator"]) in sums.index.droplevel(by) else None
            if num is None or den is None:
                continue
            both = pd.concat([num.rename("num"), den.rename("den")], axis=1, join="inner")
            n = counts.xs((x["model"], x["denominator"]), level=("model", "metric")).reindex(both.index)
            frames.append(pd.DataFrame({"model": x["model"], "metric": x["metric"], by: both.index,
                                        "value": (both["num"] / both["den"].where(both["den"] != 0)).to_numpy(),
                                        "units": n.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def metric_values(pg: ProgrammeGraph, as_of: dt.date, *, structure: str = OLD, scope: str | None = None,
                  level: str | None = None) -> pd.DataFrame:
    """Each model's metrics at ``as_of``, per scope unit (latest reading per unit, rolled up).

    Columns: model, metric, scope (code), scope_key, scope_name, structure, level, as_of, value,
    units (how many units reported), metric_name, metric_name_en, unit_of_measure, rollup.
    """
    _check_level(level, structure)
    as_of_ts = _ts(as_of)
    sc = scope_unit(pg, structure, scope)
    latest = latest_readings(pg, as_of_ts, structure)
    if sc is not None:
        latest = latest[(latest[sc[1]] == sc[0]) | (latest["unit"] == sc[0])]
    head = "province" if sc is None else sc[1]
    frames = []
    for lvl in dict.fromkeys([head, *( [level] if level else [])]):
        if LEVELS.index(lvl) < LEVELS.index(head):
            continue
        if sc is not None and lvl == head:
            part = rollup_metrics(pg, latest.assign(_scope=sc[0]), "_scope").rename(columns={"_scope": "scope_key"})
        else:
            part = rollup_metrics(pg, latest, lvl).rename(columns={lvl: "scope_key"})
        part["level"] = lvl
        frames.append(part)
    cols = ["model", "metric", "scope", "scope_key", "scope_name", "structure", "level", "as_of", "value", "units",
            "metric_name", "metric_name_en", "unit_of_measure", "rollup"]
    if not frames or not any(len(f) for f in frames):
        return pd.DataFrame(columns=cols)
    out = pd.concat([f for f in frames if len(f)], ignore_index=True)
    out["scope"] = out["scope_key"].map(pg.units["code"])
    out["scope_name"] = out["scope_key"].map(pg.units["name"])
    out["structure"] = structure
    out["as_of"] = as_of_ts.date()
    out = out.merge(_metric_table(pg).drop(columns=["rollup"]), on=["model", "metric"], how="left")
    out = out.merge(_metric_table(pg)[["model", "metric", "rollup"]], on=["model", "metric"], how="left")
    out["_l"] = out["level"].map(LEVELS.index)
    out = out.sort_values(["model", "metric", "_l", "scope"], kind="stable")
    return out[cols].reset_index(drop=True)


__all__ = ["STAGE_NAMES", "LEVELS", "STATUS_COLUMNS", "UnknownLevelError", "status", "unit_stages", "all_stages",
           "metric_values", "latest_readings", "rollup_metrics", "scope_unit"]
