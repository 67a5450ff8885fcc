"""Official administrative units, old and new, from the ``vietnamadminunits`` package.

Why this package (see the README for the comparison): MIT-licensed, installs on
Python 3.11+, carries official GSO codes for both the pre-2025 structure
(province -> district -> commune, January 2025 register) and the structure in
force since 1 July 2025 (province -> commune), with coordinates, and ships its
old -> new conversion table. We read its SQLite file and JSON table directly,
by code: its name search ignores diacritics, which is unsafe for look-ups.

Node keys are ``"<structure>:<code>"`` (``"old:04252"``, ``"new:15"``) because
the two structures reuse codes: the new Lào Cai is code 15, like old Yên Bái.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .errors import UnknownScopeError
from .textfold import compact

OLD, NEW = "old", "new"
REFORM_DATE = dt.date(2025, 7, 1)
"""The day the 2025 reform took effect: districts abolished, provinces and communes merged.
Units of the new structure exist from this day; units of the old structure end the day before."""


def structure_at(day: dt.date) -> str:
    """The structure in force on ``day``: old before the reform, new from 1/7/2025. Every face
    (CLI, app) defaults to it, so a date and a structure never disagree unless asked."""
    return OLD if day < REFORM_DATE else NEW


def unit_key(structure: str, code: str) -> str:
    """The graph key of a unit: structure and code, since codes repeat across structures."""
    return f"{structure}:{code}"


def split_key(key: str) -> tuple[str, str]:
    structure, _, code = key.partition(":")
    return structure, code


@dataclass(frozen=True, slots=True)
class AdminUnit:
    """A province, district or commune as the official register names it."""

    key: str
    code: str
    name: str  # full name as written, e.g. "Xã Âu Lâu"
    kind: str  # province | district | commune
    type_label: str  # Tỉnh, Thành phố, Huyện, Thị xã, Xã, Phường, Thị trấn, Đặc khu...
    structure: str
    parent: str | None  # key of the parent unit
    lat: float | None = None
    lon: float | None = None
    area_km2: float | None = None


@dataclass(frozen=True)
class Registry:
    """Both structures at once, and the old -> new mapping of communes by code."""

    units: dict[str, AdminUnit]
    old_to_new: dict[str, str]  # old commune key -> new commune key (the default target)
    partly: frozenset[str] = field(default_factory=frozenset)  # old keys split across new communes
    old_province_to_new: dict[str, str] = field(default_factory=dict)
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """New commune or province key -> every old unit (January 2025 register) that went into it,
    in code order. An old commune split across several new communes is a part of each."""

    def get(self, key: str) -> AdminUnit | None:
        return self.units.get(key)

    def children(self, key: str) -> list[AdminUnit]:
        """Direct children of a unit, sorted by code (built on demand; for small scopes)."""
        return sorted((u for u in self.units.values() if u.parent == key), key=lambda u: u.code)

    def in_province(self, structure: str, province_code: str) -> list[AdminUnit]:
        """The province itself and every unit below it, in code order."""
        root = unit_key(structure, province_code)
        if root not in self.units:
            raise UnknownScopeError("error.unknown_province", province=province_code, structure=structure)
        out = [self.units[root]]
        for u in self.units.values():
            if u.structure != structure or u.kind == "province":
                continue
            top = u
            while top.parent is not None and top.kind != "province":
                top = self.units[top.parent]
            if top.key == root:
                out.append(u)
        return sorted(out, key=lambda u: (("province", "district", "commune").index(u.kind), u.code))

    def provinces(self, structure: str) -> list[AdminUnit]:
        return sorted(
            (u for u in self.units.values() if u.structure == structure and u.kind == "province"),
            key=lambda u: u.code,
        )


def ascii_key(text: str) -> str:
    """Lower-case ASCII without diacritics or spaces: 'Xã Minh Quân' -> 'xaminhquan' (the one folding
    of :mod:`nhanrong.textfold`, letters and digits only)."""
    return compact(text)


def _package_data() -> Path | Traversable:
    """The folder of the package's data files, found without importing the package: its ``__init__``
    builds its address parser (a hundred regular expressions, pandas), about 0.5 s of every start, and
    only the data files are read here. A package installed some other way (zipped) is imported."""
    spec = importlib.util.find_spec("vietnamadminunits")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        data = Path(folder) / "data"
        if (data / "dataset.db").is_file() and (data / "converter_2025.json").is_file():
            return data
    return resources.files("vietnamadminunits") / "data"


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Read the package's register once per process (about 13,000 units)."""
    data = _package_data()
    with resources.as_file(data / "dataset.db") as db_path:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            legacy = con.execute(
                "SELECT province, provinceCode, provinceLat, provinceLon, district, districtType,"
                " districtCode, districtLat, districtLon, ward, wardType, wardCode, wardLat, wardLon,"
                " provinceKey, districtKey, wardKey FROM admin_units_legacy"
            ).fetchall()
            current = con.execute(
                "SELECT province, provinceCode, provinceLat, provinceLon, ward, wardType, wardCode,"
                " wardLat, wardLon, wardAreaKm2, provinceKey, wardKey FROM admin_units"
            ).fetchall()
        finally:
            con.close()
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))

    units: dict[str, AdminUnit] = {}
    old_by_exact: dict[str, str] = {}
    old_by_ascii: dict[str, str | None] = {}  # None where two units share an ASCII key
    old_prov_key_to_code: dict[str, str] = {}
    for (prov, pcode, plat, plon, dist, dtype, dcode, dlat, dlon, ward, wtype, wcode, wlat, wlon,
         pkey, dkey, wkey) in legacy:
        pk, dk = unit_key(OLD, pcode), unit_key(OLD, dcode)
        old_prov_key_to_code[pkey] = pcode
        if pk not in units:
            units[pk] = AdminUnit(pk, pcode, prov, "province", prov.split(" ")[0], OLD, None, plat, plon)
        if dk not in units:
            units[dk] = AdminUnit(dk, dcode, dist, "district", dtype or "", OLD, pk, dlat, dlon)
        if wcode:
            wk = unit_key(OLD, wcode)
            units[wk] = AdminUnit(wk, wcode, ward, "commune", wtype or "", OLD, dk, wlat, wlon)
            raw = f"{pkey}_{dkey}_{wkey}"
            old_by_exact[raw] = wk
            ak = ascii_key(raw)
            old_by_ascii[ak] = None if ak in old_by_ascii else wk

    new_by_ward: dict[tuple[str, str], str] = {}
    new_prov_key_to_code: dict[str, str] = {}
    for prov, pcode, plat, plon, ward, wtype, wcode, wlat, wlon, area, pkey, wkey in current:
        pk = unit_key(NEW, pcode)
        new_prov_key_to_code[pkey] = pcode
        if pk not in units:
            units[pk] = AdminUnit(pk, pcode, prov, "province", prov.split(" ")[0], NEW, None, plat, plon)
        wk = unit_key(NEW, wcode)
        units[wk] = AdminUnit(wk, wcode, ward, "commune", wtype or "", NEW, pk, wlat, wlon, area)
        new_by_ward[(pkey, wkey)] = wk

    def find_old(raw: str) -> str | None:
        # Exact key first: a few keys carry diacritics (xãminhquân / xãminhquán are two communes).
        return old_by_exact.get(raw) or old_by_ascii.get(ascii_key(raw))

    old_to_new: dict[str, str] = {}
    partly: set[str] = set()
    parts: dict[str, set[str]] = {}
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            target = new_by_ward.get((new_pkey, new_wkey))
            for old in old_keys:
                src = find_old(old)
                if src and target:
                    old_to_new[src] = target
                    parts.setdefault(target, set()).add(src)
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in olds.items():
            src = find_old(old)
            default = next((t for t in targets if t.get("isDefaultNewWard")), targets[0] if targets else None)
            if src and default:
                target = new_by_ward.get((new_pkey, default["newWardKey"]))
                if target:
                    old_to_new[src] = target
                    if len(targets) > 1:
                        partly.add(src)
                for t in targets:
                    piece = new_by_ward.get((new_pkey, t["newWardKey"]))
                    if piece:
                        parts.setdefault(piece, set()).add(src)

    old_province_to_new = {
        unit_key(OLD, old_prov_key_to_code[o]): unit_key(NEW, new_prov_key_to_code[n])
        for n, olds in converter["DICT_PROVINCE"].items()
        for o in olds
        if o in old_prov_key_to_code and n in new_prov_key_to_code
    }
    for old, new in old_province_to_new.items():
        parts.setdefault(new, set()).add(old)
    ordered = {k: tuple(sorted(v, key=lambda x: units[x].code)) for k, v in parts.items()}
    return Registry(units, old_to_new, frozenset(partly), old_province_to_new, ordered)
