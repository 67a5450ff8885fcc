"""Gaps: what is behind, where, since when, and what to do about it.

Each kind is computed for every unit at once from the stage frame of
:func:`nhanrong.status.all_stages`; rows carry a short Vietnamese message (and
English) and the action a steering committee can decide on.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .errors import NhanRongError
from .graph import ProgrammeGraph, readings_table, stage_table
from .registry import OLD
from .schema import STAGES
from .i18n import stage_names
from .status import STAGE_VI, _models, _ts, all_stages, scope_unit

GAP_KINDS: tuple[str, ...] = ("not-started", "stalled", "gate-skipped", "prerequisite", "stale", "definition")
GAP_KIND_VI = {"not-started": "chưa bắt đầu", "stalled": "chậm, dừng lâu", "gate-skipped": "vượt cửa giai đoạn",
               "prerequisite": "thiếu điều kiện tiên quyết", "stale": "thiếu số liệu", "definition": "mô hình chưa đủ 3 được"}
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
SEVERITY_VI = {"high": "cao", "medium": "trung bình", "low": "thấp"}
GAP_COLUMNS = ["unit", "unit_key", "unit_name", "model", "kind", "since", "severity", "severity_rank",
               "message", "message_en", "action", "action_en"]
AREA_VI = {"commune": "xã", "district": "huyện", "province": "tỉnh"}
AREA_EN = {"commune": "commune", "district": "district", "province": "province"}
STAGE_EN = stage_names("en")


class UnknownGapKindError(NhanRongError):
    """A gap kind that does not exist."""


def _dates(values) -> tuple[list[str], list[str]]:
    """Many dates at once as (dd/mm/yyyy, yyyy-mm-dd) strings; "" when missing."""
    iso = np.asarray(pd.to_datetime(pd.Series(np.asarray(values))).to_numpy(dtype="datetime64[ns]")).astype("datetime64[D]").astype(str)
    iso_l = ["" if x == "NaT" else x for x in iso.tolist()]
    return [f"{x[8:10]}/{x[5:7]}/{x[:4]}" if x else "" for x in iso_l], iso_l


def _z(*cols):
    """zip over columns as plain lists (iterating Arrow-backed Series element by element is slow)."""
    return zip(*(c.tolist() if hasattr(c, "tolist") else c for c in cols))


def _obj(values) -> pd.Series:
    """Strings as plain objects: building Arrow strings for 100,000 messages costs more than the messages."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _frame(base: pd.DataFrame, kind: str, since, severity, msg_vi, msg_en, act_vi, act_en) -> pd.DataFrame:
    n = len(base)
    sev = np.full(n, severity, dtype=object) if isinstance(severity, str) else np.asarray(severity, dtype=object)
    return pd.DataFrame({
        "unit": _obj(base["code"].to_numpy(dtype=object)), "unit_key": _obj(base["unit"].to_numpy(dtype=object)),
        "unit_name": _obj(base["name"].to_numpy(dtype=object)), "model": _obj(base["model"].to_numpy(dtype=object)),
        "kind": _obj(np.full(n, kind, dtype=object)),
        "since": pd.to_datetime(pd.Series(np.asarray(since))).to_numpy(dtype="datetime64[ns]"),
        "severity": _obj(sev), "message": _obj(msg_vi), "message_en": _obj(msg_en),
        "action": _obj(act_vi), "action_en": _obj(act_en),
    })


def _first_start(e: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    d = e[list(STAGES)]
    return d.where(d <= as_of).min(axis=1)


def _en(pg: ProgrammeGraph) -> dict[str, str]:
    return {mid: m.name_en or m.name for mid, m in pg.programme.models.items()}


def _not_started(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, names: dict[str, str]) -> pd.DataFrame:
    start = _first_start(e, as_of)
    started = e[start.notna()].assign(_start=start[start.notna()])
    todo = e[e["stage_index"] == 0]
    if not len(started) or not len(todo):
        return pd.DataFrame()
    found = pd.Series(False, index=todo.index)
    area = pd.Series(None, index=todo.index, dtype=object)
    since = pd.Series(pd.NaT, index=todo.index, dtype="datetime64[ns]")
    count = pd.Series(0, index=todo.index)
    leader = pd.Series(None, index=todo.index, dtype=object)
    for col in ("commune", "district", "province"):
        s = started.dropna(subset=[col])
        if not len(s):
            continue
        first = s.sort_values("_start", kind="stable").drop_duplicates(["model", col])
        stats = s.groupby(["model", col]).size().rename("n").to_frame().join(
            first.set_index(["model", col])[["_start", "name"]])
        look = pd.MultiIndex.from_arrays([todo["model"], todo[col]])
        hit = stats.reindex(look)
        ok = hit["n"].notna().to_numpy() & ~found.to_numpy()
        area[ok] = col
        since[ok] = hit["_start"].to_numpy()[ok]
        count[ok] = hit["n"].to_numpy()[ok]
        leader[ok] = hit["name"].to_numpy()[ok]
        found |= ok
    rows = todo[found.to_numpy()]
    if not len(rows):
        return pd.DataFrame()
    a, sn, n, ld = area[found], since[found], count[found], leader[found]
    sev = a.map({"commune": "high", "district": "medium", "province": "low"})
    col_of = a.to_numpy()
    area_key = np.select([col_of == c for c in ("commune", "district", "province")],
                         [rows[c].to_numpy(dtype=object) for c in ("commune", "district", "province")], None)
    area_name = pd.Series(area_key).map(pg.units["name"]).fillna("").tolist()
    mname = rows["model"].map(names)
    dvi, diso = _dates(sn)
    vi = [f'{u} chưa bắt đầu "{m}", trong khi {c} đơn vị cùng {AREA_VI[ar]} ({an}) đã bắt đầu từ {d}'
          for u, m, c, ar, an, d in _z(rows["name"], mname, n, a, area_name, dvi)]
    en = [f'{u} has not started "{m}", while {c} unit(s) in the same {AREA_EN[ar]} ({an}) started from {d}'
          for u, m, c, ar, an, d in _z(rows["name"], rows["model"].map(_en(pg)), n, a, area_name, diso)]
    act = [f'Đưa {u} vào đợt nhân rộng tới; học kinh nghiệm từ {l}' for u, l in _z(rows["name"], ld)]
    act_en = [f'Put {u} in the next scale-out wave; learn from {l}' for u, l in _z(rows["name"], ld)]
    return _frame(rows, "not-started", sn.to_numpy(), sev.to_numpy(), vi, en, act, act_en)


def _stalled(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, names: dict[str, str]) -> pd.DataFrame:
    moving = e[e["stage"].isin(["assess", "pilot", "evaluate"])]
    if not len(moving):
        return pd.DataFrame()
    expected = pd.Series({(mid, s): getattr(m.stages, s).expected_days for mid, m in pg.programme.models.items() for s in STAGES})
    exp = pd.Series(expected.reindex(pd.MultiIndex.from_arrays([moving["model"], moving["stage"].astype(str)])).to_numpy(),
                    index=moving.index).astype(np.int64)
    days = (as_of - moving["since"]).dt.days
    late = days > exp
    rows, days, exp = moving[late], days[late], exp[late]
    if not len(rows):
        return pd.DataFrame()
    ratio = days / exp
    sev = np.where(ratio > 2, "high", np.where(ratio > 1.5, "medium", "low"))
    since = rows["since"] + pd.to_timedelta(exp, unit="D")
    st = rows["stage"].astype(str)
    mname = rows["model"].map(names)
    dvi, diso = _dates(rows["since"])
    vi = [f'{u} ở giai đoạn "{STAGE_VI[s]}" của "{m}" đã {d} ngày (từ {b}), quá {d - x} ngày so với dự kiến {x} ngày'
          for u, s, m, d, b, x in _z(rows["name"], st, mname, days, dvi, exp)]
    en = [f'{u} has been in the "{STAGE_EN[s]}" stage of "{m}" for {d} days (since {b}), {d - x} days over the expected {x}'
          for u, s, m, d, b, x in _z(rows["name"], st, rows["model"].map(_en(pg)), days, diso, exp)]
    act = [f'Kiểm tra vướng mắc ở {u}; quyết định chuyển giai đoạn hoặc hỗ trợ thêm nguồn lực' for u in rows["name"].tolist()]
    act_en = [f'Find out what blocks {u}; decide to move it on or give it more resources' for u in rows["name"].tolist()]
    return _frame(rows, "stalled", since.to_numpy(), sev, vi, en, act, act_en)


def _gate_skipped(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str, names: dict[str, str]) -> pd.DataFrame:
    started = e[e["stage_index"] > 1]
    if not len(started):
        return pd.DataFrame()
    readings = readings_table(pg, structure)
    issues = []  # frames: index (row of `started`), stage, problem vi/en, severity rank
    for mid, m in pg.programme.models.items():
        sub = started[started["model"] == mid]
        if not len(sub):
            continue
        for i, s in enumerate(STAGES[:-1]):
            spec = getattr(m.stages, s)
            if not spec.gate and not spec.min_days:
                continue
            later = sub[list(STAGES[i + 1:])]
            nxt = later.bfill(axis=1).iloc[:, 0]
            went = nxt.notna() & (nxt <= as_of)
            moved = sub[went].assign(_next=nxt[went])  # filter both: assigning to an empty frame adopts the index
            if not len(moved):
                continue
            if spec.min_days:
                held = (moved["_next"] - moved[s]).dt.days
                short = held < spec.min_days
                if short.any():
                    r = moved[short]
                    issues.append(pd.DataFrame({"row": r.index, "stage": s, "next": r["_next"], "rank": 1,
                                                "vi": [f"chỉ ở {h} ngày (tối thiểu {spec.min_days})" for h in held[short]],
                                                "en": [f"stayed {h} days (minimum {spec.min_days})" for h in held[short]]}))
            for g in spec.gate:
                right = readings[(readings["model"] == mid) & (readings["metric"] == g.metric)][["unit", "date", "value"]]
                left = moved[["unit", "_next"]].reset_index().sort_values("_next", kind="stable")
                right = right.sort_values("date", kind="stable")
                right = right.assign(unit=right["unit"].astype(object))
                left = left.assign(unit=left["unit"].astype(object))
                j = pd.merge_asof(left, right, left_on="_next", right_on="date", by="unit", direction="backward").set_index("index")
                missing = j["value"].isna()
                bad = pd.Series(False, index=j.index)
                if g.min is not None:
                    bad |= j["value"] < g.min
                if g.max is not None:
                    bad |= j["value"] > g.max
                bound_vi = " và ".join(x for x in (f"≥ {g.min:g}" if g.min is not None else "", f"≤ {g.max:g}" if g.max is not None else "") if x)
                bound_en = " and ".join(x for x in (f">= {g.min:g}" if g.min is not None else "", f"<= {g.max:g}" if g.max is not None else "") if x)
                if missing.any():
                    # Readings recorded only after the move that pass the gate now: a late record (low);
                    # still no passing reading at as_of: medium.
                    r = j[missing]
                    now = right[right["date"] <= as_of].drop_duplicates("unit", keep="last").set_index("unit")["value"]
                    v = r["unit"].map(now)
                    passes = v.notna()
                    if g.min is not None:
                        passes &= v >= g.min
                    if g.max is not None:
                        passes &= v <= g.max
                    issues.append(pd.DataFrame({"row": r.index, "stage": s, "next": r["_next"],
                                                "rank": np.where(passes, 1, 2),
                                                "vi": np.where(passes, f'số liệu "{g.metric}" chỉ được ghi sau khi chuyển giai đoạn',
                                                               f'chưa có số liệu "{g.metric}" (cần {bound_vi})'),
                                                "en": np.where(passes, f'"{g.metric}" was recorded only after the move',
                                                               f'no "{g.metric}" reading (needs {bound_en})')}))
                if bad.any():
                    r = j[bad]
                    issues.append(pd.DataFrame({"row": r.index, "stage": s, "next": r["_next"], "rank": 3,
                                                "vi": [f'"{g.metric}" = {v:g} (cần {bound_vi})' for v in r["value"]],
                                                "en": [f'"{g.metric}" = {v:g} (needs {bound_en})' for v in r["value"]]}))
    if not issues:
        return pd.DataFrame()
    iss = pd.concat(issues, ignore_index=True)
    key = ["row", "stage"]
    multi = iss.duplicated(key, keep=False)
    agg = iss[~multi][["row", "stage", "next", "rank", "vi", "en"]]
    if multi.any():  # a unit with several gate problems at one move: one row, problems joined
        joined = iss[multi].groupby(key, sort=False).agg(next=("next", "first"), rank=("rank", "max"),
                                                         vi=("vi", "; ".join), en=("en", "; ".join)).reset_index()
        agg = pd.concat([agg, joined], ignore_index=True)
    agg = agg.reset_index(drop=True)
    rows = started.loc[agg["row"]]
    mname = rows["model"].map(names).to_numpy()
    sev = agg["rank"].map({3: "high", 2: "medium", 1: "low"}).to_numpy()
    dvi, diso = _dates(agg["next"])
    vi = [f'{u} rời giai đoạn "{STAGE_VI[s]}" của "{m}" ngày {n} khi chưa qua cửa: {p}'
          for u, s, m, n, p in _z(rows["name"], agg["stage"], mname, dvi, agg["vi"])]
    en = [f'{u} left the "{STAGE_EN[s]}" stage of "{m}" on {n} without passing its gate: {p}'
          for u, s, m, n, p in _z(rows["name"], agg["stage"], rows["model"].map(_en(pg)).to_numpy(), diso, agg["en"])]
    act = [f'Bổ sung số liệu và đánh giá lại {u} theo tiêu chí của giai đoạn "{STAGE_VI[s]}"' for u, s in _z(rows["name"], agg["stage"])]
    act_en = [f'Record the missing readings and review {u} against the "{STAGE_EN[s]}" gate' for u, s in _z(rows["name"], agg["stage"])]
    return _frame(rows.reset_index(drop=True), "gate-skipped", agg["next"].to_numpy(), sev, vi, en, act, act_en)


def _reached_index(pg: ProgrammeGraph, structure: str, as_of: pd.Timestamp) -> pd.Series:
    """(unit, model) -> index of the latest stage reached at ``as_of`` (0 = none, 4 = scale)."""
    st = stage_table(pg, structure)
    if not len(st):
        return pd.Series(dtype=np.int64)
    d = np.stack([st[s].to_numpy(dtype="datetime64[ns]") for s in STAGES], axis=1) <= as_of.to_datetime64()
    idx = np.where(d.any(axis=1), len(STAGES) - np.argmax(d[:, ::-1], axis=1), 0)
    return pd.Series(idx, index=pd.MultiIndex.from_arrays([st["unit"], st["model"]]))


def _prerequisite(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str, names: dict[str, str]) -> pd.DataFrame:
    started = e[e["stage_index"] > 0]
    reached = _reached_index(pg, structure, as_of)
    frames = []
    for mid, m in pg.programme.models.items():
        sub = started[started["model"] == mid]
        if not len(sub) or not m.requires:
            continue
        for req in m.requires:
            col = {"same": "unit", "parent": "parent"}.get(req.where, req.where)
            target = sub[col]
            has = target.notna()
            rows = sub[has]
            tgt = target[has].astype(str)
            got = reached.reindex(pd.MultiIndex.from_arrays([tgt, pd.Series(req.model, index=tgt.index)])).fillna(0).astype(int).to_numpy()
            need = STAGES.index(req.stage) + 1
            short = got < need
            if not short.any():
                continue
            rows, tgt, got = rows[short], tgt[short], got[short]
            tname = tgt.map(pg.units["name"]).fillna(tgt)
            start = _first_start(rows, as_of)
            sev = np.where(got == 0, "high", "medium")
            mn, rn = names[mid], names.get(req.model, req.model)
            mn_en, rn_en = _en(pg)[mid], _en(pg).get(req.model, req.model)
            here = [("đơn vị này", "this unit") if t == u else (tn, tn) for t, u, tn in _z(tgt, rows["unit"], tname)]
            vi = [f'{u} đã bắt đầu "{mn}" nhưng "{rn}" ở {h[0]} chưa đạt giai đoạn "{STAGE_VI[req.stage]}" (mới: {STAGE_VI[("not_started", *STAGES)[g]]})'
                  for u, h, g in _z(rows["name"], here, got)]
            en = [f'{u} started "{mn_en}" but "{rn_en}" at {h[1]} has not reached "{STAGE_EN[req.stage]}" (now: {STAGE_EN[("not_started", *STAGES)[g]]})'
                  for u, h, g in _z(rows["name"], here, got)]
            act = [f'Triển khai "{rn}" ở {h[0]} đến giai đoạn "{STAGE_VI[req.stage]}" trước khi mở rộng "{mn}"' for h in here]
            act_en = [f'Bring "{rn_en}" at {h[1]} to "{STAGE_EN[req.stage]}" before scaling "{mn_en}"' for h in here]
            frames.append(_frame(rows, "prerequisite", start.to_numpy(), sev, vi, en, act, act_en))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _stale(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str, names: dict[str, str]) -> pd.DataFrame:
    with_metrics = [mid for mid, m in pg.programme.models.items() if m.metrics]
    rows = e[(e["stage_index"] >= 2) & e["model"].isin(with_metrics)]
    if not len(rows):
        return pd.DataFrame()
    r = readings_table(pg, structure)
    r = r[r["date"] <= as_of]
    last = r.groupby(["unit", "model"])["date"].max()
    lastd = last.reindex(pd.MultiIndex.from_arrays([rows["unit"], rows["model"]])).to_numpy()
    lastd = pd.Series(lastd, index=rows.index, dtype="datetime64[ns]")
    pilot_start = rows[["pilot", "evaluate", "scale"]].bfill(axis=1).iloc[:, 0]
    period = rows["model"].map({mid: m.reporting_period_days for mid, m in pg.programme.models.items()})
    ref = lastd.fillna(pilot_start)
    due = ref + pd.to_timedelta(period, unit="D")
    stale = due < as_of
    rows, lastd, due, period = rows[stale], lastd[stale], due[stale], period[stale]
    if not len(rows):
        return pd.DataFrame()
    gap_days = (as_of - lastd).dt.days
    sev = np.where(lastd.isna(), "high", np.where(gap_days > 2 * period, "medium", "low"))
    mname = rows["model"].map(names)
    vi_d, iso_d = _dates(lastd)
    vi = [f'{u} chưa có số liệu "{m}" nào' if not d else f'{u}: số liệu "{m}" mới nhất ngày {d}, quá kỳ báo cáo {p} ngày'
          for u, m, d, p in _z(rows["name"], mname, vi_d, period)]
    en = [f'{u} has no "{m}" reading at all' if not d else f'{u}: latest "{m}" reading on {d}, older than the {p}-day reporting period'
          for u, m, d, p in _z(rows["name"], rows["model"].map(_en(pg)), iso_d, period)]
    act = [f'Yêu cầu {u} cập nhật số liệu kỳ này' for u in rows["name"].tolist()]
    act_en = [f'Ask {u} to report this period\'s readings' for u in rows["name"].tolist()]
    return _frame(rows, "stale", due.to_numpy(), sev, vi, en, act, act_en)


def _definition(pg: ProgrammeGraph, mids: list[str]) -> pd.DataFrame:
    rows = []
    for mid in mids:
        m = pg.programme.models[mid]
        path = pg.programme.model_paths.get(mid, f"models/{mid}.toml")
        missing = []
        if not m.targets:
            missing.append(("high", "Nhìn được", "chưa có chỉ tiêu cụ thể (targets)", "no concrete targets",
                            "Thêm [[targets]] với chỉ số, giá trị và thời hạn", "Add [[targets]] with a metric, a value and a date"))
        if m.method is None or not m.resources:
            what = [x for x, miss in (("cách làm (method)", m.method is None), ("nguồn lực (resources)", not m.resources)) if miss]
            what_en = [x for x, miss in (("method", m.method is None), ("resources", not m.resources)) if miss]
            missing.append(("medium", "Sờ thấy được", "chưa nêu " + " và ".join(what), "no " + " or ".join(what_en),
                            "Ghi các bước làm ([method]) và nguồn lực cho mỗi đơn vị ([resources])",
                            "Write the steps ([method]) and the resources per unit ([resources])"))
        if not m.metrics:
            missing.append(("high", "Nắm bắt được", "chưa có chỉ số đo (metrics) để đánh giá bằng số liệu", "no metrics to evaluate it from data",
                            "Thêm [[metrics]] và ghi số liệu định kỳ", "Add [[metrics]] and record readings regularly"))
        for sev, part, vi, en, act, act_en in missing:
            rows.append({"unit": path, "unit_key": path, "unit_name": m.name, "model": mid, "kind": "definition",
                         "since": pd.NaT, "severity": sev,
                         "message": f'Mô hình "{m.name}" chưa đạt "{part}": {vi}',
                         "message_en": f'Model "{m.name_en or m.name}" misses a "3 được" part ({part}): {en}',
                         "action": act, "action_en": act_en})
    return pd.DataFrame(rows)


def find_gaps(pg: ProgrammeGraph, as_of: dt.date, *, structure: str = OLD, model: str | None = None,
              scope: str | None = None, kinds: list[str] | None = None) -> pd.DataFrame:
    """Every gap at ``as_of``, sorted by severity (high first), then since, then unit.

    Columns: unit (code; the model's file for "definition"), unit_key, unit_name, model, kind,
    since, severity, severity_rank (3 = high), message, message_en, action, action_en.
    """
    as_of_ts = _ts(as_of)
    kinds = list(GAP_KINDS) if kinds is None else list(kinds)
    for k in kinds:
        if k not in GAP_KINDS:
            raise UnknownGapKindError(f'loại khoảng trống "{k}" không có; dùng: {", ".join(GAP_KINDS)} / unknown gap kind "{k}"; use: {", ".join(GAP_KINDS)}')
    mids = _models(pg, [model] if model else None)
    sc = scope_unit(pg, structure, scope)
    names = {mid: m.name for mid, m in pg.programme.models.items()}
    e = all_stages(pg, as_of_ts, structure)
    e = e[e["model"].isin(mids)]
    in_scope = e if sc is None else e[e[sc[1]] == sc[0]]
    frames = []
    if "not-started" in kinds:
        ns = _not_started(pg, e, as_of_ts, names)
        if len(ns) and sc is not None:
            ns = ns[ns["unit_key"].isin(in_scope["unit"])]
        frames.append(ns)
    if "stalled" in kinds:
        frames.append(_stalled(pg, in_scope, as_of_ts, names))
    if "gate-skipped" in kinds:
        frames.append(_gate_skipped(pg, in_scope, as_of_ts, structure, names))
    if "prerequisite" in kinds:
        frames.append(_prerequisite(pg, in_scope, as_of_ts, structure, names))
    if "stale" in kinds:
        frames.append(_stale(pg, in_scope, as_of_ts, structure, names))
    if "definition" in kinds:
        frames.append(_definition(pg, mids))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "since" else (np.int64 if c == "severity_rank" else object))
                             for c in GAP_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out["since"] = pd.to_datetime(out["since"])
    out["severity_rank"] = out["severity"].map(SEVERITY_RANK).astype(np.int64)
    out = out.sort_values(["severity_rank", "since", "unit", "model", "kind"], ascending=[False, True, True, True, True],
                          na_position="last", kind="stable")
    return out[GAP_COLUMNS].reset_index(drop=True)


__all__ = ["GAP_KINDS", "GAP_KIND_VI", "GAP_COLUMNS", "SEVERITY_RANK", "SEVERITY_VI", "UnknownGapKindError", "find_gaps"]
