"""The record, reading and import commands: exact output and exit codes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from nhanrong.cli import main

REL = "pilots/tiny/132.toml"


@pytest.mark.parametrize("command", ["record", "reading", "import"])
def test_help(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--dry-run" in out and "--author" in out


def test_record_prints_diff_and_saves(make_repo, capsys) -> None:
    root = make_repo()
    code = main(["record", str(root), "--unit", "04252", "--model", "tiny", "--stage", "evaluate", "--date", "01/07/2022",
                 "--note", "Đã họp <b>rút kinh nghiệm</b>"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == (f"--- a/{REL}\n+++ b/{REL}\n@@ -11,4 +11,5 @@\n [[adoption]]\n unit = \"04252\"\n"
                   "-stages = { assess = 2022-03-01, pilot = 2022-04-01 }\n"
                   "+stages = { assess = 2022-03-01, pilot = 2022-04-01, evaluate = 2022-07-01 }\n"
                   " learned_from = \"04249\"\n+note = \"Đã họp <b>rút kinh nghiệm</b>\"\n")
    assert err == f"đã lưu {REL} (không có git)\n"
    assert "evaluate = 2022-07-01" in (root / REL).read_text(encoding="utf-8")


def test_reading_dry_run_writes_nothing(make_repo, capsys) -> None:
    root = make_repo()
    before = (root / REL).read_bytes()
    code = main(["reading", str(root), "--unit", "04249", "--model", "tiny", "--metric", "accounts",
                 "--date", "2022-12-31", "--value", "43,8", "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0
    assert '+  { metric = "accounts", date = 2022-12-31, value = 43.8 },' in out
    assert err == "chạy thử: 1 thay đổi hợp lệ, chưa ghi gì\n"
    assert (root / REL).read_bytes() == before


def test_refused_change_exits_1_with_every_reason(make_repo, capsys) -> None:
    root = make_repo()
    before = (root / REL).read_bytes()
    code = main(["--lang", "en", "record", str(root), "--unit", "04252", "--model", "tiny", "--stage", "assess", "--date", "2022-09-01"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == ('refused, nothing written:\n'
                   '  "04252": stage "pilot" (2022-04-01) cannot begin before stage "assess" (2022-09-01)\n')
    assert (root / REL).read_bytes() == before


def test_nothing_to_change(make_repo, capsys) -> None:
    root = make_repo()
    assert main(["record", str(root), "--unit", "04252", "--model", "tiny", "--stage", "pilot", "--date", "2022-04-01"]) == 0
    assert capsys.readouterr().out == "không có gì thay đổi: dữ liệu đã ghi như vậy\n"


def test_bad_date_is_a_usage_error(make_repo, capsys) -> None:
    root = make_repo()
    with pytest.raises(SystemExit) as exc:
        main(["record", str(root), "--unit", "04252", "--model", "tiny", "--stage", "pilot", "--date", "32/01/2022"])
    assert exc.value.code == 2
    assert "ngày" in capsys.readouterr().err


def test_import_bad_rows_exit_1(make_repo, tmp_path: Path, capsys) -> None:
    root = make_repo()
    sheet = tmp_path / "x.csv"
    sheet.write_text("unit,model,stage,since\n04252,tiny,evaluate,2022-07-01\n99999,tiny,pilot,2022-01-01\n04252,tiny,,\n", encoding="utf-8")
    before = (root / REL).read_bytes()
    assert main(["import", str(root), str(sheet)]) == 1
    err = capsys.readouterr().err
    assert err == ('bỏ qua dòng 4: không có giai đoạn hay chỉ số: không có gì để ghi\n'
                   'từ chối, không ghi gì:\n'
                   '  dòng 3: không có đơn vị mã "99999" trong danh mục hay units/\n')
    assert (root / REL).read_bytes() == before


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_import_commits_with_author(make_repo, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = make_repo()
    run = lambda *a: subprocess.run(["git", "-C", str(root), *a], check=True, capture_output=True, text=True).stdout
    run("init", "-q")
    run("config", "user.name", "Máy chủ")
    run("config", "user.email", "server@x.vn")
    run("add", "-A")
    run("commit", "-q", "-m", "init")
    sheet = tmp_path / "chi-so.csv"
    sheet.write_text("unit,model,metric,date,value\n04249,tiny,accounts,2022-12-31,130\n04252,tiny,accounts,2022-12-31,20\n", encoding="utf-8")
    assert main(["import", str(root), str(sheet), "--author", "Hà Thị Lan <lan@yenbai.gov.vn>", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"đã lưu {REL}; commit ")
    assert run("log", "-1", "--format=%an|%s").strip() == "Hà Thị Lan|Ghi 2 thay đổi từ tệp chi-so.csv"


def test_record_refuses_to_replace_a_stage_date_without_replace(make_repo, capsys) -> None:
    """Issue 15: the pilot of 04252 is dated 2022-04-01; another date needs --replace, and the refusal names both."""
    root = make_repo()
    before = (root / REL).read_bytes()
    args = ["--lang", "en", "record", str(root), "--unit", "04252", "--model", "tiny", "--stage", "pilot", "--date", "2022-04-15"]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == (
        'refused, nothing written:\n  04252: stage "pilot" of model tiny is already dated 2022-04-01; recording 2022-04-15 '
        'would replace it. Confirm the replacement (the checkbox on the Record page, --replace with nhanrong record) and '
        'record again\n')
    assert (root / REL).read_bytes() == before
    assert main([*args, "--replace", "--quiet"]) == 0
    assert "pilot = 2022-04-15" in (root / REL).read_text(encoding="utf-8")


def test_record_refuses_a_record_changed_between_its_check_and_its_save(make_repo, monkeypatch, capsys) -> None:
    """Issue 13: the CLI writes through the one write path: a record someone else saved meanwhile is refused
    (exit 1, the reason in the chosen language), nothing overwritten."""
    import datetime as dt

    import nhanrong.editing as editing

    root = make_repo()
    real = editing.prepare

    def prepare_then_someone_saves(*args, **kwargs):
        cs = real(*args, **kwargs)
        editing.save(real(root, [editing.StageChange("04252", "tiny", "evaluate", dt.date(2022, 7, 15))]), use_git=False)
        return cs

    monkeypatch.setattr(editing, "prepare", prepare_then_someone_saves)
    code = main(["--lang", "en", "record", str(root), "--unit", "04252", "--model", "tiny", "--stage", "evaluate",
                 "--date", "01/07/2022", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert 'the record of "04252" (model tiny) in file "pilots/tiny/132.toml" was just changed by someone else' in err
    assert "bản ghi" not in err and " / " not in err
    assert "evaluate = 2022-07-15" in (root / REL).read_text(encoding="utf-8")

