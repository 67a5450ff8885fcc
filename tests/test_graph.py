"""The programme graph and the units frame: ancestors, projection to the new structure, edges."""

from __future__ import annotations

import pandas as pd
import pytest

from nhanrong.schema import STAGES
from nhanrong.graph import UNIT_FRAME_COLUMNS, build_graph, model_node, positioned_units, stage_table
from nhanrong.loader import load_programme

from conftest import edit_file

REQUIRING = """\
name = "Mô hình phụ thuộc"
pillars = ["society"]
adopted_by = ["village"]
requires = [{ model = "tiny", where = "parent", stage = "pilot" }]
[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365
"""
DISSOLVED = """\
structure = "old"
[[unit]]
code = "OLD1"
name = "Xã Cũ"
kind = "commune"
parent = "132"
dissolved = 2023-06-30
merged_into = "04558"
[[unit]]
code = "OLD1-V"
name = "Thôn của xã cũ"
kind = "village"
parent = "OLD1"
"""


@pytest.fixture
def pg(make_repo):
    prog = load_programme(make_repo({"models/dep.toml": REQUIRING, "units/dissolved.toml": DISSOLVED}))
    assert not prog.errors, prog.errors
    return build_graph(prog)


def test_units_frame_has_ancestors_in_both_structures(pg):
    u = pg.units
    assert set(UNIT_FRAME_COLUMNS) <= set(u.columns)
    v = u.loc["old:T-04249-01"]
    assert (v["kind"], v["parent"], v["commune"], v["district"], v["province"]) == ("village", "old:04249", "old:04249", "old:132", "old:15")
    assert (v["new_commune"], v["new_province"]) == ("new:04279", "new:15")
    c = u.loc["old:04249"]
    assert c["commune"] == "old:04249" and c["new_commune"] == "new:04279"
    n = u.loc["new:04279"]
    assert (n["province"], n["new_province"], n["new_commune"]) == ("new:15", "new:15", "new:04279")
    assert pd.isna(n["district"])
    d = u.loc["old:132"]
    assert d["district"] == "old:132" and pd.isna(d["commune"]) and d["new_province"] == "new:15"


def test_dissolved_commune_follows_merged_into(pg):
    u = pg.units
    assert u.loc["old:OLD1", "dissolved"] == pd.Timestamp("2023-06-30")
    # OLD1 merged into 04558, which became new 04279; its village goes with it.
    assert u.loc["old:OLD1-V", "commune"] == "old:OLD1"
    assert u.loc["old:OLD1-V", "new_commune"] == "new:04279"


@pytest.mark.parametrize("values, expected", [
    ([None, 21.5, 104], [None, 21.5, 104.0]),  # the loader's columns: numbers or None
    ([None, None], [None, None]),
    (["21.5", "không rõ", 3], [21.5, None, 3.0]),  # anything else: numbers read, the rest missing
])
def test_coordinates_of_declared_units_are_floats(values, expected):
    from nhanrong.graph import _floats

    out = _floats(pd.Series(values, dtype=object))
    assert out.dtype == float
    assert [None if pd.isna(v) else v for v in out.tolist()] == expected


def test_graph_edges_of_every_kind(pg):
    g = pg.graph
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == {"contains", "became", "requires", "adopts", "learned_from"}
    assert g.edges["old:132", "old:04249"]["kind"] == "contains"
    assert g.edges["old:04249", "new:04279"]["kind"] == "became"
    assert g.edges["old:15", "new:15"]["kind"] == "became"
    assert g.edges["old:OLD1", "old:04558"]["kind"] == "became"
    assert g.edges[model_node("dep"), model_node("tiny")] == {"kind": "requires", "where": "parent", "stage": "pilot"}
    a = g.edges["old:04249", model_node("tiny")]
    assert a["kind"] == "adopts" and str(a["scale"]) == "2022-06-01" and a["evaluate"] is not None
    assert [(m, str(d), v) for m, d, v in a["readings"]] == [("accounts", "2022-06-30", 120.0)]
    assert g.edges["old:04252", model_node("tiny")]["scale"] is None
    assert g.edges["old:04252", "old:04249"] == {"kind": "learned_from", "model": "tiny"}
    assert g.nodes[model_node("tiny")]["type"] == "model"
    assert g.nodes["old:T-04249-01"]["kind"] == "village"


def test_positioned_units_per_structure(pg):
    old = positioned_units(pg, "old")
    assert "old:OLD1" in old.index and "new:04279" not in old.index
    new = positioned_units(pg, "new")
    assert "old:04249" not in new.index  # replaced by the new commune
    assert new.loc["old:T-04249-01", "commune"] == "new:04279"  # villages stay, placed in the new commune
    assert new["district"].isna().all()


def test_stage_table_projects_old_communes(pg):
    old = stage_table(pg, "old")
    assert set(old["unit"]) == {"old:04249", "old:04252"}
    new = stage_table(pg, "new").set_index("unit")
    assert set(new.index) == {"new:04279", "new:04252"}
    # new 04279 is made of four old communes; only 04249 has a record: no stage is reached by all.
    assert new.loc["new:04279", list(STAGES)].isna().all()


def test_empty_programme(make_repo):
    pg = build_graph(load_programme(make_repo({}, defaults=False)))
    assert len(pg.units) > 10_000  # the register is always there
    assert stage_table(pg, "new").empty


def test_a_record_saved_keeps_the_units_frame_and_a_unit_saved_remakes_it(make_repo):
    """The units frame follows the declared units: the same after a record changes (the loader keeps the
    units), remade, with the change, after a file of units/ changes."""
    from nhanrong import loader

    loader._FILE_CACHE.clear()  # room for this test's files: a full cache is emptied, and its memos with it
    root = make_repo({"units/dissolved.toml": DISSOLVED})
    first = build_graph(load_programme(root))
    edit_file(sorted((root / "pilots").rglob("*.toml"))[0], "2022", "2022")  # a new stamp: read again
    record_saved = build_graph(load_programme(root))
    assert record_saved.units is first.units
    edit_file(root / "units/dissolved.toml", "Thôn của xã cũ", "Thôn Mới")
    unit_saved = build_graph(load_programme(root))
    assert unit_saved.units is not first.units
    assert unit_saved.units.loc["old:OLD1-V", "name"] == "Thôn Mới"
    assert first.units.loc["old:OLD1-V", "name"] == "Thôn của xã cũ"  # the earlier graph keeps its own
