import json
from pathlib import Path

import pytest

from nhanrong.cli import main
from planning_cases import TINY_PLAN as PLAN

BUNDLED = Path(__file__).resolve().parents[1]


@pytest.fixture
def plan_file(make_repo) -> Path:
    return make_repo({"plans/thu.toml": PLAN}) / "plans" / "thu.toml"


def test_help_names_the_arguments(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["plan", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("PLAN.toml", "ROOT", "--format", "--out", "schedule.csv"):
        assert word in out


def test_table_says_what_is_short_and_writes_the_schedule(plan_file, capsys):
    assert main(["plan", str(plan_file)]) == 0
    out = capsys.readouterr().out
    assert "Kế hoạch: Thử (old:132), từ 01/01/2023, 4 quý" in out
    assert "Không đạt" in out and "thiếu 4 giờ giảng viên mỗi quý từ quý I/2023" in out
    schedule = plan_file.with_name("thu.schedule.csv")
    lines = schedule.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "model,unit,unit_name,kind,commune,role,period,start,scale,learned_from,learned_from_name"
    assert len(lines) == 1 + 12  # 14 communes, two already started
    before = schedule.read_bytes()
    assert main(["plan", str(plan_file), "--no-search"]) == 0
    assert schedule.read_bytes() == before  # same input, same file


def test_english(plan_file, capsys):
    assert main(["--lang", "en", "plan", str(plan_file), "--no-schedule"]) == 0
    out = capsys.readouterr().out
    assert "not met" in out and "short of 4 trainer-hours per quarter from Q1 2023" in out
    assert not plan_file.with_name("thu.schedule.csv").exists()


def test_json_is_the_machine_form(plan_file, capsys):
    assert main(["plan", str(plan_file), "--format", "json", "--no-schedule"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["plan"] == "Thử" and doc["horizon"] == 4
    t = doc["targets"][0]
    assert (t["model"], t["met"], t["binding"], t["date"]) == ("tiny", False, "resource", "2023-12-31")
    assert t["extra"] == {"trainer_hours": 4.0} and t["extra_from"] == "quý I/2023"
    assert len(doc["schedule"]) == 12
    assert {r["pool"] for r in doc["resources"]} == {"trainer_hours"}
    assert doc["cost"] == {"budget_vnd": 8_000_000.0, "trainer_hours": 32.0}


def test_csv_and_excel_out(plan_file, tmp_path, capsys):
    out_csv = tmp_path / "lich.csv"
    assert main(["plan", str(plan_file), "--format", "csv", "--out", str(out_csv), "--no-schedule"]) == 0
    assert out_csv.read_text(encoding="utf-8").startswith("model,unit,")
    xlsx = tmp_path / "plan.xlsx"
    assert main(["plan", str(plan_file), "--out", str(xlsx), "--no-schedule", "--no-search"]) == 0
    assert xlsx.stat().st_size > 0
    assert "Không đạt" in capsys.readouterr().out


def test_invalid_plan_exits_1_with_the_location(make_repo, capsys):
    root = make_repo()
    bad = root / "elsewhere.toml"
    bad.write_text(PLAN.replace("horizon = 4", "horizont = 4"), encoding="utf-8")
    assert main(["plan", str(bad), str(root)]) == 1
    err = capsys.readouterr().err
    assert "horizont" in err and "có lỗi" in err


def test_missing_plan_exits_1(make_repo, capsys):
    root = make_repo()
    assert main(["plan", str(root / "plans" / "khong-co.toml"), str(root)]) == 1
    assert "Không có tệp kế hoạch" in capsys.readouterr().err


@pytest.mark.parametrize("name, met", [("lao-cai-2026", True), ("yen-bai-2023-xa-so", False)])
def test_bundled_example_plans(name, met, capsys):
    plan = BUNDLED / "plans" / f"{name}.toml"
    if not plan.exists():
        pytest.skip("example plan not bundled")
    assert main(["plan", str(plan), str(BUNDLED), "--format", "json", "--no-schedule"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["targets"] and all(t["met"] == met for t in doc["targets"])
    if not met:
        assert all(t["binding"] == "resource" and t["extra"] for t in doc["targets"])


def test_what_if_compares_variants(plan_file, capsys):
    assert main(["plan", str(plan_file), "--no-schedule", "--no-search", "--what-if", "trainer_hours+4",
                 "--what-if", "delay=400"]) == 0
    out = capsys.readouterr().out
    assert "Phương án" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith(("cơ sở", "trainer_hours+4", "delay=400"))}
    assert "0/1" in lines["cơ"] and "1/1" in lines["trainer_hours+4"] and "1/1" in lines["delay=400"]
    assert main(["plan", str(plan_file), "--no-schedule", "--what-if", "nonsense"]) == 1
    assert "Không hiểu phương án" in capsys.readouterr().err
