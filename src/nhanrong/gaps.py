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
from .graph import ProgrammeGraph, _indexer, _objects, _pair_codes, plain_strings, readings_table, stage_table, unit_parts
from .i18n import DEFAULT_LANG, STRINGS, Message, data_name, format_value, jsonable, msg, stage_names, t
from .registry import NEW, OLD
from .schema import ABOLISHED_KINDS, STAGES, ModelFile
from .status import HISTORY_AS_OF, STAGE_NAMES, _models, _part_records, _ts, all_stages, scope_unit, stage_rows

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


def _first_start(e: pd.DataFrame, as_of: pd.Timestamp, at: np.ndarray | None = None) -> pd.Series:
    """The earliest stage date of each row (of the rows at positions ``at``) on or before ``as_of`` (NaT
    if none): column by column, no copy of the four date columns."""
    t = as_of.to_datetime64()
    first = None
    for s_ in STAGES:
        v = e[s_].to_numpy() if at is None else e[s_].to_numpy()[at]
        v = np.where(v <= t, v, np.datetime64("NaT"))  # NaT compares False
        first = v if first is None else np.fmin(first, v)  # fmin: NaT only where both are
    return pd.Series(first, index=e.index if at is None else e.index[at])


def _en(pg: ProgrammeGraph) -> dict[str, str]:
    return {mid: m.name_en or m.name for mid, m in pg.programme.models.items()}


def _not_started(pg: ProgrammeGraph, e: pd.DataFrame, at: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """Units that have not started a model that a unit of their commune, district or province (the nearest
    area where one has) started: the first to start there is the leader. The rows of ``e`` at positions
    ``at``, grouped on integer codes of (model, area) with a sort (a groupby, a join and a reindex on
    strings copied the rows several times)."""
    start = _first_start(e, as_of, at).to_numpy()
    started = np.flatnonzero(~np.isnat(start))  # positions in ``at``
    todo = np.flatnonzero(e["stage_index"].to_numpy()[at] == 0)
    if not len(started) or not len(todo):
        return pd.DataFrame()
    model, _ = pd.factorize(e["model"].to_numpy(dtype=object)[at])
    day = start.view(np.int64)
    found = np.zeros(len(todo), dtype=bool)
    area = np.full(len(todo), None, dtype=object)
    since = np.full(len(todo), np.datetime64("NaT"), dtype=start.dtype)
    count = np.zeros(len(todo), dtype=np.int64)
    leader = np.full(len(todo), -1, dtype=np.int64)  # position in ``at``
    for col in ("commune", "district", "province"):
        code, uniq = pd.factorize(e[col].to_numpy(dtype=object)[at])  # missing: -1
        key = np.where(code >= 0, model.astype(np.int64) * (len(uniq) + 1) + code, -1)
        rows = started[key[started] >= 0]
        if not len(rows):
            continue
        # By (model, area), then start, then row: the first row of a run is the first to start (ties: as read)
        rows = rows[np.lexsort((rows, day[rows], key[rows]))]
        k = key[rows]
        head = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        sizes = np.diff(np.r_[head, len(k)])
        keys, first = k[head], rows[head]
        hit = np.minimum(np.searchsorted(keys, key[todo]), len(keys) - 1)
        ok = (keys[hit] == key[todo]) & (key[todo] >= 0) & ~found
        area[ok] = col
        since[ok] = start[first[hit[ok]]]
        count[ok] = sizes[hit[ok]]
        leader[ok] = first[hit[ok]]
        found |= ok
    if not found.any():
        return pd.DataFrame()
    rows = _rows_at(e, at[todo[found]], ["code", "unit", "name", "model", "commune", "district", "province"])
    col_of = area[found]
    sev = np.select([col_of == c for c in ("commune", "district", "province")], ["high", "medium", "low"], None).astype(object)
    area_key = np.select([col_of == c for c in ("commune", "district", "province")],
                         [rows[c].to_numpy(dtype=object) for c in ("commune", "district", "province")], None)
    sn = since[found]
    return _frame(pg, rows, "not-started", sn, sev, "gap.not_started", area=col_of,
                  place=_unit_names(pg, area_key), n=count[found], day=sn,
                  who=e["name"].to_numpy(dtype=object)[at[leader[found]]])


def _rows_at(e: pd.DataFrame, at: np.ndarray, cols: list[str]) -> pd.DataFrame:
    """Rows ``at`` (positions) of the columns ``cols`` of ``e``: one take of the columns read."""
    return e.iloc[at, [e.columns.get_loc(c) for c in cols]]


def _unit_names(pg: ProgrammeGraph, keys: np.ndarray, fill=None) -> np.ndarray:
    """The name of each unit key; for none, an unknown key or no name: ``fill`` (an array like ``keys``),
    or "". Row positions, not a map (a map reads the names back out of an Arrow column, a new string per row)."""
    at = _indexer(pg.units.index, keys)
    names = pg.units["name"].to_numpy(dtype=object)
    names = names.take(np.maximum(at, 0)) if len(names) else np.full(len(at), "", dtype=object)
    miss = (at < 0) | pd.isna(names)
    names[miss] = "" if fill is None else np.asarray(fill, dtype=object)[miss]
    return names


def _stalled(pg: ProgrammeGraph, e: pd.DataFrame, at: np.ndarray, as_of: pd.Timestamp) -> pd.DataFrame:
    """Units (rows of ``e`` at positions ``at``) in a stage (assess, pilot, evaluate) longer than the model
    expects: on arrays of the rows in those stages, the late ones taken from ``e`` at the end."""
    stage = e["stage"].cat.codes.to_numpy()
    at = at[np.isin(stage[at], [STAGE_NAMES.index(s) for s in ("assess", "pilot", "evaluate")])]
    if not len(at):
        return pd.DataFrame()
    models = pg.programme.models
    expected = np.array([[getattr(m.stages, s).expected_days for s in STAGES] for m in models.values()], dtype=np.int64)
    mc = _indexer(pd.Index(list(models), dtype=object), e["model"].to_numpy(dtype=object)[at])
    exp = expected[mc, stage[at] - 1]  # STAGE_NAMES[i] is STAGES[i - 1]
    since = e["since"].to_numpy()[at]
    days = np.asarray((as_of - pd.DatetimeIndex(since)).days, dtype=np.int64)
    late = days > exp
    at, days, exp, since = at[late], days[late], exp[late], since[late]
    if not len(at):
        return pd.DataFrame()
    rows = _rows_at(e, at, ["code", "unit", "name", "model", "commune"])
    ratio = days / exp
    sev = np.where(ratio > 2, "high", np.where(ratio > 1.5, "medium", "low"))
    due = since + exp.astype("timedelta64[D]")
    return _frame(pg, rows, "stalled", due, sev, "gap.stalled",
                  stage=np.asarray(STAGE_NAMES, dtype=object)[stage[at]], n=days, m=exp, day=since)


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

    BITS = 18
    SPAN = 1 << BITS  # days since 1970 + OFFSET fit below it for every date the loader accepts (1900-2150)
    OFFSET = 40_000

    def __init__(self, keys: np.ndarray, days: np.ndarray) -> None:
        keys, days = np.asarray(keys, dtype=np.int64), np.asarray(days, dtype=np.int64)
        order = np.lexsort((days, keys))  # a stable sort: ties on a date keep their order, the last one read wins
        code = keys[order]  # in place from here: a country's readings are 5 MB an array
        code *= self.SPAN
        day = days[order]
        day += self.OFFSET
        np.clip(day, 0, self.SPAN - 1, out=day)
        code += day
        self.code = code
        # The keys are ``code >> BITS`` (the day part is below SPAN): not kept twice. Positions fit in 32 bits.
        self.order = order.astype(np.int32) if len(order) < 2**31 else order

    def at(self, keys: np.ndarray, day: int) -> np.ndarray:
        """Positions (into the values as given) of each key's last value at or before ``day``; -1 if none."""
        keys = np.asarray(keys, dtype=np.int64)
        q = keys * self.SPAN + int(np.clip(day + self.OFFSET, -1, self.SPAN - 1))
        pos = np.searchsorted(self.code, q, side="right") - 1
        ok = (pos >= 0) & (self.code[np.maximum(pos, 0)] >> self.BITS == keys) if len(self.code) \
            else np.zeros(len(keys), dtype=bool)
        return np.where(ok, self.order[np.maximum(pos, 0)] if len(self.order) else -1, -1).astype(np.int64)


def _day_number(values) -> np.ndarray:
    """Dates (datetime64 or Timestamps) as days since 1970."""
    values = np.asarray(values)
    if values.dtype.kind != "M":
        values = values.astype("datetime64[ns]")
    return values.astype("datetime64[D]").view(np.int64)  # datetime64 of any unit: one conversion, no copy in ns


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
                                                "unit": _objects(r["unit"].to_numpy(dtype=object), r.index)}))
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
        moves = ~base["history"]
        moves &= np.logical_or.reduce([frame[s_].notna().to_numpy() for s_ in STAGES[1:]])
        # The columns read below, of the rows that moved on (the index: rows of the base frame, a RangeIndex)
        started = frame.iloc[np.flatnonzero(moves), [frame.columns.get_loc(c) for c in ("unit", "kind", "model", *STAGES)]]
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


def _gate_skipped(pg: ProgrammeGraph, e: pd.DataFrame, at: np.ndarray, as_of: pd.Timestamp, structure: str) -> pd.DataFrame:
    """Moves past a stage without its gate. In the new structure, a unit's own records are checked
    against its own readings, and a unit made of old ones is checked through its parts: the gap
    names the part ("Xã A, nay thuộc Xã N") and sits on the new unit. The checks of every move are made
    once (:func:`_gate_base`); a date keeps the moves made by then, for the rows of ``e`` (the stage frame
    of the date) at positions ``at``."""
    sr = stage_rows(pg, as_of, structure)
    base_rows = sr["rows"]
    gb = _gate_base(pg, structure, sr["base"])
    present = np.zeros(len(sr["base"]["frame"]), dtype=bool)
    present[base_rows[at]] = True
    label = np.full(len(present), -1, dtype=np.int64)  # base row -> row of the as-of frame
    label[base_rows] = np.arange(len(base_rows))
    frames = []
    used = ["code", "unit", "name", "model", "commune"]  # what a gap row reads
    agg = _gate_issues(gb["own"], present, as_of)
    if len(agg):
        rows = _rows_at(e, label[agg["row"].to_numpy(dtype=np.int64)], used)
        frames.append(_gate_frame(pg, rows, agg))
    if "parts" in gb:
        heads = _rows_at(e, at[~e["history"].to_numpy()[at]], ["unit", "model"])
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
                rows = _rows_at(e, pairs["index"].to_numpy(), used)  # the index of ``heads``: positions in ``e``
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
    # (unit, model) pairs as integer codes: no string per record (an unknown unit or model, -1, matches nothing)
    recorded = _pair_codes(pg, a["unit"], a["model"])
    sub = rows[admin]
    out = np.ones(len(rows), dtype=bool)
    out[admin] = np.isin(_pair_codes(pg, sub["unit"], sub["model"]), recorded[recorded >= 0])
    return out


def _reached_base(pg: ProgrammeGraph, structure: str) -> dict:
    """The stage table's (unit, model) pairs as sorted integers (``keys``), each with its row in the table
    (``rows``; the first row of a pair): a binary search finds a pair, the dates are read from the table
    (an index of the pairs kept a hash table, and a copy of the dates, of 15 MB for a country)."""
    def make() -> dict:
        st = stage_table(pg, structure)
        codes = _pair_codes(pg, st["unit"], st["model"])
        rows = np.flatnonzero(~pd.Index(codes).duplicated() & (codes >= 0))
        order = np.argsort(codes[rows], kind="stable")
        return {"keys": codes[rows][order], "rows": rows[order]}

    return pg.memo(("reached_base", structure), make)


def _reached_at(pg: ProgrammeGraph, structure: str, as_of: pd.Timestamp, units, model: str) -> np.ndarray:
    """Index of the latest stage of ``model`` each of ``units`` reached at ``as_of`` (0 = none, 4 = scale)."""
    rb = _reached_base(pg, structure)
    look = _pair_codes(pg, units, np.full(len(units), model, dtype=object))
    keys = rb["keys"]
    if not len(keys):
        return np.zeros(len(look), dtype=np.int64)
    hit = np.minimum(np.searchsorted(keys, look), len(keys) - 1)
    found = (keys[hit] == look) & (look >= 0)
    st = stage_table(pg, structure)
    rows = rb["rows"][hit]
    d = np.stack([st[s].to_numpy()[rows] <= as_of.to_datetime64() for s in STAGES], axis=1)
    idx = np.where(d.any(axis=1), len(STAGES) - np.argmax(d[:, ::-1], axis=1), 0)
    return np.where(found, idx, 0)


def _prerequisite(pg: ProgrammeGraph, e: pd.DataFrame, at: np.ndarray, as_of: pd.Timestamp, structure: str,
                  names: dict[str, str]) -> pd.DataFrame:
    """Units (rows of ``e``, the whole stage frame, at positions ``at``) that started a model before its
    prerequisite was met where it must be: the same unit, its parent, its commune/district/province, or a
    share of the units of a kind below it (counted in all of ``e``, outside the scope too). On arrays:
    only the rows that fall short are taken from ``e``."""
    used = ["code", "unit", "name", "kind", "model", "parent", "commune", "district", "province", *STAGES]
    started = at[(e["stage_index"].to_numpy()[at] > 0) & ~e["history"].to_numpy()[at]]
    model = e["model"].to_numpy(dtype=object)[started]
    frames = []
    prog = pg.programme
    for mid, m in prog.models.items():
        sub_at = started[model == mid]
        if not len(sub_at) or not m.requires:
            continue
        for req in m.requires:
            need = STAGES.index(req.stage) + 1
            ref = {"ref_model": names.get(req.model, req.model), "ref_model_en": _en(pg).get(req.model, req.model)}
            if req.where == "below":
                frames.append(_below_short(pg, _rows_at(e, sub_at, used), e, req, as_of, ref))
                continue
            col = {"same": "unit", "parent": "parent"}.get(req.where, req.where)
            target = e[col].to_numpy(dtype=object)[sub_at]
            has = pd.notna(target)
            if req.model == mid:  # the same model higher up: a unit is not its own prerequisite
                has &= target != e["unit"].to_numpy(dtype=object)[sub_at]
            if not has.any():
                continue
            tgt = target[has]  # keys: strings already
            got = _reached_at(pg, structure, as_of, tgt, req.model)
            short = got < need
            if not short.any():
                continue
            rows, tgt, got = _rows_at(e, sub_at[has][short], used), tgt[short], got[short]
            tname = _unit_names(pg, tgt, fill=tgt)  # not a unit (or no name): the key
            start = _first_start(rows, as_of)
            sev = np.where(got == 0, "high", "medium")
            self_ = (tgt == rows["unit"].to_numpy(dtype=object))
            code = np.where(self_, "gap.prerequisite_self", "gap.prerequisite")
            frames.append(_frame(pg, rows, "prerequisite", start.to_numpy(), sev, code, **ref, stage=req.stage,
                                 reached=np.asarray(("not_started", *STAGES), dtype=object)[np.asarray(got, dtype=np.int64)],
                                 place=np.where(self_, None, tname)))
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
        codes[codes < 0] = -2  # never matches a look-up (-1 = unknown there)
        date = r["date"].to_numpy()  # the table's own column (kept in the memo anyway), not a copy in ns
        return {"last": _LastAt(codes, _day_number(date)), "date": date}

    return pg.memo(("stale_base", structure), make)


def _stale(pg: ProgrammeGraph, e: pd.DataFrame, at: np.ndarray, as_of: pd.Timestamp, structure: str) -> pd.DataFrame:
    """Units (rows of ``e`` at positions ``at``) past the pilot whose latest reading is older than the
    model's reporting period."""
    with_metrics = [mid for mid, m in pg.programme.models.items() if m.metrics]
    at = at[(e["stage_index"].to_numpy()[at] >= 2) & e["model"].isin(with_metrics).to_numpy()[at]]
    rows = _rows_at(e, at, ["code", "unit", "name", "model", "commune", "pilot", "evaluate", "scale"])
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
    commune = e["commune"].to_numpy(dtype=object)
    names = _unit_names(pg, commune)
    names[commune == e["unit"].to_numpy(dtype=object)] = ""
    return names


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
    e = all_stages(pg, as_of_ts, structure)
    # The rows looked at, as positions in the stage frame (a filtered copy of the frame was 40 MB for a
    # country). Units of an abolished level are history: no gap can be closed there.
    at = np.flatnonzero(e["model"].isin(mids).to_numpy() & ~e["history"].to_numpy())
    in_scope = at if sc is None else at[e[sc[1]].to_numpy(dtype=object)[at] == sc[0]]
    frames = []
    if "not-started" in kinds:
        # Neighbours are counted in the unit's commune, district and province: inside a scope, the
        # rows of the scope's province are all that can matter (a 34th of the country's).
        near = at if sc is None else at[e["province"].to_numpy(dtype=object)[at] == _province_of(pg, structure, sc)]
        ns = _not_started(pg, e, near, as_of_ts)
        if len(ns) and sc is not None:
            ns = ns[ns["unit_key"].isin(pd.Index(e["unit"].to_numpy(dtype=object)[in_scope], dtype=object))]
        frames.append(ns)
    if "stalled" in kinds:
        frames.append(_stalled(pg, e, in_scope, as_of_ts))
    if "gate-skipped" in kinds:
        frames.append(_gate_skipped(pg, e, in_scope, as_of_ts, structure))
    if "prerequisite" in kinds:
        frames.append(_prerequisite(pg, e, in_scope, as_of_ts, structure, names))
    if "stale" in kinds:
        frames.append(_stale(pg, e, in_scope, as_of_ts, structure))
    if "definition" in kinds:
        frames.append(_definition(pg, mids, structure))
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_gaps()
    out = _concat(frames)
    del frames  # the parts: a country's gaps are a quarter of a million rows, kept once
    out["since"] = pd.to_datetime(out["since"])
    sev, said = pd.factorize(out["severity"].to_numpy(dtype=object))  # three words: looked up once each, not per row
    out["severity_rank"] = pd.Series(np.asarray([SEVERITY_RANK[s_] for s_ in said] or [0], dtype=np.int64)[sev])
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
    said = pd.Categorical(np.asarray([names.get(m, m) for m in model.categories], dtype=object))
    return pd.Categorical.from_codes(said.codes[model.codes], dtype=said.dtype)  # the names categorised once, not per row


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
