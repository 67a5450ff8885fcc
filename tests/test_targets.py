"""Targets versus actuals: met, on track (from the recent pace), behind, overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from nhanrong.graph import build_graph
from nhanrong.loader import load_programme
from nhanrong.targets import TARGET_COLUMNS, VERDICT_VI, evaluate_targets

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
    assert list(cov["verdict_vi"]) == [VERDICT_VI[v] for v in cov["verdict"]] == ["Đạt", "Đúng tiến độ", "Chậm", "Quá hạn"]
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
