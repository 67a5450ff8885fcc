"""The programme as one graph, plus a units frame that carries every unit's ancestors.

The graph is what people explore (who contains whom, which old unit became which
new one, which model requires which, who adopted what, who learned from whom).
Status, gaps and targets are computed on the frames, not by walking the graph:
each unit's ancestors are columns of :attr:`ProgrammeGraph.units`, so a roll-up
is one pandas ``groupby`` over the whole country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .loader import paused_gc
from .programme import Programme
from .registry import NEW, OLD, Registry
from .schema import ADMIN_KINDS, LOCAL_KINDS, STAGES

UNIT_FRAME_COLUMNS = [
    "code", "name", "kind", "structure", "parent", "lat", "lon", "dissolved", "merged_into",
    "province", "district", "commune", "new_province", "new_commune",
]


def model_node(model_id: str) -> str:
    """Graph key of a model node: unit keys always carry a structure prefix, so no clash."""
    return f"model:{model_id}"


@dataclass(frozen=True)
class ProgrammeGraph:
    """The programme, its graph, and the units frame that status and gaps aggregate on."""

    programme: Programme
    units: pd.DataFrame
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def graph(self) -> nx.DiGraph:
        """The networkx graph, built in bulk on first use.

        Status, gaps and targets work on :attr:`units` and the stage/reading frames, so
        loading for the app or the CLI does not pay for the graph (a quarter of a national
        cold load); exploring code and tests get it when they ask.
        """
        return self.memo(("graph",), lambda: networkx_graph(self.programme, self.units))

    def memo(self, key: tuple, make) -> Any:
        """Cache a derived frame for this (immutable) graph: status, gaps and targets share them."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]


_REGISTRY_FRAMES: dict[int, tuple[Registry, pd.DataFrame]] = {}


def _registry_frame(reg: Registry) -> pd.DataFrame:
    """The register as a frame, built once per process (the register never changes)."""
    hit = _REGISTRY_FRAMES.get(id(reg))
    if hit is not None and hit[0] is reg:
        return hit[1]
    us = list(reg.units.values())
    frame = pd.DataFrame(
        {
            "code": [u.code for u in us],
            "name": [u.name for u in us],
            "kind": [u.kind for u in us],
            "structure": [u.structure for u in us],
            "parent": [u.parent for u in us],
            "lat": [u.lat for u in us],
            "lon": [u.lon for u in us],
            "dissolved": pd.NaT,
            "merged_into": None,
        },
        index=pd.Index([u.key for u in us], name="key"),
    )
    _REGISTRY_FRAMES[id(reg)] = (reg, frame)
    return frame


def _local_frame(programme: Programme) -> pd.DataFrame:
    us = list(programme.local_units.values())
    obj = lambda values: pd.Series(values, dtype=object)  # noqa: E731 - no Arrow round trip
    frame = pd.DataFrame(
        {
            "code": obj([u.code for u in us]),
            "name": obj([u.name for u in us]),
            "kind": obj([u.kind for u in us]),
            "structure": obj([u.structure for u in us]),
            "parent": obj([u.parent for u in us]),
            "lat": pd.Series([u.lat for u in us], dtype=float),
            "lon": pd.Series([u.lon for u in us], dtype=float),
            "dissolved": pd.to_datetime(pd.Series([u.dissolved for u in us], dtype=object)).to_numpy(),
            "merged_into": obj([u.merged_into for u in us]),
        }
    )
    frame.index = pd.Index([u.key for u in us], dtype=object, name="key")
    return frame


def unit_frame(programme: Programme) -> pd.DataFrame:
    """Every unit (register and units/) with its ancestors in its own and in the new structure."""
    reg = programme.registry
    frames = [_registry_frame(reg)]
    if programme.local_units:
        frames.append(_local_frame(programme))
    units = pd.concat(frames) if len(frames) > 1 else frames[0].copy()
    # Plain object strings: pandas' Arrow strings are slow to take/iterate row by row, and the
    # engine reindexes these columns constantly.
    units = units.astype({c: object for c in ("code", "name", "kind", "structure", "parent", "merged_into")})
    units.index = units.index.astype(object)
    units["dissolved"] = pd.to_datetime(units["dissolved"])
    for c in ("lat", "lon"):
        units[c] = pd.to_numeric(units[c], errors="coerce")
    kind = units["kind"]
    parent = units["parent"]
    # Ancestors: climb one level per pass for every unit at once (the hierarchy is shallow).
    anc = {k: pd.Series(np.nan, index=units.index, dtype=object) for k in ADMIN_KINDS}
    cur = pd.Series(units.index.to_numpy(), index=units.index, dtype=object)
    for _ in range(10):
        ck = cur.map(kind)
        for k in ADMIN_KINDS:
            hit = (ck == k) & anc[k].isna()
            if hit.any():
                anc[k] = anc[k].mask(hit, cur)
        cur = cur.map(parent)
        if cur.isna().all():
            break
    for k in ADMIN_KINDS:
        units[k] = anc[k]
    # Projection into the new structure: new units are themselves; an old unit goes through its
    # commune (following merged_into for dissolved communes) and the old -> new commune map.
    is_new = units["structure"] == NEW
    old_commune = units["commune"].where(~is_new)
    merged = units["merged_into"]
    for _ in range(3):
        nxt = old_commune.map(merged)
        if nxt.isna().all():
            break
        old_commune = nxt.fillna(old_commune)
    old_to_new = pd.Series(reg.old_to_new, dtype=object)
    new_commune = old_commune.map(old_to_new)
    new_province = new_commune.map(parent)
    prov_map = pd.Series(reg.old_province_to_new, dtype=object)
    new_province = new_province.fillna(units["province"].where(~is_new).map(prov_map))
    units["new_commune"] = units["commune"].where(is_new, new_commune)
    units["new_province"] = units["province"].where(is_new, new_province)
    out = units[UNIT_FRAME_COLUMNS]
    return out.astype({c: object for c in ("province", "district", "commune", "new_province", "new_commune")})


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


def positioned_units(pg: ProgrammeGraph, structure: str) -> pd.DataFrame:
    """Units that exist in ``structure``, with province/district/commune ancestors in it.

    Old: every old unit. New: new units, plus the villages, schools, agencies and party cells
    declared under old units, placed by their commune's old -> new mapping (old provinces,
    districts and communes themselves are replaced by the new ones).
    """
    def make() -> pd.DataFrame:
        u = pg.units
        if structure == OLD:
            out = u[u["structure"] == OLD][["code", "name", "kind", "parent", "dissolved", "province", "district", "commune"]]
            return out.copy()
        keep = (u["structure"] == NEW) | u["kind"].isin(LOCAL_KINDS)
        out = u[keep][["code", "name", "kind", "parent", "dissolved", "new_province", "new_commune"]]
        out = out.rename(columns={"new_province": "province", "new_commune": "commune"})
        out.insert(out.columns.get_loc("commune"), "district", np.nan)
        out["district"] = out["district"].astype(object)
        return out

    _check_structure(structure)
    return pg.memo(("positioned", structure), make)


def stage_table(pg: ProgrammeGraph, structure: str) -> pd.DataFrame:
    """Adoption stage dates per (unit, model) in ``structure``; old communes and provinces are
    projected onto the new ones (the earliest date any merged part reached each stage)."""
    def make() -> pd.DataFrame:
        a = pg.programme.adoptions
        cols = ["unit", "model", *STAGES]
        if not len(a):
            return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in STAGES else object) for c in cols})
        t = a[cols].copy()
        t["unit"] = t["unit"].astype(str).astype(object)
        t["model"] = t["model"].astype(str).astype(object)
        if structure == OLD:
            keep = pg.units["structure"].reindex(t["unit"]).to_numpy() == OLD
            return t[keep].reset_index(drop=True)
        t["unit"] = project_units(pg, t["unit"], structure)
        t = t[pd.notna(t["unit"])]
        if t.duplicated(["unit", "model"]).any():
            t = t.groupby(["unit", "model"], as_index=False, sort=False)[list(STAGES)].min()
        return t.reset_index(drop=True)

    _check_structure(structure)
    return pg.memo(("stages", structure), make)


def project_units(pg: ProgrammeGraph, keys: pd.Series, structure: str) -> np.ndarray:
    """Unit keys as ``structure`` sees them: an old commune or province becomes the new one in
    the new structure; local units stay; units with no place in ``structure`` become None."""
    info = pg.units.reindex(keys.astype(str))
    st = info["structure"].to_numpy()
    kind = info["kind"].to_numpy()
    k = keys.astype(str).to_numpy(dtype=object)
    if structure == OLD:
        return np.where(st == OLD, k, None)
    local = np.isin(kind, LOCAL_KINDS)
    return np.where((st == NEW) | local, k,
                    np.where(kind == "commune", info["new_commune"].to_numpy(),
                             np.where(kind == "province", info["new_province"].to_numpy(), None)))


def readings_table(pg: ProgrammeGraph, structure: str) -> pd.DataFrame:
    """Readings keyed by the unit as ``structure`` sees it (see :func:`project_units`)."""
    def make() -> pd.DataFrame:
        r = pg.programme.readings
        if not len(r):
            return r.assign(unit=r["unit"].astype(object), model=r["model"].astype(object))
        out = r.assign(unit=project_units(pg, r["unit"], structure), model=r["model"].astype(str))
        return out[pd.notna(out["unit"])].reset_index(drop=True)

    _check_structure(structure)
    return pg.memo(("readings", structure), make)


def _check_structure(structure: str) -> None:
    if structure not in (OLD, NEW):
        from .errors import NhanRongError

        raise NhanRongError(f'cấu trúc "{structure}" không hợp lệ: dùng "old" hoặc "new" / structure must be "old" or "new"')


__all__ = ["ProgrammeGraph", "build_graph", "model_node", "positioned_units", "project_units", "readings_table", "stage_table", "unit_frame"]
