"""Each gap kind on a small hand-made data set in Thành phố Yên Bái (old district 132)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from nhanrong.errors import UnknownModelError, UnknownScopeError
from nhanrong.gaps import FRAME_COLUMNS, GAP_KINDS, UnknownGapKindError, render_gaps, with_texts
from nhanrong.gaps import find_gaps as find_gap_rows
from nhanrong.graph import build_graph
from nhanrong.loader import load_programme

AS_OF = dt.date(2022, 12, 31)

# alpha: adopted by communes; pilot gate: >= 30 days and accounts >= 10; complete "3 được".
ALPHA = """\
name = "Mô hình An pha"
name_en = "Alpha model"
pillars = ["government"]
adopted_by = ["commune"]
reporting_period_days = 92
[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
min_days = 30
gate = [{ metric = "accounts", min = 10 }]
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365
[[targets]]
metric = "coverage"
value = 0.5
date = 2023-12-31
scope = "132"
[method]
steps = ["Làm"]
[resources]
people = 2
[[metrics]]
id = "accounts"
name = "Số tài khoản"
unit = "tài khoản"
rollup = "sum"
"""

# beta: adopted by villages, needs alpha at the parent commune at pilot; no targets, resources, metrics.
BETA = """\
name = "Mô hình Bê ta"
pillars = ["society"]
adopted_by = ["village"]
requires = [{ model = "alpha", where = "parent", stage = "pilot" }]
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
"""

VILLAGES = """\
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
parent = "04252"
[[unit]]
code = "V3"
name = "Thôn Ba"
kind = "village"
parent = "04258"
"""

ALPHA_PILOTS = """\
model = "alpha"
structure = "old"
[[adoption]]
unit = "04249"
stages = { assess = 2022-01-10, pilot = 2022-02-15, evaluate = 2022-05-01, scale = 2022-06-01 }
readings = [{ metric = "accounts", date = 2022-04-30, value = 120 }, { metric = "accounts", date = 2022-11-30, value = 150 }]
[[adoption]]
unit = "04252"
stages = { assess = 2022-03-01, pilot = 2022-04-01 }
learned_from = "04249"
[[adoption]]
unit = "04255"
stages = { assess = 2022-01-01, pilot = 2022-02-01, evaluate = 2022-02-11 }
readings = [{ metric = "accounts", date = 2022-02-05, value = 5 }]
[[adoption]]
unit = "04261"
stages = { assess = 2022-01-05, pilot = 2022-02-01, evaluate = 2022-04-01 }
readings = [{ metric = "accounts", date = 2022-12-01, value = 50 }]
[[adoption]]
unit = "04264"
stages = { assess = 2022-01-05, pilot = 2022-02-01, evaluate = 2022-04-01 }
"""

BETA_PILOTS = """\
model = "beta"
structure = "old"
[[adoption]]
unit = "V1"
stages = { assess = 2022-06-01 }
[[adoption]]
unit = "V3"
stages = { assess = 2022-07-01 }
"""

FILES = {
    "models/alpha.toml": ALPHA,
    "models/beta.toml": BETA,
    "units/villages.toml": VILLAGES,
    "pilots/alpha/132.toml": ALPHA_PILOTS,
    "pilots/beta/132.toml": BETA_PILOTS,
}


def write_repo(root, files: dict[str, str]):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for d in ("models", "units", "pilots", "plans"):
        (root / d).mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    """Read-only: built once for the module (loading is the slow part)."""
    prog = load_programme(write_repo(tmp_path_factory.mktemp("gaps"), FILES))
    assert not prog.errors, prog.errors
    return build_graph(prog)


def rows(frame: pd.DataFrame) -> set[tuple]:
    return {(r.unit, r.model, r.kind, None if pd.isna(r.since) else r.since.date(), r.severity) for r in frame.itertuples()}


D = dt.date


def find_gaps(*args, **kwargs) -> pd.DataFrame:
    """The gaps with their sentences rendered in both languages (message, message_en, action, action_en)."""
    return with_texts(find_gap_rows(*args, **kwargs))


def test_not_started_in_a_district_where_the_model_began(pg):
    g = find_gaps(pg, AS_OF, kinds=["not-started"], scope="132")
    not_started_alpha = {"04258", "04270", "04273", "04276", "04279", "04540", "04543", "04546", "04558"}
    assert rows(g) == {(c, "alpha", "not-started", D(2022, 1, 1), "medium") for c in not_started_alpha} | {
        ("V2", "beta", "not-started", D(2022, 6, 1), "medium")}
    assert all("Thành phố Yên Bái" in m for m in g["message"])
    assert all(a.startswith("Đưa ") for a in g["action"])


def test_not_started_in_the_same_commune_is_high(make_repo):
    files = dict(FILES)
    files["units/villages.toml"] = VILLAGES + '[[unit]]\ncode = "V1B"\nname = "Thôn Một B"\nkind = "village"\nparent = "04249"\n'
    pg = build_graph(load_programme(make_repo(files, defaults=False)))
    g = find_gaps(pg, AS_OF, kinds=["not-started"], model="beta")
    assert ("V1B", "beta", "not-started", D(2022, 6, 1), "high") in rows(g)
    assert "Thôn Một" in g.set_index("unit").at["V1B", "action"]


def test_not_started_needs_the_model_to_have_started_nearby(pg):
    """Communes in other provinces, or before any start, are not gaps: nothing to learn from nearby."""
    assert find_gaps(pg, D(2021, 12, 31), kinds=["not-started"]).empty
    g = find_gaps(pg, AS_OF, kinds=["not-started"], model="alpha")
    assert set(g["severity"]) == {"medium", "low"}  # district 132, then the rest of Yên Bái
    assert (g[g["severity"] == "low"]["message"].str.contains("Tỉnh Yên Bái")).all()


def test_stalled_rows_and_severity(pg):
    g = find_gaps(pg, AS_OF, kinds=["stalled"])
    assert rows(g) == {
        ("04252", "alpha", "stalled", D(2022, 5, 31), "high"),   # pilot 274 days, expected 60
        ("04255", "alpha", "stalled", D(2022, 3, 13), "high"),   # evaluate since 11/02
        ("04261", "alpha", "stalled", D(2022, 5, 1), "high"),
        ("04264", "alpha", "stalled", D(2022, 5, 1), "high"),
        ("V1", "beta", "stalled", D(2022, 7, 1), "high"),
        ("V3", "beta", "stalled", D(2022, 7, 31), "high"),
    }
    msg = g.set_index("unit").at["04252", "message"]
    assert "274 ngày" in msg and "dự kiến 60 ngày" in msg and "thí điểm" in msg


@pytest.mark.parametrize("as_of, expected", [
    (D(2022, 5, 31), set()),                 # 60 days in pilot: not over yet
    (D(2022, 6, 25), {"low"}),               # 85 days: up to 1.5 x
    (D(2022, 7, 15), {"medium"}),            # 105 days: over 1.5 x
    (D(2022, 9, 1), {"high"}),               # 153 days: over 2 x
])
def test_stalled_severity_grows_with_the_overrun(pg, as_of, expected):
    g = find_gaps(pg, as_of, kinds=["stalled"], scope="04252")
    assert set(g["severity"]) == expected


def test_gate_skipped(pg):
    g = find_gaps(pg, AS_OF, kinds=["gate-skipped"])
    assert rows(g) == {
        ("04255", "alpha", "gate-skipped", D(2022, 2, 11), "high"),   # 10 days (< 30) and accounts 5 < 10
        ("04261", "alpha", "gate-skipped", D(2022, 4, 1), "low"),     # reading recorded only after the move
        ("04264", "alpha", "gate-skipped", D(2022, 4, 1), "medium"),  # no reading at all
    }
    msg = g.set_index("unit").at["04255", "message"]
    assert "10 ngày (tối thiểu 30)" in msg and '"Số tài khoản" = 5 tài khoản (cần ≥ 10 tài khoản)' in msg
    assert "accounts" not in msg  # the metric's name, never its id
    en = g.set_index("unit").at["04255", "message_en"]
    assert '"Số tài khoản" = 5 tài khoản (needs >= 10 tài khoản)' in en


def test_prerequisite_at_the_parent_commune(pg):
    g = find_gaps(pg, AS_OF, kinds=["prerequisite"])
    assert rows(g) == {("V3", "beta", "prerequisite", D(2022, 7, 1), "high")}
    assert "Phường Nguyễn Thái Học" in g.iloc[0]["message"]
    # Before alpha reached pilot at 04252 nothing is wrong for V1 (04249 reached pilot on 15/02).
    assert "V1" not in set(find_gaps(pg, D(2022, 6, 30), kinds=["prerequisite"])["unit"])


def test_stale_data(pg):
    g = find_gaps(pg, AS_OF, kinds=["stale"])
    assert rows(g) == {
        ("04252", "alpha", "stale", D(2022, 7, 2), "high"),     # pilot since 01/04, never reported
        ("04255", "alpha", "stale", D(2022, 5, 8), "medium"),   # last reading 05/02, > 2 periods ago
        ("04264", "alpha", "stale", D(2022, 5, 4), "high"),
    }


def test_definition_missing_parts(pg):
    g = find_gaps(pg, AS_OF, kinds=["definition"])
    assert set(zip(g["unit"], g["model"], g["severity"])) == {
        ("models/beta.toml", "beta", "high"), ("models/beta.toml", "beta", "medium"), ("models/beta.toml", "beta", "high")}
    assert len(g) == 3
    assert g["since"].isna().all()
    assert any("Nhìn được" in m for m in g["message"]) and any("Nắm bắt được" in m for m in g["message"])
    assert any("resources" in m for m in g["message"])


def test_columns_and_order(pg):
    g = find_gaps(pg, AS_OF, scope="132")
    assert list(g.columns) == [*FRAME_COLUMNS, "message", "action", "message_en", "action_en"]
    assert set(g["kind"]) == set(GAP_KINDS)
    ranks = g["severity_rank"].tolist()
    assert ranks == sorted(ranks, reverse=True)
    assert (g["severity_rank"] == g["severity"].map({"high": 3, "medium": 2, "low": 1})).all()
    for _, grp in g.groupby("severity_rank"):
        s = grp["since"].dropna()
        assert s.is_monotonic_increasing
    assert g["message"].str.len().gt(0).all() and g["message_en"].str.len().gt(0).all()


def test_filters(pg):
    g = find_gaps(pg, AS_OF, model="beta", kinds=["stalled", "definition"])
    assert set(g["model"]) == {"beta"} and set(g["kind"]) == {"stalled", "definition"}
    g = find_gaps(pg, AS_OF, scope="04255", kinds=["stalled", "stale", "gate-skipped"])
    assert set(g["unit"]) == {"04255"}
    with pytest.raises(UnknownGapKindError):
        find_gaps(pg, AS_OF, kinds=["late"])
    with pytest.raises(UnknownModelError):
        find_gaps(pg, AS_OF, model="gamma")
    with pytest.raises(UnknownScopeError):
        find_gaps(pg, AS_OF, scope="99999")


def test_new_structure_reads_merged_communes_by_their_least_advanced_part(pg, tmp_path):
    """In the new structure old communes 04252..04264 are one new commune (04252). 04258 has no
    record, so the new commune has not started: nothing there is stalled or stale; the gates its
    parts skipped are reported on it, naming the part."""
    g = find_gaps(pg, AS_OF, structure="new", kinds=["stalled", "stale"], model="alpha")
    assert g.empty
    g = find_gaps(pg, AS_OF, structure="new", kinds=["gate-skipped"], model="alpha")
    assert rows(g) == {("04252", "alpha", "gate-skipped", D(2022, 2, 11), "high"),
                       ("04252", "alpha", "gate-skipped", D(2022, 4, 1), "low"),
                       ("04252", "alpha", "gate-skipped", D(2022, 4, 1), "medium")}
    assert any(m.startswith("Phường Minh Tân (nay thuộc Phường Yên Bái) rời giai đoạn") for m in g["message"])
    # With a record for 04258 too, every part has started: the new commune is at pilot since the
    # last part began it (01/04, Yên Ninh), so at 31/12 it is stalled (274 days > 60).
    more = ALPHA_PILOTS + """
[[adoption]]
unit = "04258"
stages = { assess = 2022-01-03, pilot = 2022-02-03, evaluate = 2022-03-03 }
readings = [{ metric = "accounts", date = 2022-03-01, value = 11 }]
"""
    pg2 = build_graph(load_programme(write_repo(tmp_path, {"models/alpha.toml": ALPHA, "models/beta.toml": BETA,
                                                           "units/villages.toml": VILLAGES, "pilots/alpha/132.toml": more})))
    g = find_gaps(pg2, AS_OF, structure="new", kinds=["stalled"], model="alpha")
    assert rows(g) == {("04252", "alpha", "stalled", D(2022, 5, 31), "high")}


def test_nothing_before_any_record(pg):
    g = find_gaps(pg, D(2021, 6, 30))
    assert set(g["kind"]) == {"definition"}


def test_moves_after_as_of_do_not_count(pg):
    """A unit that moves on after as_of has not skipped anything yet (and nothing crashes when no unit moved)."""
    assert find_gaps(pg, D(2022, 1, 31), kinds=["gate-skipped"]).empty
    g = find_gaps(pg, D(2022, 2, 28), kinds=["gate-skipped"])
    assert set(g["unit"]) == {"04255"}


def test_empty_repository(tmp_path):
    from nhanrong.spread import spread
    from nhanrong.status import metric_values, status, unit_stages
    from nhanrong.targets import evaluate_targets

    pg = build_graph(load_programme(write_repo(tmp_path, {})))
    assert find_gap_rows(pg, AS_OF).empty and list(find_gap_rows(pg, AS_OF).columns) == FRAME_COLUMNS
    assert status(pg, AS_OF).empty and unit_stages(pg, AS_OF).empty and metric_values(pg, AS_OF).empty
    assert evaluate_targets(pg, AS_OF).empty and spread(pg).empty


def test_models_without_records(tmp_path):
    pg = build_graph(load_programme(write_repo(tmp_path, {"models/alpha.toml": ALPHA})))
    assert find_gaps(pg, AS_OF, kinds=["not-started", "stalled", "gate-skipped", "prerequisite", "stale"]).empty


# Texts as the gaps spoke before their messages became data (issue 13): rendering must say the same.
TODAY = [
    ("models/beta.toml", "definition", 'Mô hình "Mô hình Bê ta" chưa đạt "Sờ thấy được": chưa nêu nguồn lực (resources)',
     'Model "Mô hình Bê ta" misses a "3 được" part (Sờ thấy được): no resources',
     "Ghi các bước làm ([method]) và nguồn lực cho mỗi đơn vị ([resources])",
     "Write the steps ([method]) and the resources per unit ([resources])"),
    ("04255", "gate-skipped", 'Phường Minh Tân rời giai đoạn "thí điểm" của "Mô hình An pha" ngày 11/02/2022 khi chưa qua cửa: '
     'chỉ ở 10 ngày (tối thiểu 30); "Số tài khoản" = 5 tài khoản (cần ≥ 10 tài khoản)',
     'Phường Minh Tân left the "pilot" stage of "Alpha model" on 2022-02-11 without passing its gate: stayed 10 days '
     '(minimum 30); "Số tài khoản" = 5 tài khoản (needs >= 10 tài khoản)',
     'Bổ sung số liệu và đánh giá lại Phường Minh Tân theo tiêu chí của giai đoạn "thí điểm"',
     'Record the missing readings and review Phường Minh Tân against the "pilot" gate'),
    ("04264", "gate-skipped", 'Phường Hồng Hà rời giai đoạn "thí điểm" của "Mô hình An pha" ngày 01/04/2022 khi chưa qua cửa: '
     'chưa có số liệu "Số tài khoản" (cần ≥ 10 tài khoản)',
     'Phường Hồng Hà left the "pilot" stage of "Alpha model" on 2022-04-01 without passing its gate: no "Số tài khoản" '
     'reading (needs >= 10 tài khoản)',
     'Bổ sung số liệu và đánh giá lại Phường Hồng Hà theo tiêu chí của giai đoạn "thí điểm"',
     'Record the missing readings and review Phường Hồng Hà against the "pilot" gate'),
    ("04261", "gate-skipped", 'Phường Đồng Tâm rời giai đoạn "thí điểm" của "Mô hình An pha" ngày 01/04/2022 khi chưa qua cửa: '
     'số liệu "Số tài khoản" chỉ được ghi sau khi chuyển giai đoạn',
     'Phường Đồng Tâm left the "pilot" stage of "Alpha model" on 2022-04-01 without passing its gate: "Số tài khoản" was '
     'recorded only after the move',
     'Bổ sung số liệu và đánh giá lại Phường Đồng Tâm theo tiêu chí của giai đoạn "thí điểm"',
     'Record the missing readings and review Phường Đồng Tâm against the "pilot" gate'),
    ("04258", "not-started", 'Phường Nguyễn Thái Học chưa triển khai "Mô hình An pha", trong khi 5 đơn vị cùng huyện '
     '(Thành phố Yên Bái) đã triển khai từ 01/01/2022',
     'Phường Nguyễn Thái Học has not started "Alpha model", while 5 unit(s) in the same district (Thành phố Yên Bái) '
     'started from 2022-01-01',
     "Đưa Phường Nguyễn Thái Học vào đợt nhân rộng tới; học kinh nghiệm từ Phường Minh Tân",
     "Put Phường Nguyễn Thái Học in the next scale-out wave; learn from Phường Minh Tân"),
    ("V3", "prerequisite", 'Thôn Ba đã bắt đầu "Mô hình Bê ta" nhưng "Mô hình An pha" ở Phường Nguyễn Thái Học chưa đạt '
     'giai đoạn "thí điểm" (mới: chưa triển khai)',
     'Thôn Ba started "Mô hình Bê ta" but "Alpha model" at Phường Nguyễn Thái Học has not reached "pilot" (now: not started)',
     'Triển khai "Mô hình An pha" ở Phường Nguyễn Thái Học đến giai đoạn "thí điểm" trước khi mở rộng "Mô hình Bê ta"',
     'Bring "Alpha model" at Phường Nguyễn Thái Học to "pilot" before scaling "Mô hình Bê ta"'),
    ("04264", "stale", 'Phường Hồng Hà chưa có số liệu "Mô hình An pha" nào', 'Phường Hồng Hà has no "Alpha model" reading at all',
     "Yêu cầu Phường Hồng Hà cập nhật số liệu kỳ này", "Ask Phường Hồng Hà to report this period's readings"),
    ("04255", "stale", 'Phường Minh Tân: số liệu "Mô hình An pha" mới nhất ngày 05/02/2022, quá kỳ báo cáo 92 ngày',
     'Phường Minh Tân: latest "Alpha model" reading on 2022-02-05, older than the 92-day reporting period',
     "Yêu cầu Phường Minh Tân cập nhật số liệu kỳ này", "Ask Phường Minh Tân to report this period's readings"),
    ("04255", "stalled", 'Phường Minh Tân ở giai đoạn "đánh giá, rút kinh nghiệm" của "Mô hình An pha" đã 323 ngày '
     '(từ 11/02/2022), quá 293 ngày so với dự kiến 30 ngày',
     'Phường Minh Tân has been in the "evaluate" stage of "Alpha model" for 323 days (since 2022-02-11), 293 days over '
     'the expected 30',
     "Kiểm tra vướng mắc ở Phường Minh Tân; quyết định chuyển giai đoạn hoặc hỗ trợ thêm nguồn lực",
     "Find out what blocks Phường Minh Tân; decide to move it on or give it more resources"),
]


@pytest.mark.parametrize("unit, kind, vi, en, act, act_en", TODAY, ids=[f"{r[1]}-{r[0]}" for r in TODAY])
def test_rendering_says_what_the_gaps_said_before(pg, unit, kind, vi, en, act, act_en):
    g = find_gap_rows(pg, AS_OF)
    mine = g[(g["unit"] == unit) & (g["kind"] == kind)]
    said = {lang: render_gaps(mine, lang) for lang in ("vi", "en")}
    assert vi in said["vi"]["message"].tolist()
    at = said["vi"]["message"].tolist().index(vi)
    assert said["en"]["message"].iloc[at] == en
    assert said["vi"]["action"].iloc[at] == act and said["en"]["action"].iloc[at] == act_en


def test_the_gaps_frame_holds_codes_not_sentences(pg):
    from nhanrong.i18n import STRINGS

    g = find_gap_rows(pg, AS_OF)
    assert not {"message", "message_en", "action", "action_en"} & set(g.columns)
    assert str(g["code"].dtype) == "category" and set(g["code"].astype(str)) <= {k for k in STRINGS if k.startswith("gap.")}
    assert "literal" not in set(g["code"].astype(str))
    details = [d for d in g["detail"] if d is not None]
    flat = [m for d in details for m in (d if isinstance(d, tuple) else (d,))]
    assert flat and all(m.key.startswith("gap.") for m in flat)
    # rendering only the rows asked for keeps their index
    some = g.iloc[[3, 0, 5]]
    assert render_gaps(some, "en").index.tolist() == some.index.tolist()
    assert render_gaps(g.iloc[:0], "vi").empty
