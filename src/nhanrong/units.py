"""Listing units for people: the official register plus the units a data root declares."""

from __future__ import annotations

from pathlib import Path

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
        from .loader import load_programme

        prog = load_programme(root)
        inside = {u.key for u in units}
        local = sorted(prog.local_units.values(), key=lambda u: u.code)
        changed = True
        while changed:  # declared units below any unit already inside, in any order
            changed = False
            for u in local:
                if u.key not in inside and u.parent in inside and u.structure == structure:
                    inside.add(u.key)
                    changed = True
        rows += [
            {"code": u.code, "name": u.name, "kind": u.kind, "parent": (u.parent or ":").partition(":")[2],
             "lat": u.lat, "lon": u.lon, "source": u.path}
            for u in local if u.key in inside
        ]
    if not rows:
        raise UnknownScopeError(f'Không có tỉnh mã "{province}" / no province "{province}"')
    return rows


__all__ = ["list_units", "unit_key"]
