"""The nhanrong command: exact output and exit codes, help on every command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nhanrong.cli import build_parser, main

README = Path(__file__).resolve().parents[1] / "README.md"


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_validate_clean_repo_exits_0(make_repo, capsys):
    assert main(["validate", str(make_repo())]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "3 tệp, 2 bản ghi áp dụng: 0 lỗi, 0 cảnh báo\n"


def test_validate_errors_exit_1_with_located_messages(make_repo, capsys):
    root = make_repo({"pilots/tiny/133.toml": 'model = "tiny"\nstructure = "old"\n[[adoption]]\nunit = "99999"\n'})
    assert main(["--lang", "en", "validate", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        'pilots/tiny/133.toml:4:1: error: unknown unit code "99999" (not in the old register nor in units/); declare it under units/ or fix the code'
    ]
    assert "1 error(s)" in err


def test_validate_json_is_machine_readable(make_repo, capsys):
    root = make_repo({"pilots/tiny/133.toml": "not toml"})
    assert main(["validate", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["errors"] == 1
    problem = report["problems"][0]
    assert problem | {"message": "", "message_en": "", "message_code": "", "params": {}} == {
        "path": "pilots/tiny/133.toml", "line": 1, "column": 5, "severity": "error",
        "code": "toml-syntax", "message": "", "message_en": "", "message_code": "", "params": {},
    }
    # the message as data: its catalogue code and parameters, and the text both languages render from
    assert problem["message_code"] and isinstance(problem["params"], dict)
    assert problem["message"].startswith("lỗi cú pháp TOML") and problem["message_en"].startswith("TOML syntax error")


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "xml"])
    assert exc.value.code == 2


def test_not_a_data_root_exits_1(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 1
    assert "không phải kho dữ liệu Nhân Rộng" in capsys.readouterr().err


def test_units_new_structure_csv(capsys):
    assert main(["units", "--province", "15", "--structure", "new", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "code,name,kind,parent,lat,lon,source"
    assert len(lines) == 1 + 1 + 99
    assert any(line.startswith("04252,Phường Yên Bái,commune,15,") for line in lines)


def test_units_with_root_lists_declared_units(make_repo, capsys):
    assert main(["units", str(make_repo()), "--province", "15", "--structure", "old", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    village = [r for r in rows if r["code"] == "T-04249-01"]
    assert village == [{"code": "T-04249-01", "name": "Tổ dân phố 1", "kind": "village", "parent": "04249",
                        "lat": None, "lon": None, "source": "units/villages.toml"}]


def test_units_new_structure_places_declared_units_under_the_new_commune(make_repo, capsys):
    extra = 'structure = "old"\n' + "".join(
        f'[[unit]]\ncode = "T-04249-{i}"\nname = "Tổ dân phố {i}"\nkind = "village"\nparent = "04249"\n' for i in (2, 10, 3))
    assert main(["units", str(make_repo({"units/more.toml": extra})), "--province", "15", "--format", "json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "village"]
    # old Phường Yên Thịnh (04249) is part of the new Phường Văn Phú (04279); codes in natural order
    assert [(r["code"], r["parent"]) for r in rows] == [("T-04249-01", "04279"), ("T-04249-2", "04279"),
                                                        ("T-04249-3", "04279"), ("T-04249-10", "04279")]


def test_units_lists_provinces_without_province(capsys):
    assert main(["units", "--structure", "new", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 34 and {"code": "15", "name": "Tỉnh Lào Cai"}.items() <= rows[[r["code"] for r in rows].index("15")].items()


def test_unknown_province_exits_1(capsys):
    assert main(["units", "--province", "99"]) == 1
    assert 'Không có tỉnh mã "99"' in capsys.readouterr().err


@pytest.mark.parametrize("lang, line", [
    ("vi", 'lỗi: Không có tỉnh mã "99" trong cấu trúc new; chạy `nhanrong units --structure new` để xem danh sách.\n'),
    ("en", 'error: No province with code "99" in the new structure; run `nhanrong units --structure new` to list the provinces.\n'),
])
def test_a_domain_error_is_one_line_in_the_readers_language(capsys, lang, line):
    # the error's code and parameters, rendered from the catalogue: no "vi / en" line
    assert main(["--lang", lang, "units", "--province", "99"]) == 1
    assert capsys.readouterr().err == line


def test_validate_summary_in_english(make_repo, capsys):
    assert main(["--lang", "en", "validate", str(make_repo())]) == 0
    assert capsys.readouterr().err == "3 files, 2 adoption records: 0 error(s), 0 warning(s)\n"


@pytest.mark.parametrize("argv, env, words", [
    (["--help"], None, "theo dõi mô hình thí điểm"),
    (["--lang", "en", "--help"], None, "track digital-transformation pilot models"),
    (["--lang=en", "--help"], None, "track digital-transformation pilot models"),
    (["--help"], "en", "track digital-transformation pilot models"),
])
def test_the_description_is_in_the_language_asked_for(capsys, monkeypatch, argv, env, words):
    if env:
        monkeypatch.setenv("NHANRONG_LANG", env)
    else:
        monkeypatch.delenv("NHANRONG_LANG", raising=False)
    with pytest.raises(SystemExit):
        main(argv)
    assert words in " ".join(capsys.readouterr().out.split())


def test_the_cli_chooses_no_words_by_language():
    """Every line of cli.py comes from the catalogue (codes cli.*): no `lang == "en"` branch, no "vi / en"."""
    text = (Path(__file__).resolve().parents[1] / "src" / "nhanrong" / "cli.py").read_text(encoding="utf-8")
    assert 'lang == "en"' not in text and "lỗi / error" not in text


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help_and_is_in_the_readme(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: nhanrong {command}")
    assert re.search(rf"nhanrong {command}\b", README.read_text(encoding="utf-8")), f"README does not document `nhanrong {command}`"


def test_the_domain_package_never_imports_streamlit():
    """The app is its own package (nhanrong_app); the domain stays usable in CI without Streamlit."""
    import re
    from pathlib import Path

    import nhanrong

    pattern = re.compile(r"^\s*(import streamlit|from streamlit\b)", re.M)
    found = [p.name for p in Path(nhanrong.__file__).parent.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_serve_runs_the_app_package_beside_the_domain():
    import argparse
    from pathlib import Path

    from nhanrong.cli import serve_command

    args = argparse.Namespace(port=8501, address="127.0.0.1", max_upload_mb=20, headless=True, base_url_path="", secrets=None)
    app = Path(serve_command(args)[4])
    assert app.name == "streamlit_app.py" and app.parent.name == "nhanrong_app" and app.is_file()


def test_serve_uses_the_same_streamlit_settings_as_the_bundled_config():
    """`nhanrong serve` passes its settings as flags (a data folder has no .streamlit/): they must not drift
    from the repository's own config, or an installed app shows Streamlit's English menu again."""
    import tomllib

    from nhanrong.cli import SERVE_OPTIONS

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    flat = {f"{section}.{key}": value for section, table in config.items() for key, value in table.items()}
    for key in ("client.toolbarMode", "client.showErrorLinks", "server.fileWatcherType", "client.showErrorDetails"):
        assert SERVE_OPTIONS[key] == str(flat[key]).lower(), key
