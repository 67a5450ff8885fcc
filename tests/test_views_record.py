"""The record and review pages' views (nhanrong.views.record, nhanrong.views.review), tested without
Streamlit on a tiny repository."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from nhanrong.editing.gitrepo import Commit
from nhanrong.editing.review import Check, Entry, Pending
from nhanrong.i18n import msg
from nhanrong.views import record as view
from nhanrong.views import review

PLAN = """\
name = "Kế hoạch thử"
scope = "15"
structure = "old"
start = 2023-01-01
horizon = 4

[resources]
trainer_hours = 40

[[targets]]
model = "tiny"
coverage = 0.5
date = 2023-12-31
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    from conftest import write_repo
    from nhanrong.graph import build_graph
    from nhanrong.loader import load_programme

    root = write_repo(tmp_path_factory.mktemp("record") / "data", {"plans/thu.toml": PLAN})
    return root, build_graph(load_programme(root))


def test_pickers_offer_the_units_and_metrics_one_records(repo):
    _, pg = repo
    prog = pg.programme
    communes = view.unit_options(pg, "old", "old:132", ("commune",))
    assert len(communes) == 14
    assert list(communes.items())[:2] == [("old:04249", "Phường Yên Thịnh (04249)"), ("old:04252", "Phường Yên Ninh (04252)")]
    assert view.unit_options(pg, "old", "old:04249", ("village",)) == {"old:T-04249-01": "Tổ dân phố 1 (T-04249-01)"}
    assert len(view.unit_options(pg, "old", "", ("village",))) == 1
    assert view.model_label(prog, "tiny") == "Mô hình thử (tiny)"
    assert view.history_kinds(prog) == ("commune", "district", "province")
    assert view.recordable_metrics(prog, "tiny") == {"accounts": "Số tài khoản (accounts, tài khoản)",
                                                     "people": "Số người (people, người)"}


def test_a_units_current_record_and_stage_dates(repo):
    _, pg = repo
    prog = pg.programme
    now = view.current_record(prog, "old:04252", "tiny", "vi")
    assert list(now.columns) == ["Giai đoạn", "Từ ngày"]
    assert list(now["Từ ngày"]) == ["01/03/2022", "01/04/2022", "", ""]
    assert list(now["Giai đoạn"])[:2] == ["Đánh giá thực tiễn", "Thí điểm"]
    assert view.current_record(prog, "old:04255", "tiny", "vi").empty
    assert view.stage_date(prog, "old:04252", "tiny", "pilot") == dt.date(2022, 4, 1)
    assert view.stage_date(prog, "old:04252", "tiny", "scale") is None
    assert view.stage_date(prog, "old:04255", "tiny", "assess") is None
    warning, confirm = view.replace_texts("pilot", dt.date(2022, 4, 1), dt.date(2022, 4, 5), "vi")
    assert "01/04/2022" in warning and "05/04/2022" in warning and "«Thí điểm»" in warning
    assert confirm == "Tôi xác nhận thay ngày 01/04/2022 bằng ngày 05/04/2022"


def test_the_bulk_table_holds_the_latest_readings(repo):
    _, pg = repo
    prog = pg.programme
    latest = view.latest_values(prog, "tiny", "accounts", dt.date(2022, 12, 31))
    assert latest["value"].to_dict() == {"old:04249": 120.0}
    assert view.latest_values(prog, "tiny", "accounts", dt.date(2022, 6, 29)).empty
    table = view.bulk_table(view.unit_options(pg, "old", "old:132", ("commune",)), latest, "vi")
    assert list(table.columns) == ["key", "name", "current", "current_date", "new"] and len(table) == 14
    first = table.iloc[0]
    assert (first["key"], first["current"], first["current_date"]) == ("old:04249", 120.0, "30/06/2022")
    assert table["current"].isna().sum() == 13 and table["new"].isna().all() and str(table["new"].dtype) == "float64"


def test_the_plan_tab_sends_only_what_changed(repo):
    _, pg = repo
    plan = pg.programme.plans["thu"]
    assert view.plan_changes(plan, 4, {"trainer_hours": 40.0}, [50.0]) == ()
    assert view.plan_changes(plan, 6, {"trainer_hours": 40.0}, [80.0]) == (("horizon", 6), ("targets.0.coverage", 0.8))
    assert view.plan_changes(plan, 4, {"trainer_hours": 45.0}, [50.0]) == (("resources.trainer_hours", 45.0),)


def test_preview_tables_and_texts(repo):
    from nhanrong.editing import ReadingChange, StageChange, prepare

    root, pg = repo
    refused = prepare(root, [StageChange("old:04252", "tiny", "assess", dt.date(2022, 9, 1))], programme=pg.programme)
    reasons = view.refusals_table(refused, "vi")
    assert list(reasons.columns) == ["Dòng", "Lý do"] and "không thể bắt đầu trước" in reasons["Lý do"].iloc[0]
    cs = prepare(root, [ReadingChange("old:04249", "tiny", "accounts", dt.date(2022, 12, 31), 412.0)], programme=pg.programme)
    assert cs.ok and view.preview_summary(cs, "vi").startswith("1 thay đổi, 1 tệp.")
    assert list(view.warnings_table(cs, "en").columns) == ["Reason"]
    skipped = view.skipped_table(((3, msg("edit.import.nothing")),), "en")
    assert list(skipped.columns) == ["Line", "Reason"] and skipped.iloc[0]["Line"] == 3
    preview = SimpleNamespace(changeset=cs, rows=5, skipped=((3, msg("edit.import.nothing")),))
    counts = view.upload_counts(preview, "vi")
    assert "5" in counts and "1" in counts


def test_saved_messages_escape_the_files_and_name_commit_and_branch():
    done = SimpleNamespace(paths=["pilots/tiny/132.toml"], commit="0123456789abcdef", branch=None)
    assert view.saved_message(done, "vi").startswith("Đã lưu pilots/tiny/132\\.toml; commit 0123456789")
    on_branch = view.saved_message(SimpleNamespace(paths=["a_b.toml"], commit="0123456789abcdef", branch="nhap/hoa"), "en")
    assert "a\\_b\\.toml" in on_branch and "nhap/hoa" in on_branch
    assert "không có git" in view.saved_message(SimpleNamespace(paths=["x.toml"], commit=None, branch=None), "vi")


def test_history_and_rejection_text():
    when = dt.datetime(2025, 3, 5, 14, 20)
    history = [Commit("a" * 40, "Lò Văn Minh", "minh@x.vn", when, "Phường Yên Ninh (04252): …")]
    table = view.history_table(history, "en")
    assert list(table.columns) == ["When", "Who", "Email", "What"]
    assert table.iloc[0].tolist() == ["2025-03-05 14:20", "Lò Văn Minh", "minh@x.vn", "Phường Yên Ninh (04252): …"]
    rejected = Entry("b" * 40, "Trần Văn An", "an@x.vn", when, "Từ chối", "Sai số liệu.\n\nRejected-by: An\nRecorded-with: x\n")
    assert view.rejection_text(rejected) == "Sai số liệu."


def test_the_review_views_of_a_waiting_branch():
    when = dt.datetime(2025, 3, 5, 9, 5)
    commits = (Entry("c" * 40, "Nguyễn Thị Hoa", "hoa@x.vn", when, "Ghi nhận 04252", ""),)
    p = Pending("nhap/hoa-at-x-vn", "c" * 40, commits, ("pilots/tiny/132.toml",), None)
    assert review.title(p) == "nhap/hoa-at-x-vn — Nguyễn Thị Hoa <hoa@x.vn>"
    assert "132\\.toml" in review.summary(p, "vi")
    table = review.commits_table(p.commits, "vi")
    assert table.iloc[0].tolist()[0] == "05/03/2025 09:05" and table.iloc[0].tolist()[2] == "Ghi nhận 04252"
    ok = review.check_view(Check(2, 1234, ()), "vi")
    assert ok.level == "success" and "1.234" in ok.text and ok.details is None
    conflict = review.check_view(Check(0, 0, (), conflict="plans/thu.toml"), "en")
    assert conflict.level == "error" and "plans/thu\\.toml" in conflict.text and conflict.details is None
    bad = review.check_view(Check(1, 0, (msg("edit.import.nothing"),)), "en")
    assert bad.level == "error" and bad.details == msg("edit.import.nothing").text("en")
    approvals = review.approvals_table([Commit("d" * 40, "Trần Văn An", "an@x.vn", when, "Duyệt nhap/hoa")], "en")
    assert approvals.iloc[0].tolist() == ["2025-03-05 09:05", "Trần Văn An <an@x.vn>", "Duyệt nhap/hoa"]
