import csv
import dataclasses
import io

import pandas as pd

from nhanrong.planning.export import (SCHEDULE_COLUMNS, cost_by_pool, excel_bytes, resource_use, schedule_csv,
                                      schedule_csv_bytes, schedule_frame, schedule_path, write_excel, write_schedule)
from nhanrong.planning.forecast import evaluate_targets, run_plan
from planning_cases import one_model, two_models


def test_schedule_rows_in_stable_order_with_periods_and_learned_from():
    sched = run_plan(one_model(trainers=2, horizon=4))
    frame = schedule_frame(sched)
    assert list(frame.columns) == SCHEDULE_COLUMNS
    assert frame["unit"].tolist() == sorted(frame["unit"])
    first = frame.iloc[0].to_dict()
    assert first == {"model": "a", "unit": "D1C01", "unit_name": "D1C01", "kind": "commune", "commune": "", "role": "nhân rộng",
                     "period": "quý I/2023", "start": "2023-01-01", "scale": "2023-01-31", "learned_from": "D1C00",
                     "learned_from_name": "D1C00"}
    last = frame.iloc[-1].to_dict()
    assert (last["period"], last["start"], last["learned_from"], last["role"]) == ("", "", "", "ngoài kỳ kế hoạch")


def test_a_village_row_names_its_commune_and_a_commune_row_none():
    inst = two_models(trainers=4)
    names = {k: f"Xã {k}" if k.count("C") and "V" not in k else f"Thôn {k[-1]}" for k in inst.units["key"]}
    units = inst.units.assign(name=inst.units["key"].map(names))
    sched = run_plan(dataclasses.replace(inst, units=units))
    frame = schedule_frame(sched).set_index(["model", "unit"])
    assert frame.at[("team", "D1C01V1"), "commune"] == "Xã D1C01"
    assert frame.at[("team", "D2C02V0"), "unit_name"] == "Thôn 0"
    assert frame.at[("team", "D2C02V0"), "commune"] == "Xã D2C02"
    assert frame.at[("team", "D1C01"), "commune"] == "" and frame.at[("xa", "D1C01"), "commune"] == ""
    rows = list(csv.DictReader(io.StringIO(schedule_csv(sched))))
    assert {r["commune"] for r in rows if r["kind"] == "village"} == {f"Xã D{d}C{c:02d}" for d in (1, 2) for c in range(3)}
    # Still sorted by model, then unit code.
    assert [(r["model"], r["unit"]) for r in rows] == sorted((r["model"], r["unit"]) for r in rows)


def test_csv_is_the_same_for_the_same_plan():
    inst = one_model(trainers=2)
    text = schedule_csv(run_plan(inst))
    assert text == schedule_csv(run_plan(inst))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 10 and rows[0]["period"] == "quý I/2023"


def test_resource_use_and_cost():
    sched = run_plan(one_model(trainers=2, horizon=4))
    use = resource_use(sched)
    assert use["label"].tolist() == ["quý I/2023", "quý II/2023", "quý III/2023", "quý IV/2023"]
    assert use["share"].tolist() == [1.0] * 4
    assert cost_by_pool(sched) == {"trainers": 8.0}


def test_schedule_file_next_to_the_plan_and_excel(tmp_path):
    plan = tmp_path / "plans" / "thu.toml"
    plan.parent.mkdir()
    plan.write_text("", encoding="utf-8")
    sched = run_plan(one_model(trainers=2))
    path = write_schedule(sched, plan)
    assert path == schedule_path(plan) == tmp_path / "plans" / "thu.schedule.csv"
    assert path.read_text(encoding="utf-8").startswith(",".join(SCHEDULE_COLUMNS))
    xlsx = write_excel(sched, evaluate_targets(sched), tmp_path / "plan.xlsx")
    book = pd.read_excel(xlsx, sheet_name=None)
    assert set(book) == {"schedule", "coverage", "targets", "resources"}
    assert len(book["schedule"]) == 10 and bool(book["targets"].at[0, "met"]) is False
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary file left behind


def test_downloads_are_the_files_for_excel(tmp_path):
    sched = run_plan(one_model(trainers=2))
    data = schedule_csv_bytes(sched)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # BOM: Excel shows Vietnamese
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))) == \
        list(csv.reader(io.StringIO(schedule_csv(sched), newline="")))
    results = evaluate_targets(sched)
    book = pd.read_excel(io.BytesIO(excel_bytes(sched, results)), sheet_name=None)
    assert set(book) == {"schedule", "coverage", "targets", "resources"}
    assert book["schedule"].equals(pd.read_excel(write_excel(sched, results, tmp_path / "p.xlsx"), sheet_name="schedule"))
