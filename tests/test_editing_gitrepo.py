"""git: each saved change is a commit by the person who typed it, with a Vietnamese message."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from nhanrong.editing import ReadingChange, StageChange, prepare, save
from nhanrong.editing.errors import BadChangeError
from nhanrong.editing.gitrepo import branch_name, is_repo, parse_author, unit_history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch) -> None:
    """No global or system git configuration leaks into the tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def repo(make_repo) -> Path:
    root = make_repo()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Máy chủ Sở TT&TT")
    git(root, "config", "user.email", "may-chu@yenbai.gov.vn")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Dữ liệu ban đầu")
    return root


def test_save_commits_with_typed_author_and_vietnamese_message(repo: Path) -> None:
    cs = prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))])
    result = save(cs, author="Nguyễn Thị Hoa <hoa@yenbai.gov.vn>")
    assert result.commit == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "log", "-1", "--format=%an|%ae|%cn").strip() == "Nguyễn Thị Hoa|hoa@yenbai.gov.vn|Máy chủ Sở TT&TT"
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == "Phường Yên Ninh (04252): mô hình tiny bắt đầu giai đoạn đánh giá, rút kinh nghiệm ngày 01/07/2022"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["pilots/tiny/132.toml"]
    assert git(repo, "status", "--porcelain") == ""


def test_only_the_changed_files_are_committed(repo: Path) -> None:
    (repo / "models" / "tiny.toml").write_text((repo / "models" / "tiny.toml").read_text(encoding="utf-8") + "\n# chưa xong\n", encoding="utf-8")
    git(repo, "add", "models/tiny.toml")  # someone else's staged work stays out of the commit
    save(prepare(repo, [ReadingChange("04252", "tiny", "accounts", dt.date(2022, 9, 30), 12)]), author="Lê Văn Nam <nam@x.vn>")
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["pilots/tiny/132.toml"]
    assert "models/tiny.toml" in git(repo, "status", "--porcelain")


def test_committer_falls_back_to_author_without_git_identity(repo: Path) -> None:
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))]), author="Trần B <b@x.vn>")
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == "Trần B <b@x.vn>|Trần B <b@x.vn>"


def test_branch_per_user(repo: Path) -> None:
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))]),
         author="Nguyễn Văn Đức <duc@x.vn>", branch=branch_name("Nguyễn Văn Đức"))
    assert git(repo, "branch", "--show-current").strip() == "nhap/nguyen-van-duc"
    assert git(repo, "log", "-1", "--format=%an", "main").strip() == "Máy chủ Sở TT&TT"
    assert git(repo, "log", "-1", "--format=%an", "nhap/nguyen-van-duc").strip() == "Nguyễn Văn Đức"


def test_unit_history_lists_who_changed_what(repo: Path) -> None:
    save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))]), author="A Một <a@x.vn>")
    save(prepare(repo, [ReadingChange("04249", "tiny", "accounts", dt.date(2022, 9, 30), 1)]), author="B Hai <b@x.vn>")
    save(prepare(repo, [StageChange("04270", "tiny", "assess", dt.date(2022, 8, 1))]), author="C Ba <c@x.vn>")
    history = unit_history(repo, "old:04252")
    # newest first: the recorded stage, then the first commit that added the record by hand
    assert [c.author for c in history] == ["A Một", "Máy chủ Sở TT&TT"]
    assert history[0].subject.startswith("Phường Yên Ninh (04252)")
    assert [c.author for c in unit_history(repo, "old:04270")] == ["C Ba"]


def test_without_git_files_are_saved(make_repo) -> None:
    root = make_repo()
    assert not is_repo(root)
    result = save(prepare(root, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))]), author="A <a@x.vn>")
    assert result.commit is None and result.paths == ("pilots/tiny/132.toml",)
    assert "evaluate = 2022-07-01" in (root / "pilots/tiny/132.toml").read_text(encoding="utf-8")
    assert unit_history(root, "old:04252") == []


def test_bad_author_is_refused_before_writing(repo: Path) -> None:
    before = (repo / "pilots/tiny/132.toml").read_bytes()
    with pytest.raises(BadChangeError, match="Họ Tên <email"):
        save(prepare(repo, [StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 1))]), author="chỉ có tên")
    assert (repo / "pilots/tiny/132.toml").read_bytes() == before


@pytest.mark.parametrize("text, expected", [
    ("Nguyễn Văn A <a@yenbai.gov.vn>", ("Nguyễn Văn A", "a@yenbai.gov.vn")),
    ("  Lò Thị Mai   <mai@x.vn> ", ("Lò Thị Mai", "mai@x.vn")),
])
def test_parse_author(text: str, expected) -> None:
    assert parse_author(text) == expected


@pytest.mark.parametrize("text", ["", "A", "A <not-an-email>", "<a@x.vn>", "A <a@x.vn> <b@x.vn>"])
def test_parse_author_rejects(text: str) -> None:
    with pytest.raises(BadChangeError):
        parse_author(text)
