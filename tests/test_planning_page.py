"""The planner page (nhanrong_app/planner.py) with Streamlit's AppTest, on a tiny data set."""

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


def _open(make_repo, monkeypatch, lang="vi", plan=PLAN) -> tuple[AppTest, object]:
    from nhanrong_app.common import Context
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    root = make_repo({"plans/thu.toml": plan, "rights.toml": '[[grant]]\nusers = ["hoa@x.vn"]\nplans = true\n'})
    pg = build_graph(load_programme(root))
    at = AppTest.from_file(str(BUNDLED / "src" / "nhanrong_app" / "planner.py"), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "k" * 40}  # login on
    at.user = {"is_logged_in": True, "name": "Nguyễn Thị Hoa", "email": "hoa@x.vn"}  # may save plans (rights.toml)
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
    assert targets.iloc[0]["Lý do và cách gỡ"].startswith("thiếu 4 giờ giảng viên mỗi quý từ quý I/2023")
    schedule = table(at, "Học từ (mã)")
    assert len(schedule) == 12 and (schedule["Đợt"] != "").sum() == 8
    assert set(schedule["Loại đơn vị"]) == {"xã"}
    assert {m.label: m.value for m in at.metric}["Chỉ tiêu đạt"] == "0 / 1"
    assert "thiếu 4 giờ giảng viên mỗi quý từ quý I/2023" in at.warning[0].value


def test_more_trainer_hours_meet_the_target_and_save_keeps_comments(make_repo, monkeypatch):
    at, root = _open(make_repo, monkeypatch)
    editor = at.session_state["planner_resources_thu_vi"]
    assert editor is not None
    # Edit the number the way the data editor reports it, then run and save.
    at.session_state["planner_resources_thu_vi"] = {"edited_rows": {0: {"amount": "12"}}, "added_rows": [], "deleted_rows": []}
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


def _git(root, *args: str) -> str:
    import subprocess

    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(__import__("shutil").which("git") is None, reason="git is not installed")
def test_saving_a_plan_commits_it_with_the_logged_in_user(make_repo, monkeypatch, tmp_path):
    """Issue 15: the plan is saved through nhanrong.editing like a record: committed with the user as author,
    the message listing what changed; a user without plans = true and a file changed meanwhile are refused."""
    from nhanrong.editing.errors import RightsRefusedError, StaleFileError
    from nhanrong.editing.plans import save_plan_text
    from nhanrong.editing.safewrite import read_snapshot
    from nhanrong.rights import Identity

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    at, root = _open(make_repo, monkeypatch)
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Máy chủ")
    _git(root, "config", "user.email", "server@x.vn")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "init")
    at.session_state["planner_resources_thu_vi"] = {"edited_rows": {0: {"amount": "12"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("Đã lưu plans/thu.toml; commit ")
    # rights.toml grants no review right: the commit waits on the user's own branch, the checkout is untouched.
    assert at.success[0].value.startswith("Đã lưu plans/thu.toml; commit ") and "nhánh nhap/hoa-at-x-vn" in at.success[0].value
    log = _git(root, "log", "-1", "--format=%an <%ae>|%B", "nhap/hoa-at-x-vn")
    assert log.startswith("Nguyễn Thị Hoa <hoa@x.vn>|Kế hoạch thu: sửa 1 giá trị (plans/thu.toml)")
    assert "- resources.trainer_hours: 8 → 12" in log and "Plan: thu" in log
    assert _git(root, "status", "--porcelain") == "" and _git(root, "branch", "--show-current").strip() == "master"
    text = _git(root, "show", "nhap/hoa-at-x-vn:plans/thu.toml")
    assert "# hai giảng viên" in text and tomli.loads(text)["resources"]["trainer_hours"] == 12
    assert tomli.loads((root / "plans" / "thu.toml").read_text(encoding="utf-8"))["resources"]["trainer_hours"] == 8

    # A second save from the page (which shows the base branch's file) goes on top of the first one.
    at.session_state["planner_horizon_thu"] = 6
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.exception and "nhap/hoa-at-x-vn" in at.success[0].value
    assert _git(root, "rev-list", "--count", "nhap/hoa-at-x-vn").strip() == "3"
    assert "- horizon: 4 → 6" in _git(root, "log", "-1", "--format=%B", "nhap/hoa-at-x-vn")

    rel = "plans/thu.toml"
    text = (root / rel).read_text(encoding="utf-8")
    digest = read_snapshot(root / rel).digest
    (root / "rights.toml").write_text('[[grant]]\nusers = ["hoa@x.vn"]\nplans = true\nreview = true\n', encoding="utf-8")
    _git(root, "commit", "-qam", "review right")
    with pytest.raises(RightsRefusedError):  # no plans = true for this user
        save_plan_text(root, rel, text.replace("horizon = 4", "horizon = 5"), expected=digest,
                       user=Identity("Lò Văn Minh", "minh@x.vn"))
    with pytest.raises(StaleFileError):  # the file changed since the page read it: nothing overwritten
        save_plan_text(root, rel, text.replace("horizon = 4", "horizon = 6"), expected="0" * 64,
                       user=Identity("Nguyễn Thị Hoa", "hoa@x.vn"))
    assert (root / rel).read_text(encoding="utf-8") == text
    # With the review right the commit lands on the checked-out branch.
    done = save_plan_text(root, rel, text.replace("horizon = 4", "horizon = 5"), expected=digest,
                          user=Identity("Nguyễn Thị Hoa", "hoa@x.vn"))
    assert done.commit and done.branch is None
    assert _git(root, "log", "-1", "--format=%an|%s").strip() == "Nguyễn Thị Hoa|Kế hoạch thu: sửa 1 giá trị (plans/thu.toml)"
    assert "horizon = 5" in (root / rel).read_text(encoding="utf-8") and _git(root, "status", "--porcelain") == ""


BIG = PLAN.replace("trainer_hours = 8            # hai giảng viên",
                   "trainer_hours = 8            # hai giảng viên\nbudget_vnd = 2500000000")


@pytest.mark.parametrize("lang,budget,unlimited", [("vi", "2.500.000.000", "không giới hạn"), ("en", "2,500,000,000", "unlimited")])
def test_resource_amounts_grouped_and_unlimited_in_words_and_edits_round_trip(make_repo, monkeypatch, lang, budget, unlimited):
    """Issue 15: the editor shows 2.500.000.000 (not 2500000000) and "không giới hạn" (not None) for a pool
    with no limit; typed text in the language's format comes back as the number, words as unlimited."""
    at, _ = _open(make_repo, monkeypatch, lang=lang, plan=BIG)
    shown = dict(zip(table(at, "amount")["pool"], table(at, "amount")["amount"]))
    assert shown == {"trainer_hours": "8", "budget_vnd": budget}
    at, root = _open(make_repo, monkeypatch, lang=lang)  # the plan sets no budget: the model's pool is unlimited
    shown = dict(zip(table(at, "amount")["pool"], table(at, "amount")["amount"]))
    assert shown == {"trainer_hours": "8", "budget_vnd": unlimited} and "None" not in shown.values()
    # Edits: a grouped number, plain digits, a decimal, and "unlimited" typed for the budget.
    typed = {"vi": ("3.000.000.000", "12,5"), "en": ("3,000,000,000", "12.5")}[lang]
    rows = list(shown)
    at.session_state[f"planner_resources_thu_{lang}"] = {
        "edited_rows": {rows.index("budget_vnd"): {"amount": typed[0]}, rows.index("trainer_hours"): {"amount": typed[1]}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="planner_save").click().run()
    saved = tomli.loads((root / "plans" / "thu.toml").read_text(encoding="utf-8"))["resources"]
    assert saved == {"trainer_hours": 12.5, "budget_vnd": 3000000000}
    text = (root / "plans" / "thu.toml").read_text(encoding="utf-8")
    assert "# hai giảng viên" in text and "budget_vnd = 3000000000" in text  # whole numbers stay whole
    # Typed words for unlimited (either language) drop the pool's limit; text that is no number is refused.
    saved_text = (root / "plans" / "thu.toml").read_text(encoding="utf-8")
    at.session_state[f"planner_resources_thu_{lang}"] = {
        "edited_rows": {rows.index("budget_vnd"): {"amount": "Không giới hạn"}, rows.index("trainer_hours"): {"amount": "nhiều"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    assert "«nhiều» không phải là số" in at.error[0].value if lang == "vi" else '"nhiều" is not a number' in at.error[0].value
    at.session_state[f"planner_resources_thu_{lang}"] = {
        "edited_rows": {rows.index("budget_vnd"): {"amount": "unlimited"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.error
    at.button(key="planner_save").click().run()
    assert "budget_vnd" not in tomli.loads((root / "plans" / "thu.toml").read_text(encoding="utf-8"))["resources"]
    assert saved_text != (root / "plans" / "thu.toml").read_text(encoding="utf-8")


def test_planner_page_refuses_a_plan_file_changed_since_it_was_read(make_repo, monkeypatch):
    """Issue 13: the planner page writes through the one write path: a file changed on disk since the page
    read it is refused (shown in the reader's language, never " / " joined) and left as it is."""
    at, root = _open(make_repo, monkeypatch, lang="en")
    path = root / "plans" / "thu.toml"
    changed = path.read_text(encoding="utf-8").replace("horizon = 4", "horizon = 3  # sửa tay")
    path.write_text(changed, encoding="utf-8")  # someone else's edit, after the page read the file
    at.session_state["planner_resources_thu_en"] = {"edited_rows": {0: {"amount": "12"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="planner_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.success
    error = at.error[0].value
    assert 'file "plans/thu.toml" changed on disk since it was read' in error and " / " not in error
    assert path.read_text(encoding="utf-8") == changed
