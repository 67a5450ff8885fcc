"""Gaps: what is behind, where, since when, and what to do about it.

Each kind is computed for every unit at once from the stage frame of
:func:`nhanrong.status.all_stages`. A row carries its message as data: a message code (``code``,
from :mod:`nhanrong.i18n.gaps`) and its parameters in compact columns (categoricals, integers,
dates); :func:`render_gaps` writes the sentence and the action a steering committee can decide on,
in one language, for the rows shown. A country's gaps are a quarter of a million rows: as four
sentence columns (message and action, in two languages) they took half a gigabyte at peak.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from .errors import NhanRongError
from .graph import ProgrammeGraph, plain_strings, readings_table, stage_table, unit_parts
from .i18n import DEFAULT_LANG, STRINGS, Message, data_name, format_value, jsonable, msg, stage_names, t
from .registry import NEW, OLD
from .schema import ABOLISHED_KINDS, STAGES, ModelFile
from .status import HISTORY_AS_OF, _models, _part_records, _ts, all_stages, scope_unit, stage_rows

GAP_KINDS: tuple[str, ...] = ("not-started", "stalled", "gate-skipped", "prerequisite", "stale", "definition")
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
GAP_COLUMNS = ["unit", "unit_key", "unit_name", "commune_name", "model", "kind", "since", "severity", "severity_rank"]
"""The columns every gap row has; then its message code and parameters (:data:`PARAM_COLUMNS`)."""

CATEGORY_PARAMS = ("code", "model_name", "model_name_en", "stage", "reached", "area", "place", "who", "ref_model",
                   "ref_model_en", "kind_words", "kind_words_en", "share", "need")
"""Message parameters with few distinct values per frame, kept as categoricals (a byte or two a row)."""
PARAM_COLUMNS = [*CATEGORY_PARAMS, "day", "n", "m", "detail"]
"""``code``: the message code (``gap.*``); the others fill its placeholders. ``x_en`` holds the English
of ``x`` where the data writes names in both languages (model names); ``n``/``m`` are whole numbers
(days, counts, the reporting period / the expected days); ``day`` a date; ``detail`` a gate's
problems (a :class:`~nhanrong.i18n.Message` or a tuple of them, shared between rows)."""
FRAME_COLUMNS = [*GAP_COLUMNS, *PARAM_COLUMNS]
ALIASES = {"days": "n", "count": "n", "units": "n", "period": "n", "expected": "m", "kinds": "kind_words"}
"""Placeholder names of the templates that read a column of another name."""
ACTION_OF = {"gap.stale_none": "gap.stale.action", "gap.definition.resources": "gap.definition.method.action",
             "gap.definition.method_resources": "gap.definition.method.action"}
"""The action code of a message code when it is not the message code + ".action"."""
STAGE_PARAMS = ("stage", "reached")
"""Parameters holding a stage key, written as the stage's name in running text (lower case)."""


class UnknownGapKindError(NhanRongError):
    """A gap kind that does not exist."""


def _obj(values) -> pd.Series:
    """Strings as plain objects, equal values sharing one object (a unit, its commune and its model
    recur row after row; each value read out of an Arrow column would otherwise be an object of its own)."""
    arr = np.asarray(values, dtype=object)
    if len(arr) > 1:
        codes, uniques = pd.factorize(arr, use_na_sentinel=False)
        arr = np.asarray(uniques, dtype=object)[codes]
    return pd.Series(arr, dtype=object)


def _param(name: str, values, n: int):
    """One parameter column of ``n`` rows in its compact dtype (a scalar is repeated)."""
    if np.ndim(values) == 0 and not isinstance(values, (list, tuple, Message)):
        values = [values] * n
    if name in CATEGORY_PARAMS:
        return pd.Categorical(np.asarray(values, dtype=object) if name not in ("share", "need") else np.asarray(values, dtype=float))
    if name == "day":
        return pd.to_datetime(pd.Series(np.asarray(values))).to_numpy(dtype="datetime64[ns]")
    if name in ("n", "m"):
        return np.asarray(values, dtype=np.int64).astype(np.int32)
    arr = np.empty(n, dtype=object)  # detail: messages (or tuples of them), shared between rows
    for i, v in enumerate([values] * n if isinstance(values, Message) else values):
        arr[i] = v
    return arr


def _frame(pg: ProgrammeGraph, base: pd.DataFrame, kind: str, since, severity, code, **params) -> pd.DataFrame:
    """Gap rows for the units of ``base``: message ``code`` (one, or one per row) and its parameters."""
    n = len(base)
    sev = np.full(n, severity, dtype=object) if isinstance(severity, str) else np.asarray(severity, dtype=object)
    out = pd.DataFrame({
        "unit": _obj(base["code"].to_numpy(dtype=object)), "unit_key": _obj(base["unit"].to_numpy(dtype=object)),
        "unit_name": _obj(base["name"].to_numpy(dtype=object)),
        "commune_name": _obj(_commune_names(pg, base)) if "commune" in base else _obj([""] * n),
        "model": _obj(base["model"].to_numpy(dtype=object)),
        "kind": _obj(np.full(n, kind, dtype=object)),
        "since": pd.to_datetime(pd.Series(np.asarray(since))).to_numpy(dtype="datetime64[ns]"),
        "severity": _obj(sev),
    })
    out["code"] = _param("code", code, n)
    for name, values in params.items():
        out[name] = _param(name, values, n)
    return out


def _missing(name: str, n: int):
    """A parameter column for rows that do not use the parameter."""
    if name in CATEGORY_PARAMS:
        return pd.Categorical(np.full(n, np.nan, dtype=float if name in ("share", "need") else object))
    if name == "day":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if name in ("n", "m"):
        return np.zeros(n, dtype=np.int32)
    return np.full(n, None, dtype=object)


def _concat(frames: list[pd.DataFrame]) -> dict[str, pd.Series]:
    """The frames of every kind in one, each parameter column in its compact dtype (categoricals with
    the union of the categories: pandas would turn categoricals that differ into objects)."""
    cols = {}
    for c in [*GAP_COLUMNS[:-1], *PARAM_COLUMNS]:
        parts = [f[c].to_numpy() if c in f else _missing(c, len(f)) for f in frames] if c in PARAM_COLUMNS else \
            [f[c] for f in frames]
        for f in frames:  # each column of the parts let go once taken: the parts and the whole are not kept twice
            if c in f:
                del f[c]
        if c in CATEGORY_PARAMS:
            kind = float if c in ("share", "need") else object
            parts = [p if isinstance(p, pd.Categorical) else pd.Categorical(p) for p in parts]
            parts = [pd.Categorical.from_codes(p.codes, pd.Index(p.categories.to_numpy(dtype=kind), dtype=kind)) for p in parts]
            cols[c] = pd.Series(union_categoricals(parts, ignore_order=True))
        elif c in PARAM_COLUMNS:
            cols[c] = pd.Series(np.concatenate(parts))
        else:
            cols[c] = pd.concat(parts, ignore_index=True)
    return cols


# --- rendering: the sentences, for the rows shown ----------------------------------------------------


def action_code(code: str) -> str:
    """The code of the action that goes with gap message ``code``."""
    return ACTION_OF.get(code, f"{code}.action")


def _localised(name: str, lang: str) -> str:
    """The parameter or column holding ``name`` in ``lang`` (``x_en`` for English names)."""
    return name if lang == DEFAULT_LANG else f"{name}_{lang}"


def message_text(m, lang: str = DEFAULT_LANG) -> str:
    """A gap's nested message (or a tuple of them, joined with "; ") in ``lang``: parameters ``x_en``
    stand for ``x`` in English (names the data writes in both languages)."""
    if m is None:
        return ""
    if isinstance(m, (tuple, list)):
        return "; ".join(message_text(x, lang) for x in m)
    if not isinstance(m, Message):
        return str(m)
    params = {k: message_text(v, lang) if isinstance(v, (Message, tuple, list)) else v for k, v in m.params.items()}
    for k in list(params):
        own = _localised(k, lang)
        if own != k and own in params:
            params[k] = params[own]
    return t(m.key, lang, **params) if m.key else ""


def _format(value, spec: str, lang: str) -> str:
    """One parameter value in ``lang``, with the catalogue's formats (``int``, ``date``, ``percent0``...)."""
    if isinstance(value, (Message, tuple, list)):
        return message_text(value, lang)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return format_value(value, spec, lang)


def _column(rows: pd.DataFrame, name: str, lang: str):
    if name == "over":
        return pd.Series(rows["n"].to_numpy(dtype=np.int64) - rows["m"].to_numpy(dtype=np.int64))
    col = ALIASES.get(name, name)
    own = _localised(col, lang)
    return rows[own] if own in rows else rows[col]


def _field(rows: pd.DataFrame, name: str, spec: str, lang: str) -> np.ndarray:
    """A placeholder's text for every row, each distinct value formatted once."""
    col = _column(rows, name, lang)
    if isinstance(col.dtype, pd.CategoricalDtype):  # the categories, formatted once each
        cats = col.cat.categories.to_numpy(dtype=object)
        said = np.asarray([_one(name, v, spec, lang) for v in cats] + [""], dtype=object)
        return said[col.cat.codes.to_numpy()]  # code -1 (no value) picks the last: ""
    values = col.to_numpy(dtype=object)
    if not spec and name not in STAGE_PARAMS and name != "detail":  # names: already text
        return np.where(pd.isna(values), "", values).astype(object)
    if name == "detail" or (len(values) and isinstance(values[0], (Message, tuple, list))):
        seen: dict[int, str] = {}  # messages are shared between rows: format each object once
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values.tolist()):
            k = id(v)
            if k not in seen:
                seen[k] = _format(v, spec, lang)
            out[i] = seen[k]
        return out
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray([_one(name, v, spec, lang) for v in uniques], dtype=object)[codes]


def _one(name: str, value, spec: str, lang: str) -> str:
    if name in STAGE_PARAMS:
        return stage_names(lang).get(value, "" if value is None or value != value else str(value))
    return _format(value, spec, lang)


def _fill(key: str, rows: pd.DataFrame, lang: str) -> np.ndarray:
    """Template ``key`` in ``lang`` filled from ``rows``, every row at once."""
    text = t(key, lang)  # the template itself: filled below, a column at a time
    out = np.full(len(rows), "", dtype=object)
    for literal, name, spec, _ in string.Formatter().parse(text):
        if literal:
            out = out + literal
        if name is not None:
            out = out + _field(rows, name, spec or "", lang)
    return out


def render_gaps(gaps: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The ``message`` and ``action`` of each gap row in ``lang`` (same index as ``gaps``): call it on
    the rows shown, after filtering."""
    message = np.empty(len(gaps), dtype=object)
    action = np.empty(len(gaps), dtype=object)
    if len(gaps):
        codes = gaps["code"].astype(object).to_numpy()
        for code, at in pd.Series(np.arange(len(gaps))).groupby(codes, sort=False).indices.items():
            rows = gaps.iloc[at]
            message[at] = _fill(code, rows, lang)
            action[at] = _fill(action_code(code), rows, lang)
    return pd.DataFrame({"message": message, "action": action}, index=gaps.index)


def _plain(value):
    """A parameter value for JSON: dates ISO, messages as {code, params}, no NaN."""
    if isinstance(value, (Message, tuple, list)):
        return jsonable(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def gap_params(gaps: pd.DataFrame) -> list[dict]:
    """Each row's message parameters as JSON-ready dicts (the placeholders of its message and action,
    with ``x_en`` beside ``x`` where the data names things in both languages)."""
    out: list[dict] = [{} for _ in range(len(gaps))]
    if not len(gaps):
        return out
    codes = gaps["code"].astype(object).to_numpy()
    for code, at in pd.Series(np.arange(len(gaps))).groupby(codes, sort=False).indices.items():
        names = [n for key in (code, action_code(code)) for _, n, _, _ in string.Formatter().parse(STRINGS[key][0]) if n]
        rows = gaps.iloc[at]
        for name in dict.fromkeys(names):
            cols = {name: _column(rows, name, DEFAULT_LANG)}
            en = _localised(ALIASES.get(name, name), "en")
            if en in rows:
                cols[f"{name}_en"] = rows[en]
            for key, col in cols.items():
                for i, v in zip(at.tolist(), pd.Series(col).tolist()):
                    out[i][key] = _plain(v)
    return out


def with_texts(gaps: pd.DataFrame, langs: tuple[str, ...] = ("vi", "en")) -> pd.DataFrame:
    """``gaps`` with the rendered columns ``message``/``action`` (Vietnamese) and ``message_en``/
    ``action_en``: for JSON output and the few rows of a brief."""
    out = gaps.copy()
    for lang in langs:
        r = render_gaps(gaps, lang)
        suffix = "" if lang == DEFAULT_LANG else f"_{lang}"
        out[f"message{suffix}"] = r["message"].to_numpy()
        out[f"action{suffix}"] = r["action"].to_numpy()
    return out


def _first_start(e: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    d = e[list(STAGES)]
    return d.where(d <= as_of).min(axis=1)


def _en(pg: ProgrammeGraph) -> dict[str, str]:
    return {mid: m.name_en or m.name for mid, m in pg.programme.models.items()}


def _not_started(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    start = _first_start(e, as_of)
    areas = ["commune", "district", "province"]  # only the columns used: the frames below are copies
    started = e.loc[start.notna(), ["model", "name", *areas]].assign(_start=start[start.notna()])
    todo = e.loc[e["stage_index"] == 0, ["code", "unit", "name", "model", *areas]]
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
    area_name = pd.Series(area_key).map(pg.units["name"]).fillna("").to_numpy(dtype=object)
    return _frame(pg, rows, "not-started", sn.to_numpy(), sev.to_numpy(), "gap.not_started", area=col_of,
                  place=area_name, n=n.to_numpy(), day=sn.to_numpy(), who=ld.to_numpy(dtype=object))


def _stalled(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    moving = e.loc[e["stage"].isin(["assess", "pilot", "evaluate"]), ["code", "unit", "name", "model", "commune", "stage", "since"]]
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
    return _frame(pg, rows, "stalled", since.to_numpy(), sev, "gap.stalled", stage=rows["stage"].astype(str).to_numpy(dtype=object),
                  n=days.to_numpy(), m=exp.to_numpy(), day=rows["since"].to_numpy())


def _metric_names(m: ModelFile, lang: str) -> dict[str, str]:
    """Metric id -> its name as the model file writes it (English name in English, if any)."""
    return {x.id: data_name(x.name, x.name_en, lang) for x in m.metrics}


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


def measure(value, unit: str) -> Message:
    """A metric's value with its unit of measure, as :func:`nhanrong.formats.fmt_value` writes it:
    a share for "%", no decimals from 100 up."""
    if unit.strip() == "%":
        return msg("gap.measure_percent", value=float(value))
    value = float(value)
    if abs(value) >= 100:
        value = float(round(value))
    return msg("gap.measure", value=value, unit=unit.strip()) if unit.strip() else msg("gap.measure_bare", value=value)


@dataclass(frozen=True)
class _GateText:
    """How to say one kind of gate problem (a stage's minimum stay, or one gate of it), from a number:
    messages (``gap.gate.*``), one object per distinct problem, shared by the rows that have it."""

    min_days: int = 0
    metric: str = ""
    metric_en: str = ""
    unit: str = ""
    bound: Message = Message("")
    said: dict = field(default_factory=dict, compare=False, hash=False)

    def _say(self, key: str, *raw, **params) -> Message:
        """The message ``key`` for these raw values, made once (``raw``: what tells one from another)."""
        k = (key, *raw)
        if k not in self.said:
            self.said[k] = msg(key, **params)
        return self.said[k]

    def texts(self, rank: int, values: list, late: list) -> list[Message]:
        if self.min_days:
            return [self._say("gap.gate.min_days", int(h), days=int(h), minimum=self.min_days) for h in values]
        names = {"metric": self.metric, "metric_en": self.metric_en}
        if rank == 3:
            return [self._say("gap.gate.value", float(v), **names, value=measure(v, self.unit), bound=self.bound) for v in values]
        return [self._say("gap.gate.late", **names) if x else self._say("gap.gate.none", **names, bound=self.bound) for x in late]


def _bound(gmin, gmax, unit: str) -> Message:
    """What a gate needs: "cần ≥ 10 tài khoản", "cần ≤ 5", or both."""
    if gmin is not None and gmax is not None:
        return msg("gap.gate.need_both", low=measure(gmin, unit), high=measure(gmax, unit))
    if gmin is not None:
        return msg("gap.gate.need_min", low=measure(gmin, unit))
    return msg("gap.gate.need_max", high=measure(gmax, unit)) if gmax is not None else Message("")


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
                texts.append(_GateText(metric=names_vi.get(g.metric, g.metric), metric_en=names_en.get(g.metric, g.metric),
                                       unit=unit, bound=_bound(g.min, g.max, unit)))
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
    Columns: row, stage, next, rank (3 high .. 1 low), detail (a message, or a tuple of them)."""
    cols = ["row", "stage", "next", "rank", "detail"]
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
    detail = np.empty(len(iss), dtype=object)
    text, value, rank0 = iss["text"].to_numpy(), iss["value"].to_numpy(), iss["rank"].to_numpy()
    for (tx, r0), at in pd.Series(np.arange(len(iss))).groupby([text, rank0], sort=False).indices.items():
        said = cat["texts"][tx].texts(int(r0), value[at].tolist(), passes[at].tolist())
        detail[at] = np.fromiter(iter(said), dtype=object, count=len(said))
    iss = pd.DataFrame({"row": iss["row"].to_numpy(), "stage": iss["stage"].astype(str).to_numpy(dtype=object),
                        "next": iss["next"].to_numpy(), "rank": rank, "detail": detail})
    multi = cat["multi"][sel]
    agg = iss[~multi]
    if multi.any():  # a unit with several gate problems at one move: one row, problems joined
        joined = iss[multi].groupby(["row", "stage"], sort=False).agg(next=("next", "first"), rank=("rank", "max"),
                                                                      detail=("detail", tuple)).reset_index()
        agg = pd.concat([agg, joined], ignore_index=True)
    return agg.reset_index(drop=True)


def _gate_frame(pg: ProgrammeGraph, rows: pd.DataFrame, agg: pd.DataFrame, parts=None) -> pd.DataFrame:
    """Gate-skipped rows; ``parts``: the names of the old units (parts of ``rows``) that moved on."""
    sev = agg["rank"].map({3: "high", 2: "medium", 1: "low"}).to_numpy()
    extra = {} if parts is None else {"who": parts}
    return _frame(pg, rows.reset_index(drop=True), "gate-skipped", agg["next"].to_numpy(), sev,
                  "gap.gate_skipped" if parts is None else "gap.gate_skipped_part", stage=agg["stage"].to_numpy(dtype=object),
                  detail=agg["detail"].to_numpy(dtype=object), **extra)


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
            rr = rr.assign(unit=plain_strings(rr["unit"]), model=rr["model"].astype(str))
            out["parts"] = _gate_catalogue(pg, old, rr)
            out["old"] = old
        return out

    return pg.memo(("gate_base", structure, id(base)), make)


def _gate_skipped(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str) -> pd.DataFrame:
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
        frames.append(_gate_frame(pg, rows, agg))
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
                frames.append(_gate_frame(pg, rows, sub, parts=pn))
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


def _indexer(index: pd.Index, values) -> np.ndarray:
    """``index.get_indexer(values)``; for a categorical, on its categories only (a million readings
    name a few thousand units)."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        at = index.get_indexer(np.asarray(values.cat.categories, dtype=object))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, at[codes], -1)
    return index.get_indexer(np.asarray(values, dtype=object))


def _pair_codes(pg: ProgrammeGraph, units, models) -> np.ndarray:
    """(unit key, model id) pairs as integers (-1 when either is unknown): look-ups by binary search or
    hashing of integers instead of tuples of strings."""
    mids = pd.Index(list(pg.programme.models), dtype=object)
    u, m = _indexer(pg.units.index, units), _indexer(mids, models)
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
    used = ["code", "unit", "name", "kind", "model", "parent", "commune", "district", "province", *STAGES]
    started = e.loc[(e["stage_index"] > 0) & ~e["history"], [c for c in used if c in e]]
    frames = []
    prog = pg.programme
    for mid, m in prog.models.items():
        sub = started[started["model"] == mid]
        if not len(sub) or not m.requires:
            continue
        for req in m.requires:
            need = STAGES.index(req.stage) + 1
            ref = {"ref_model": names.get(req.model, req.model), "ref_model_en": _en(pg).get(req.model, req.model)}
            if req.where == "below":
                frames.append(_below_short(pg, sub, everyone, req, as_of, ref))
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
            self_ = (tgt.to_numpy(dtype=object) == rows["unit"].to_numpy(dtype=object))
            code = np.where(self_, "gap.prerequisite_self", "gap.prerequisite")
            frames.append(_frame(pg, rows, "prerequisite", start.to_numpy(), sev, code, **ref, stage=req.stage,
                                 reached=np.asarray(("not_started", *STAGES), dtype=object)[np.asarray(got, dtype=np.int64)],
                                 place=np.where(self_, None, tname.to_numpy(dtype=object))))
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
                 ref: dict) -> pd.DataFrame:
    """Adopters whose units below have not reached ``req.share`` of ``req.stage`` (none below: met)."""
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
        sev = np.where(got["share"].to_numpy() == 0, "high", "medium")
        frames.append(_frame(pg, rows, "prerequisite", _first_start(rows, as_of).to_numpy(), sev, "gap.prerequisite_below",
                             **ref, stage=req.stage, share=got["share"].to_numpy(dtype=float), need=float(req.share),
                             n=got["units"].to_numpy(dtype=np.int64), kind_words=prog.kind_label(req.kind, "vi"),
                             kind_words_en=prog.kind_label(req.kind, "en", plural=True)))
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


def _stale(pg: ProgrammeGraph, e: pd.DataFrame, as_of: pd.Timestamp, structure: str) -> pd.DataFrame:
    with_metrics = [mid for mid, m in pg.programme.models.items() if m.metrics]
    rows = e.loc[(e["stage_index"] >= 2) & e["model"].isin(with_metrics),
                 ["code", "unit", "name", "model", "commune", "pilot", "evaluate", "scale"]]
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
    return _frame(pg, rows, "stale", due.to_numpy(), sev, np.where(lastd.isna(), "gap.stale_none", "gap.stale"),
                  day=lastd.to_numpy(), n=period.to_numpy(dtype=np.int64))


def _definition(pg: ProgrammeGraph, mids: list[str], structure: str = OLD) -> pd.DataFrame:
    rows = []
    for mid in mids:
        m = pg.programme.models[mid]
        path = pg.programme.model_paths.get(mid, f"models/{mid}.toml")
        found = []
        gone = [k for k in m.adopted_by if k in ABOLISHED_KINDS]
        if structure == NEW and gone:
            found.append(("medium", "gap.definition.abolished", {
                "kind_words": ", ".join(pg.programme.kind_label(k, "vi") for k in gone),
                "kind_words_en": ", ".join(pg.programme.kind_label(k, "en") for k in gone), "day": HISTORY_AS_OF}))
        if not m.targets:
            found.append(("high", "gap.definition.targets", {}))
        if m.method is None or not m.resources:
            what = "method_resources" if m.method is None and not m.resources else "method" if m.method is None else "resources"
            found.append(("medium", f"gap.definition.{what}", {}))
        if not m.metrics:
            found.append(("high", "gap.definition.metrics", {}))
        for sev, code, params in found:
            rows.append({"unit": path, "unit_key": path, "unit_name": m.name, "commune_name": "", "model": mid,
                         "kind": "definition", "since": pd.NaT, "severity": sev, "code": code, **params})
    out = pd.DataFrame(rows)
    for c in ("code", "kind_words", "kind_words_en", "day"):
        if c in out:
            out[c] = _param(c, out[c].to_numpy(dtype=object), len(out))
    return out


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

    Columns: unit (code; the model's file for "definition"), unit_key, unit_name, commune_name, model,
    kind, since, severity, severity_rank (3 = high), then the message as data: ``code`` and its
    parameters (:data:`PARAM_COLUMNS`). :func:`render_gaps` writes the message and the action.
    """
    as_of_ts = _ts(as_of)
    kinds = list(GAP_KINDS) if kinds is None else list(kinds)
    for k in kinds:
        if k not in GAP_KINDS:
            raise UnknownGapKindError("gap.unknown_kind", kind=k, kinds=", ".join(GAP_KINDS))
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
        ns = _not_started(pg, near, as_of_ts)
        if len(ns) and sc is not None:
            ns = ns[ns["unit_key"].isin(in_scope["unit"])]
        frames.append(ns)
    if "stalled" in kinds:
        frames.append(_stalled(pg, in_scope, as_of_ts))
    if "gate-skipped" in kinds:
        frames.append(_gate_skipped(pg, in_scope, as_of_ts, structure))
    if "prerequisite" in kinds:
        frames.append(_prerequisite(pg, in_scope, as_of_ts, structure, names, everyone))
    if "stale" in kinds:
        frames.append(_stale(pg, in_scope, as_of_ts, structure))
    if "definition" in kinds:
        frames.append(_definition(pg, mids, structure))
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_gaps()
    out = _concat(frames)
    del frames  # the parts: a country's gaps are a quarter of a million rows, kept once
    out["since"] = pd.to_datetime(out["since"])
    out["severity_rank"] = out["severity"].map(SEVERITY_RANK).astype(np.int64)
    model = pd.Categorical(out["model"].to_numpy(dtype=object))
    out["model_name"] = _names_of(model, names)
    out["model_name_en"] = _names_of(model, _en(pg))
    order = _order(out)
    cols = {}
    for c in FRAME_COLUMNS:  # one column at a time, each dropped once taken in order
        col = pd.Series(out.pop(c))
        cols[c] = col.take(order).reset_index(drop=True)
        del col
    return pd.DataFrame(cols, copy=False)


def _names_of(model: pd.Categorical, names: dict[str, str]) -> pd.Categorical:
    """Each row's model name, as a categorical (two models may share a name)."""
    said = np.asarray([names.get(m, m) for m in model.categories], dtype=object)
    return pd.Categorical(said[model.codes] if len(model) else said[:0])


def _order(out: pd.DataFrame) -> np.ndarray:
    """Rows by severity (high first), then since (none last), unit, model and kind; ties keep their
    order. Sorted on integer codes (a multi-column sort of strings would copy them all)."""
    since = out["since"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    since = np.where(since == np.iinfo(np.int64).min, np.iinfo(np.int64).max, since)  # NaT last
    codes = [pd.factorize(out[c].to_numpy(dtype=object), sort=True)[0] for c in ("kind", "model", "unit")]
    return np.lexsort((*codes, since, -out["severity_rank"].to_numpy(dtype=np.int64)))


def empty_gaps() -> pd.DataFrame:
    """A gaps frame with no row, with the columns and dtypes of :func:`find_gaps`."""
    def dtype(c: str):
        if c in CATEGORY_PARAMS:
            return "category"
        return {"since": "datetime64[ns]", "day": "datetime64[ns]", "severity_rank": np.int64, "n": np.int32,
                "m": np.int32}.get(c, object)

    return pd.DataFrame({c: pd.Series(dtype=dtype(c)) for c in FRAME_COLUMNS})


__all__ = ["GAP_KINDS", "GAP_COLUMNS", "PARAM_COLUMNS", "FRAME_COLUMNS", "SEVERITY_RANK", "UnknownGapKindError", "find_gaps",
           "render_gaps", "with_texts", "gap_params", "action_code", "message_text", "empty_gaps"]
