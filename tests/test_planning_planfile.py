import datetime as dt

import pytest
import tomli

from nhanrong.editing.safewrite import read_snapshot
from nhanrong.errors import NhanRongError
from nhanrong.planning.planfile import PlanWriteError, edited_plan, plan_toml, save_plan
from nhanrong.schema import PlanFile

TEXT = """\
# Kế hoạch thử: chú thích phải còn sau khi sửa.
name = "Thử"
scope = "132"
structure = "old"
start = 2023-01-01
period = "quarter"
horizon = 4                  # bốn quý
models = ["tiny"]

[resources]
trainer_hours = 8            # hai giảng viên
budget_vnd = 4_000_000

[[targets]]
model = "tiny"
coverage = 1.0
date = 2023-12-31
"""


def _plan(text=TEXT) -> PlanFile:
    return PlanFile.model_validate(tomli.loads(text))


def test_unchanged_plan_gives_the_same_text():
    assert plan_toml(TEXT, _plan()) == TEXT


def test_changed_numbers_keep_comments_and_untouched_values():
    plan = edited_plan(_plan(), horizon=6, resources={"trainer_hours": 12.0, "budget_vnd": 4e6})
    out = plan_toml(TEXT, plan)
    assert "# Kế hoạch thử: chú thích phải còn sau khi sửa." in out
    assert "horizon = 6" in out and "# bốn quý" in out
    assert "trainer_hours = 12" in out and "# hai giảng viên" in out
    assert "budget_vnd = 4_000_000" in out  # not changed: written as it was
    assert _plan(out) == plan


def test_targets_and_rule_are_rewritten():
    plan = edited_plan(_plan(), targets=[{"model": "tiny", "coverage": 0.5, "date": dt.date(2024, 6, 30)}],
                       priorities={"rule": "every-area"}, pilot_first=False)
    out = plan_toml(TEXT, plan)
    again = _plan(out)
    assert again.targets[0].coverage == 0.5 and again.priorities.rule == "every-area" and again.pilot_first is False


def test_invalid_edit_is_refused():
    with pytest.raises(PlanWriteError, match="horizon"):
        edited_plan(_plan(), horizon=0)


def test_save_refuses_when_the_file_changed_meanwhile(tmp_path):
    path = tmp_path / "thu.toml"
    path.write_text(TEXT, encoding="utf-8")
    snap = read_snapshot(path)
    plan = edited_plan(_plan(), horizon=5)
    save_plan(path, plan, expected=snap.digest)
    assert _plan(path.read_text(encoding="utf-8")).horizon == 5
    with pytest.raises(NhanRongError):
        save_plan(path, edited_plan(plan, horizon=7), expected=snap.digest)  # stale digest
    assert _plan(path.read_text(encoding="utf-8")).horizon == 5
    assert PlanWriteError.__doc__
