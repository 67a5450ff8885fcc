"""The planner page (nhanrong/app/planner.py) with Streamlit's AppTest, on a tiny data set."""

from __future__ import annotations

import datetime as dt

import pytest
import tomli
from streamlit.testing.v1 import AppTest

from conftest import BUNDLED
from nhanrong.i18n import STRINGS
from nhanrong.planning.labels import ui

UI = {k.removeprefix("planner."): v for k, v in STRINGS.items() if k.startswith("planner.")}

PLAN = """\
# Chú thích phải còn sau khi lưu.
name = "Thử"
scope = "132"
structure = "old"
start = 2023-01-01
period = "quarter"
horizon = 4
models = ["tiny"]

[resources]
trainer_hours = 8            # hai giảng viên

[[targets]]
model = "tiny"
coverage = 1.0
date = 2023-12-31
"""


def test_every_page_string_has_both_languages():
    for key, (vi, en) in UI.items():
        assert vi and en, key
    assert ui("saved", "en", path="x") == "Saved x."


def table(at: AppTest, column: str):
    """The first table on the page with ``column`` (data editors are listed as tables too)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with {column!r}")


def _open(make_repo, monkeypatch, lang="vi") -> tuple[AppTest, object]:
    from nhanrong.app.common import Context
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    root = make_repo({"plans/thu.toml": PLAN})
    pg = build_graph(load_programme(root))
    at = AppTest.from_file(str(BUNDLED / "src" / "nhanrong" / "app" / "planner.py"), default_timeout=120)
    at.session_state["_pg"] = pg
    at.session_state["_ctx"] = Context(root=root, fp="test", lang=lang, as_of=dt.date(2023, 1, 1), structure="old",
                                       scope="132", scope_key="old:132", scope_name="Thành phố Yên Bái", scope_kind="district")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at, root


@pytest.fixture(autouse=True)
def _repo_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BUNDLED))


def test_page_runs_the_plan_and_shows_the_shortfall(make_repo, monkeypatch):
    at, _ = _open(make_repo, monkeypatch)
    assert at.header[0].value == "Lập kế hoạch nhân rộng"
    targets = table(at, "Kết quả")
    assert targets.iloc[0]["Kết quả"] == "Không đạt"
    assert targets.iloc[0]["Lý do và cách gỡ"].startswith("thiếu 4 giờ giảng viên mỗi quý từ Q1/2023")
    schedule = table(at, "Học từ (mã)")
    assert len(schedule) == 12 and (schedule["Đợt"] != "").sum() == 8
    assert set(schedule["Loại đơn vị"]) == {"xã"}
    assert {m.label: m.value for m in at.metric}["Chỉ tiêu đạt"] == "0 / 1"
    assert "thiếu 4 giờ giảng viên mỗi quý từ Q1/2023" in at.warning[0].value


def test_more_trainer_hours_meet_the_target_and_save_keeps_comments(make_repo, monkeypatch):
    at, root = _open(make_repo, monkeypatch)
    editor = at.session_state["planner_resources_thu"]
    assert editor is not None
    # Edit the number the way the data editor reports it, then run and save.
    at.session_state["planner_resources_thu"] = {"edited_rows": {0: {"amount": 12}}, "added_rows": [], "deleted_rows": []}
    at.run()  # the page re-plans whenever the numbers change
    assert not at.exception, [e.value for e in at.exception]
    assert table(at, "Kết quả").iloc[0]["Kết quả"] == "Đạt"
    at.button(key="planner_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    text = (root / "plans" / "thu.toml").read_text(encoding="utf-8")
    assert "# Chú thích phải còn sau khi lưu." in text and "# hai giảng viên" in text
    assert tomli.loads(text)["resources"]["trainer_hours"] == 12
    assert at.success[0].value == "Đã lưu plans/thu.toml."


def test_english(make_repo, monkeypatch):
    at, _ = _open(make_repo, monkeypatch, lang="en")
    assert at.header[0].value == "Scale-out planner"
    assert table(at, "Verdict").iloc[0]["Verdict"] == "Not met"


def test_what_ifs_side_by_side(make_repo, monkeypatch):
    at, _ = _open(make_repo, monkeypatch)
    at.text_area(key="planner_whatif_thu").set_value("trainer_hours+4\ndelay=400")
    at.button(key="planner_compare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    summary = table(at, "Phương án")
    assert summary["Phương án"].tolist() == ["cơ sở", "trainer_hours+4", "delay=400"]
    assert summary["Chỉ tiêu đạt"].tolist() == ["0/1", "1/1", "1/1"]
