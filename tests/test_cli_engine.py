"""`nhanrong status` and `nhanrong gaps`: output forms, stable JSON keys, exit codes, help."""

from __future__ import annotations

import json

import pytest

from nhanrong.cli import main

STATUS_KEYS = {"model", "scope", "structure", "as_of", "eligible", "not_started", "assess", "pilot", "evaluate", "scale", "coverage"}
GAPS_KEYS = {"unit", "model", "kind", "since", "severity", "message_code", "message", "message_en", "action", "action_en"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_status_json(make_repo, capsys):
    root = make_repo()
    code, out, _ = run(capsys, "status", str(root), "--as-of", "2022-12-31", "--scope", "132", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 1 and STATUS_KEYS <= set(rows[0])
    r = rows[0]
    assert (r["model"], r["scope"], r["structure"], r["as_of"], r["eligible"], r["scale"], r["pilot"]) == ("tiny", "132", "old", "2022-12-31", 14, 1, 1)
    assert r["coverage"] == pytest.approx(1 / 14)


def test_status_table_is_vietnamese(make_repo, capsys):
    code, out, _ = run(capsys, "status", str(make_repo()), "--as-of", "31/12/2022", "--scope", "132", "--level", "commune")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["model", "scope", "scope_name"]
    assert "7,1%" in out and "31/12/2022" in out and "100,0%" in out
    assert len(lines) == 1 + 1 + 14


def test_status_csv_and_new_structure(make_repo, capsys):
    code, out, _ = run(capsys, "status", str(make_repo()), "--as-of", "2022-12-31", "--structure", "new", "--format", "csv")
    assert code == 0
    head, row = out.splitlines()[:2]
    assert head.startswith("model,scope,scope_name,structure,level,as_of,eligible")
    assert row.startswith("tiny,15,Tỉnh Lào Cai,new,province,2022-12-31,99,")


def test_gaps_json_and_filters(make_repo, capsys):
    root = make_repo()
    code, out, _ = run(capsys, "gaps", str(root), "--as-of", "2022-12-31", "--scope", "132", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(GAPS_KEYS <= set(r) for r in rows)
    assert rows[0]["severity"] == "high"
    code, out, _ = run(capsys, "gaps", str(root), "--as-of", "2022-12-31", "--kind", "stalled", "--format", "json")
    rows = json.loads(out)
    assert [(r["unit"], r["kind"], r["since"], r["severity"]) for r in rows] == [("04252", "stalled", "2022-05-31", "high")]
    code, out, _ = run(capsys, "gaps", str(root), "--as-of", "2022-12-31", "--kind", "stale", "--kind", "stalled", "--format", "json")
    assert {r["kind"] for r in json.loads(out)} == {"stale", "stalled"}


def test_gaps_table_in_english(make_repo, capsys):
    code, out, _ = run(capsys, "--lang", "en", "gaps", str(make_repo()), "--as-of", "2022-12-31", "--kind", "stalled")
    assert code == 0
    assert "2022-05-31" in out and "has been in the" in out and "Find out what blocks" in out
    assert "giai đoạn" not in out


def test_gaps_json_carries_the_message_code_and_both_texts(make_repo, capsys):
    code, out, _ = run(capsys, "gaps", str(make_repo()), "--as-of", "2022-12-31", "--kind", "stalled", "--format", "json")
    assert code == 0
    (r,) = json.loads(out)
    assert r["message_code"] == "gap.stalled"
    assert r["params"]["stage"] == "pilot" and r["params"]["unit_name"] == "Phường Yên Ninh"
    assert r["params"]["days"] - r["params"]["expected"] == r["params"]["over"] and r["params"]["day"].count("-") == 2
    assert r["message"].startswith("Phường Yên Ninh ở giai đoạn \"thí điểm\"") and "quá" in r["message"]
    assert "has been in the \"pilot\" stage" in r["message_en"]
    assert r["action"].startswith("Kiểm tra vướng mắc") and r["action_en"].startswith("Find out what blocks")


def test_warnings_and_usage_errors_speak_one_language(make_repo, capsys, monkeypatch):
    root = make_repo({"pilots/tiny/bad.toml": 'model = "tiny"\nstructure = "old"\n[[adoption]]\nunit = "00000"\n'})
    code, _, err = run(capsys, "--lang", "en", "status", str(root), "--as-of", "2022-12-31", "--format", "json")
    assert code == 0 and err.startswith("warning: the data has 1 error(s)") and "cảnh báo" not in err
    monkeypatch.setenv("NHANRONG_LANG", "en")
    with pytest.raises(SystemExit):
        main(["status", str(root), "--as-of", "31/09/2022"])
    err = capsys.readouterr().err
    assert "There is no 31/09/2022: 9/2022 has only 30 days" in err and "Không" not in err
    # --lang in the arguments themselves reaches the date check (it runs before --lang is parsed)
    monkeypatch.delenv("NHANRONG_LANG")
    with pytest.raises(SystemExit):
        main(["--lang", "en", "gaps", str(root), "--as-of", "hôm qua"])
    assert "Cannot read the date «hôm qua»: type year-month-day, e.g. 2022-09-30" in capsys.readouterr().err


@pytest.mark.parametrize("argv, needle", [
    (["status", "--scope", "99999"], "99999"),
    (["gaps", "--model", "nope"], "nope"),
    (["status", "--structure", "new", "--level", "district"], "district"),
])
def test_domain_errors_exit_1(make_repo, capsys, argv, needle):
    code, _, err = run(capsys, argv[0], str(make_repo()), *argv[1:])
    assert code == 1
    assert err.startswith("lỗi:") and needle in err


def test_bad_date_is_a_usage_error(make_repo, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["status", str(make_repo()), "--as-of", "31/09/2022"])
    assert exc.value.code == 2
    assert "Không có ngày 31/09/2022: tháng 9/2022 chỉ có 30 ngày" in capsys.readouterr().err


@pytest.mark.parametrize("typed", ["31/12/2022", "31-12-2022", "31.12.2022", "2022-12-31", "31/12/2022 "])
def test_the_commands_read_a_date_as_the_app_does(make_repo, capsys, typed):
    """One date reader for the app's fields, `status`/`gaps` and `record`/`import` (nhanrong.formats.parse_date)."""
    import datetime as dt

    from nhanrong.commands.engine import _date
    from nhanrong.editing.imports import parse_date
    from nhanrong.formats import parse_date as app_date

    assert _date(typed) == parse_date(typed) == app_date(typed) == dt.date(2022, 12, 31)


@pytest.mark.parametrize("command", ["status", "gaps"])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--as-of" in out and "--scope" in out and "--format" in out and "json" in out


def test_broken_data_warns_but_answers(make_repo, capsys):
    root = make_repo({"pilots/tiny/bad.toml": 'model = "tiny"\nstructure = "old"\n[[adoption]]\nunit = "00000"\n'})
    code, out, err = run(capsys, "status", str(root), "--as-of", "2022-12-31", "--format", "json")
    assert code == 0 and json.loads(out)
    assert "nhanrong validate" in err


def test_gap_kinds_match_the_engine():
    from nhanrong.commands.engine import GAP_KINDS
    from nhanrong.gaps import GAP_KINDS as ENGINE_KINDS

    assert GAP_KINDS == ENGINE_KINDS


@pytest.mark.parametrize("as_of, structure, scope", [
    ("2022-12-31", "old", "15"),   # before the reform: Tỉnh Yên Bái of the old structure
    ("2025-06-30", "old", "15"),
    ("2025-07-01", "new", "15"),   # from 1/7/2025: the new Tỉnh Lào Cai
    ("2026-12-31", "new", "15"),
])
def test_status_and_gaps_default_to_the_structure_in_force_at_the_date(make_repo, capsys, as_of, structure, scope):
    root = str(make_repo())
    code, out, _ = run(capsys, "status", root, "--as-of", as_of, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["structure"] for r in rows} == {structure} and rows[0]["scope"] == scope
    name = {"old": "Tỉnh Yên Bái", "new": "Tỉnh Lào Cai"}[structure]
    assert rows[0]["scope_name"] == name
    # gaps reads the same structure: a scope only the other structure has is refused
    other = {"old": "new", "new": "old"}[structure]
    code, _, err = run(capsys, "gaps", root, "--as-of", as_of, "--scope", "04279" if structure == "old" else "04249")
    assert code == 0 if structure == "old" else code == 1
    if code:
        assert f"--structure {other}" in err


def test_status_json_carries_history_and_parts(make_repo, capsys):
    code, out, _ = run(capsys, "status", str(make_repo()), "--as-of", "2022-12-31", "--structure", "new", "--scope", "04279",
                       "--format", "json")
    r = json.loads(out)[0]
    assert {"history", "parts", "parts_scale"} <= set(r)
    # new Phường Văn Phú: four old communes, of which only 04249 (Yên Thịnh) has the model at scale
    assert (r["eligible"], r["scale"], r["history"], r["parts"], r["parts_scale"]) == (1, 0, 0, 4, 1)
