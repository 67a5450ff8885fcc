"""The official register, both structures, and the old -> new mapping for Yên Bái."""

from __future__ import annotations

from collections import Counter

import pytest

from nhanrong.errors import UnknownScopeError
from nhanrong.registry import load_registry


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def test_national_counts_of_both_structures(reg):
    counts = Counter((u.structure, u.kind) for u in reg.units.values())
    assert counts[("old", "province")] == 63
    assert counts[("old", "district")] == 696
    assert counts[("old", "commune")] == 10035
    assert counts[("new", "province")] == 34
    assert counts[("new", "commune")] == 3321


def test_yen_bai_in_the_january_2025_register(reg):
    units = reg.in_province("old", "15")
    districts = [u for u in units if u.kind == "district"]
    assert [d.code for d in districts] == ["132", "133", "135", "136", "137", "138", "139", "140", "141"]
    per_district = Counter(u.parent for u in units if u.kind == "commune")
    assert [per_district[d.key] for d in districts] == [14, 14, 24, 25, 14, 18, 12, 24, 23]
    assert Counter(u.type_label for u in units if u.kind == "commune") == {"Xã": 146, "Phường": 12, "Thị trấn": 10}


def test_new_lao_cai(reg):
    units = reg.in_province("new", "15")
    assert units[0].name == "Tỉnh Lào Cai"
    communes = [u for u in units if u.kind == "commune"]
    assert len(communes) == 99
    assert Counter(u.type_label for u in communes) == {"Xã": 89, "Phường": 10}
    assert reg.old_province_to_new["old:15"] == "new:15"
    assert reg.old_province_to_new["old:10"] == "new:15"


def test_yen_bai_168_communes_map_into_51(reg):
    old = [u.key for u in reg.in_province("old", "15") if u.kind == "commune"]
    targets = {reg.old_to_new[k] for k in old}
    assert len(old) == 168 and len(targets) == 51
    assert all(reg.units[t].parent == "new:15" for t in targets)


def test_phuong_yen_bai_formed_from_five_wards(reg):
    sources = sorted(reg.units[k].name for k, v in reg.old_to_new.items() if v == "new:04252")
    assert reg.units["new:04252"].name == "Phường Yên Bái"
    assert sources == ["Phường Hồng Hà", "Phường Minh Tân", "Phường Nguyễn Thái Học", "Phường Yên Ninh", "Phường Đồng Tâm"]


def test_lookups_are_by_code_not_name(reg):
    # Minh Quán (Trấn Yên) and Minh Quân are distinct communes whose ASCII keys collide.
    assert reg.units["old:04516"].name == "Xã Minh Quán"
    assert reg.units[reg.old_to_new["old:04516"]].name == "Xã Trấn Yên"


def test_every_old_commune_has_a_new_one(reg):
    unmapped = [k for k, u in reg.units.items() if u.structure == "old" and u.kind == "commune" and k not in reg.old_to_new]
    assert unmapped == []


def test_unknown_province(reg):
    with pytest.raises(UnknownScopeError, match='Không có tỉnh mã "99"') as err:
        reg.in_province("new", "99")
    assert (err.value.code, dict(err.value.params)) == ("error.unknown_province", {"province": "99", "structure": "new"})
    assert err.value.text("en").startswith('No province with code "99" in the new structure')


def test_units_have_coordinates(reg):
    assert reg.units["new:04252"].lat == pytest.approx(21.7, abs=0.2)
    assert reg.units["new:04252"].area_km2 > 0


def test_the_register_is_read_without_importing_the_package():
    """The package's __init__ builds its address parser (about 0.5 s of every start): only its data is read."""
    import subprocess
    import sys

    code = ("import sys, nhanrong.registry as r; reg = r.load_registry(); "
            "print(len(reg.units), 'vietnamadminunits' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(len(load_registry().units)), "False"]


def test_a_package_found_some_other_way_is_read_through_its_import(monkeypatch):
    import importlib.util

    from nhanrong import registry

    found = registry._package_data()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    imported = registry._package_data()
    for name in ("dataset.db", "converter_2025.json"):
        assert imported.joinpath(name).read_bytes() == found.joinpath(name).read_bytes()
