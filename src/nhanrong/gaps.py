"""Gaps: what is behind, where, since when, and what to do about it.

Each kind is computed for every unit at once from the stage frame of
:func:`nhanrong.status.all_stages`; rows carry a short Vietnamese message (and
English) and the action a steering committee can decide on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import NhanRongError
from .formats import fmt_value
from .graph import ProgrammeGraph, readings_table, stage_table, unit_parts
from .registry import NEW, OLD
from .schema import ABOLISHED_KINDS, STAGES, ModelFile
from .i18n import stage_names
from .status import HISTORY_AS_OF, STAGE_VI, _models, _part_records, _ts, all_stages, scope_unit, stage_rows

GAP_KINDS: tuple[str, ...] = ("not-started", "stalled", "gate-skipped", "prerequisite", "stale", "definition")
GAP_KIND_VI = {"not-started": "chưa bắt đầu", "stalled": "chậm, dừng lâu", "gate-skipped": "vượt cửa giai đoạn",
               "prerequisite": "thiếu điều kiện tiên quyết", "stale": "thiếu số liệu", "definition": "mô hình chưa đủ 3 được"}
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
SEVERITY_VI = {"high": "cao", "medium": "trung bình", "low": "thấp"}
GAP_COLUMNS = ["unit", "unit_key", "unit_name", "commune_name", "model", "kind", "since", "severity", "severity_rank",
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
    """Strings as plain objects: building Arrow strings for 100,000 messages costs more than the messages.
    Equal values share one object (a unit, its commune and its model recur row after row; each value
    read out of an Arrow column would otherwise be a string object of its own)."""
    arr = np.asarray(values, dtype=object)
    if len(arr) > 1:
        codes, uniques = pd.factorize(arr, use_na_sentinel=False)
        arr = np.asarray(uniques, dtype=object)[codes]
    return pd.Series(arr, dtype=object)


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
"""The dtype of the message and action columns: pandas' own "str" (UTF-8 in one Arrow buffer). A
country's gaps carry a million sentences; as Python objects they would take three times the memory."""
TEXT_COLUMNS = ("message", "message_en", "action", "action_en")


def _text(values, chunk: int = 1 << 16) -> pd.Series:
    """Sentences (a list or any iterable, consumed lazily) as an Arrow-backed "str" column, built
    straight from Python strings a chunk at a time: never more than ``chunk`` of them alive at once."""
    import itertools

    import pyarrow as pa

    if isinstance(values, pd.Series) and values.dtype == TEXT:
        return values.reset_index(drop=True)
    it = iter(values)
    parts = []
    while True:
        block = list(itertools.islice(it, chunk))
        if not block:
            break
        parts.append(pa.array(block, type=pa.large_string()))
    arr = pa.chunked_array(parts, type=pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(arr, dtype=TEXT))


def _frame(pg: ProgrammeGraph, base: pd.DataFrame, kind: str, since, severity, msg_vi, msg_en, act_vi, act_en) -> pd.DataFrame:
    n = len(base)
    sev = np.full(n, severity, dtype=object) if isinstance(severity, str) else np.asarray(severity, dtype=object)
    return pd.DataFrame({
        "unit": _obj(base["code"].to_numpy(dtype=object)), "unit_key": _obj(base["unit"].to_numpy(dtype=object)),
        "unit_name": _obj(base["name"].to_numpy(dtype=object)),
        "commune_name": _obj(_commune_names(pg, base)) if "commune" in base else _obj([""] * n),
        "model": _obj(base["model"].to_numpy(dtype=object)),
        "kind": _obj(np.full(n, kind, dtype=object)),
        "since": pd.to_datetime(pd.Series(np.asarray(since))).to_numpy(dtype="datetime64[ns]"),
        "severity": _obj(sev), "message": _text(msg_vi), "message_en": _text(msg_en),
        "action": _text(act_vi), "action_en": _text(act_en),
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
    vi = (f'{u} chưa bắt đầu "{m}", trong khi {c} đơn vị cùng {AREA_VI[ar]} ({an}) đã bắt đầu từ {d}'
          for u, m, c, ar, an, d in _z(rows["name"], mname, n, a, area_name, dvi))
    en = (f'{u} has not started "{m}", while {c} unit(s) in the same {AREA_EN[ar]} ({an}) started from {d}'
          for u, m, c, ar, an, d in _z(rows["name"], rows["model"].map(_en(pg)), n, a, area_name, diso))
    act = (f'Đưa {u} vào đợt nhân rộng tới; học kinh nghiệm từ {l}' for u, l in _z(rows["name"], ld))
    act_en = (f'Put {u} in the next scale-out wave; learn from {l}' for u, l in _z(rows["name"], ld))
    return _frame(pg, rows, "not-started", sn.to_numpy(), sev.to_numpy(), vi, en, act, act_en)


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
    vi = (f'{u} ở giai đoạn "{STAGE_VI[s]}" của "{m}" đã {d} ngày (từ {b}), quá {d - x} ngày so với dự kiến {x} ngày'
          for u, s, m, d, b, x in _z(rows["name"], st, mname, days, dvi, exp))
    en = (f'{u} has been in the "{STAGE_EN[s]}" stage of "{m}" for {d} days (since {b}), {d - x} days over the expected {x}'
          for u, s, m, d, b, x in _z(rows["name"], st, rows["model"].map(_en(pg)), days, diso, exp))
    act = (f'Kiểm tra vướng mắc ở {u}; quyết định chuyển giai đoạn hoặc hỗ trợ thêm nguồn lực' for u in rows["name"].tolist())
    act_en = (f'Find out what blocks {u}; decide to move it on or give it more resources' for u in rows["name"].tolist())
    return _frame(pg, rows, "stalled", since.to_numpy(), sev, vi, en, act, act_en)


def _metric_names(m: ModelFile, lang: str) -> dict[str, str]:
    """Metric id -> its name as the model file writes it (English name in English, if any)."""
    return {x.id: ((x.name_en or x.name) if lang == "en" else x.name) for x in m.metrics}


def metric_series(readings: pd.DataFrame, m: ModelFile, model: str, metric: str) -> pd.DataFrame:
    """One unit's values of ``metric`` over time (columns unit, date, value), sorted by date.

    A recorded metric is its readings; a ratio is computed at every date either part changes,
    from the latest numerator and denominator known then (so a gate on a ratio works)."""
    r = readings[readings["model"] == model]
    spec = next((x for x in m.metrics if x.id == metric), None)
    if spec is None or spec.rollup != "ratio":
        out = r[r["metric"] == metric][["unit", "date", "value"]]
        return out.sort_values("date", kind="stable")
    parts = r[r["metric"].isin([spec.numerator, spec.denominator])]
    parts = parts.assign(unit=parts["unit"].astype(object))  # categorical keys would pivot every unit x date
    if not len(parts):
        return pd.DataFrame({"unit": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype=float)})
    wide = parts.pivot_table(index=["unit", "date"], columns="metric", values="value", aggfunc="last")
    wide = wide.reindex(columns=[spec.numerator, spec.denominator])
    wide = wide.groupby(level=0).ffill()
    den = wide[spec.denominator]
    value = (wide[spec.numerator] / den.where(den != 0)).rename("value")
    out = value.dropna().reset_index()
    out["unit"] = out["unit"].astype(object)
    return out.sort_values("date", kind="stable")


class _LastAt:
    """Dated values per integer key; :meth:`at` gives, for many keys and one date, the position of each
    key's last value at or before the date (-1: none), by binary search: no pass over all values."""

    SPAN = 1 << 18  # days since 1970 + OFFSET fit below it for every date the loader accepts (1900-2150)
    OFFSET = 40_000

    def __init__(self, keys: np.ndarray, days: np.ndarray) -> None:
        keys, days = np.asarray(keys, dtype=np.int64), np.asarray(days, dtype=np.int64)
        self.order = np.lexsort((np.arange(len(keys)), days, keys))  # ties on a date: the last one read wins
        self.keys = keys[self.order]
        self.code = self.keys * self.SPAN + np.clip(days[self.order] + self.OFFSET, 0, self.SPAN - 1)

    def at(self, keys: np.ndarray, day: int) -> np.ndarray:
        """Positions (into the values as given) of each key's last value at or before ``day``; -1 if none."""
        keys = np.asarray(keys, dtype=np.int64)
        q = keys * self.SPAN + int(np.clip(day + self.OFFSET, -1, self.SPAN - 1))
        pos = np.searchsorted(self.code, q, side="right") - 1
        ok = (pos >= 0) & (self.keys[np.maximum(pos, 0)] == keys) if len(self.keys) else np.zeros(len(keys), dtype=bool)
        return np.where(ok, self.order[np.maximum(pos, 0)] if len(self.order) else -1, -1)


def _day_number(values) -> np.ndarray:
    """Dates (datetime64 or Timestamps) as days since 1970."""
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


@dataclass(frozen=True)
class _GateText:
    """How to say one kind of gate problem (a stage's minimum stay, or one gate of it), from a number."""

    min_days: int = 0
    metric_vi: str = ""
    metric_en: str = ""
    unit: str = ""
    bound_vi: str = ""
    bound_en: str = ""

    def texts(self, rank: int, values: list, late: list) -> tuple[list[str], list[str]]:
        if self.min_days:
            held = [int(h) for h in values]
            return ([f"chỉ ở {h} ngày (tối thiểu {self.min_days})" for h in held],
                    [f"stayed {h} days (minimum {self.min_days})" for h in held])
        if rank == 3:
            return ([f'"{self.metric_vi}" = {fmt_value(v, self.unit, "vi")} (cần {self.bound_vi})' for v in values],
                    [f'"{self.metric_en}" = {fmt_value(v, self.unit, "en")} (needs {self.bound_en})' for v in values])
        late_vi = f'số liệu "{self.metric_vi}" chỉ được ghi sau khi chuyển giai đoạn'
        late_en = f'"{self.metric_en}" was recorded only after the move'
        none_vi = f'chưa có số liệu "{self.metric_vi}" (cần {self.bound_vi})'
        none_en = f'no "{self.metric_en}" reading (needs {self.bound_en})'
        return [late_vi if x else none_vi for x in late], [late_en if x else none_en for x in late]


def _gate_catalogue(pg: ProgrammeGraph, started: pd.DataFrame, readings: pd.DataFrame) -> dict:
    """Every move of a row of ``started`` out of a stage that skipped its gate, over all time (a date
    only keeps the moves made by then: see :func:`_gate_issues`), as numbers: columns row, stage, next
    (the move's date), rank (3 high .. 1 low; 0: no reading at the move, which is medium, or low when
    a passing reading was recorded by the as-of date), value (days held, or the reading at the move),
    text (which :class:`_GateText` says it), gate and unit (where to look the late reading up:
    ``gates[gate]``). ``multi``: whether the row has several problems at that move (one gap, joined)."""
    issues = []
    gates = []
    texts: list[_GateText] = []
    for mid, m in pg.programme.models.items():
        sub = started[started["model"] == mid]
        if not len(sub):
            continue
        names_vi, names_en = _metric_names(m, "vi"), _metric_names(m, "en")
        units_of = {x.id: x.unit for x in m.metrics}
        for i, s in enumerate(STAGES[:-1]):
            spec = getattr(m.stages, s)
            if not spec.gate and not spec.min_days:
                continue
            later = sub[list(STAGES[i + 1:])]
            nxt = later.bfill(axis=1).iloc[:, 0]
            went = nxt.notna()
            moved = sub[went].assign(_next=nxt[went])  # filter both: assigning to an empty frame adopts the index
            if not len(moved):
                continue
            if spec.min_days:
                held = (moved["_next"] - moved[s]).dt.days
                short = held < spec.min_days
                if short.any():
                    r = moved[short]
                    texts.append(_GateText(min_days=spec.min_days))
                    issues.append(pd.DataFrame({"row": r.index, "stage": s, "next": r["_next"], "rank": 1,
                                                "value": held[short].to_numpy(dtype=float), "text": len(texts) - 1}))
            for g in spec.gate:
                right = metric_series(readings, m, mid, g.metric)
                left = moved[["unit", "_next"]].reset_index().sort_values("_next", kind="stable")
                right = right.assign(unit=right["unit"].astype(object))
                left = left.assign(unit=left["unit"].astype(object))
                j = pd.merge_asof(left, right, left_on="_next", right_on="date", by="unit", direction="backward").set_index("index")
                missing = j["value"].isna()
                bad = pd.Series(False, index=j.index)
                if g.min is not None:
                    bad |= j["value"] < g.min
                if g.max is not None:
                    bad |= j["value"] > g.max
                unit = units_of.get(g.metric, "")
                bound_vi = " và ".join(x for x in (f"≥ {fmt_value(g.min, unit, 'vi')}" if g.min is not None else "",
                                                  f"≤ {fmt_value(g.max, unit, 'vi')}" if g.max is not None else "") if x)
                bound_en = " and ".join(x for x in (f">= {fmt_value(g.min, unit, 'en')}" if g.min is not None else "",
                                                   f"<= {fmt_value(g.max, unit, 'en')}" if g.max is not None else "") if x)
                texts.append(_GateText(metric_vi=names_vi.get(g.metric, g.metric), metric_en=names_en.get(g.metric, g.metric),
                                       unit=unit, bound_vi=bound_vi, bound_en=bound_en))
                if missing.any():
                    # Readings recorded only after the move that pass the gate at the as-of date: a late
                    # record (low); still no passing reading then: medium. Decided per date.
                    r = j[missing]
                    right = right[right["unit"].isin(r["unit"].unique()).to_numpy()]
                    values = right["value"].to_numpy(dtype=float)
                    passes = ~np.isnan(values)
                    if g.min is not None:
                        passes &= values >= g.min
                    if g.max is not None:
                        passes &= values <= g.max
                    codes, uniq = pd.factorize(right["unit"].to_numpy(dtype=object))
                    gates.append((_LastAt(codes, _day_number(right["date"])), pd.Index(uniq, dtype=object), passes))
                    issues.append(pd.DataFrame({"row": r.index, "stage": s, "next": r["_next"], "rank": 0, "value": np.nan,
                                                "text": len(texts) - 1, "gate": len(gates) - 1,
                                                "unit": r["unit"].to_numpy(dtype=object)}))
                if bad.any():
                    r = j[bad]
                    issues.append(pd.DataFrame({"row": r.index, "stage": s, "next": r["_next"], "rank": 3,
                                                "value": r["value"].to_numpy(dtype=float), "text": len(texts) - 1}))
    cols = ["row", "stage", "next", "rank", "value", "text", "gate", "unit"]
    if not issues:
        iss = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    else:
        iss = pd.concat(issues, ignore_index=True).reindex(columns=cols)
    for c in ("row", "rank", "text"):
        iss[c] = iss[c].astype(np.int64)
    iss["gate"] = iss["gate"].fillna(-1).astype(np.int64)
    iss["value"] = iss["value"].astype(float)
    iss["next"] = pd.to_datetime(iss["next"])
    iss["stage"] = pd.Categorical(iss["stage"], categories=list(STAGES))
    iss["unit"] = iss["unit"].astype(object)
    return {"issues": iss, "gates": gates, "texts": texts, "rows": iss["row"].to_numpy(),
            "next": iss["next"].to_numpy(dtype="datetime64[ns]"), "multi": iss.duplicated(["row", "stage"], keep=False).to_numpy()}


def _gate_issues(cat: dict, present: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """The gate problems of :func:`_gate_catalogue` at ``as_of`` for the rows where ``present`` is True:
    moves made by then; a unit with several problems at one move gets one row, the problems joined.
    Columns: row, stage, next, rank (3 high .. 1 low), vi, en."""
    cols = ["row", "stage", "next", "rank", "vi", "en"]
    rows = cat["rows"]
    sel = (cat["next"] <= as_of.to_datetime64()) & present[rows] if len(rows) else np.zeros(0, dtype=bool)
    if not sel.any():
        return pd.DataFrame(columns=cols)
    iss = cat["issues"][sel]
    rank = iss["rank"].to_numpy().copy()
    late = rank == 0
    passes = np.zeros(len(iss), dtype=bool)
    if late.any():
        gate = iss["gate"].to_numpy()
        units = iss["unit"].to_numpy(dtype=object)
        day = int(_day_number([as_of])[0])
        for gid in np.unique(gate[late]).tolist():
            at = np.flatnonzero(late & (gate == gid))
            lookup, uniq, ok = cat["gates"][gid]
            codes = uniq.get_indexer(units[at])
            pos = lookup.at(codes, day)
            passes[at] = (codes >= 0) & (pos >= 0) & ok[np.maximum(pos, 0)] if len(ok) else False
        rank[late] = np.where(passes[late], 1, 2)
    vi = np.empty(len(iss), dtype=object)
    en = np.empty(len(iss), dtype=object)
    text, value, rank0 = iss["text"].to_numpy(), iss["value"].to_numpy(), iss["rank"].to_numpy()
    for (t, r0), at in pd.Series(np.arange(len(iss))).groupby([text, rank0], sort=False).indices.items():
        v, e = cat["texts"][t].texts(int(r0), value[at].tolist(), passes[at].tolist())
        vi[at], en[at] = v, e
    iss = pd.DataFrame({"row": iss["row"].to_numpy(), "stage": iss["stage"].astype(str).to_numpy(dtype=object),
                        "next": iss["next"].to_numpy(), "rank": rank, "vi": vi, "en": en})
    multi = cat["multi"][sel]
    agg = iss[~multi]
    if multi.any():  # a unit with several gate problems at one move: one row, problems joined
        joined = iss[multi].groupby(["row", "stage"], sort=False).agg(next=("next", "first"), rank=("rank", "max"),
                                                                      vi=("vi", "; ".join), en=("en", "; ".join)).reset_index()
        agg = pd.concat([agg, joined], ignore_index=True)
    return agg.reset_index(drop=True)


def _gate_frame(pg: ProgrammeGraph, rows: pd.DataFrame, agg: pd.DataFrame, names: dict[str, str],
                who_vi: list[str], who_en: list[str]) -> pd.DataFrame:
    mname = rows["model"].map(names).to_numpy()
    sev = agg["rank"].map({3: "high", 2: "medium", 1: "low"}).to_numpy()
    dvi, diso = _dates(agg["next"])
    vi = (f'{u} rời giai đoạn "{STAGE_VI[s]}" của "{m}" ngày {n} khi chưa qua cửa: {p}'
          for u, s, m, n, p in _z(who_vi, agg["stage"], mname, dvi, agg["vi"]))
    en = (f'{u} left the "{STAGE_EN[s]}" stage of "{m}" on {n} without passing its gate: {p}'
          for u, s, m, n, p in _z(who_en, agg["stage"], rows["model"].map(_en(pg)).to_numpy(), diso, agg["en"]))
    act = (f'Bổ sung số liệu và đánh giá lại {u} theo tiêu chí của giai đoạn "{STAGE_VI[s]}"' for u, s in _z(who_vi, agg["stage"]))
    act_en = (f'Record the missing readings and review {u} against the "{STAGE_EN[s]}" gate' for u, s in _z(who_en, agg["stage"]))
    return _frame(pg, rows.reset_index(drop=True), "gate-skipped", agg["next"].to_numpy(), sev, vi, en, act, act_en)


def _gate_base(pg: ProgrammeGraph, structure: str, base: dict) -> dict:
    """What :func:`_gate_skipped` needs that does not depend on the date, for the rows of a stage base
    (:func:`nhanrong.status.stage_rows`): the gate problems of every row that ever moved on, and in the
    new structure those of the old units that new ones are made of, with the new units they went into."""
    def make() -> dict:
        frame = base["frame"]
        moves = frame[list(STAGES[1:])].notna().any(axis=1).to_numpy() & ~base["history"]
        started = frame[moves]
        out: dict = {}
        if structure == OLD:
            out["own"] = _gate_catalogue(pg, started, readings_table(pg, OLD))
            return out
        own = started[_own_rows(pg, started)]
        r = readings_table(pg, NEW)
        out["own"] = _gate_catalogue(pg, own, r[r["part"].isna().to_numpy()])
        pr = _part_records(pg)
        pr = pr[pr[list(STAGES)].notna().any(axis=1).to_numpy()]
        old = pr.drop_duplicates(["part", "model"]).rename(columns={"part": "unit"})[["unit", "model", *STAGES]]
        old = old.assign(name=pg.units["name"].reindex(old["unit"]).to_numpy())
        old = old[old[list(STAGES[1:])].notna().any(axis=1).to_numpy()].reset_index(drop=True)
        if len(old):
            rr = pg.programme.readings
            rr = rr[rr["unit"].astype(str).isin(old["unit"]).to_numpy()]
            rr = rr.assign(unit=rr["unit"].astype(str).astype(object), model=rr["model"].astype(str))
            out["parts"] = _gate_catalogue(pg, old, rr)
            out["old"] = old
        return out

    return pg.memo(("gate_base", structure, id(base)), make)


def _gate_skipped(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str, names: dict[str, str]) -> pd.DataFrame:
    """Moves past a stage without its gate. In the new structure, a unit's own records are checked
    against its own readings, and a unit made of old ones is checked through its parts: the gap
    names the part ("Xã A, nay thuộc Xã N") and sits on the new unit. The checks of every move are made
    once (:func:`_gate_base`); a date keeps the moves made by then, for the rows of ``e``."""
    sr = stage_rows(pg, as_of, structure)
    base_rows = sr["rows"]
    gb = _gate_base(pg, structure, sr["base"])
    present = np.zeros(len(sr["base"]["frame"]), dtype=bool)
    present[base_rows[e.index.to_numpy()]] = True
    label = np.full(len(present), -1, dtype=np.int64)  # base row -> row of the as-of frame
    label[base_rows] = np.arange(len(base_rows))
    frames = []
    agg = _gate_issues(gb["own"], present, as_of)
    if len(agg):
        rows = e.loc[label[agg["row"].to_numpy(dtype=np.int64)]]
        frames.append(_gate_frame(pg, rows, agg, names, rows["name"].tolist(), rows["name"].tolist()))
    if "parts" in gb:
        heads = e[~e["history"]]
        old = gb["old"]
        # An old unit counts where a new unit it went into is shown (a unit of ``e`` for the model).
        pairs = pd.DataFrame({"part": old["unit"].to_numpy(dtype=object), "model": old["model"].to_numpy(dtype=object),
                              "_o": np.arange(len(old))}).merge(unit_parts(pg), on="part")
        shown = pd.MultiIndex.from_arrays([pairs["new"], pairs["model"]]).isin(
            pd.MultiIndex.from_arrays([heads["unit"], heads["model"]]))
        present_old = np.zeros(len(old), dtype=bool)
        present_old[pairs["_o"].to_numpy()[shown]] = True
        agg = _gate_issues(gb["parts"], present_old, as_of)
        if len(agg):
            prow = old.loc[agg["row"].to_numpy(dtype=np.int64)]
            parts = unit_parts(pg)
            pairs = pd.DataFrame({"part": prow["unit"].to_numpy(), "model": prow["model"].to_numpy(), "_i": np.arange(len(prow))})
            pairs = pairs.merge(parts, on="part").merge(heads[["unit", "model"]].reset_index(), left_on=["new", "model"],
                                                        right_on=["unit", "model"])
            if len(pairs):
                rows = e.loc[pairs["index"]]
                sub = agg.iloc[pairs["_i"].to_numpy()].reset_index(drop=True)
                pn = prow["name"].to_numpy()[pairs["_i"].to_numpy()]
                who_vi = [f"{p} (nay thuộc {n})" for p, n in zip(pn, rows["name"].tolist())]
                who_en = [f"{p} (now part of {n})" for p, n in zip(pn, rows["name"].tolist())]
                frames.append(_gate_frame(pg, rows, sub, names, who_vi, who_en))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _own_rows(pg: ProgrammeGraph, rows: pd.DataFrame) -> np.ndarray:
    """Rows (of a new-structure stage frame) read from a record of their own: every declared unit,
    and the new communes and provinces recorded in the new structure (not made up from parts)."""
    admin = rows["kind"].isin(["province", "commune"]).to_numpy()
    if not admin.any():
        return np.ones(len(rows), dtype=bool)
    a = pg.programme.adoptions
    unit = a["unit"]
    cats = pd.Index(unit.cat.categories.astype(str)) if hasattr(unit, "cat") else None
    keys = set(rows.loc[admin, "unit"])
    if hasattr(unit, "cat"):
        hit = a[cats.isin(keys)[unit.cat.codes.to_numpy()]]
    else:
        hit = a[unit.astype(str).isin(keys).to_numpy()]
    recorded = pd.MultiIndex.from_arrays([hit["unit"].astype(str), hit["model"].astype(str)])
    sub = rows[admin]
    out = np.ones(len(rows), dtype=bool)
    out[admin] = pd.MultiIndex.from_arrays([sub["unit"], sub["model"]]).isin(recorded)
    return out


def _pair_codes(pg: ProgrammeGraph, units, models) -> np.ndarray:
    """(unit key, model id) pairs as integers (-1 when either is unknown): look-ups by binary search or
    hashing of integers instead of tuples of strings."""
    u = pg.units.index.get_indexer(np.asarray(units, dtype=object))
    mids = pd.Index(list(pg.programme.models), dtype=object)
    m = mids.get_indexer(np.asarray(models, dtype=object))
    return np.where((u >= 0) & (m >= 0), u.astype(np.int64) * (len(mids) + 1) + m, -1)


def _reached_base(pg: ProgrammeGraph, structure: str) -> dict:
    """The stage table's dates (rows x stages) and its (unit, model) pairs as an index of integers."""
    def make() -> dict:
        st = stage_table(pg, structure)
        codes = _pair_codes(pg, st["unit"], st["model"])
        first = ~pd.Index(codes).duplicated() & (codes >= 0)
        return {"index": pd.Index(codes[first]),
                "dates": np.stack([st[s].to_numpy(dtype="datetime64[ns]") for s in STAGES], axis=1)[first]
                if len(st) else np.zeros((0, len(STAGES)), dtype="datetime64[ns]")}

    return pg.memo(("reached_base", structure), make)


def _reached_at(pg: ProgrammeGraph, structure: str, as_of: pd.Timestamp, units, model: str) -> np.ndarray:
    """Index of the latest stage of ``model`` each of ``units`` reached at ``as_of`` (0 = none, 4 = scale)."""
    rb = _reached_base(pg, structure)
    pos = rb["index"].get_indexer(_pair_codes(pg, units, np.full(len(units), model, dtype=object)))
    d = rb["dates"][np.maximum(pos, 0)] <= as_of.to_datetime64() if len(rb["dates"]) else np.zeros((len(pos), len(STAGES)), dtype=bool)
    idx = np.where(d.any(axis=1), len(STAGES) - np.argmax(d[:, ::-1], axis=1), 0)
    return np.where(pos >= 0, idx, 0)


def _prerequisite(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str, names: dict[str, str],
                  everyone: pd.DataFrame) -> pd.DataFrame:
    """Units that started a model before its prerequisite was met where it must be: the same
    unit, its parent, its commune/district/province, or a share of the units of a kind below it
    (``everyone`` is the whole stage frame, so units below are counted outside the scope too)."""
    started = e[(e["stage_index"] > 0) & ~e["history"]]
    frames = []
    prog = pg.programme
    for mid, m in prog.models.items():
        sub = started[started["model"] == mid]
        if not len(sub) or not m.requires:
            continue
        mn, mn_en = names[mid], _en(pg)[mid]
        for req in m.requires:
            need = STAGES.index(req.stage) + 1
            rn, rn_en = names.get(req.model, req.model), _en(pg).get(req.model, req.model)
            sv, se = STAGE_VI[req.stage], STAGE_EN[req.stage]
            if req.where == "below":
                frames.append(_below_short(pg, sub, everyone, req, as_of, mn, mn_en, rn, rn_en))
                continue
            col = {"same": "unit", "parent": "parent"}.get(req.where, req.where)
            target = sub[col]
            has = target.notna().to_numpy().copy()
            if req.model == mid:  # the same model higher up: a unit is not its own prerequisite
                has &= (target.astype(object) != sub["unit"]).to_numpy()
            rows = sub[has]
            if not len(rows):
                continue
            tgt = target[has].astype(str)
            got = _reached_at(pg, structure, as_of, tgt.to_numpy(dtype=object), req.model)
            short = got < need
            if not short.any():
                continue
            rows, tgt, got = rows[short], tgt[short], got[short]
            tname = tgt.map(pg.units["name"]).fillna(tgt)
            start = _first_start(rows, as_of)
            sev = np.where(got == 0, "high", "medium")
            here = [("đơn vị này", "this unit") if t == u else (tn, tn) for t, u, tn in _z(tgt, rows["unit"], tname)]
            vi = (f'{u} đã bắt đầu "{mn}" nhưng "{rn}" ở {h[0]} chưa đạt giai đoạn "{sv}" (mới: {STAGE_VI[("not_started", *STAGES)[g]]})'
                  for u, h, g in _z(rows["name"], here, got))
            en = (f'{u} started "{mn_en}" but "{rn_en}" at {h[1]} has not reached "{se}" (now: {STAGE_EN[("not_started", *STAGES)[g]]})'
                  for u, h, g in _z(rows["name"], here, got))
            act = (f'Triển khai "{rn}" ở {h[0]} đến giai đoạn "{sv}" trước khi mở rộng "{mn}"' for h in here)
            act_en = (f'Bring "{rn_en}" at {h[1]} to "{se}" before scaling "{mn_en}"' for h in here)
            frames.append(_frame(pg, rows, "prerequisite", start.to_numpy(), sev, vi, en, act, act_en))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def below_shares(everyone: pd.DataFrame, model: str, kind: str, stage: str, by: str) -> pd.DataFrame:
    """Per unit of ``by`` (commune, district, province or parent): how many units of ``kind``
    eligible for ``model`` are below it, and the share of them that reached ``stage``."""
    need = STAGES.index(stage) + 1
    below = everyone[(everyone["model"] == model) & (everyone["kind"] == kind) & ~everyone["history"]]
    if not len(below):
        return pd.DataFrame(columns=["units", "share"])
    ok = (below["stage_index"] >= need).astype(float)
    g = pd.DataFrame({"k": below[by].to_numpy(), "ok": ok.to_numpy()}).dropna(subset=["k"]).groupby("k")["ok"]
    return pd.DataFrame({"units": g.size(), "share": g.mean()})


def _below_short(pg: ProgrammeGraph, sub: pd.DataFrame, everyone: pd.DataFrame, req, as_of: pd.Timestamp,
                 mn: str, mn_en: str, rn: str, rn_en: str) -> pd.DataFrame:
    """Adopters whose units below have not reached ``req.share`` of ``req.stage`` (none below: met)."""
    from .formats import fmt_percent

    frames = []
    prog = pg.programme
    for kind, part in sub.groupby("kind", sort=False):
        by = kind if kind in ("province", "district", "commune") else "parent"
        shares = below_shares(everyone, req.model, req.kind, req.stage, by)
        got = shares.reindex(part["unit"])
        short = got["share"].notna().to_numpy() & (got["share"].to_numpy() < req.share - 1e-9)
        if not short.any():
            continue
        rows, got = part[short], got[short]
        kvi, ken = prog.kind_label(req.kind, "vi"), prog.kind_label(req.kind, "en", plural=True)
        sv, se = STAGE_VI[req.stage], STAGE_EN[req.stage]
        need_vi, need_en = fmt_percent(req.share, "vi", 0), fmt_percent(req.share, "en", 0)
        have_vi = [fmt_percent(x, "vi", 0) for x in got["share"]]
        have_en = [fmt_percent(x, "en", 0) for x in got["share"]]
        n = got["units"].astype(int).tolist()
        sev = np.where(got["share"].to_numpy() == 0, "high", "medium")
        vi = (f'{u} đã bắt đầu "{mn}" nhưng mới {h} trong {k} {kvi} của đơn vị này đạt giai đoạn "{sv}" của "{rn}" (cần {need_vi})'
              for u, h, k in _z(rows["name"], have_vi, n))
        en = (f'{u} started "{mn_en}" but only {h} of its {k} {ken} have reached "{se}" of "{rn_en}" (needs {need_en})'
              for u, h, k in _z(rows["name"], have_en, n))
        act = (f'Đưa "{rn}" đến giai đoạn "{sv}" ở ít nhất {need_vi} {kvi} của {u} trước khi mở rộng "{mn}"' for u in rows["name"].tolist())
        act_en = (f'Bring "{rn_en}" to "{se}" in at least {need_en} of the {ken} of {u} before scaling "{mn_en}"' for u in rows["name"].tolist())
        frames.append(_frame(pg, rows, "prerequisite", _first_start(rows, as_of).to_numpy(), sev, vi, en, act, act_en))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _stale_base(pg: ProgrammeGraph, structure: str) -> dict:
    """Each reading's (unit, model) pair in ``structure`` and date, for "the latest reading of a
    unit and model at a date" by binary search (:class:`_LastAt`)."""
    def make() -> dict:
        r = readings_table(pg, structure)
        codes = _pair_codes(pg, r["unit"], r["model"])
        codes = np.where(codes >= 0, codes, -2)  # never matches a look-up (-1 = unknown there)
        date = r["date"].to_numpy(dtype="datetime64[ns]")
        return {"last": _LastAt(codes, _day_number(date)), "date": date}

    return pg.memo(("stale_base", structure), make)


def _stale(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str, names: dict[str, str]) -> pd.DataFrame:
    with_metrics = [mid for mid, m in pg.programme.models.items() if m.metrics]
    rows = e[(e["stage_index"] >= 2) & e["model"].isin(with_metrics)]
    if not len(rows):
        return pd.DataFrame()
    sb = _stale_base(pg, structure)
    pos = sb["last"].at(_pair_codes(pg, rows["unit"], rows["model"]), int(_day_number([as_of])[0]))
    lastd = pd.Series(np.where(pos >= 0, sb["date"][np.maximum(pos, 0)], np.datetime64("NaT")) if len(sb["date"])
                      else np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[ns]"), index=rows.index, dtype="datetime64[ns]")
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
    vi = (f'{u} chưa có số liệu "{m}" nào' if not d else f'{u}: số liệu "{m}" mới nhất ngày {d}, quá kỳ báo cáo {p} ngày'
          for u, m, d, p in _z(rows["name"], mname, vi_d, period))
    en = (f'{u} has no "{m}" reading at all' if not d else f'{u}: latest "{m}" reading on {d}, older than the {p}-day reporting period'
          for u, m, d, p in _z(rows["name"], rows["model"].map(_en(pg)), iso_d, period))
    act = (f'Yêu cầu {u} cập nhật số liệu kỳ này' for u in rows["name"].tolist())
    act_en = (f'Ask {u} to report this period\'s readings' for u in rows["name"].tolist())
    return _frame(pg, rows, "stale", due.to_numpy(), sev, vi, en, act, act_en)


def _definition(pg: ProgrammeGraph, mids: list[str], structure: str = OLD) -> pd.DataFrame:
    rows = []
    for mid in mids:
        m = pg.programme.models[mid]
        path = pg.programme.model_paths.get(mid, f"models/{mid}.toml")
        missing = []
        gone = [k for k in m.adopted_by if k in ABOLISHED_KINDS]
        if structure == NEW and gone:
            words = ", ".join(pg.programme.kind_label(k, "vi") for k in gone)
            words_en = ", ".join(pg.programme.kind_label(k, "en") for k in gone)
            rows.append({"unit": path, "unit_key": path, "unit_name": m.name, "commune_name": "", "model": mid,
                         "kind": "definition", "since": pd.NaT, "severity": "medium",
                         "message": f'Mô hình "{m.name}" áp dụng cho cấp {words}, cấp này không còn từ 01/07/2025: '
                                    f'số liệu cấp {words} là lịch sử (trạng thái ngày {HISTORY_AS_OF:%d/%m/%Y})',
                         "message_en": f'Model "{m.name_en or m.name}" is adopted by the {words_en} level, abolished on 2025-07-01: '
                                       f'its {words_en} figures are history (their state on {HISTORY_AS_OF:%Y-%m-%d})',
                         "action": 'Xác định lại loại đơn vị áp dụng (adopted_by) của mô hình cho cấu trúc mới, ví dụ cấp xã hoặc tỉnh',
                         "action_en": "Redefine which units adopt the model (adopted_by) for the new structure, e.g. communes or the province"})
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
            rows.append({"unit": path, "unit_key": path, "unit_name": m.name, "commune_name": "", "model": mid, "kind": "definition",
                         "since": pd.NaT, "severity": sev,
                         "message": f'Mô hình "{m.name}" chưa đạt "{part}": {vi}',
                         "message_en": f'Model "{m.name_en or m.name}" misses a "3 được" part ({part}): {en}',
                         "action": act, "action_en": act_en})
    return pd.DataFrame(rows)


def _province_of(pg: ProgrammeGraph, structure: str, sc: tuple[str, str]) -> str:
    """The province (key, in ``structure``) a scope unit lies in (itself for a province)."""
    key, kind = sc
    if kind == "province":
        return key
    from .graph import positioned_units

    return positioned_units(pg, structure).at[key, "province"]


def _commune_names(pg: ProgrammeGraph, e: pd.DataFrame) -> np.ndarray:
    """The name of each row's commune, for units below a commune (blank for communes and above)."""
    names = e["commune"].map(pg.units["name"]).where(e["commune"] != e["unit"])
    return names.fillna("").to_numpy(dtype=object)


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
    everyone = all_stages(pg, as_of_ts, structure)
    # Units of an abolished level are history: no gap can be closed there.
    e = everyone[everyone["model"].isin(mids) & ~everyone["history"]]
    in_scope = e if sc is None else e[e[sc[1]] == sc[0]]
    frames = []
    if "not-started" in kinds:
        # Neighbours are counted in the unit's commune, district and province: inside a scope, the
        # rows of the scope's province are all that can matter (a 34th of the country's).
        near = e if sc is None else e[e["province"] == _province_of(pg, structure, sc)]
        ns = _not_started(pg, near, as_of_ts, names)
        if len(ns) and sc is not None:
            ns = ns[ns["unit_key"].isin(in_scope["unit"])]
        frames.append(ns)
    if "stalled" in kinds:
        frames.append(_stalled(pg, in_scope, as_of_ts, names))
    if "gate-skipped" in kinds:
        frames.append(_gate_skipped(pg, in_scope, as_of_ts, structure, names))
    if "prerequisite" in kinds:
        frames.append(_prerequisite(pg, in_scope, as_of_ts, structure, names, everyone))
    if "stale" in kinds:
        frames.append(_stale(pg, in_scope, as_of_ts, structure, names))
    if "definition" in kinds:
        frames.append(_definition(pg, mids, structure))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "since" else np.int64 if c == "severity_rank"
                                          else TEXT if c in TEXT_COLUMNS else object) for c in GAP_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    del frames  # the parts: a country's gaps are hundreds of megabytes, kept once
    out["since"] = pd.to_datetime(out["since"])
    out["severity_rank"] = out["severity"].map(SEVERITY_RANK).astype(np.int64)
    keys = out[["severity_rank", "since", "unit", "model", "kind"]]
    order = keys.sort_values(list(keys.columns), ascending=[False, True, True, True, True], na_position="last",
                             kind="stable").index.to_numpy()
    del keys
    cols = {}
    for c in GAP_COLUMNS:  # one column at a time, each dropped once taken in order
        col = out.pop(c)
        cols[c] = col.take(order).reset_index(drop=True)
        if c in TEXT_COLUMNS and cols[c].dtype != TEXT:
            cols[c] = cols[c].astype(TEXT)
        del col
    return pd.DataFrame(cols)


__all__ = ["GAP_KINDS", "GAP_KIND_VI", "GAP_COLUMNS", "SEVERITY_RANK", "SEVERITY_VI", "UnknownGapKindError", "find_gaps"]
