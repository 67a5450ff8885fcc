"""The province's indicators and target sets (indicators/*.toml): reading and checking the files with
located messages, the bundled Yên Bái figures with their sources, and their evaluation as of a date."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import BUNDLED
from nhanrong import loader
from nhanrong.charts import VEGA_LOCALES, rank_chart
from nhanrong.graph import build_graph
from nhanrong.indicators import (Indicators, current_target, deadline_target, evaluate_indicators,
                                 evaluate_target_sets, indicators_of, judge, load_indicators,
                                 rank_trend)
from nhanrong.status import metric_values

D = dt.date

HEADER = 'scope = "15"\nstructure = "old"\n'

TINY_INDICATORS = HEADER + '''
[[indicator]]
id = "products"
name = "Sản phẩm trên sàn thương mại điện tử"
pillar = "economy"
unit = "sản phẩm"
readings = [{ date = 2022-12-31, value = 5277, source = "Báo TN&MT, 27/02/2023" }]

[[indicator]]
id = "rank"
name = "Xếp hạng DTI"
unit = "/63"
direction = "lower"
readings = [
  { date = 2021-12-31, value = 40, source = "báo" },
  { date = 2022-12-31, value = 27, source = "báo" },
]
targets = [{ date = 2023-12-31, value = 25, source = "135-CTr/TU" }]

[[indicator]]
id = "accounts"
name = "Tài khoản"
pillar = "government"
unit = "tài khoản"
from = { model = "tiny", metric = "accounts" }
targets = [{ date = 2022-12-31, value = 100 }]

[[target_set]]
id = "set"
name = "Mục tiêu đến 2025"
date = 2025-12-31
targets = [
  { indicator = "rank" },
  { name = "Chính quyền số", pillar = "government", count = 3, met = [
      { date = 2022-06-30, value = 1, source = "báo" }, { date = 2022-12-31, value = 2, source = "báo" }] },
]
'''


def problems(root: Path, lang: str = "vi") -> list[str]:
    report = loader.Report()
    load_indicators(root, report, loader.load_programme(root).models)
    return [p.format(lang) for p in loader.sort_problems(report.problems)]


def loaded(root: Path) -> Indicators:
    return load_indicators(root, loader.Report(), loader.load_programme(root).models)


def tiny_graph(make_repo, text: str = TINY_INDICATORS):
    return build_graph(loader.load_programme(make_repo({"indicators/yen-bai.toml": text})))


# --- the file format: every problem located, the rest still loads -----------------------------------


def test_a_valid_file_loads_with_no_problem(make_repo):
    root = make_repo({"indicators/yen-bai.toml": TINY_INDICATORS})
    assert problems(root) == []
    inds = loaded(root)
    assert list(inds.by_id) == ["products", "rank", "accounts"]
    assert inds.by_id["accounts"].link.model == "tiny" and inds.by_id["rank"].line == 11
    assert list(inds.target_sets) == ["set"] and inds.files == ["indicators/yen-bai.toml"]


@pytest.mark.parametrize("body, expected", [
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\npiller = "economy"\n',
     ['indicators/a.toml:8:1: error: khoá không hợp lệ "indicator.piller" (có phải ý bạn là "pillar"?)']),
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\npillar = "economic"\n',
     ['indicators/a.toml:8:1: error: "indicator.pillar": giá trị "economic" không hợp lệ (có phải ý bạn là "economy"?); '
      'chọn một trong: "government", "economy", "society"']),
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\n'
     'readings = [{ date = "31/12/2022", value = 1, source = "báo" }]\n',
     ['indicators/a.toml:8:15: error: "indicator.readings.date" ngày không hợp lệ; viết như 2022-12-31, không có dấu ngoặc '
      "kép (đang là '31/12/2022')"]),
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\nreadings = [{ date = 1890-01-01, value = 1, source = "báo" }]\n',
     ['indicators/a.toml:8:15: error: "indicator.readings.date": ngày 01/01/1890 nằm ngoài khoảng cho phép 01/01/1990 – '
      "31/12/2100; kiểm tra lại năm"]),
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\nreadings = [{ date = 2022-12-31, value = 1 }]\n',
     ['indicators/a.toml:8:13: error: thiếu khoá bắt buộc "indicator.readings.source"']),
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\nreadings = [{ date = 2022-12-31, value = 1, source = "" }]\n',
     ["indicators/a.toml:8:45: error: \"indicator.readings.source\" không được để trống (đang là '')"]),
    ('[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\ntargets = [{ value = 25 }]\n',
     ['indicators/a.toml:8:12: error: thiếu khoá bắt buộc "indicator.targets.date"']),
])
def test_structure_problems_are_located(make_repo, body, expected):
    root = make_repo({"indicators/a.toml": HEADER + "\n" + body})
    assert problems(root) == expected
    assert loaded(root).by_id == {}  # the record with the problem is left out


def test_readings_out_of_order_or_twice_on_a_date(make_repo):
    root = make_repo({"indicators/a.toml": HEADER + '''
[[indicator]]
id = "rank"
name = "Xếp hạng"
unit = "/63"
direction = "lower"
readings = [
  { date = 2022-12-31, value = 27, source = "báo" },
  { date = 2021-12-31, value = 40, source = "báo" },
  { date = 2022-12-31, value = 26, source = "báo" },
]
targets = [{ date = 2023-12-31, value = 25 }, { date = 2023-12-31, value = 20 }]
'''})
    assert problems(root) == [
        "indicators/a.toml:11:5: warning: số liệu ngày 31/12/2021 ghi sau số liệu ngày 31/12/2022: hãy ghi theo thứ tự thời gian",
        "indicators/a.toml:12:5: error: số liệu ngày 31/12/2022 đã có ở dòng 10: bỏ qua lần ghi này",
        "indicators/a.toml:14:49: error: chỉ tiêu ngày 31/12/2023 đã có ở dòng 14: bỏ qua lần ghi này",
    ]
    assert problems(root, "en")[1] == ("indicators/a.toml:12:5: error: reading of 2022-12-31 is already given on line 10: "
                                       "this one is left out")
    spec = loaded(root).by_id["rank"].spec
    assert [(r.date, r.value) for r in spec.readings] == [(D(2021, 12, 31), 40), (D(2022, 12, 31), 27)]  # sorted, first kept
    assert [(x.date, x.value) for x in spec.targets] == [(D(2023, 12, 31), 25)]


def test_cross_file_problems(make_repo):
    root = make_repo({
        "indicators/a.toml": TINY_INDICATORS,
        "indicators/b.toml": 'scope = "99"\nstructure = "old"\n\n[[indicator]]\nid = "rank"\nname = "Lần hai"\nunit = "x"\n\n'
                             '[[indicator]]\nid = "other"\nname = "Khác"\nunit = "x"\n',
    })
    assert problems(root) == [
        'indicators/b.toml:1:1: error: mã đơn vị "99" không có trong danh mục (old); sửa mã hoặc structure',
        'indicators/b.toml:5:1: error: chỉ số "rank" đã được khai báo ở indicators/a.toml:11; đổi mã một trong hai',
    ]
    inds = loaded(root)
    assert inds.by_id["rank"].path == "indicators/a.toml" and "other" in inds.by_id  # nothing else lost


def test_a_value_taken_from_a_model(make_repo):
    body = HEADER + '''
[[indicator]]
id = "a"
name = "A"
unit = "x"
from = { model = "tine", metric = "accounts" }

[[indicator]]
id = "b"
name = "B"
unit = "x"
from = { model = "tiny", metric = "acounts" }

[[indicator]]
id = "c"
name = "C"
unit = "tài khoản"
from = { model = "tiny", metric = "accounts" }
readings = [{ date = 2022-12-31, value = 1, source = "báo" }, { date = 2023-12-31, value = 2, source = "báo" }]
'''
    root = make_repo({"indicators/a.toml": body})
    assert problems(root) == [
        'indicators/a.toml:8:10: error: mô hình "tine" không có trong models/ (có phải ý bạn là "tiny"?)',
        'indicators/a.toml:14:26: error: mô hình "tiny" không định nghĩa chỉ số "acounts" (có phải ý bạn là "accounts"?)',
        'indicators/a.toml:21:13: warning: chỉ số "c" lấy giá trị từ mô hình "tiny" (accounts): 2 số liệu ghi tay bị bỏ qua; '
        'xoá chúng hoặc bỏ "from"',
    ]
    inds = loaded(root)
    assert inds.by_id["a"].link is None and inds.by_id["b"].link is None  # kept, without the broken link
    assert inds.by_id["c"].link.metric == "accounts" and inds.by_id["c"].spec.readings == []


def test_target_set_problems(make_repo):
    body = TINY_INDICATORS + '''
[[target_set]]
id = "bad"
name = "Bộ lỗi"
date = 2025-12-31
targets = [
  { indicator = "rnk" },
  { indicator = "products" },
  { indicator = "rank", count = 2 },
  { pillar = "economy" },
  { name = "A", count = 2, met = [{ date = 2022-12-31, value = 3, source = "báo" }] },
]
met = [{ date = 2022-12-31, value = 4, source = "báo" }]

[[target_set]]
id = "set"
name = "Trùng mã"
date = 2025-12-31
targets = [{ name = "B" }]
'''
    root = make_repo({"indicators/a.toml": body})
    assert problems(root) == [
        'indicators/a.toml:45:5: error: chỉ số "rnk" không có trong indicators/ (có phải ý bạn là "rank"?)',
        'indicators/a.toml:46:5: warning: chỉ số "products" chưa có chỉ tiêu nào (targets): chưa đánh giá được',
        'indicators/a.toml:47:5: error: chỉ tiêu gắn với chỉ số "rank" được đánh giá theo chỉ số đó: bỏ count và met',
        "indicators/a.toml:48:3: error: mỗi chỉ tiêu cần indicator (mã một chỉ số) hoặc name (tên chỉ tiêu)",
        "indicators/a.toml:49:56: error: 3 chỉ tiêu đạt ngày 31/12/2022, nhưng chỉ có 2 chỉ tiêu",
        "indicators/a.toml:51:29: error: 4 chỉ tiêu đạt ngày 31/12/2022, nhưng chỉ có 3 chỉ tiêu",
        'indicators/a.toml:54:1: error: bộ chỉ tiêu "set" đã được khai báo ở indicators/a.toml:30; đổi mã một trong hai',
    ]
    bad = loaded(root).target_sets["bad"].spec
    assert [(x.indicator, x.name, x.count, len(x.met)) for x in bad.targets] == [("products", "", 1, 0), (None, "A", 2, 0)]
    assert bad.met == []


def test_a_broken_file_loses_nothing_else(make_repo):
    root = make_repo({"indicators/a.toml": TINY_INDICATORS, "indicators/b.toml": "scope = \n",
                      "indicators/c.toml": 'structure = "old"\n[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\n'})
    assert problems(root) == [
        "indicators/b.toml:1:9: error: lỗi cú pháp TOML: Invalid value",
        'indicators/c.toml:1:1: error: thiếu khoá bắt buộc "scope"',
    ]
    assert list(loaded(root).by_id) == ["products", "rank", "accounts"]


def test_files_are_found_the_safe_way(make_repo, tmp_path):
    root = make_repo({"indicators/a.toml": TINY_INDICATORS,
                      "indicators/more/b.toml": HEADER + '[[indicator]]\nid = "b"\nname = "B"\nunit = "x"\n'})
    outside = tmp_path / "outside.toml"
    outside.write_text(HEADER, encoding="utf-8")
    os.symlink(outside, root / "indicators" / "escape.toml")
    os.mkfifo(root / "indicators" / "pipe.toml")  # never opened: reading it would wait forever
    assert problems(root) == [
        f'indicators/escape.toml:0:0: error: liên kết (symlink) dẫn ra ngoài thư mục dữ liệu ("{outside}"): không đọc; '
        "chép tệp vào kho dữ liệu",
        "indicators/pipe.toml:0:0: error: đây không phải tệp thường mà là một đường ống (FIFO): không đọc",
    ]
    assert list(loaded(root).by_id) == ["products", "rank", "accounts", "b"]


def test_an_edit_is_checked_from_memory(make_repo):
    root = make_repo({"indicators/a.toml": TINY_INDICATORS})
    report = loader.Report()
    inds = load_indicators(root, report, {}, texts={"indicators/new.toml": HEADER + '[[indicator]]\nid = "n"\nname = "N"\nunit = "x"\n'})
    assert "n" in inds.by_id and not (root / "indicators" / "new.toml").exists()


# --- read by the loader ------------------------------------------------------------------------------


def test_the_loader_reads_indicators_with_the_other_folders(make_repo):
    root = make_repo({"indicators/a.toml": TINY_INDICATORS, "indicators/b.toml": "scope = \n"})
    full = loader.load_programme(root)
    assert full.files == 5  # models/tiny, units/villages, pilots/tiny/132 and the two indicator files
    assert [p.path for p in full.problems] == ["indicators/b.toml"]
    assert list(indicators_of(full).by_id) == ["products", "rank", "accounts"]


def test_a_programme_without_indicators_has_none():
    bare = SimpleNamespace(root=Path("."))
    assert indicators_of(bare) == Indicators()


def test_an_edited_indicator_file_changes_the_apps_cache_key_and_reloads(make_repo):
    from nhanrong.cache import fingerprint, load_programme_cached

    root = make_repo({"indicators/a.toml": TINY_INDICATORS})
    before = fingerprint(root)
    assert "products" in indicators_of(load_programme_cached(root)).by_id
    (root / "indicators" / "a.toml").write_text(TINY_INDICATORS.replace('id = "products"', 'id = "san_pham"'),
                                                 encoding="utf-8")
    assert fingerprint(root) != before
    assert "san_pham" in indicators_of(load_programme_cached(root)).by_id


def test_an_indicators_folder_alone_is_a_data_folder(tmp_path):
    (tmp_path / "indicators").mkdir()
    (tmp_path / "indicators" / "a.toml").write_text(TINY_INDICATORS, encoding="utf-8")
    assert list(indicators_of(loader.load_programme(tmp_path)).by_id) == ["products", "rank", "accounts"]


# --- the verdict: the rule of nhanrong.targets, with a direction ------------------------------------------


def target(value, date=D(2023, 12, 31)):
    return SimpleNamespace(value=value, date=date)


AS_OF = D(2022, 12, 31)  # six months before: 30/06/2022, 184 days


@pytest.mark.parametrize("value, before, goal, direction, share, verdict, projected", [
    (120, 50, target(100), "higher", False, "met", 120 + 70 / 184 * 365),  # projected as targets.py does
    (50, 20, target(100), "higher", False, "on-track", 50 + 30 / 184 * 365),
    (50, 45, target(100), "higher", False, "behind", 50 + 5 / 184 * 365),
    (50, math.nan, target(100), "higher", False, "on-track", 50 + 50 / 184 * 365),  # a count starts from zero
    (50, 20, target(100, AS_OF), "higher", False, "overdue", 50),
    (27, 40, target(25), "lower", False, "on-track", 27 - 13 / 184 * 365),
    (27, math.nan, target(25), "lower", False, "behind", 27),  # a rank with no earlier value: no gain assumed
    (20, 40, target(25), "lower", False, "met", 20 - 20 / 184 * 365),
    (0.9, 0.5, target(1.0), "higher", True, "on-track", 1.0),  # a share is not projected past 100%
    (math.nan, 40, target(25), "lower", False, None, math.nan),
])
def test_judge(value, before, goal, direction, share, verdict, projected):
    j = judge(value, before, AS_OF, goal, direction=direction, share=share)
    assert j.verdict == verdict
    assert (math.isnan(j.projected) and math.isnan(projected)) or j.projected == pytest.approx(projected)


def test_which_target_counts():
    ts = [target(10, D(2023, 12, 31)), target(20, D(2025, 12, 31)), target(30, D(2027, 12, 31))]
    assert current_target(ts, D(2022, 12, 31)).value == 10
    assert current_target(ts, D(2024, 1, 1)).value == 20
    assert current_target(ts, D(2030, 1, 1)).value == 30  # all past: the last
    assert deadline_target(ts, D(2025, 12, 31)).value == 20
    assert deadline_target(ts, D(2020, 1, 1)).value == 10
    assert current_target([], AS_OF) is None


# --- as of a date, on hand-made data ----------------------------------------------------------------------


def test_evaluate_on_tiny_data(make_repo):
    pg = tiny_graph(make_repo)
    f = evaluate_indicators(pg, AS_OF).set_index("indicator")
    assert list(f.index) == ["rank", "accounts", "products"]  # the programme as a whole first, then by pillar
    r = f.loc["rank"]
    assert (r["value"], r["date"], r["previous"], r["previous_date"], r["change"]) == (27, D(2022, 12, 31), 40, D(2021, 12, 31), -13)
    assert (r["target"], r["target_date"], r["target_source"], r["verdict"]) == (25, D(2023, 12, 31), "135-CTr/TU", "on-track")
    # The linked indicator is the model's roll-up at the file's scope: the one reading of 120 accounts.
    a = f.loc["accounts"]
    rollup = metric_values(pg, AS_OF, structure="old", scope="15")
    assert a["value"] == 120 == rollup.set_index("metric").at["accounts", "value"]
    assert (a["from_model"], a["from_metric"], a["date"], a["previous_date"], a["change"], a["verdict"]) == (
        "tiny", "accounts", AS_OF, D(2022, 6, 30), 0, "met")
    assert list(evaluate_indicators(pg, AS_OF, pillar="economy")["indicator"]) == ["products"]
    assert list(evaluate_indicators(pg, AS_OF, pillar="overall")["indicator"]) == ["rank"]
    assert evaluate_indicators(pg, AS_OF, scope=("new", "15")).empty
    early = evaluate_indicators(pg, D(2021, 1, 1)).set_index("indicator")
    assert math.isnan(early.at["products", "value"]) and early.at["products", "date"] is None


@pytest.mark.parametrize("as_of, met, unknown, reported, by_pillar", [
    (D(2021, 1, 1), None, 4, None, {None: (None, 1), "government": (None, 3)}),
    (D(2022, 1, 1), 0, 3, D(2021, 12, 31), {None: (0, 1), "government": (None, 3)}),
    (D(2022, 6, 30), 1, 0, D(2022, 6, 30), {None: (0, 1), "government": (1, 3)}),
    (D(2022, 12, 31), 2, 0, D(2022, 12, 31), {None: (0, 1), "government": (2, 3)}),
])
def test_target_set_counts(make_repo, as_of, met, unknown, reported, by_pillar):
    [s] = evaluate_target_sets(tiny_graph(make_repo), as_of)
    assert (s.total, s.met, s.unknown, s.reported, s.by_pillar) == (4, met, unknown, reported, by_pillar)


def test_a_set_total_newer_than_its_lines_is_the_count(make_repo):
    text = TINY_INDICATORS + 'met = [{ date = 2023-06-30, value = 3, source = "báo cáo" }]\n'
    [s] = evaluate_target_sets(tiny_graph(make_repo, text), D(2023, 6, 30))
    assert (s.met, s.total, s.reported, s.sources) == (3, 4, D(2023, 6, 30), ("báo cáo",))
    assert s.by_pillar == {None: (None, 1), "government": (None, 3)}  # the total's split by pillar is not known


# --- the bundled Yên Bái figures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def yen_bai():
    return build_graph(loader.load_programme(BUNDLED))


def test_bundled_files_have_no_problem_and_every_figure_a_source(yen_bai):
    assert [p for p in yen_bai.programme.problems if p.path.startswith("indicators/")] == []
    inds = indicators_of(yen_bai.programme)
    assert inds.files == ["indicators/yen-bai.toml"] and inds.illustrative_files == []
    for ind in inds.by_id.values():
        assert all(r.source.strip() for r in ind.spec.readings), ind.id
        assert ind.spec.readings or ind.link is not None or ind.spec.targets, ind.id
    for ts in inds.target_sets.values():
        assert all(m.source.strip() for item in ts.spec.targets for m in item.met)
        assert all(m.source.strip() for m in ts.spec.met)
    # The one assumed date says so.
    assumed = [m for m in inds.target_sets["cds_2025"].spec.met if "giả định" in m.note]
    assert [(m.date, m.value) for m in assumed] == [(D(2025, 6, 30), 16)]


def test_bundled_indicators_at_the_end_of_2022(yen_bai):
    f = evaluate_indicators(yen_bai, AS_OF).set_index("indicator")
    got = {i: (r["pillar"] if isinstance(r["pillar"], str) else None, r["value"]) for i, r in f.iterrows()}
    assert got == {
        "dti_rank": (None, 27), "dti_rank_government": ("government", 24), "public_service_accounts": ("government", 50595),
        "dt_documents": ("government", 30), "civil_servants_trained": ("government", got["civil_servants_trained"][1]),
        "dti_rank_economy": ("economy", 27), "ecommerce_products": ("economy", 5277), "ecommerce_products_rank": ("economy", 7),
        "ecommerce_accounts_rank": ("economy", 15), "ecommerce_purchases": ("economy", 7739),
        "dti_rank_society": ("society", 29), "bank_accounts_growth": ("society", 0.3077), "mobile_money_growth": ("society", 0.727),
        "cashless_electricity_growth": ("society", 0.162), "cashless_water_share": ("society", 0.40),
    }
    assert math.isnan(got["civil_servants_trained"][1])  # a target (30% in 2023), no figure yet
    dti = f.loc["dti_rank"]
    assert (dti["previous"], dti["change"], dti["target"], dti["target_date"], dti["verdict"]) == (
        40, -13, 25, D(2023, 12, 31), "on-track")
    assert "135-CTr/TU ngày 18/11/2022" in dti["target_source"] and "15/CT-UBND ngày 01/12/2022" in dti["target_source"]
    assert f.at["ecommerce_products", "source"] == ("Báo TN&MT, 27/02/2023: «Yên Bái triển khai và nhân rộng 7 mô hình "
                                                    "chuyển đổi số»")
    # 50.595 is not typed twice: it is the digital-citizen model's roll-up for the province.
    assert (f.at["public_service_accounts", "from_model"], f.at["public_service_accounts", "from_metric"]) == (
        "digital-citizen", "new_accounts")
    assert evaluate_indicators(yen_bai, D(2023, 12, 31)).set_index("indicator").at["dti_rank", "verdict"] == "met"  # 15th


def test_bundled_target_set_16_of_22(yen_bai):
    [end_2022] = evaluate_target_sets(yen_bai, AS_OF)
    assert (end_2022.met, end_2022.total, end_2022.reported) == (11, 22, AS_OF)
    assert end_2022.by_pillar == {"government": (7, 15), "economy": (1, 2), "society": (3, 5)}
    [later] = evaluate_target_sets(yen_bai, D(2025, 6, 30))
    assert (later.met, later.total, later.reported) == (16, 22, D(2025, 6, 30))
    [before] = evaluate_target_sets(yen_bai, D(2022, 6, 30))
    assert (before.met, before.total) == (None, 22)


def test_rank_trend_and_its_chart(yen_bai):
    trend = rank_trend(yen_bai.programme, D(2023, 12, 31))
    assert sorted(set(trend["indicator"])) == ["dti_rank", "dti_rank_economy", "dti_rank_government", "dti_rank_society"]
    dti = trend[trend["indicator"] == "dti_rank"]
    assert dti["value"].tolist() == [40, 27, 15] and set(dti["target"]) == {25}
    assert set(rank_trend(yen_bai.programme, AS_OF)["indicator"]) == {"dti_rank"}  # pillar ranks: one reading by then
    spec = rank_chart(trend, "vi").to_dict()
    assert spec["config"]["locale"] == VEGA_LOCALES["vi"]
    assert spec["title"]["text"] == "Diễn biến thứ hạng"
    y = spec["layer"][0]["encoding"]["y"]
    assert y["scale"]["reverse"] is True and y["title"] == "Thứ hạng (1 = cao nhất)"  # rank 1 at the top
    rows = [r for ds in spec["datasets"].values() for r in ds]
    assert {r["when"] for r in rows if "when" in r} == {"31/12/2021", "31/12/2022", "31/12/2023"}
    assert any(r.get("goal_text") == "≤ 25" for r in rows)
    assert rank_chart(trend, "en").to_dict()["config"]["locale"] == VEGA_LOCALES["en"]
