"""Listing units for people: the official register plus the units a data root declares."""

from __future__ import annotations

from pathlib import Path

from .formats import natural_key
from .registry import load_registry, unit_key
from .errors import UnknownScopeError


def list_units(root: Path | None, *, province: str | None, structure: str) -> list[dict]:
    """Rows (code, name, kind, parent, lat, lon) for one province, or the provinces."""
    reg = load_registry()
    if province is None:
        units = reg.provinces(structure)
        return [{"code": u.code, "name": u.name, "kind": u.kind, "parent": "", "lat": u.lat, "lon": u.lon} for u in units]
    units = reg.in_province(structure, province)
    rows = [
        {"code": u.code, "name": u.name, "kind": u.kind, "parent": (u.parent or ":").partition(":")[2],
         "lat": u.lat, "lon": u.lon, "source": "register"}
        for u in units
    ]
    if root is not None:
        from .graph import build_graph, positioned_units
        from .loader import load_programme

        pg = build_graph(load_programme(root))
        pos = positioned_units(pg, structure)
        top = unit_key(structure, province)
        # Declared units placed in this province, in the old structure as declared, in the new one
        # under the new commune their old commune became (the same placement status and gaps use).
        local = pos[(pos["province"] == top) & pos.index.isin(list(pg.programme.local_units))]
        local = local.assign(_k=[natural_key(c) for c in local["code"]]).sort_values("_k")
        decl = pg.programme.local_units
        rows += [
            {"code": decl[k].code, "name": decl[k].name, "kind": decl[k].kind,
             "parent": (p or ":").partition(":")[2] if isinstance(p, str) else "",
             "lat": decl[k].lat, "lon": decl[k].lon, "source": decl[k].path}
            for k, p in zip(local.index, local["parent"])
        ]
    if not rows:
        raise UnknownScopeError("error.unknown_province", province=province, structure=structure)
    return rows


__all__ = ["list_units", "unit_key"]
