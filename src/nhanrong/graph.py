"""The programme as one graph, plus a units frame that carries every unit's ancestors.

The graph is what people explore (who contains whom, which old unit became which
new one, which model requires which, who adopted what, who learned from whom).
Status, gaps and targets are computed on the frames, not by walking the graph:
each unit's ancestors are columns of :attr:`ProgrammeGraph.units`, so a roll-up
is one pandas ``groupby`` over the whole country.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .loader import paused_gc
from .programme import LocalUnits, Programme
from .registry import NEW, OLD, REFORM_DATE, Registry
from .schema import ABOLISHED_KINDS, ADMIN_KINDS, STAGES

UNIT_FRAME_COLUMNS = [
    "code", "name", "kind", "structure", "parent", "lat", "lon", "established", "dissolved", "merged_into",
    "province", "district", "commune", "new_province", "new_commune",
]
REFORM = pd.Timestamp(REFORM_DATE)
POSITION_COLUMNS = ["code", "name", "kind", "parent", "established", "dissolved", "province", "district", "commune"]


def model_node(model_id: str) -> str:
    """Graph key of a model node: unit keys always carry a structure prefix, so no clash."""
    return f"model:{model_id}"


MEMO_DATES = 8
"""How many as-of dates the engine memo keeps frames for (least recently used dates go first)."""


class Memo:
    """The derived frames of one (immutable) ProgrammeGraph, shared by status, gaps and targets.

    Entries that do not depend on a date (stage tables, positions, parts) are kept for the graph's
    life; entries for an as-of date are kept for the :data:`MEMO_DATES` most recently used dates:
    asking for a ninth date drops every entry of the least recently used one, so the memo of a
    graph that every session shares stops growing however many dates users pick. Thread-safe (the
    app's sessions share one graph); a frame may be computed twice by two threads, never corrupted.
    """

    def __init__(self, dates: int = MEMO_DATES) -> None:
        import threading
        from collections import OrderedDict

        self.max_dates = dates
        self._fixed: dict = {}
        self._dated: OrderedDict = OrderedDict()  # date -> {key: value}, least recently used first
        self._lock = threading.RLock()

    def get(self, key: tuple, make, day=None):
        with self._lock:
            if day is None:
                if key in self._fixed:
                    return self._fixed[key]
            else:
                day = pd.Timestamp(day)
                bucket = self._dated.get(day)
                if bucket is not None:
                    self._dated.move_to_end(day)
                    if key in bucket:
                        return bucket[key]
        value = make()
        with self._lock:
            if day is None:
                return self._fixed.setdefault(key, value)
            bucket = self._dated.get(day)
            if bucket is None:
                bucket = self._dated[day] = {}
                while len(self._dated) > self.max_dates:
                    self._dated.popitem(last=False)
            self._dated.move_to_end(day)
            return bucket.setdefault(key, value)

    def clear(self) -> None:
        with self._lock:
            self._fixed.clear()
            self._dated.clear()

    def dates(self) -> list:
        """The as-of dates held, least recently used first."""
        with self._lock:
            return list(self._dated)

    def __len__(self) -> int:
        with self._lock:
            return len(self._fixed) + sum(len(b) for b in self._dated.values())

    def __contains__(self, key: tuple) -> bool:
        with self._lock:
            return key in self._fixed or any(key in b for b in self._dated.values())


@dataclass(frozen=True)
class ProgrammeGraph:
    """The programme, its graph, and the units frame that status and gaps aggregate on."""

    programme: Programme
    units: pd.DataFrame
    _memo: Memo = field(default_factory=Memo, compare=False, repr=False)

    @property
    def graph(self) -> nx.DiGraph:
        """The networkx graph, built in bulk on first use.

        Status, gaps and targets work on :attr:`units` and the stage/reading frames, so
        loading for the app or the CLI does not pay for the graph (a quarter of a national
        cold load); exploring code and tests get it when they ask.
        """
        return self.memo(("graph",), lambda: networkx_graph(self.programme, self.units))

    def memo(self, key: tuple, make, *, as_of=None) -> Any:
        """Cache a derived frame for this (immutable) graph: status, gaps and targets share them.
        ``as_of``: the frame depends on that date (kept for the last MEMO_DATES dates; see :class:`Memo`)."""
        return self._memo.get(key, make, as_of)


_REGISTRY_FRAMES: dict[int, tuple[Registry, pd.DataFrame]] = {}


def _unit_columns(us: list, missing: Any = None) -> dict[str, pd.Series]:
    """Code, name, kind, structure, parent, lat and lon of unit objects; strings as plain objects (no
    Arrow round trip: the units frame keeps them so), ``missing`` for a missing one."""
    obj = lambda values: pd.Series([missing if v is None else v for v in values], dtype=object)  # noqa: E731
    return {**{c: obj([getattr(u, c) for u in us]) for c in ("code", "name", "kind", "structure", "parent")},
            "lat": pd.Series([u.lat for u in us], dtype=float), "lon": pd.Series([u.lon for u in us], dtype=float)}


def _registry_frame(reg: Registry) -> pd.DataFrame:
    """The register as a frame, built once per process (the register never changes)."""
    hit = _REGISTRY_FRAMES.get(id(reg))
    if hit is not None and hit[0] is reg:
        return hit[1]
    us = list(reg.units.values())
    # missing: NaN, as pandas reads a missing string
    frame = pd.DataFrame({**_unit_columns(us, np.nan), "established": pd.NaT, "dissolved": pd.NaT, "merged_into": None})
    frame.index = pd.Index([u.key for u in us], dtype=object, name="key")
    _REGISTRY_FRAMES[id(reg)] = (reg, frame)
    return frame


def _local_frame(programme: Programme) -> pd.DataFrame:
    local = programme.local_units
    if isinstance(local, LocalUnits):  # the loader's columns: no object per unit
        fr = local.frame
        obj = lambda c: pd.Series(fr[c].to_numpy(dtype=object), dtype=object)  # noqa: E731
        out = pd.DataFrame({
            "code": obj("code"), "name": obj("name"), "kind": obj("kind"), "structure": obj("structure"),
            "parent": obj("parent"),
            "lat": _floats(fr["lat"]), "lon": _floats(fr["lon"]),
            "established": _day_column(fr["established"]), "dissolved": _day_column(fr["dissolved"]),
            "merged_into": obj("merged_into"),
        })
        out.index = pd.Index(fr.index.to_numpy(dtype=object), dtype=object, name="key")
        return out
    us = list(local.values())
    frame = pd.DataFrame({
        **_unit_columns(us),
        "established": pd.to_datetime(pd.Series([getattr(u, "established", None) for u in us], dtype=object)).to_numpy(),
        "dissolved": pd.to_datetime(pd.Series([u.dissolved for u in us], dtype=object)).to_numpy(),
        "merged_into": pd.Series([u.merged_into for u in us], dtype=object),
    })
    frame.index = pd.Index([u.key for u in us], dtype=object, name="key")
    return frame


def _floats(col: pd.Series) -> pd.Series:
    """Numbers or None (the loader's columns) as floats, None as NaN: numpy converts them in one pass,
    pandas' to_numeric looks at each value's type first (four times slower); anything else, coerced."""
    values = col.to_numpy(dtype=object)
    try:
        return pd.Series(values.astype(float))
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(values), errors="coerce").astype(float)


def _day_column(col: pd.Series) -> np.ndarray:
    """datetime.date objects (None = missing) as datetime64[ns], converting each distinct date once."""
    values = col.to_numpy(dtype=object)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    present = pd.notna(values)
    if present.any():
        uniq, inv = np.unique(values[present].astype("datetime64[D]"), return_inverse=True)
        out[present] = uniq.astype("datetime64[ns]")[inv]
    return out


_LAST_UNIT_FRAME: list[tuple[Registry, LocalUnits, pd.DataFrame]] = []


def unit_frame(programme: Programme) -> pd.DataFrame:
    """Every unit (register and units/) with its ancestors in its own and in the new structure.

    The last frame made is kept with the declared units it was made from: saving a record reloads the
    programme with the very same declared units (the loader keeps them while no file of units/ changes),
    so the frame is the same, and remaking it would cost a national set an eighth of a second."""
    reg, local = programme.registry, programme.local_units
    last = _LAST_UNIT_FRAME[0] if _LAST_UNIT_FRAME else None
    if last is not None and last[0] is reg and last[1] is local:
        return last[2]
    units = _unit_frame(programme)
    if isinstance(local, LocalUnits):  # the loader's, never changed once made (a dict may be)
        _LAST_UNIT_FRAME[:] = [(reg, local, units)]
    return units


def _unit_frame(programme: Programme) -> pd.DataFrame:
    reg = programme.registry
    frames = [_registry_frame(reg)]
    if programme.local_units:
        frames.append(_local_frame(programme))
    units = pd.concat(frames) if len(frames) > 1 else frames[0].copy()
    # Plain object strings: pandas' Arrow strings are slow to take/iterate row by row, and the
    # engine reindexes these columns constantly.
    units = units.astype({c: object for c in ("code", "name", "kind", "structure", "parent", "merged_into")})
    # The keys as plain strings: the declared units' own key objects (the concatenated index is an Arrow
    # string index, and converting it back would make a new string per unit).
    units.index = pd.Index(np.concatenate([f.index.to_numpy(dtype=object) for f in frames]), dtype=object, name="key")
    units["dissolved"] = pd.to_datetime(units["dissolved"])
    units["established"] = pd.to_datetime(units["established"])
    for c in ("lat", "lon"):
        units[c] = pd.to_numeric(units[c], errors="coerce")
    # Ancestors: climb one level per pass for every unit at once (the hierarchy is shallow), on row
    # positions: a look-up per level is an array take, not a map over strings (a country: 255,000 units).
    keys = units.index.to_numpy(dtype=object)
    index = units.index  # its hash table, built once here, serves every later look-up of a unit
    parent_pos = _indexer(index, units["parent"])
    kind = units["kind"].to_numpy(dtype=object)
    anc = {k: np.full(len(keys), -1, dtype=np.int64) for k in ADMIN_KINDS}
    kind_of = {k: kind == k for k in ADMIN_KINDS}
    cur = np.arange(len(keys), dtype=np.int64)
    for _ in range(10):
        on = cur >= 0
        for k in ADMIN_KINDS:
            hit = on & (anc[k] < 0)
            hit[hit] = kind_of[k][cur[hit]]
            anc[k][hit] = cur[hit]
        cur = np.where(on, parent_pos[np.maximum(cur, 0)], -1)
        if not (cur >= 0).any():
            break
    plain = lambda values: pd.Series(values, index=units.index, dtype=object)  # noqa: E731 - no Arrow round trip
    for k in ADMIN_KINDS:
        units[k] = plain(_take_at(keys, anc[k]))
    # Projection into the new structure: new units are themselves; an old unit goes through its
    # commune (following merged_into for dissolved communes) and the old -> new commune map.
    is_new = (units["structure"] == NEW).to_numpy()
    merged = units["merged_into"].to_numpy(dtype=object)
    merged_pos = _indexer_where(index, merged, pd.notna(merged))  # only units merged into another are looked up
    commune = np.where(is_new, -1, anc["commune"])
    for _ in range(3):
        nxt = np.where(commune >= 0, merged_pos[np.maximum(commune, 0)], -1)
        if not (nxt >= 0).any():
            break
        commune = np.where(nxt >= 0, nxt, commune)
    # Only the old structure's units are projected (a few percent of a country's rows).
    new_commune = _lookup_at(reg.old_to_new, keys, commune)
    at = _indexer_where(index, new_commune, commune >= 0)
    new_province = np.where(at >= 0, units["parent"].to_numpy(dtype=object).take(np.maximum(at, 0)), np.nan)
    by_province = _lookup_at(reg.old_province_to_new, keys, np.where(is_new, -1, anc["province"]))
    new_province = np.where(pd.isna(new_province), by_province, new_province)
    units["new_commune"] = plain(np.where(is_new, units["commune"].to_numpy(dtype=object), new_commune))
    units["new_province"] = plain(np.where(is_new, units["province"].to_numpy(dtype=object), new_province))
    out = units[UNIT_FRAME_COLUMNS]
    return out.astype({c: object for c in ("province", "district", "commune", "new_province", "new_commune")})


def _lookup_at(mapping: dict, keys: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``mapping`` at ``keys[at]`` as objects; NaN where ``at`` is -1 or the key is not in ``mapping``.
    The keys go in as an object Index: an array would be read as Arrow strings first (a new string per row)."""
    out = np.full(len(at), np.nan, dtype=object)
    rows = np.flatnonzero(at >= 0)
    if len(rows):
        table = pd.Series(list(mapping.values()), index=pd.Index(list(mapping), dtype=object), dtype=object)
        out[rows] = table.reindex(pd.Index(keys.take(at[rows]), dtype=object, copy=False)).to_numpy(dtype=object)
    return out


def _indexer_where(index: pd.Index, values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """:func:`_indexer` on the rows ``where`` is true, -1 on the others (not looked up)."""
    out = np.full(len(values), -1, dtype=np.intp)
    rows = np.flatnonzero(where)
    if len(rows):
        out[rows] = _indexer(index, values[rows])
    return out


def _take_at(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values`` at row positions ``at`` (the objects themselves, shared), missing where ``at`` is -1:
    NaT for dates, NaN otherwise, as a reindex or a left merge gives."""
    out = values.take(np.maximum(at, 0)) if len(values) else np.empty(len(at), dtype=values.dtype)
    out[at < 0] = np.datetime64("NaT") if out.dtype.kind == "M" else np.nan
    return out


def _dates(s: pd.Series) -> list:
    """Timestamps as datetime.date, missing as None (plain values for graph attributes)."""
    return s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").tolist()


def build_graph(programme: Programme) -> ProgrammeGraph:
    """Build the units frame in bulk; the networkx graph follows on first use of ``.graph``."""
    with paused_gc():
        return ProgrammeGraph(programme, unit_frame(programme))


def networkx_graph(programme: Programme, units: pd.DataFrame) -> nx.DiGraph:
    """Unit and model nodes; contains, became, requires, adopts and learned_from edges, from columns."""
    with paused_gc():
        return _networkx_graph(programme, units)


def _networkx_graph(programme: Programme, units: pd.DataFrame) -> nx.DiGraph:
    reg = programme.registry
    g = nx.DiGraph()
    g.add_nodes_from(
        (k, {"type": "unit", "kind": kd, "structure": st, "name": nm})
        for k, kd, st, nm in zip(units.index.tolist(), units["kind"].tolist(), units["structure"].tolist(), units["name"].tolist())
    )
    for mid, m in programme.models.items():
        g.add_node(model_node(mid), type="model", id=mid, name=m.name, adopted_by=tuple(m.adopted_by))
    has_parent = units["parent"].notna()
    g.add_edges_from(zip(units["parent"][has_parent].tolist(), units.index[has_parent].tolist()), kind="contains")
    g.add_edges_from(reg.old_to_new.items(), kind="became")
    g.add_edges_from(reg.old_province_to_new.items(), kind="became")
    dis = units["merged_into"].notna()
    g.add_edges_from(zip(units.index[dis].tolist(), units["merged_into"][dis].tolist()), kind="became")
    g.add_edges_from(
        (model_node(mid), model_node(r.model), {"kind": "requires", "where": r.where, "stage": r.stage})
        for mid, m in programme.models.items() for r in m.requires if r.model in programme.models
    )
    a = programme.adoptions
    if len(a):
        r = programme.readings.sort_values(["unit", "model", "date"], kind="stable")
        recs = zip(zip(r["unit"].astype(str).tolist(), r["model"].astype(str).tolist()),
                   zip(r["metric"].tolist(), _dates(r["date"]), r["value"].tolist()))
        readings = {k: [x for _, x in grp] for k, grp in groupby(recs, key=lambda t: t[0])}
        ukeys = a["unit"].astype(str).tolist()
        mids = a["model"].astype(str).tolist()
        stage_dates = [_dates(a[s]) for s in STAGES]
        g.add_edges_from(
            (u, model_node(m), {"kind": "adopts", "model": m, **dict(zip(STAGES, ds)),
                                "learned_from": lf, "readings": readings.get((u, m), [])})
            for u, m, lf, *ds in zip(ukeys, mids, a["learned_from"].tolist(), *stage_dates)
        )
        lf = a["learned_from"].notna()
        g.add_edges_from(
            (u, s, {"kind": "learned_from", "model": m})
            for u, s, m in zip(a["unit"][lf].astype(str).tolist(), a["learned_from"][lf].tolist(), a["model"][lf].astype(str).tolist())
        )
    return g


# --- frames per structure, shared by status, gaps and targets -------------------------------
#
# The rules for the 2025 reform, in one place (the README explains them to planners):
# - A unit of the new structure made of several old ones (its *parts*) is at a stage only when
#   every part is: it reached a stage on the day its last part did. Its own new-structure record,
#   where there is one, counts too (whichever is earlier).
# - A unit dissolved into another (``dissolved`` + ``merged_into``) is history from that day: its
#   own record never feeds its successor, but the units below it move to the successor.
# - Units of an abolished level (districts) keep their last state before the reform; in the new
#   structure they appear as history rows of their new province, never silently dropped.


def _base_positions(pg: ProgrammeGraph, structure: str) -> pd.DataFrame:
    """Units that exist in ``structure`` with their ancestors in it, before any dissolution."""
    def make() -> pd.DataFrame:
        u = pg.units
        if structure == OLD:
            return u.loc[(u["structure"] == OLD).to_numpy(), POSITION_COLUMNS]  # one copy of the columns kept
        local = ~u["kind"].isin(ADMIN_KINDS)
        keep = ((u["structure"] == NEW) | local).to_numpy()
        out = u.loc[keep, ["code", "name", "kind", "parent", "established", "dissolved", "new_province", "new_commune"]]
        out = out.rename(columns={"new_province": "province", "new_commune": "commune"})
        # One NaN object for every row (a float column made objects is a new float per row)
        out.insert(out.columns.get_loc("commune"), "district", _objects(np.full(len(out), np.nan, dtype=object), out.index))
        # A unit under an old commune, district or province sits under the new unit it became.
        adm = u[(u["structure"] == OLD) & u["kind"].isin(ADMIN_KINDS)]
        proj = np.where(adm["kind"].to_numpy() == "commune", adm["new_commune"].to_numpy(dtype=object),
                        adm["new_province"].to_numpy(dtype=object))
        parent = out["parent"].to_numpy(dtype=object)
        at = _indexer(adm.index, parent)  # positions, not a map: a map infers Arrow strings (a new string per row)
        parent = np.where(at >= 0, proj.take(np.maximum(at, 0)), parent)
        parent[pd.isna(parent)] = None
        out["parent"] = _objects(parent, out.index)
        return out

    return pg.memo(("positioned", structure), make)


def _objects(values: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """An object column of ``values`` as they are: an object array given to pandas as it is would be
    inferred as Arrow strings, and read back as a new string per row."""
    return pd.Series(values, index=index, dtype=object, copy=False)


def positioned_units(pg: ProgrammeGraph, structure: str, as_of: dt.date | pd.Timestamp | None = None) -> pd.DataFrame:
    """Units that exist in ``structure``, with province/district/commune ancestors in it.

    Old: every old unit. New: new units, plus the villages, schools, agencies, party cells and
    other declared kinds, placed by their commune's old -> new mapping (their ``parent`` is the
    new unit too). With ``as_of``, units below a unit dissolved by then (``merged_into``) are
    moved to the unit it merged into, with that unit's ancestors.
    """
    _check_structure(structure)
    base = _base_positions(pg, structure)
    if as_of is None:
        return base
    ts = pd.Timestamp(as_of)
    gone = base["dissolved"].notna() & (base["dissolved"] <= ts)
    merged = pg.units["merged_into"].reindex(base.index[gone])
    merged = merged[merged.notna()]
    if not len(merged):
        return base
    return pg.memo(("positioned", structure, tuple(sorted(merged.index))), lambda: _moved(base, merged))


def _moved(base: pd.DataFrame, merged: pd.Series) -> pd.DataFrame:
    """``base`` with the units below dissolved units moved to their successors (a chain of
    mergers is followed to its end)."""
    succ = merged.to_dict()

    def final(k: str) -> str:
        seen = set()
        while k in succ and k not in seen:
            seen.add(k)
            k = succ[k]
        return k

    target = {k: final(k) for k in succ}
    gone = set(target)
    anc_cols = ["parent", "province", "district", "commune"]
    hit = np.zeros(len(base), dtype=bool)
    for c in anc_cols:
        hit |= base[c].isin(gone).to_numpy()
    hit &= ~base.index.isin(list(gone))
    if not hit.any():
        return base
    out = base.copy()
    parent = out["parent"].map(lambda p: target.get(p, p) if isinstance(p, str) else p)
    out["parent"] = parent
    rows = out.index[hit]
    kind = out["kind"]
    # Climb from each moved unit through the rewritten parents (units above keep their own).
    anc = {k: pd.Series(np.nan, index=rows, dtype=object) for k in ADMIN_KINDS}
    cur = pd.Series(rows.to_numpy(), index=rows, dtype=object)
    for _ in range(10):
        ck = cur.map(kind)
        for k in ADMIN_KINDS:
            found = (ck == k) & anc[k].isna()
            if found.any():
                anc[k] = anc[k].mask(found, cur)
        cur = cur.map(parent)
        if cur.isna().all():
            break
    for k in ADMIN_KINDS:
        out.loc[rows, k] = anc[k]
    return out


def alive_at(frame: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Rows of units that exist on ``as_of``: established by then and not yet dissolved."""
    d, e = frame["dissolved"], frame["established"]
    return ((d.isna() | (d > as_of)) & (e.isna() | (e <= as_of))).to_numpy()


def unit_parts(pg: ProgrammeGraph) -> pd.DataFrame:
    """(new, part) pairs: every new commune and province with each old unit that went into it.

    Parts are the units of the January 2025 register (communes dissolved before it are history,
    not parts); an old commune split across several new ones is a part of each."""
    def make() -> pd.DataFrame:
        reg = pg.programme.registry
        new = [n for n, olds in reg.parts.items() for _ in olds]
        part = [o for olds in reg.parts.values() for o in olds]
        return pd.DataFrame({"new": np.array(new, dtype=object), "part": np.array(part, dtype=object)})

    return pg.memo(("parts",), make)


def _backfill(t: pd.DataFrame) -> pd.DataFrame:
    """A record that reached a stage reached every stage before it (a skipped stage takes the
    next stage's date), so that "every part reached it" reads the same for skipped stages."""
    out = t.copy()
    for later, s in zip(STAGES[::-1], STAGES[-2::-1]):
        out[s] = out[s].fillna(out[later])
    return out


def _empty_stage_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in STAGES else object) for c in ["unit", "model", *STAGES]})


def stage_table(pg: ProgrammeGraph, structure: str) -> pd.DataFrame:
    """Adoption stage dates per (unit, model) in ``structure``.

    New structure: the records of new units and of declared units as they are; a new commune or
    province made of old ones reaches a stage on the day the last of its parts reached it (none
    if any part has not); of the two, the earlier date. Records of dissolved units and of
    abolished levels feed nothing here (see :func:`history_stages`)."""
    def make() -> pd.DataFrame:
        a = pg.programme.adoptions
        cols = ["unit", "model", *STAGES]
        if not len(a):
            return _empty_stage_table()
        t = a[cols].copy()
        t["unit"] = plain_strings(t["unit"])
        t["model"] = plain_strings(t["model"])
        at = _indexer(pg.units.index, t["unit"])  # the three columns read, not the frame
        st = _units_at(pg, "structure", at)
        if structure == OLD:
            return t[st == OLD].reset_index(drop=True)
        kind = _units_at(pg, "kind", at)
        own = (st == NEW) | ~np.isin(kind, ADMIN_KINDS)
        is_part = (st == OLD) & np.isin(kind, ["commune", "province"]) & pd.isna(_units_at(pg, "dissolved", at))
        frames = [t[own]]
        recs = _backfill(t[is_part]).rename(columns={"unit": "part"})
        if len(recs):
            parts = unit_parts(pg)
            pairs = recs[["part", "model"]].merge(parts, on="part")[["new", "model"]].drop_duplicates()
            full = pairs.merge(parts, on="new").merge(recs, on=["part", "model"], how="left")
            g = full.groupby(["new", "model"], sort=False)
            last = g[list(STAGES)].max()
            n = g.size()
            have = g[list(STAGES)].count()
            derived = last.where(have.eq(n, axis=0)).reset_index().rename(columns={"new": "unit"})
            frames.append(derived[cols])
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if _repeats(pg, out):
            out = out.groupby(["unit", "model"], as_index=False, sort=False)[list(STAGES)].min()
        for s_ in STAGES:
            if out[s_].dtype.kind != "M":  # dates already: setting the column again copied it
                out[s_] = pd.to_datetime(out[s_])
        return out.reset_index(drop=True)

    _check_structure(structure)
    return pg.memo(("stages", structure), make)


def _repeats(pg: ProgrammeGraph, t: pd.DataFrame) -> bool:
    """Whether a (unit, model) pair occurs twice in ``t``: sorted integer codes, no hash of the strings
    (a key unknown to the units frame: the strings, as pandas compares them)."""
    codes = _pair_codes(pg, t["unit"], t["model"])
    if (codes < 0).any():
        return bool(t.duplicated(["unit", "model"]).any())
    codes.sort()
    return bool((codes[1:] == codes[:-1]).any())


def history_units(pg: ProgrammeGraph) -> pd.DataFrame:
    """Units of an abolished level (districts) as the new structure keeps them: history rows of
    the new province their old province became, with their key in the old structure."""
    def make() -> pd.DataFrame:
        u = pg.units
        sel = u[(u["structure"] == OLD) & u["kind"].isin(ABOLISHED_KINDS)]
        sel = sel[sel["dissolved"].isna() | (sel["dissolved"] >= REFORM)]
        out = sel[["code", "name", "kind"]].copy()
        out["parent"] = sel["new_province"].astype(object)
        out["established"] = sel["established"]
        out["dissolved"] = pd.NaT
        out["province"] = sel["new_province"].astype(object)
        out["district"] = np.nan
        out["commune"] = np.nan
        out = out.astype({"district": object, "commune": object})
        return out[out["province"].notna()]

    return pg.memo(("history_units",), make)


def project_units(pg: ProgrammeGraph, keys: pd.Series, structure: str) -> np.ndarray:
    """Unit keys as ``structure`` sees them: an old commune or province becomes the new one (its
    default successor for a commune split in several) in the new structure; declared units stay;
    units with no place in ``structure`` (dissolved communes, abolished districts) become None."""
    plain = keys.dtype == object and pd.api.types.infer_dtype(keys, skipna=False) == "string"
    k = keys.to_numpy(dtype=object) if plain else keys.astype(str).to_numpy(dtype=object)  # plain: no new strings
    at = _indexer(pg.units.index, k)  # the columns read, not the frame reindexed
    st = _units_at(pg, "structure", at)
    if structure == OLD:
        return np.where(st == OLD, k, None)
    kind = _units_at(pg, "kind", at)
    local = ~np.isin(kind, ADMIN_KINDS) & pd.notna(kind)
    alive = pd.isna(_units_at(pg, "dissolved", at))
    return np.where((st == NEW) | local, k,
                    np.where((kind == "commune") & alive, _units_at(pg, "new_commune", at),
                             np.where((kind == "province") & alive, _units_at(pg, "new_province", at), None)))


def _units_at(pg: ProgrammeGraph, column: str, at: np.ndarray) -> np.ndarray:
    """``pg.units[column]`` at row positions ``at`` (-1: not a unit, NaN/NaT as a reindex gives)."""
    return _take_at(pg.units[column].to_numpy(), at)


def readings_table(pg: ProgrammeGraph, structure: str) -> pd.DataFrame:
    """Readings keyed by the unit as ``structure`` sees it (see :func:`project_units`); in the new
    structure, ``part`` names the old unit a projected reading was recorded for (None if its own).
    ``unit``, ``model`` and ``part`` are categorical: each unit is projected once, not once per reading."""
    def make() -> pd.DataFrame:
        r = pg.programme.readings
        if not len(r):
            return r.assign(unit=r["unit"].astype(object), model=r["model"].astype(object), part=pd.Series(dtype=object))
        codes, cats = _categories_of(r["unit"])
        proj = np.asarray(project_units(pg, pd.Series(cats, dtype=object), structure), dtype=object)
        placed = pd.notna(proj)
        moved = placed & (proj != cats)
        u_codes, u_cats = pd.factorize(proj)  # None -> -1
        p_cats = cats[moved]
        p_pos = np.full(len(cats), -1, dtype=np.int64)
        p_pos[moved] = np.arange(len(p_cats))
        keep = placed[codes]
        kc = codes[keep]
        out = r[keep].reset_index(drop=True)
        out["unit"] = pd.Categorical.from_codes(u_codes[kc], categories=pd.Index(u_cats, dtype=object))
        if not isinstance(out["model"].dtype, pd.CategoricalDtype):
            out["model"] = out["model"].astype(str).astype("category")
        out["part"] = pd.Categorical.from_codes(p_pos[kc], categories=pd.Index(p_cats, dtype=object))
        return out

    _check_structure(structure)
    return pg.memo(("readings", structure), make)


def plain_strings(col: pd.Series) -> pd.Series:
    """``col.astype(str).astype(object)``, sharing the categories' own string objects when ``col`` is a
    categorical of strings with no missing value: no new string per row (memory at national scale)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        cats = col.cat.categories
        if cats.dtype == object and (codes >= 0).all() and pd.api.types.infer_dtype(cats, skipna=False) == "string":
            return pd.Series(np.asarray(cats, dtype=object).take(codes), index=col.index, dtype=object, name=col.name)
    return col.astype(str).astype(object)


def _categories_of(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, categories as plain strings) of a column of unit keys, categorical or not."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        if cats.dtype == object and pd.api.types.infer_dtype(cats, skipna=False) == "string":
            plain = np.asarray(cats, dtype=object)  # the categories' own strings (astype(str) makes a new one each)
        else:
            plain = np.asarray(cats.astype(str), dtype=object)
        return col.cat.codes.to_numpy().astype(np.int64), plain
    codes, cats = pd.factorize(col.astype(str))
    return codes.astype(np.int64), np.asarray(cats, dtype=object)


def _indexer(index: pd.Index, values) -> np.ndarray:
    """``index.get_indexer(values)``; for a categorical, on its categories only (a million readings
    name a few thousand units). The values go in as an object Index: an array of strings would be
    inferred as Arrow strings first (a copy of every string, and ten times slower)."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        at = _indexer(index, values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, at[codes], -1)
    # to_numpy, not np.asarray: numpy would first ask a Series for __array_interface__, and pandas looks
    # such a name up in the Series' index (a hash table of a quarter of a million keys built for that)
    plain = values.to_numpy(dtype=object) if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values, dtype=object)
    return index.get_indexer(pd.Index(plain, dtype=object, copy=False))


def _pair_codes(pg: ProgrammeGraph, units, models) -> np.ndarray:
    """(unit key, model id) pairs as integers (-1 when either is unknown): look-ups by binary search or
    hashing of integers instead of tuples of strings."""
    mids = pd.Index(list(pg.programme.models), dtype=object)
    u, m = _indexer(pg.units.index, units), _indexer(mids, models)
    out = u.astype(np.int64)  # in place from here (a million readings: 8 MB an array)
    out *= len(mids) + 1
    out += m
    out[(u < 0) | (m < 0)] = -1
    return out


def _rows_of(keys: np.ndarray, look: np.ndarray) -> np.ndarray | None:
    """Row of each of ``look`` in ``keys`` (integer pair codes; -1 matches nothing), -1 where none: a binary
    search on the sorted keys, no hash table kept. None when a valid key repeats (a merge would repeat rows)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    if len(sk) > 1 and ((sk[1:] == sk[:-1]) & (sk[1:] >= 0)).any():
        return None
    look = np.asarray(look, dtype=np.int64)
    if not len(sk):
        return np.full(len(look), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(sk, look), len(sk) - 1)
    return np.where((sk[at] == look) & (look >= 0), order[at], -1)


def _check_structure(structure: str) -> None:
    if structure not in (OLD, NEW):
        from .errors import NhanRongError

        raise NhanRongError("error.bad_structure", structure=structure)


__all__ = ["ProgrammeGraph", "build_graph", "model_node", "positioned_units", "project_units", "readings_table", "stage_table",
           "unit_frame", "unit_parts", "history_units", "alive_at", "REFORM", "Memo", "MEMO_DATES"]
