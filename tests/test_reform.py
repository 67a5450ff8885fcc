"""The rules that keep numbers true across the 2025 reform, each on a hand-made data set.

Thành phố Yên Bái (old district 132) gives the cases: its wards 04252 (Yên Ninh), 04255
(Minh Tân), 04258 (Nguyễn Thái Học), 04261 (Đồng Tâm) and 04264 (Hồng Hà) became the one new
Phường Yên Bái (new 04252); old Yên Bái (15) and old Lào Cai (10) became the new Lào Cai (15).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhanrong.gaps import find_gaps as find_gap_rows
from nhanrong.gaps import with_texts
from nhanrong.graph import build_graph, positioned_units
from nhanrong.loader import load_programme
from nhanrong.schema import STAGES
from nhanrong.status import metric_values, part_stages, status

D = dt.date
PARTS = ["04252", "04255", "04258", "04261", "04264"]  # old wards of the new Phường Yên Bái


def find_gaps(*args, **kwargs):
    """The gaps with their sentences rendered (message, message_en, action, action_en): gaps are data."""
    return with_texts(find_gap_rows(*args, **kwargs))


def model(adopted_by: str, tail: str = "", *, top: str = "", name: str = "Mô hình thử") -> str:
    """A model file: ``top`` goes before the first table (requires...), ``tail`` after the metrics."""
    return textwrap.dedent(f"""\
        name = "{name}"
        pillars = ["government"]
        adopted_by = {adopted_by}
        """) + textwrap.dedent(top) + textwrap.dedent("""\
        [stages.assess]
        expected_days = 30
        [stages.pilot]
        expected_days = 60
        [stages.evaluate]
        expected_days = 30
        [stages.scale]
        expected_days = 365
        [method]
        steps = ["Làm"]
        [resources]
        people = 1
        [[metrics]]
        id = "accounts"
        name = "Số tài khoản"
        unit = "tài khoản"
        rollup = "sum"
        """) + textwrap.dedent(tail)


def pilots(model_id: str, structure: str, records: list[str]) -> str:
    body = "\n".join(f"[[adoption]]\n{textwrap.dedent(r).strip()}\n" for r in records)
    return f'model = "{model_id}"\nstructure = "{structure}"\n\n{body}'


def repo(tmp_path, files: dict[str, str]):
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    for d in ("models", "units", "pilots", "plans"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    return tmp_path


def graph(tmp_path, files: dict[str, str], *, errors_ok: bool = False):
    prog = load_programme(repo(tmp_path, files))
    if not errors_ok:
        assert not prog.errors, prog.errors
    return build_graph(prog)


def one(frame: pd.DataFrame, **eq) -> pd.Series:
    sel = frame
    for k, v in eq.items():
        sel = sel[sel[k].astype(str) == str(v)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# --- 1. merged units -------------------------------------------------------------------------

MIXED = pilots("cm", "old", [
    'unit = "04252"\nstages = { assess = 2022-01-01, pilot = 2022-02-01, evaluate = 2022-04-01, scale = 2022-06-01 }',
    'unit = "04255"\nstages = { assess = 2022-01-01, pilot = 2022-03-01, evaluate = 2022-05-01, scale = 2022-09-01 }',
    'unit = "04258"\nstages = { assess = 2022-01-15, pilot = 2022-03-01 }',
    'unit = "04261"\nstages = { assess = 2022-05-01 }',
])


def test_merged_commune_is_at_the_stage_of_its_least_advanced_part(tmp_path):
    pg = graph(tmp_path, {"models/cm.toml": model('["commune"]'), "pilots/cm/132.toml": MIXED})
    old = status(pg, D(2022, 12, 31), scope="132", level="commune")
    old = old[old["scope"].isin(PARTS)].set_index("scope")
    assert old["scale"].sum() == 2 and old["eligible"].sum() == 5
    new = one(status(pg, D(2022, 12, 31), structure="new", scope="04252"), scope="04252")
    # Two of the five parts at scale, one at pilot, one assessing, one not started: the new ward
    # has not started (its least advanced part), it is not counted at scale, and the parts show.
    assert (new["eligible"], new["not_started"], new["scale"], new["coverage"]) == (1, 1, 0, 0.0)
    assert (new["parts"], new["parts_scale"]) == (5, 2)
    parts = part_stages(pg, D(2022, 12, 31), scope="04252")
    assert parts["part_code"].tolist() == PARTS
    assert parts["stage"].astype(str).tolist() == ["scale", "scale", "pilot", "assess", "not_started"]
    assert set(parts["name"]) == {"Phường Yên Bái"}


def test_merged_commune_reaches_scale_the_day_its_last_part_does(tmp_path):
    done = MIXED + "\n" + "\n".join(
        f'[[adoption]]\nunit = "{c}"\nstages = {{ assess = 2022-01-01, scale = {d} }}\n'
        for c, d in (("04264", "2023-03-01"),))
    done = done.replace('unit = "04258"\nstages = { assess = 2022-01-15, pilot = 2022-03-01 }',
                        'unit = "04258"\nstages = { assess = 2022-01-15, pilot = 2022-03-01, scale = 2023-02-01 }')
    done = done.replace('unit = "04261"\nstages = { assess = 2022-05-01 }',
                        'unit = "04261"\nstages = { assess = 2022-05-01, scale = 2023-04-10 }')
    pg = graph(tmp_path, {"models/cm.toml": model('["commune"]'), "pilots/cm/132.toml": done})
    before = one(status(pg, D(2023, 4, 9), structure="new", scope="04252"), scope="04252")
    after = one(status(pg, D(2023, 4, 10), structure="new", scope="04252"), scope="04252")
    assert (before["scale"], before["parts_scale"]) == (0, 4)
    assert (after["scale"], after["parts_scale"], after["coverage"]) == (1, 5, 1.0)
    # A new-structure record of the new ward itself counts too, whichever is earlier.
    own = pilots("cm", "new", ['unit = "04252"\nstages = { assess = 2025-07-01, scale = 2025-08-01 }'])
    pg2 = graph(tmp_path / "own", {"models/cm.toml": model('["commune"]'), "pilots/cm/132.toml": MIXED,
                                   "pilots/cm/new.toml": own})
    assert one(status(pg2, D(2025, 9, 30), structure="new", scope="04252"), scope="04252")["scale"] == 1


# --- villages of a commune dissolved before the January 2025 register ---------------------------

DISSOLVED = """\
structure = "old"
[[unit]]
code = "D1"
name = "Xã Cũ"
kind = "commune"
parent = "132"
dissolved = 2024-01-01
merged_into = "04264"
[[unit]]
code = "VD1"
name = "Thôn Cũ 1"
kind = "village"
parent = "D1"
[[unit]]
code = "VD2"
name = "Thôn Cũ 2"
kind = "village"
parent = "D1"
[[unit]]
code = "VH1"
name = "Tổ dân phố 1"
kind = "village"
parent = "04264"
"""
VILLAGE_RECORDS = pilots("vt", "old", [
    'unit = "VD1"\nstages = { assess = 2022-01-01, scale = 2022-03-01 }\nreadings = [{ metric = "accounts", date = 2022-06-30, value = 7 }]',
    'unit = "VH1"\nstages = { assess = 2022-01-01, scale = 2022-05-01 }\nreadings = [{ metric = "accounts", date = 2022-06-30, value = 3 }]',
])
D1_RECORD = pilots("cm", "old", [
    'unit = "D1"\nstages = { assess = 2022-01-01, pilot = 2022-02-01 }\n'
    'readings = [{ metric = "accounts", date = 2022-06-30, value = 5 }, { metric = "accounts", date = 2024-03-01, value = 9 }]',
])


@pytest.fixture
def dissolved(tmp_path):
    return graph(tmp_path, {"models/vt.toml": model('["village"]'), "models/cm.toml": model('["commune"]'),
                            "units/d1.toml": DISSOLVED, "pilots/vt/132.toml": VILLAGE_RECORDS,
                            "pilots/cm/132.toml": D1_RECORD})


def test_villages_of_a_dissolved_commune_move_to_the_commune_it_merged_into(dissolved):
    rows = lambda d: status(dissolved, d, scope="132", level="commune", models=["vt"]).set_index("scope")  # noqa: E731
    before, after = rows(D(2023, 6, 30)), rows(D(2024, 6, 30))
    assert (before.at["D1", "eligible"], before.at["D1", "scale"]) == (2, 1)
    assert (before.at["04264", "eligible"], before.at["04264", "scale"]) == (1, 1)
    assert "D1" not in after.index  # dissolved: no row of its own
    assert (after.at["04264", "eligible"], after.at["04264", "scale"]) == (3, 2)
    assert after.at["132", "eligible"] == before.at["132", "eligible"] == 3  # nothing lost, nothing doubled
    pos = positioned_units(dissolved, "old", D(2024, 6, 30))
    assert pos.at["old:VD1", "parent"] == "old:04264" and pos.at["old:VD1", "commune"] == "old:04264"
    new = one(status(dissolved, D(2024, 6, 30), structure="new", scope="04252", models=["vt"]), scope="04252")
    assert (new["eligible"], new["scale"]) == (3, 2)
    # Their readings roll up the same way.
    def accounts(d, structure="old", scope="132", level="commune"):
        m = metric_values(dissolved, d, structure=structure, scope=scope, level=level)
        return dict(zip(m.loc[m["model"] == "vt", "scope"], m.loc[m["model"] == "vt", "value"]))
    assert accounts(D(2023, 6, 30)) == {"132": 10, "D1": 7, "04264": 3}
    assert accounts(D(2024, 6, 30)) == {"132": 10, "04264": 10}
    assert accounts(D(2024, 6, 30), "new", "04252", None) == {"04252": 10}


def test_a_dissolved_units_record_never_resurfaces_in_its_successor(dissolved):
    # While it exists, D1 is stalled in pilot (60 days expected).
    old = find_gaps(dissolved, D(2023, 6, 30), kinds=["stalled"], model="cm")
    assert old["unit"].tolist() == ["D1"]
    # After the merger, neither Hồng Hà (old) nor Phường Yên Bái (new) inherits it.
    for structure, as_of in (("old", D(2024, 6, 30)), ("new", D(2024, 6, 30)), ("new", D(2026, 1, 1))):
        g = find_gaps(dissolved, as_of, structure=structure, model="cm", kinds=["stalled", "stale", "gate-skipped"])
        assert not g["message"].str.contains("Xã Cũ").any(), (structure, as_of)
        assert g.empty
    new = one(status(dissolved, D(2026, 1, 1), structure="new", scope="04252", models=["cm"]), scope="04252")
    assert new["not_started"] == 1 and new["parts"] == 5  # D1 is not one of its parts


def test_a_reading_after_dissolution_is_a_located_warning(dissolved):
    w = [p for p in dissolved.programme.warnings if p.code == "after-dissolved"]
    assert len(w) == 1
    assert (w[0].path, w[0].line) == ("pilots/cm/132.toml", 7)
    assert w[0].message == ('số liệu "accounts" ngày 01/03/2024 sau khi "Xã Cũ" giải thể (01/01/2024, nhập vào '
                            'Phường Hồng Hà); ghi cho đơn vị còn tồn tại, hoặc sửa ngày')


# --- 2. abolished levels -------------------------------------------------------------------------

DISTRICT_RECORDS = pilots("dm", "old", [
    'unit = "15"\nstages = { assess = 2022-01-01, scale = 2022-06-01 }',
    'unit = "132"\nstages = { assess = 2022-01-01, scale = 2022-08-01 }',
    'unit = "133"\nstages = { assess = 2022-01-01, scale = 2025-09-01 }',  # after the reform: history ignores it
])


def test_a_district_model_in_the_new_structure_is_history_not_inflation(tmp_path):
    pg = graph(tmp_path, {"models/dm.toml": model('["province", "district"]'), "pilots/dm/15.toml": DISTRICT_RECORDS})
    old = one(status(pg, D(2022, 12, 31), scope="15"), scope="15")
    assert (old["eligible"], old["scale"], round(old["coverage"], 3)) == (10, 2, 0.2)
    for as_of in (D(2022, 12, 31), D(2026, 1, 1)):
        new = one(status(pg, as_of, structure="new", scope="15"), scope="15")
        # The new Lào Cai (old Yên Bái + old Lào Cai: no record) and the 18 old districts of both,
        # at their last state: only Thành phố Yên Bái (132) at scale; 133 reached it after the reform.
        assert (new["eligible"], new["history"], new["scale"], new["assess"], new["not_started"]) == (19, 18, 1, 1, 17)
        assert round(new["coverage"], 4) == round(1 / 19, 4)
    gaps = find_gaps(pg, D(2026, 1, 1), structure="new")
    assert set(gaps["kind"]) == {"definition"}  # no gap on a district: the level is gone
    assert any("cấp huyện, cấp này không còn từ 01/07/2025" in m for m in gaps["message"])
    (w,) = [p for p in pg.programme.warnings if p.code == "after-dissolved"]
    assert (w.path, w.line) == ("pilots/dm/15.toml", 14)
    assert w.message == ('giai đoạn "scale" ngày 01/09/2025 sau khi cấp huyện không còn (từ 01/07/2025): "Thị xã Nghĩa Lộ" '
                         'chỉ còn là số liệu lịch sử; ghi bản ghi này cho tỉnh hoặc xã mới (structure = "new")')


# --- 3. dates against unit lifetimes ----------------------------------------------------------------

def test_a_new_unit_record_dated_before_the_reform_is_a_located_warning(tmp_path):
    early = pilots("cm", "new", ['unit = "04252"\nstages = { assess = 2025-03-01, pilot = 2025-08-01 }'])
    prog = load_programme(repo(tmp_path, {"models/cm.toml": model('["commune"]'), "pilots/cm/new.toml": early}))
    assert not prog.errors
    (w,) = prog.warnings
    assert (w.code, w.path, w.line) == ("before-established", "pilots/cm/new.toml", 6)
    assert w.message == ('giai đoạn "assess" ngày 01/03/2025 trước khi "Phường Yên Bái" được thành lập (01/07/2025); '
                         'ghi bản ghi trước ngày này cho đơn vị cũ (structure = "old")')
    assert len(prog.adoptions) == 1  # kept: a warning loses nothing


# --- 4. a general format ---------------------------------------------------------------------------

SETTINGS = """\
models = ["market-model", "vt"]
[kinds.village]
name = "thôn, bản, tổ dân phố"
name_en = "village"
[kinds.market]
name = "chợ"
name_en = "market"
parents = ["commune"]
"""
MARKETS = """\
structure = "old"
[[unit]]
code = "CHO-1"
name = "Chợ Yên Ninh"
kind = "market"
parent = "04252"
[[unit]]
code = "CHO-2"
name = "Chợ Đêm"
kind = "markt"
parent = "04252"
"""


def test_unit_kinds_and_words_come_from_the_data(tmp_path):
    prog = load_programme(repo(tmp_path, {"nhanrong.toml": SETTINGS, "units/markets.toml": MARKETS,
                                          "models/market-model.toml": model('["market"]'),
                                          "models/vt.toml": model('["village"]'),
                                          "pilots/market-model/132.toml": pilots("market-model", "old", [
                                              'unit = "CHO-1"\nstages = { assess = 2022-01-01, scale = 2022-04-01 }'])}))
    (err,) = prog.errors
    assert (err.code, err.path, err.line) == ("unknown-kind", "units/markets.toml", 10)
    assert 'có phải ý bạn là "market"?' in err.message
    assert prog.kind_label("market") == "chợ" and prog.kind_label("market", "en", plural=True) == "markets"
    assert prog.kind_label("village") == "thôn, bản, tổ dân phố"
    assert prog.model_order == ["market-model", "vt"]
    pg = build_graph(prog)
    s = one(status(pg, D(2022, 12, 31), scope="04252"), scope="04252", model="market-model")
    assert (s["eligible"], s["scale"]) == (1, 1)
    new = one(status(pg, D(2022, 12, 31), structure="new", scope="04252"), scope="04252", model="market-model")
    assert (new["eligible"], new["scale"]) == (1, 1)  # declared kinds move into the new commune too


IOC = model('["province", "district"]', top='requires = [{ model = "ioc", where = "province", stage = "scale" }]\n',
            name="Trung tâm điều hành")


def test_a_district_may_require_the_same_model_at_its_province(tmp_path):
    recs = pilots("ioc", "old", ['unit = "15"\nstages = { assess = 2022-01-01, pilot = 2022-02-01 }',
                                 'unit = "132"\nstages = { assess = 2022-03-01 }'])
    pg = graph(tmp_path, {"models/ioc.toml": IOC, "pilots/ioc/15.toml": recs})
    g = find_gaps(pg, D(2022, 12, 31), kinds=["prerequisite"])
    assert g["unit"].tolist() == ["132"]  # the province is not its own prerequisite
    assert g.iloc[0]["message"] == ('Thành phố Yên Bái đã bắt đầu "Trung tâm điều hành" nhưng "Trung tâm điều hành" ở '
                                    'Tỉnh Yên Bái chưa đạt giai đoạn "nhân rộng" (mới: thí điểm)')
    same = IOC.replace('where = "province"', 'where = "same"')
    prog = load_programme(repo(tmp_path / "same", {"models/ioc.toml": same}))
    assert [p.code for p in prog.errors] == ["requires-itself"]


def test_a_commune_may_require_a_share_of_its_villages(tmp_path):
    villages = 'structure = "old"\n' + "".join(
        f'[[unit]]\ncode = "T{i}"\nname = "Thôn {i}"\nkind = "village"\nparent = "04249"\n' for i in range(1, 6))
    needs = model('["commune"]', top='requires = [{ model = "vt", where = "below", kind = "village", stage = "scale", share = 0.8 }]\n',
                  name="Mô hình xã")
    vt = pilots("vt", "old", [f'unit = "T{i}"\nstages = {{ assess = 2022-01-01, scale = 2022-0{i}-02 }}' for i in (1, 2, 3)])
    cm = pilots("cm", "old", ['unit = "04249"\nstages = { assess = 2022-06-01 }',
                              'unit = "04252"\nstages = { assess = 2022-06-01 }'])  # 04252 has no village declared
    files = {"models/vt.toml": model('["village"]', name="Mô hình thôn"), "models/cm.toml": needs, "units/v.toml": villages,
             "pilots/vt/132.toml": vt, "pilots/cm/132.toml": cm}
    g = find_gaps(graph(tmp_path, files), D(2022, 12, 31), kinds=["prerequisite"])
    assert g["unit"].tolist() == ["04249"]
    assert g.iloc[0]["message"] == ('Phường Yên Thịnh đã bắt đầu "Mô hình xã" nhưng mới 60% trong 5 thôn, tổ dân phố '
                                    'của đơn vị này đạt giai đoạn "nhân rộng" của "Mô hình thôn" (cần 80%)')
    files["pilots/vt/132.toml"] = vt + '\n[[adoption]]\nunit = "T4"\nstages = { scale = 2022-05-05 }\n'
    assert find_gaps(graph(tmp_path / "four", files), D(2022, 12, 31), kinds=["prerequisite"]).empty


def test_a_gate_on_a_ratio_metric(tmp_path):
    ratio = model('["commune"]', """\
        [[metrics]]
        id = "reached"
        name = "Hộ được hướng dẫn"
        unit = "hộ"
        rollup = "sum"
        [[metrics]]
        id = "households"
        name = "Số hộ"
        unit = "hộ"
        rollup = "sum"
        [[metrics]]
        id = "share"
        name = "Tỷ lệ hộ được hướng dẫn"
        unit = "%"
        rollup = "ratio"
        numerator = "reached"
        denominator = "households"
        """).replace("expected_days = 60\n", 'expected_days = 60\ngate = [{ metric = "share", min = 0.5 }]\n', 1)
    recs = pilots("cm", "old", [
        'unit = "04249"\nstages = { assess = 2022-01-01, pilot = 2022-02-01, evaluate = 2022-05-01 }\n'
        'readings = [{ metric = "households", date = 2022-03-01, value = 100 }, { metric = "reached", date = 2022-04-01, value = 30 }]',
        'unit = "04252"\nstages = { assess = 2022-01-01, pilot = 2022-02-01, evaluate = 2022-05-01 }\n'
        'readings = [{ metric = "households", date = 2022-03-01, value = 100 }, { metric = "reached", date = 2022-04-01, value = 60 }]',
    ])
    g = find_gaps(graph(tmp_path, {"models/cm.toml": ratio, "pilots/cm/132.toml": recs}), D(2022, 12, 31), kinds=["gate-skipped"])
    assert g["unit"].tolist() == ["04249"]
    assert g.iloc[0]["severity"] == "high"
    assert g.iloc[0]["message"].endswith('khi chưa qua cửa: "Tỷ lệ hộ được hướng dẫn" = 30,0% (cần ≥ 50,0%)')


PARTY = """\
structure = "old"
[[unit]]
code = "CB1"
name = "Chi bộ Tổ dân phố 1"
kind = "party-cell"
parent = "04249"
"""


@pytest.mark.parametrize("structure", ["old", "new"])
def test_a_party_cell_under_a_commune_has_no_false_prerequisite_gap(tmp_path, structure):
    ph = model('["party-cell"]', top='requires = [{ model = "cm", where = "parent", stage = "pilot" }]\n')
    # Every part of the new Phường Văn Phú (04249 and three more) runs the commune model.
    cm = pilots("cm", "old", [f'unit = "{c}"\nstages = {{ assess = 2022-01-01, pilot = 2022-02-01 }}'
                              for c in ("04249", "04279", "04558", "04783")])
    cells = pilots("ph", "old", ['unit = "CB1"\nstages = { assess = 2022-03-01 }'])
    pg = graph(tmp_path, {"models/cm.toml": model('["commune"]'), "models/ph.toml": ph, "units/cb.toml": PARTY,
                          "pilots/cm/132.toml": cm, "pilots/ph/132.toml": cells})
    assert find_gaps(pg, D(2022, 12, 31), structure=structure, kinds=["prerequisite"]).empty
    assert positioned_units(pg, structure).at["old:CB1", "parent"] == f"{structure}:{'04249' if structure == 'old' else '04279'}"


def test_did_you_mean_suggests_a_unit_of_the_right_kind(tmp_path):
    units = ('structure = "old"\n[[unit]]\ncode = "TH-1"\nname = "Thôn 1"\nkind = "village"\nparent = "04249"\n'
             '[[unit]]\ncode = "TH-3"\nname = "Chi bộ 3"\nkind = "party-cell"\nparent = "04249"\n')
    recs = pilots("vt", "old", ['unit = "TH-33"\nstages = { assess = 2022-01-01 }'])
    prog = load_programme(repo(tmp_path, {"models/vt.toml": model('["village"]'), "units/u.toml": units, "pilots/vt/1.toml": recs}))
    (err,) = prog.errors
    assert 'có phải ý bạn là "TH-1"?' in err.message


def test_gap_rows_name_the_commune_of_a_village(dissolved):
    g = find_gaps(dissolved, D(2022, 12, 31), model="vt", kinds=["not-started"])
    row = one(g, unit="VD2")
    assert row["commune_name"] == "Xã Cũ"
    assert one(find_gaps(dissolved, D(2024, 6, 30), model="vt", kinds=["not-started"]), unit="VD2")["commune_name"] == "Phường Hồng Hà"


# --- the property: the new structure never shows more than the old one did ------------------------

NEW_WARDS = {"04252": PARTS, "04279": ["04249", "04279", "04558", "04783"]}
ALL_PARTS = [c for cs in NEW_WARDS.values() for c in cs]
day = st.integers(min_value=0, max_value=1500)


@st.composite
def records(draw):
    recs = []
    for code in ALL_PARTS:
        if draw(st.booleans()):
            start = D(2021, 1, 1) + dt.timedelta(days=draw(day))
            n = draw(st.integers(min_value=1, max_value=4))
            gaps = [draw(st.integers(min_value=1, max_value=200)) for _ in range(n)]
            dates, d = [], start
            for g in gaps:
                dates.append(d)
                d += dt.timedelta(days=g)
            recs.append(f'unit = "{code}"\nstages = {{ {", ".join(f"{s} = {x}" for s, x in zip(STAGES, dates))} }}')
    return recs


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    return repo(tmp_path_factory.mktemp("prop"), {"models/cm.toml": model('["commune"]')})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recs=records(), as_of=day)
def test_property_new_coverage_never_exceeds_the_old_coverage_of_the_same_parts(blank, recs, as_of):
    (blank / "pilots" / "cm" / "132.toml").parent.mkdir(parents=True, exist_ok=True)
    (blank / "pilots" / "cm" / "132.toml").write_text(pilots("cm", "old", recs) if recs else 'model = "cm"\nstructure = "old"\n',
                                                    encoding="utf-8")
    pg = build_graph(load_programme(blank))
    when = D(2021, 1, 1) + dt.timedelta(days=as_of)
    old = status(pg, when, scope="15", level="commune").set_index("scope")
    weighted_new, weighted_parts = 0, 0
    for ward, parts in NEW_WARDS.items():
        new = one(status(pg, when, structure="new", scope=ward), scope=ward)
        stages_of_parts = [int(old.loc[p, ["assess", "pilot", "evaluate", "scale"]].to_numpy() @ np.arange(1, 5)) for p in parts]
        new_stage = int(new[["assess", "pilot", "evaluate", "scale"]].to_numpy() @ np.arange(1, 5))
        assert new_stage == min(stages_of_parts)  # the least advanced part
        old_cov = sum(old.loc[p, "scale"] for p in parts) / len(parts)
        assert new["coverage"] <= old_cov + 1e-12  # at scale only when every part is
        assert new["parts_scale"] == sum(old.loc[p, "scale"] for p in parts)
        weighted_new += new["scale"] * len(parts)
        weighted_parts += sum(old.loc[p, "scale"] for p in parts)
    assert weighted_new <= weighted_parts


def test_a_unit_established_later_counts_from_that_day(tmp_path):
    units = ('structure = "old"\n[[unit]]\ncode = "TM"\nname = "Thôn Mới"\nkind = "village"\nparent = "04249"\n'
             'established = 2023-01-01\n')
    recs = pilots("vt", "old", ['unit = "TM"\nstages = { assess = 2022-06-01, scale = 2023-03-01 }'])
    prog = load_programme(repo(tmp_path, {"models/vt.toml": model('["village"]'), "units/u.toml": units, "pilots/vt/1.toml": recs}))
    (w,) = [p for p in prog.warnings if p.code == "before-established"]
    assert (w.line, w.column) == (6, 12)
    assert w.message == ('giai đoạn "assess" ngày 01/06/2022 trước khi "Thôn Mới" được thành lập (01/01/2023); '
                         'kiểm tra lại ngày hoặc mã đơn vị')
    pg = build_graph(prog)
    assert status(pg, D(2022, 12, 31), scope="04249").empty or one(status(pg, D(2022, 12, 31), scope="04249"), scope="04249")["eligible"] == 0
    assert one(status(pg, D(2023, 6, 30), scope="04249"), scope="04249")[["eligible", "scale"]].tolist() == [1, 1]
