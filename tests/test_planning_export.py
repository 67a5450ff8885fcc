import csv
import io

import pandas as pd

from nhanrong.planning.export import (SCHEDULE_COLUMNS, cost_by_pool, resource_use, schedule_csv, schedule_frame,
                                      schedule_path, write_excel, write_schedule)
from nhanrong.planning.forecast import evaluate_targets, run_plan
from planning_cases import one_model


def test_schedule_rows_in_stable_order_with_periods_and_learned_from():
    sched = run_plan(one_model(trainers=2, horizon=4))
    frame = schedule_frame(sched)
    assert list(frame.columns) == SCHEDULE_COLUMNS
    assert frame["unit"].tolist() == sorted(frame["unit"])
    first = frame.iloc[0].to_dict()
    assert first == {"model": "a", "unit": "D1C01", "unit_name": "D1C01", "kind": "commune", "role": "nhân rộng",
                     "period": "Q1/2023", "start": "2023-01-01", "scale": "2023-01-31", "learned_from": "D1C00",
                     "learned_from_name": "D1C00"}
    last = frame.iloc[-1].to_dict()
    assert (last["period"], last["start"], last["learned_from"], last["role"]) == ("", "", "", "ngoài kỳ kế hoạch")


def test_csv_is_the_same_for_the_same_plan():
    inst = one_model(trainers=2)
    text = schedule_csv(run_plan(inst))
    assert text == schedule_csv(run_plan(inst))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 10 and rows[0]["period"] == "Q1/2023"


def test_resource_use_and_cost():
    sched = run_plan(one_model(trainers=2, horizon=4))
    use = resource_use(sched)
    assert use["label"].tolist() == ["Q1/2023", "Q2/2023", "Q3/2023", "Q4/2023"]
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
