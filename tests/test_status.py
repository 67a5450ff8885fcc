"""Status as of a date: counts per stage, coverage, roll-ups, metric values, bundled figures."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED
from nhanrong.errors import UnknownModelError, UnknownScopeError
from nhanrong.graph import ProgrammeGraph, build_graph
from nhanrong.loader import load_programme
from nhanrong.programme import ADOPTION_COLUMNS
from nhanrong.schema import STAGES
from nhanrong.status import STATUS_COLUMNS, UnknownLevelError, metric_values, status, unit_stages

D = dt.date
MODEL = """\
name = "Mô hình thử"
pillars = ["society"]
adopted_by = ["commune", "village"]
[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365
[[metrics]]
id = "members"
name = "Thành viên"
unit = "người"
rollup = "sum"
[[metrics]]
id = "score"
name = "Điểm"
unit = "điểm"
rollup = "mean"
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
name = "Tỷ lệ hộ"
unit = "%"
rollup = "ratio"
numerator = "reached"
denominator = "households"
"""
UNITS = """\
structure = "old"
[[unit]]
code = "V1"
name = "Thôn Một"
kind = "village"
parent = "04249"
[[unit]]
code = "V2"
name = "Thôn Hai"
kind = "village"
parent = "04249"
[[unit]]
code = "V3"
name = "Thôn Ba"
kind = "village"
parent = "04540"
[[unit]]
code = "OLD1"
name = "Xã Cũ"
kind = "commune"
parent = "132"
dissolved = 2023-06-30
merged_into = "04249"
"""
PILOTS = """\
model = "m"
structure = "old"
[[adoption]]
unit = "04249"
stages = { assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }
readings = [{ metric = "members", date = 2022-06-30, value = 10 }, { metric = "members", date = 2022-12-31, value = 12 },
            { metric = "score", date = 2022-06-30, value = 60 }, { metric = "reached", date = 2022-06-30, value = 30 },
            { metric = "households", date = 2022-06-30, value = 100 }]
[[adoption]]
unit = "04252"
stages = { assess = 2022-03-01, pilot = 2022-04-01 }
readings = [{ metric = "members", date = 2022-06-30, value = 5 }, { metric = "score", date = 2022-06-30, value = 80 },
            { metric = "reached", date = 2022-06-30, value = 10 }, { metric = "households", date = 2022-06-30, value = 100 }]
[[adoption]]
unit = "V1"
stages = { scale = 2022-07-01 }
readings = [{ metric = "members", date = 2022-06-30, value = 3 }]
[[adoption]]
unit = "V3"
stages = { assess = 2022-08-01 }
[[adoption]]
unit = "OLD1"
stages = { assess = 2022-02-01, pilot = 2022-03-01 }
readings = [{ metric = "members", date = 2022-06-30, value = 7 }]
"""


def write_repo(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    for d in ("models", "units", "pilots", "plans"):
        (root / d).mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="module")
def pg(tmp_path_factory) -> ProgrammeGraph:
    root = write_repo(tmp_path_factory.mktemp("status"), {"models/m.toml": MODEL, "units/u.toml": UNITS, "pilots/m/132.toml": PILOTS})
    prog = load_programme(root)
    assert not prog.errors, prog.errors
    return build_graph(prog)


def one(frame: pd.DataFrame, **where) -> pd.Series:
    sel = frame
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_district_counts_and_coverage(pg):
    s = status(pg, D(2022, 12, 31), scope="132")
    assert list(s.columns) == STATUS_COLUMNS
    r = one(s, scope="132")
    # 14 register communes + the dissolved OLD1 (still there in 2022) + 3 villages, V3 is in 04540 (also 132)
    assert (r["eligible"], r["not_started"], r["assess"], r["pilot"], r["evaluate"], r["scale"]) == (18, 13, 1, 2, 0, 2)
    assert r["coverage"] == pytest.approx(2 / 18)
    assert r["level"] == "district" and r["scope_name"] == "Thành phố Yên Bái" and r["structure"] == "old"


def test_trend_between_two_dates(pg):
    early, late = (one(status(pg, d, scope="04249"), scope="04249") for d in (D(2022, 6, 30), D(2022, 12, 31)))
    assert (early["eligible"], early["scale"]) == (3, 1)  # 04249 and its two villages
    assert (late["eligible"], late["scale"]) == (3, 2)  # V1 scaled on 01/07


def test_dissolved_units_are_eligible_until_they_go(pg):
    before = one(status(pg, D(2022, 12, 31), scope="132"), scope="132")["eligible"]
    after = one(status(pg, D(2023, 12, 31), scope="132"), scope="132")["eligible"]
    assert before - after == 1
    us = unit_stages(pg, D(2023, 12, 31), scope="132")
    assert "old:OLD1" not in set(us["unit"])


def test_unit_stages(pg):
    us = unit_stages(pg, D(2022, 12, 31), scope="04249").set_index("unit")
    assert us.at["old:04249", "stage"] == "scale" and us.at["old:04249", "since"] == pd.Timestamp("2022-06-01")
    assert us.at["old:V1", "stage"] == "scale"  # skipped stages: the latest reached counts
    assert us.at["old:V2", "stage"] == "not_started" and pd.isna(us.at["old:V2", "since"])
    assert set(us["kind"]) == {"commune", "village"}
    assert set(unit_stages(pg, D(2022, 12, 31), scope="04249", kinds=["village"])["kind"]) == {"village"}


def test_default_scope_is_each_province_with_data_and_levels(pg):
    s = status(pg, D(2022, 12, 31))
    assert list(s["scope"]) == ["15"]
    s = status(pg, D(2022, 12, 31), level="district")
    assert set(s["level"]) == {"province", "district"}
    assert len(s[s["level"] == "district"]) == 9  # the districts of Yên Bái
    s = status(pg, D(2022, 12, 31), scope="132", level="commune")
    assert len(s[s["level"] == "commune"]) == 15


def test_new_structure_rolls_old_records_up(pg):
    s = status(pg, D(2022, 12, 31), structure="new", scope="15", level="commune")
    top = one(s, level="province")
    assert top["scope_name"] == "Tỉnh Lào Cai"
    # New Lào Cai: 99 new communes + 3 villages. Old 04249 is at scale but is one of the four
    # parts of new 04279, whose other parts have no record: 04279 is not at scale; V1 is.
    assert (top["eligible"], top["scale"]) == (102, 1)
    assert (top["parts"], top["parts_scale"]) == (319 + 3, 2)  # old communes of both old provinces
    c = one(s, scope="04279")
    assert (c["eligible"], c["scale"], c["not_started"]) == (3, 1, 2)  # the commune and villages V1, V2
    assert (c["parts"], c["parts_scale"]) == (4 + 2, 2)
    with pytest.raises(UnknownLevelError):
        status(pg, D(2022, 12, 31), structure="new", level="district")


def test_errors_name_the_problem(pg):
    with pytest.raises(UnknownScopeError, match="--structure new"):
        status(pg, D(2022, 12, 31), scope="11948")  # a commune of the new structure only
    with pytest.raises(UnknownScopeError, match="99999"):
        status(pg, D(2022, 12, 31), scope="99999")
    with pytest.raises(UnknownModelError):
        status(pg, D(2022, 12, 31), models=["nope"])


def test_errors_carry_their_code_and_parameters(pg):
    """Each error is data: a catalogue code and raw parameters, rendered in the reader's language."""
    with pytest.raises(UnknownScopeError) as err:
        status(pg, D(2022, 12, 31), scope="11948")
    assert err.value.code == "error.unknown_scope" and err.value.params["scope"] == "11948"
    assert err.value.params["hint"].key == "hint.other_structure"
    assert "--structure new" in err.value.text("en") and "this code is in" in err.value.text("en")
    assert "mã này thuộc cấu trúc" in err.value.text("vi") and " / " not in err.value.text("vi")
    with pytest.raises(UnknownModelError) as err:
        status(pg, D(2022, 12, 31), models=["mm"])
    assert err.value.code == "error.unknown_model" and err.value.params["model"] == "mm"
    assert err.value.text("en") == 'no model "mm" in models/ (did you mean "m"?) (known: m)'
    assert 'có phải ý bạn là "m"' in str(err.value)
    with pytest.raises(UnknownLevelError) as err:
        status(pg, D(2022, 12, 31), level="village")
    assert (err.value.code, dict(err.value.params)) == ("error.unknown_level", {"level": "village"})
    with pytest.raises(UnknownLevelError) as err:
        status(pg, D(2022, 12, 31), structure="new", level="district")
    assert err.value.code == "error.no_district_level"
    assert err.value.text("en").startswith("the new structure (since 1 July 2025) has no district level")


def test_metric_values_roll_up_as_declared(pg):
    m = metric_values(pg, D(2022, 12, 31), scope="132").set_index("metric")
    assert m.at["members", "value"] == 12 + 5 + 3 + 7  # latest per unit, summed
    assert m.at["score", "value"] == 70  # mean
    assert m.at["share", "value"] == pytest.approx(40 / 200)  # ratio of sums
    m = metric_values(pg, D(2022, 9, 30), scope="04249", level="commune").set_index("metric")
    assert m.at["members", "value"] == 13  # 04249 (10 as of 30/06) + V1 (3)
    # OLD1 dissolved 30/06/2023: its reading no longer counts after that.
    after = metric_values(pg, D(2023, 12, 31), scope="132").set_index("metric")
    assert after.at["members", "value"] == 12 + 5 + 3


# --- properties --------------------------------------------------------------------------

COMMUNES = ["old:04249", "old:04252", "old:04255", "old:04258", "old:04540", "old:V1", "old:V2", "old:V3"]
day = st.integers(min_value=0, max_value=1000)


@st.composite
def adoptions(draw):
    chosen = draw(st.lists(st.sampled_from(COMMUNES), unique=True, max_size=len(COMMUNES)))
    rows = []
    for u in chosen:
        offsets = sorted(draw(st.lists(day, min_size=4, max_size=4)))
        keep = draw(st.lists(st.booleans(), min_size=4, max_size=4))
        dates = [pd.Timestamp("2021-01-01") + pd.Timedelta(days=o) if k else pd.NaT for o, k in zip(offsets, keep)]
        rows.append([u, "m", *dates, None, "", "x", 0])
    frame = pd.DataFrame(rows, columns=ADOPTION_COLUMNS)
    for s in STAGES:
        frame[s] = pd.to_datetime(frame[s])
    return frame


def with_adoptions(pg: ProgrammeGraph, frame: pd.DataFrame) -> ProgrammeGraph:
    """Same units, other records: the units frame does not depend on adoptions."""
    prog = dataclasses.replace(pg.programme, adoptions=frame)
    return ProgrammeGraph(prog, pg.units)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=adoptions(), offset=st.integers(min_value=-30, max_value=1100))
def test_properties(pg, frame, offset):
    g = with_adoptions(pg, frame)
    as_of = D(2021, 1, 1) + dt.timedelta(days=offset)
    s = status(g, as_of, scope="132", level="commune")
    # coverage is a share
    cov = s["coverage"].dropna()
    assert ((cov >= 0) & (cov <= 1)).all()
    assert (s[["not_started", "assess", "pilot", "evaluate", "scale"]].sum(axis=1) == s["eligible"]).all()
    # a roll-up equals the sum of its children (every eligible unit here sits under a commune)
    top = s[s["level"] == "district"][["eligible", "not_started", "assess", "pilot", "evaluate", "scale"]].sum()
    kids = s[s["level"] == "commune"][["eligible", "not_started", "assess", "pilot", "evaluate", "scale"]].sum()
    assert (top == kids).all()
    # before any record, nothing has started
    first = frame[list(STAGES)].min().min() if len(frame) else pd.NaT
    if pd.isna(first) or pd.Timestamp(as_of) < first:
        assert (s["not_started"] == s["eligible"]).all()
        assert (s["scale"] == 0).all()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=adoptions())
def test_property_old_and_new_agree_on_villages(pg, frame):
    """Villages keep their own records in both structures: same counts at scale."""
    g = with_adoptions(pg, frame)
    old = unit_stages(g, D(2024, 1, 1), kinds=["village"])
    new = unit_stages(g, D(2024, 1, 1), structure="new", kinds=["village"])
    assert sorted(old["stage"].astype(str)) == sorted(new["stage"].astype(str))


# --- the bundled Yên Bái data ------------------------------------------------------------

needs_bundled = pytest.mark.skipif(not (BUNDLED / "pilots" / "party-handbook").exists(),
                                   reason="bundled pilots/party-handbook not written yet")


@pytest.fixture(scope="module")
def bundled():
    return build_graph(load_programme(BUNDLED))


@needs_bundled
def test_bundled_community_teams_cover_every_village_and_commune(bundled):
    us = unit_stages(bundled, D(2022, 12, 31), scope="15")
    ct = us[us["model"] == "community-team"]
    for kind in ("village", "commune"):
        part = ct[ct["kind"] == kind]
        assert len(part) > 0 and (part["stage"] == "scale").all(), kind
    s = one(status(bundled, D(2022, 12, 31), scope="15", models=["community-team"]), scope="15")
    assert s["coverage"] == 1.0
    assert s["eligible"] == 1356 + 173  # villages and the 173 communes of 2022


@needs_bundled
def test_bundled_party_handbook_and_accounts(bundled):
    s = one(status(bundled, D(2022, 12, 31), scope="15", models=["party-handbook"]), scope="15")
    assert round(s["coverage"] * 100, 1) == 43.8
    m = metric_values(bundled, D(2022, 12, 31), scope="15")
    share = one(m, model="party-handbook", metric="account_share")["value"]
    assert round(share * 100, 1) == 45.6


@needs_bundled
def test_bundled_new_accounts(bundled):
    m = metric_values(bundled, D(2022, 12, 31), scope="15")
    assert one(m, model="digital-citizen", metric="new_accounts")["value"] == 50595


@needs_bundled
def test_bundled_trend(bundled):
    mid, end = (one(status(bundled, d, scope="15", models=["community-team"]), scope="15") for d in (D(2022, 6, 30), D(2022, 12, 31)))
    assert mid["scale"] <= end["scale"] and mid["eligible"] == end["eligible"]
    assert np.isclose(end["coverage"], 1.0)
