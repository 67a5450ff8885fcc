"""`nhanrong indicators`: exact output in each form, the stable JSON keys, formula-safe CSV, exit codes, help."""

from __future__ import annotations

import json

import pytest

from nhanrong.cli import main
from nhanrong.commands.indicators import INDICATORS_JSON
from test_indicators import HEADER, TINY_INDICATORS


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def root(make_repo):
    return make_repo({"indicators/yen-bai.toml": TINY_INDICATORS})


def test_table_is_vietnamese(root, capsys):
    code, out, err = run(capsys, "indicators", str(root), "--as-of", "31/12/2022")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "indicator  pillar          name                                  value           date        change        target         target_date  verdict",
        "rank       Chung           Xếp hạng DTI                          27/63           31/12/2022  +13 bậc       ≤ 25/63        31/12/2023   Đúng tiến độ",
        "accounts   Chính quyền số  Tài khoản                             120 tài khoản   31/12/2022  ±0 tài khoản  100 tài khoản  31/12/2022   Đạt",
        "products   Kinh tế số      Sản phẩm trên sàn thương mại điện tử  5.277 sản phẩm  31/12/2022  –             –              –            –",
        "set: 2/4 chỉ tiêu đạt. Mục tiêu đến 2025, hạn 31/12/2025. Báo cáo ngày 31/12/2022. Nguồn: báo",
    ]


def test_table_in_english_for_one_pillar(root, capsys):
    code, out, _ = run(capsys, "--lang", "en", "indicators", str(root), "--as-of", "2022-12-31", "--pillar", "overall")
    assert code == 0
    assert out.splitlines() == [
        "indicator  pillar   name          value  date        change      target   target_date  verdict",
        "rank       Overall  Xếp hạng DTI  27/63  2022-12-31  +13 places  ≤ 25/63  2023-12-31   On track",
        "set: 2 of 4 targets met. Mục tiêu đến 2025, due 2025-12-31. Reported on 2022-12-31. Source: báo",
    ]


def test_json_keeps_numbers_and_iso_dates(root, capsys):
    code, out, _ = run(capsys, "indicators", str(root), "--as-of", "2022-12-31", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["as_of"] == "2022-12-31" and [r["indicator"] for r in doc["indicators"]] == ["rank", "accounts", "products"]
    assert all(list(r) == INDICATORS_JSON for r in doc["indicators"])
    rank = doc["indicators"][0]
    assert {k: rank[k] for k in ("pillar", "unit", "direction", "value", "date", "previous", "previous_date", "change",
                                 "target", "target_date", "verdict")} == {
        "pillar": None, "unit": "/63", "direction": "lower", "value": 27.0, "date": "2022-12-31", "previous": 40.0,
        "previous_date": "2021-12-31", "change": -13.0, "target": 25.0, "target_date": "2023-12-31", "verdict": "on-track"}
    accounts = doc["indicators"][1]
    assert (accounts["from_model"], accounts["from_metric"], accounts["value"], accounts["source"]) == ("tiny", "accounts", 120.0, "")
    assert doc["target_sets"] == [{
        "target_set": "set", "name": "Mục tiêu đến 2025", "name_en": "", "deadline": "2025-12-31", "scope": "15",
        "structure": "old", "total": 4, "met": 2, "unknown": 0, "reported": "2022-12-31",
        "by_pillar": {"overall": {"met": 0, "total": 1}, "government": {"met": 2, "total": 3}}, "sources": ["báo"]}]


def test_csv_is_formula_safe(make_repo, capsys):
    text = HEADER + ('[[indicator]]\nid = "x"\nname = "=HYPERLINK(\\"http://evil\\")"\npillar = "economy"\nunit = "lượt"\n'
                     'readings = [{ date = 2022-12-31, value = 7739, source = "+báo" }]\n')
    code, out, _ = run(capsys, "indicators", str(make_repo({"indicators/a.toml": text})), "--as-of", "2022-12-31",
                       "--format", "csv", "--pillar", "economy")
    assert code == 0
    head, row = out.splitlines()
    assert head == ",".join(INDICATORS_JSON)
    assert row.startswith("x,\"'=HYPERLINK(\"\"http://evil\"\")\",,economy,lượt,higher,province,15,old,,,7739.0,2022-12-31,'+báo,")


def test_problems_of_the_files_are_printed_located_and_the_rest_answers(make_repo, capsys):
    root = make_repo({"indicators/yen-bai.toml": TINY_INDICATORS,
                      "indicators/bad.toml": HEADER + '[[indicator]]\nid = "x"\nname = "X"\nunit = "x"\npiller = "economy"\n'})
    code, out, err = run(capsys, "indicators", str(root), "--as-of", "2022-12-31", "--format", "json")
    assert code == 0 and len(json.loads(out)["indicators"]) == 3
    assert err == 'indicators/bad.toml:7:1: error: khoá không hợp lệ "indicator.piller" (có phải ý bạn là "pillar"?)\n'


def test_no_indicators_folder_prints_an_empty_table(make_repo, capsys):
    code, out, _ = run(capsys, "indicators", str(make_repo()), "--as-of", "2022-12-31")
    assert code == 0 and out == "indicator  pillar  name  value  date  change  target  target_date  verdict\n"


def test_not_a_data_root_exits_1(tmp_path, capsys):
    code, _, err = run(capsys, "indicators", str(tmp_path))
    assert code == 1 and "không phải kho dữ liệu Nhân Rộng" in err


@pytest.mark.parametrize("argv, needle", [
    (["--as-of", "31/09/2022"], "Không có ngày 31/09/2022"),  # 31-12-2022 reads as the app reads it
    (["--pillar", "economic"], "invalid choice: 'economic'"),
    (["--format", "xml"], "invalid choice: 'xml'"),
])
def test_usage_errors_exit_2(root, capsys, argv, needle):
    with pytest.raises(SystemExit) as exc:
        main(["indicators", str(root), *argv])
    assert exc.value.code == 2 and needle in capsys.readouterr().err


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["indicators", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: nhanrong indicators [-h] [--as-of DATE]")
    for option in ("--pillar {government,economy,society,overall}", "--format {table,csv,json}", "ROOT"):
        assert option in out
    assert "target set" in " ".join(out.split())
