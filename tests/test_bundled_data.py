"""The bundled Yên Bái data loads cleanly and reproduces the figures the province published for 2022.

Figures are computed straight from ``Programme.adoptions`` / ``Programme.readings`` with pandas,
so these tests do not depend on the status engine.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from nhanrong.cli import main as cli_main
from nhanrong.loader import load_programme
from nhanrong.programme import Programme
from nhanrong.registry import load_registry

from conftest import BUNDLED

AS_OF = pd.Timestamp("2022-12-31")
MID = pd.Timestamp("2022-06-30")


@pytest.fixture(scope="module")
def prog() -> Programme:
    return load_programme(BUNDLED)


def _kinds(prog: Programme, keys: pd.Series) -> pd.Series:
    return keys.astype(str).map(prog.unit_kind)


def _district_of(prog: Programme, key: str) -> str | None:
    while key is not None and prog.unit_kind(key) != "district":
        key = prog.unit_parent(key)
    return key


def test_loads_without_errors_or_warnings(prog: Programme) -> None:
    assert prog.errors == []
    assert prog.warnings == []
    assert set(prog.models) == {"community-team", "commune", "school", "state-agency", "party-handbook",
                                "district", "digital-citizen"}


def test_cli_validate_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--lang", "vi", "validate", str(BUNDLED)]) == 0
    assert "0 lỗi, 0 cảnh báo" in capsys.readouterr().err


def test_local_unit_counts(prog: Programme) -> None:
    kinds = pd.Series([u.kind for u in prog.local_units.values()]).value_counts()
    assert kinds["village"] == 1356
    assert kinds["party-cell"] == 1000
    assert 350 <= kinds["school"] <= 450
    assert 30 <= kinds["agency"] <= 50
    assert kinds["commune"] == 5


@pytest.mark.parametrize(("district", "count"), [
    ("138", 188), ("133", 129), ("139", 57), ("137", 98), ("140", 277), ("136", 172), ("141", 177),
])
def test_villages_per_district_match_published_counts(prog: Programme, district: str, count: int) -> None:
    villages = [k for k, u in prog.local_units.items() if u.kind == "village"]
    assert sum(_district_of(prog, k) == f"old:{district}" for k in villages) == count


def test_khe_banh_is_a_village_of_chau_que_ha(prog: Programme) -> None:
    found = [u for u in prog.local_units.values() if u.name == "Thôn Khe Bành"]
    assert len(found) == 1 and found[0].parent == "old:04387"


def test_local_codes_contain_a_letter_and_units_are_illustrative(prog: Programme) -> None:
    """Dissolved communes keep their real GSO codes; every other declared unit has a lettered code."""
    assert all(re.search(r"[A-Za-z]", u.code) for u in prog.local_units.values() if u.kind != "commune")
    assert all(u.illustrative and u.structure == "old" for u in prog.local_units.values())


def test_dissolved_communes_merge_into_registered_communes(prog: Programme) -> None:
    reg = load_registry()
    dissolved = [u for u in prog.local_units.values() if u.kind == "commune"]
    assert sorted(u.name for u in dissolved) == sorted(
        ["Phường Nguyễn Phúc", "Xã Đào Thịnh", "Xã Nga Quán", "Xã Bảo Hưng", "Xã Yên Bình"])
    for u in dissolved:
        assert u.dissolved is not None and u.dissolved.year == 2024
        assert u.merged_into in reg.units and reg.units[u.merged_into].kind == "commune"
        assert reg.units[u.merged_into].parent == u.parent  # merged within the same district


def test_community_teams_cover_every_commune_and_village_in_2022(prog: Programme) -> None:
    a = prog.adoptions[prog.adoptions["model"] == "community-team"]
    scaled = a[a["scale"] <= AS_OF]
    kinds = _kinds(prog, scaled["unit"]).value_counts()
    assert kinds["commune"] == 173
    assert kinds["village"] == 1356
    assert len(scaled) == len(a)


def test_community_team_members_exceed_published_total(prog: Programme) -> None:
    r = prog.readings
    members = r[(r["model"] == "community-team") & (r["metric"] == "members") & (r["date"] == AS_OF)]
    assert members["value"].sum() == 10_868
    assert len(members) == 1356 + 173


def test_party_handbook_reaches_438_of_1000_cells(prog: Programme) -> None:
    a = prog.adoptions[prog.adoptions["model"] == "party-handbook"]
    assert len(a) == 1000
    assert (a["scale"] <= AS_OF).sum() == 438
    assert f"{(a['scale'] <= AS_OF).mean() * 100:.1f}".replace(".", ",") == "43,8"


def test_party_member_account_share_is_45_6_percent(prog: Programme) -> None:
    r = prog.readings
    r = r[(r["model"] == "party-handbook") & (r["date"] == AS_OF)]
    totals = r.groupby("metric")["value"].sum()
    assert r[r["metric"] == "party_members"]["unit"].nunique() == 1000  # every cell, for the denominator
    assert round(totals["accounts"] / totals["party_members"] * 100, 1) == 45.6
    # Cells not yet on the handbook have no accounts.
    a = prog.adoptions[prog.adoptions["model"] == "party-handbook"]
    off = set(a.loc[~(a["scale"] <= AS_OF), "unit"].astype(str))
    acc = r[r["metric"] == "accounts"]
    assert acc[acc["unit"].astype(str).isin(off)]["value"].sum() == 0


def test_new_accounts_2022_sum_to_50595_with_a_mid_year_trend(prog: Programme) -> None:
    r = prog.readings
    na = r[(r["model"] == "digital-citizen") & (r["metric"] == "new_accounts")]
    dec = na[na["date"] == AS_OF]
    assert dec["value"].sum() == 50_595
    assert dec["unit"].nunique() == 173
    jun = na[na["date"] == MID].set_index("unit")["value"]
    assert 0 < jun.sum() < 50_595
    assert (jun <= dec.set_index("unit")["value"].reindex(jun.index)).all()


@pytest.mark.parametrize("model", ["commune", "school", "state-agency", "district"])
def test_pilot_models_have_pilots_learners_and_gaps(prog: Programme, model: str) -> None:
    a = prog.adoptions[prog.adoptions["model"] == model]
    evaluated = a[a["evaluate"] <= AS_OF]
    learners = a[a["learned_from"].notna()]
    assert len(evaluated) >= 1
    assert len(learners) >= 1
    stalled = a[a["pilot"].notna() & a["evaluate"].isna() & (a["pilot"] < pd.Timestamp("2022-04-01"))]
    assert len(stalled) >= 1, "expected a unit stalled in pilot since early 2022"


def test_learned_from_names_a_unit_that_ran_the_same_model_first(prog: Programme) -> None:
    a = prog.adoptions.assign(unit=prog.adoptions["unit"].astype(str), model=prog.adoptions["model"].astype(str))
    learners = a[a["learned_from"].notna()]
    teacher = a.set_index(["unit", "model"])
    keys = list(zip(learners["learned_from"], learners["model"]))
    assert all(k in teacher.index for k in keys)
    first = teacher.loc[keys, ["assess"]].to_numpy().ravel()
    assert (first <= learners["assess"].to_numpy()).all()


def test_stage_dates_are_in_order(prog: Programme) -> None:
    d = prog.adoptions[["assess", "pilot", "evaluate", "scale"]]
    filled = d.ffill(axis=1)
    assert (filled.diff(axis=1).iloc[:, 1:].fillna(pd.Timedelta(0)) >= pd.Timedelta(0)).all().all()


def test_pilot_files_are_one_per_model_and_district(prog: Programme) -> None:
    paths = set(prog.adoptions["path"].astype(str))
    assert all(re.fullmatch(r"pilots/[a-z-]+/(\d{3}|province)\.toml", p) for p in paths)
    for p in paths:
        model = p.split("/")[1]
        assert set(prog.adoptions.loc[prog.adoptions["path"] == p, "model"].astype(str)) == {model}


def _load_generator():
    path = BUNDLED / "tools" / "make_yenbai_sample.py"
    spec = importlib.util.spec_from_file_location("make_yenbai_sample", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[spec.name]
    return mod


def test_committed_sample_is_the_generators_output(tmp_path: Path) -> None:
    """Regenerating gives the same bytes: the TOML was not edited by hand, and the generator is deterministic."""
    _load_generator().main(tmp_path)
    for sub in ("units", "pilots"):
        made = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / sub).rglob("*.toml"))
        kept = sorted(p.relative_to(BUNDLED).as_posix() for p in (BUNDLED / sub).rglob("*.toml"))
        assert made == kept
        for rel in made:
            assert (tmp_path / rel).read_bytes() == (BUNDLED / rel).read_bytes(), rel
