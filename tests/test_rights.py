"""Who may change what (rights.toml), checked in nhanrong.editing before anything is written; review
branches approved (merged, the reviewer in the history) or rejected with a comment."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import git

from nhanrong.editing import NewLocalUnit, PlanNumbers, ReadingChange, StageChange, prepare, save
from nhanrong.editing.errors import ChangeRefusedError
from nhanrong.editing.imports import preview_import
from nhanrong.editing.review import ReviewError, approve, approvals, branches, check, last_rejection, reject, user_branch
from nhanrong.rights import Identity, load_rights

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

REL = "pilots/tiny/132.toml"
RIGHTS = """\
review = true

[[grant]]
groups = ["so-tttt"]
units = ["*"]
plans = true
review = true

[[grant]]
users = ["hoa@x.vn"]
units = ["04252"]              # Phường Yên Ninh and what lies under it
models = ["tiny"]

[[grant]]
users = ["minh@x.vn"]
units = ["132"]                # the whole city: its communes and villages
"""

HOA = Identity("Nguyễn Thị Hoa", "hoa@x.vn", "sub-hoa")
MINH = Identity("Lò Văn Minh", "minh@x.vn")
LAN = Identity("Trần Thị Lan", "lan@x.vn", groups=("so-tttt",))
NOBODY = Identity("Người Lạ", "la@x.vn")


@pytest.fixture
def repo(git_repo) -> Path:
    return git_repo({"rights.toml": RIGHTS})


def test_the_rights_file_is_read_and_its_errors_named(repo: Path, tmp_path: Path) -> None:
    rights = load_rights(repo)
    assert rights.problem is None and len(rights.file.grant) == 3
    assert rights.can_review(LAN) and not rights.can_review(HOA)
    assert rights.must_branch(HOA) and not rights.must_branch(LAN)
    assert not rights.can_edit(NOBODY) and not rights.can_edit(None)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "rights.toml").write_text('[[grant]]\nuser = ["x@y.vn"]\n', encoding="utf-8")
    bad = load_rights(tmp_path / "bad")
    assert bad.file is None and "rights.toml" in bad.problem.text("en") and "user" in bad.problem.text("en")
    assert "chưa có tệp rights.toml" in load_rights(tmp_path).problem.text("vi")


def test_a_broken_rights_file_is_a_located_problem_of_validate_and_the_rest_loads(repo: Path) -> None:
    from nhanrong.loader import load_programme

    (repo / "rights.toml").write_text(RIGHTS.replace('users = ["minh@x.vn"]', 'user = ["minh@x.vn"]'), encoding="utf-8")
    prog = load_programme(repo)
    got = [p for p in prog.errors if p.path == "rights.toml"]
    assert len(got) == 1 and got[0].line == 15, [p.format("en") for p in got]
    assert 'did you mean "users"' in got[0].format("en")
    assert len(prog.adoptions) == 2  # the data still loads
    assert "rights.toml:15:" in load_rights(repo).problem.text("vi")  # the app's message points at the same place


def test_a_change_outside_the_users_units_is_refused_and_nothing_is_written(repo: Path) -> None:
    before = (repo / REL).read_bytes()
    head = git(repo, "rev-parse", "HEAD")
    cs = prepare(repo, [StageChange("04249", "tiny", "pilot", dt.date(2022, 2, 20))], user=HOA)
    assert not cs.ok
    assert "không có quyền sửa đơn vị" in cs.refusals[0].message and "Phường Yên Thịnh" in cs.refusals[0].message
    assert "may not change unit" in cs.refusals[0].message_en
    with pytest.raises(ChangeRefusedError):
        save(cs, user=HOA)
    # A change prepared without rights (the CLI) is still checked when the app saves it for a user.
    unchecked = prepare(repo, [StageChange("04249", "tiny", "pilot", dt.date(2022, 2, 20), replace=True)])  # a new pilot date
    assert unchecked.ok
    with pytest.raises(ChangeRefusedError, match="04249"):
        save(unchecked, user=HOA)
    with pytest.raises(ChangeRefusedError):
        save(unchecked, user=None)  # anonymous
    assert (repo / REL).read_bytes() == before and git(repo, "rev-parse", "HEAD") == head
    assert not git(repo, "branch", "--list", "nhap/*").strip()


def test_anonymous_and_users_without_a_grant_cannot_write(repo: Path) -> None:
    change = ReadingChange("04252", "tiny", "accounts", dt.date(2022, 9, 30), 15)
    anon = prepare(repo, [change], user=None)
    assert not anon.ok and "chưa đăng nhập" in anon.refusals[0].message
    stranger = prepare(repo, [change], user=NOBODY)
    assert not stranger.ok and "la@x.vn" in stranger.refusals[0].message
    # Plans need plans = true; Hoa has none.
    plan = prepare(repo, [PlanNumbers("x", (("horizon", 3),))], user=HOA)
    assert not plan.ok


def test_units_below_a_granted_unit_and_models_of_the_grant(repo: Path) -> None:
    # Minh has the whole city (132): a village under 04249 and every model.
    ok = prepare(repo, [NewLocalUnit("T-04249-02", "Tổ dân phố 2", "village", "04249"),
                        ReadingChange("04249", "tiny", "accounts", dt.date(2022, 9, 30), 130)], user=MINH)
    assert ok.ok, ok.refusals
    # Hoa has 04252 for model tiny only: another model is refused by name.
    from nhanrong.rights import refusal

    r = refusal(load_rights(repo), HOA, ok.programme, StageChange("old:04252", "other", "pilot", dt.date(2022, 1, 1)))
    assert r is not None and "mô hình other" in r.text("vi")


def test_an_editors_save_goes_to_their_branch_with_their_identity_and_the_checkout_stays(repo: Path) -> None:
    cs = prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))], user=HOA)
    assert cs.ok, cs.refusals
    result = save(cs, user=HOA)
    assert result.branch == user_branch(HOA) == "nhap/hoa-at-x-vn"
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == "main"
    assert "evaluate = 2022-07-01" not in (repo / REL).read_text(encoding="utf-8")  # waits for review
    assert git(repo, "log", "-1", "--format=%an <%ae>", result.branch).strip() == "Nguyễn Thị Hoa <hoa@x.vn>"
    [pending] = branches(repo)
    assert pending.branch == result.branch and pending.files == (REL,) and pending.authors == ["Nguyễn Thị Hoa <hoa@x.vn>"]
    assert check(repo, pending.branch).ok
    # A reviewer saves straight to main.
    direct = save(prepare(repo, [ReadingChange("04249", "tiny", "accounts", dt.date(2022, 9, 30), 130)], user=LAN), user=LAN)
    assert direct.branch is None and git(repo, "log", "-1", "--format=%an", "main").strip() == "Trần Thị Lan"


def test_a_reviewer_approves_a_branch_and_the_history_says_who(repo: Path) -> None:
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))], user=HOA), user=HOA)
    # main moved on meanwhile (another record of the same file): the merge keeps both
    save(prepare(repo, [ReadingChange("04249", "tiny", "accounts", dt.date(2022, 9, 30), 130)], user=LAN), user=LAN)
    with pytest.raises(ReviewError, match="may not review|không có quyền duyệt"):
        approve(repo, "nhap/hoa-at-x-vn", HOA)
    sha = approve(repo, "nhap/hoa-at-x-vn", LAN, "Đúng biên bản")
    assert git(repo, "rev-parse", "HEAD").strip() == sha
    text = (repo / REL).read_text(encoding="utf-8")
    assert "evaluate = 2022-07-01" in text and "value = 130" in text
    log = git(repo, "log", "-1", "--format=%an <%ae>|%P|%B")
    assert log.startswith("Trần Thị Lan <lan@x.vn>|") and len(log.split("|")[1].split()) == 2  # a merge commit
    assert "Approved-by: Trần Thị Lan <lan@x.vn>" in log and "Đúng biên bản" in log
    assert [a.author for a in approvals(repo)] == ["Trần Thị Lan"]
    assert branches(repo) == []
    assert git(repo, "status", "--porcelain").strip() == ""


def test_fast_forward_approval_still_records_the_reviewer(repo: Path) -> None:
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))], user=HOA), user=HOA)
    approve(repo, "nhap/hoa-at-x-vn", LAN, fast_forward=True)
    assert git(repo, "log", "-2", "--format=%an").split() == ["Trần", "Thị", "Lan", "Nguyễn", "Thị", "Hoa"]
    assert len(git(repo, "log", "-1", "--format=%P").split()) == 1  # no merge commit
    assert "evaluate = 2022-07-01" in (repo / REL).read_text(encoding="utf-8")


def test_a_rejection_carries_the_comment_and_leaves_the_list(repo: Path) -> None:
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))], user=HOA), user=HOA)
    with pytest.raises(ReviewError):
        reject(repo, "nhap/hoa-at-x-vn", LAN, "  ")  # a reason is required
    reject(repo, "nhap/hoa-at-x-vn", LAN, "Thiếu biên bản đánh giá")
    assert branches(repo) == []
    rej = last_rejection(repo, "nhap/hoa-at-x-vn")
    assert rej.author == "Trần Thị Lan" and "Thiếu biên bản đánh giá" in rej.body
    assert "evaluate = 2022-07-01" not in (repo / REL).read_text(encoding="utf-8")
    # Hoa saves again on her branch: it is pending again, her earlier change included.
    save(prepare(repo, [ReadingChange("04252", "tiny", "accounts", dt.date(2022, 9, 30), 15)], user=HOA), user=HOA)
    assert [p.branch for p in branches(repo)] == ["nhap/hoa-at-x-vn"]
    assert last_rejection(repo, "nhap/hoa-at-x-vn") is None


def test_approval_that_would_add_errors_is_refused(repo: Path) -> None:
    save(prepare(repo, [NewLocalUnit("T-04252-01", "Tổ 1", "village", "04252")], user=HOA), user=HOA)
    # Meanwhile someone declares the same code by hand in another file: no line conflicts, but merged
    # the data would have a duplicate unit code.
    (repo / "units" / "hand.toml").write_text('structure = "old"\n\n[[unit]]\ncode = "T-04252-01"\nname = "Tổ Một"\n'
                                              'kind = "village"\nparent = "04252"\n', encoding="utf-8")
    git(repo, "add", "units/hand.toml")
    git(repo, "commit", "-q", "-m", "thêm tổ bằng tay")
    head = git(repo, "rev-parse", "HEAD")
    result = check(repo, "nhap/hoa-at-x-vn")
    assert not result.ok and not result.conflict and "T-04252-01" in " ".join(result.new_errors)
    with pytest.raises(ReviewError):
        approve(repo, "nhap/hoa-at-x-vn", LAN)
    assert git(repo, "rev-parse", "HEAD") == head


def test_imports_are_checked_row_by_row(repo: Path) -> None:
    sheet = ("unit,model,stage,date\n04252,tiny,evaluate,2022-07-01\n04249,tiny,pilot,2022-02-20\n").encode()
    preview = preview_import(repo, sheet, name="x.csv", user=HOA)
    assert not preview.changeset.ok
    assert any("04249" in r.message_en and "may not change" in r.message_en for r in preview.changeset.refusals)


def test_identity_from_oidc_claims() -> None:
    who = Identity.from_claims({"name": "Nguyễn Văn <A>", "email": "a@x.vn", "sub": "1", "groups": ["/so-tttt"]})
    assert who.author == "Nguyễn Văn A <a@x.vn>" and who.groups == ("so-tttt",)
    assert Identity.from_claims({"name": "no mail"}) is None
