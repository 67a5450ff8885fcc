"""Targets versus actuals: met, on track (from the recent pace), behind, overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from nhanrong.graph import build_graph
from nhanrong.loader import load_programme
from nhanrong.i18n import label
from nhanrong.targets import TARGET_COLUMNS, evaluate_targets

MODEL = """\
name = "Mô hình thử"
pillars = ["society"]
adopted_by = ["commune"]
[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365
[[targets]]
metric = "coverage"
value = 0.2
date = 2023-06-30
scope = "132"
[[targets]]
metric = "coverage"
value = 0.5
date = 2023-06-30
scope = "132"
[[targets]]
metric = "coverage"
value = 0.9
date = 2023-06-30
scope = "132"
[[targets]]
metric = "coverage"
value = 0.5
date = 2022-12-31
scope = "132"
[[targets]]
metric = "members"
value = 100
date = 2023-12-31
scope = "132"
[[targets]]
metric = "members"
value = 30
date = 2023-12-31
[[metrics]]
id = "members"
name = "Thành viên"
unit = "người"
rollup = "sum"
"""


def adoption(code: str, scale: str, members: list[tuple[str, int]]) -> str:
    readings = ", ".join(f'{{ metric = "members", date = {d}, value = {v} }}' for d, v in members)
    return f'[[adoption]]\nunit = "{code}"\nstages = {{ assess = 2022-01-01, scale = {scale} }}\nreadings = [{readings}]\n'


PILOTS = 'model = "m"\nstructure = "old"\n' + "".join([
    adoption("04249", "2022-07-15", [("2022-06-30", 10), ("2022-12-31", 10)]),
    adoption("04252", "2022-08-15", [("2022-06-30", 10), ("2022-12-31", 10)]),
    adoption("04255", "2022-09-15", [("2022-12-31", 10)]),
    adoption("04258", "2022-10-15", [("2022-12-31", 10)]),
])


@pytest.fixture
def targets(make_repo):
    prog = load_programme(make_repo({"models/m.toml": MODEL, "pilots/m/132.toml": PILOTS}, defaults=False))
    assert not prog.errors, prog.errors
    return evaluate_targets(build_graph(prog), dt.date(2022, 12, 31))


def test_verdicts(targets):
    assert list(targets.columns) == TARGET_COLUMNS
    cov = targets[targets["metric"] == "coverage"]
    assert list(cov["actual"].round(4)) == [round(4 / 14, 4)] * 4
    assert list(cov["verdict"]) == ["met", "on-track", "behind", "overdue"]
    assert list(cov["verdict_vi"]) == [label("verdict", v, "vi") for v in cov["verdict"]] == ["Đạt", "Đúng tiến độ", "Chậm", "Quá hạn"]
    assert list(cov["verdict_en"]) == ["Met", "On track", "Behind", "Overdue"]
    on_track = cov.iloc[1]
    # 0 at scale six months before, 4/14 now: + 4/14 per 184 days, 181 days to go.
    assert on_track["projected"] == pytest.approx(4 / 14 + 4 / 14 * 181 / 184)
    assert on_track["gap"] == pytest.approx(0.5 - 4 / 14)
    assert cov.iloc[0]["gap"] < 0  # exceeded


def test_metric_targets_and_the_whole_data_set(targets):
    m = targets[targets["metric"] == "members"].set_index("scope")
    assert m.at["132", "actual"] == 40 and m.at["132", "actual_before"] == 20
    assert m.at["132", "verdict"] == "behind"  # +20 per half year cannot reach 100 by end 2023
    assert m.at["132", "projected"] == pytest.approx(40 + 20 * 365 / 184)
    assert m.at["", "verdict"] == "met" and m.at["", "scope_name"] == "toàn bộ dữ liệu"


def test_bundled_targets_have_verdicts():
    from conftest import BUNDLED

    if not (BUNDLED / "pilots" / "party-handbook").exists():
        pytest.skip("bundled pilots/party-handbook not written yet")
    t = evaluate_targets(build_graph(load_programme(BUNDLED)), dt.date(2022, 12, 31))
    ct = t[(t["model"] == "community-team") & (t["metric"] == "coverage")]
    assert list(ct["verdict"]) == ["met"]
    assert set(t["verdict"]) <= {"met", "on-track", "behind", "overdue"}


ANNUAL_MODEL = """\
name = "Công dân số thử"
pillars = ["society"]
adopted_by = ["commune"]
[stages.assess]
expected_days = 30
[stages.pilot]
expected_days = 60
[stages.evaluate]
expected_days = 30
[stages.scale]
expected_days = 365
[[targets]]
metric = "new_accounts"
value = 50000
date = 2022-12-31
scope = "132"
[[targets]]
metric = "new_accounts"
value = 60000
date = 2023-12-31
scope = "132"
[[metrics]]
id = "new_accounts"
name = "Tài khoản mới từ đầu năm"
unit = "tài khoản"
rollup = "sum"
resets = "yearly"
"""

ANNUAL_PILOTS = """\
model = "cds"
structure = "old"
[[adoption]]
unit = "04249"
stages = { assess = 2022-01-10 }
readings = [
  { metric = "new_accounts", date = 2022-06-30, value = 20000 },
  { metric = "new_accounts", date = 2022-12-31, value = 50595 },
  { metric = "new_accounts", date = 2023-03-31, value = 20000 },
]
"""


@pytest.fixture
def annual(make_repo):
    root = make_repo({"models/cds.toml": ANNUAL_MODEL, "pilots/cds/132.toml": ANNUAL_PILOTS})
    prog = load_programme(root)
    assert not prog.errors, prog.errors
    assert next(m for m in prog.models["cds"].metrics if m.id == "new_accounts").resets == "yearly"
    return build_graph(prog)


def _row(df, year: int):
    return df[(df["model"] == "cds") & (df["target_date"].map(lambda d: d.year) == year)].iloc[0]


def test_annual_counter_target_is_not_on_track_from_last_years_count(annual):
    """Issue 15: new accounts restart on 1 January. At 31/12/2022 the 2023 target of 60.000 has nothing
    counted yet (the 50.595 are 2022's), so it is not "on track" as the running count's pace would say."""
    df = evaluate_targets(annual, dt.date(2022, 12, 31))
    y23 = _row(df, 2023)
    assert y23["actual"] == 0 and y23["verdict"] == "behind" and y23["verdict"] != "on-track"
    assert _row(df, 2022)["verdict"] == "met" and _row(df, 2022)["actual"] == 50595


def test_annual_counter_judged_within_the_targets_year(annual):
    # 31/03/2023: 20.000 since 1 January, at that pace 60.000 is reached in the year: on track (pace from 1/1).
    df = evaluate_targets(annual, dt.date(2023, 3, 31))
    y23 = _row(df, 2023)
    assert y23["actual"] == 20000 and y23["verdict"] == "on-track" and y23["pace_from"] == dt.date(2023, 1, 1)
    assert y23["actual_before"] == 0 and round(y23["projected"]) == round(20000 + 20000 / 89 * 275)
    # The 2022 target is judged on 2022's count, not on this year's 20.000: met, not overdue.
    assert _row(df, 2022)["actual"] == 50595 and _row(df, 2022)["verdict"] == "met"
    # After the year: the count at 31/12/2023 (still 20.000), overdue.
    late = _row(evaluate_targets(annual, dt.date(2024, 2, 1)), 2023)
    assert late["actual"] == 20000 and late["verdict"] == "overdue"


def test_annual_counter_scope_targets_agree(annual):
    from nhanrong.targets import scope_targets

    df = scope_targets(annual, dt.date(2022, 12, 31), "old", "132")
    assert _row(df, 2023)["verdict"] == "behind" and _row(df, 2022)["verdict"] == "met"
